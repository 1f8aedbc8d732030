// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice The market's minimum tranche (`minTrancheDebt`, issue #19) through the engine: the sized tranche is raised
/// to it, a keeper may not repay less than it (or than the sized tranche, when that is smaller), the lens and the
/// preview agree, and the vault refuses a minimum above `maxTrancheDebt`.
/// The fixture's position (10 WETH against 21,000 USDC) is at ratio 1.19 at 2499: the target asks ~5,560 USDC,
/// capped at 25 % of the debt (5,250).
contract LiquidationEngineMinimumTrancheTest is EngineBaseTest {
    uint256 internal constant MINIMUM = 8_000 * USDC;

    function setUp() public override {
        super.setUp();
        IMarginVault.RiskParams memory params = _riskParams();
        params.minTrancheDebt = uint128(MINIMUM);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, params);
        oracle.setPrice(_price(2499));
    }

    function test_sizedTranche_isRaisedToTheMinimum() public {
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        assertEq(uint8(preview.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertEq(preview.repaidAssets, MINIMUM, "above the 25 % cap (5,250): the minimum wins");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, MINIMUM);
        assertGt(vault.positionHealth(positionId).ratio, 1.25e18, "past the target");
    }

    function test_keeperBelowTheMinimum_isRefused() public {
        vm.prank(KEEPER);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.TrancheBelowMinimum.selector, positionId, MINIMUM - 1, MINIMUM)
        );
        engine.liquidate(positionId, MINIMUM - 1, KEEPER, "");
        vm.prank(KEEPER);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.TrancheBelowMinimum.selector, positionId, 1, MINIMUM)
        );
        engine.liquidate(positionId, 1, KEEPER, "");
    }

    /// @dev Below the sized tranche but at the minimum or more: an incomplete tranche, as without a minimum.
    function test_keeperAtTheMinimumOfALargerTranche_isIncomplete() public {
        oracle.setPrice(_price(2350)); // ratio 1.119: the target asks ~13,500, capped at 25 % (5,250)
        IMarginVault.RiskParams memory params = _riskParams();
        params.minTrancheDebt = uint128(4_000 * USDC);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, params);
        uint256 sized = engine.previewLiquidation(positionId).repaidAssets;
        assertEq(sized, 5_250 * USDC, "the share cap, above the minimum");
        (uint256 repaid, ) = _liquidate(4_000 * USDC);
        assertEq(repaid, 4_000 * USDC);
        ILiquidationEngine.TrancheState memory state = engine.trancheState(positionId);
        assertEq(state.openTrancheAssets, sized - 4_000 * USDC, "the rest is open");
        // The rest (1,250) is below the minimum: a keeper takes all of it, not less.
        vm.prank(KEEPER);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.TrancheBelowMinimum.selector,
                positionId,
                1_000 * USDC,
                sized - 4_000 * USDC
            )
        );
        engine.liquidate(positionId, 1_000 * USDC, KEEPER, "");
        (uint256 rest, ) = _liquidate(type(uint256).max);
        assertEq(rest, sized - 4_000 * USDC);
    }

    function test_vault_refusesAMinimumAboveTheMaximum() public {
        IMarginVault.RiskParams memory params = _riskParams();
        params.minTrancheDebt = params.maxTrancheDebt + 1;
        vm.prank(RISK_MANAGER);
        vm.expectRevert(
            abi.encodeWithSelector(
                TrancheMath.MinTrancheAboveMax.selector,
                uint256(params.maxTrancheDebt) + 1,
                params.maxTrancheDebt
            )
        );
        vault.setRiskParams(marketId, params);
    }

    /// @dev Whatever the price between full liquidation and maintenance and whatever the keeper asks, a tranche that
    /// goes through repays at least the smaller of the minimum and the sized tranche.
    function testFuzz_everyTranche_repaysAtLeastTheMinimumOrTheSizedTranche(uint256 price, uint256 maxRepay) public {
        oracle.setPrice(_price(bound(price, 2269, 2519))); // ratio (1.08, 1.2)
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        maxRepay = bound(maxRepay, 1, 30_000 * USDC);
        vm.prank(KEEPER);
        try engine.liquidate(positionId, maxRepay, KEEPER, "") returns (uint256 repaid, uint256) {
            uint256 floor = MINIMUM < preview.repaidAssets ? MINIMUM : preview.repaidAssets;
            assertGe(repaid, floor, "never below the minimum or the sized tranche");
            assertLe(repaid, preview.repaidAssets, "never above the sized tranche");
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            assertTrue(
                selector == ILiquidationEngine.TrancheBelowMinimum.selector ||
                    selector == ILiquidationEngine.LeavesDust.selector,
                "refused only for the minimum or dust"
            );
            if (selector == ILiquidationEngine.TrancheBelowMinimum.selector) assertLt(maxRepay, MINIMUM);
        }
    }
}
