// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm} from "forge-std/Vm.sol";

import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {LiquidationEngine} from "../../contracts/core/LiquidationEngine.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice Edges of the engine the main suite leaves out: constructor checks, re-flagging, fee routing without an
/// insurance share or without any fee, the schedule of an unknown position, and the kind of a capped dust close.
/// Amounts worked out by hand.
contract LiquidationEngineEdgesTest is EngineBaseTest {
    function test_constructor_rejectsEachZeroAddress() public {
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(IMarginVault(address(0)), fund, ADMIN, RISK_MANAGER);
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(vault, IInsuranceFund(address(0)), ADMIN, RISK_MANAGER);
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(vault, fund, address(0), RISK_MANAGER);
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(vault, fund, ADMIN, address(0));
    }

    function test_flagLiquidatable_keepsTheFirstTimeWhenFlaggedAgain() public {
        oracle.setPrice(_price(2300));
        uint256 first = engine.flagLiquidatable(positionId);
        assertEq(first, block.timestamp);
        skip(120);
        assertEq(engine.flagLiquidatable(positionId), first, "still liquidatable since the first flag");
        assertEq(engine.trancheState(positionId).liquidatableSince, first);
    }

    function test_liquidate_noProtocolFeeWhenTheKeeperTakesTheWholeBonus() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.keeperShare = 1e18;
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        oracle.setPrice(_price(2300));
        uint256 keeperBefore = quote.balanceOf(KEEPER);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, 5_250 * USDC);
        assertEq(keeperBefore - quote.balanceOf(KEEPER), repaid, "the keeper pays the debt and no fee");
        assertEq(quote.balanceOf(address(fund)), 0);
    }

    function test_liquidate_feeGoesWhollyToAnOutsideSinkWithoutInsuranceShare() public {
        vm.prank(RISK_MANAGER);
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: OTHER, insuranceShare: 0}));
        oracle.setPrice(_price(2300));
        uint256 ratio = uint256(23_000e18) / 21_000;
        uint256 fee = (5_250 * USDC * _bonus(ratio) * 0.3e18 + 1e36 - 1) / 1e36;
        _liquidate(type(uint256).max);
        assertEq(quote.balanceOf(OTHER), fee, "the whole fee, rounded up");
        assertEq(quote.balanceOf(address(fund)), 0, "nothing to the insurance fund");
    }

    function test_liquidationSchedule_revertsForAnUnknownPosition() public {
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.UnknownPosition.selector, 777));
        engine.liquidationSchedule(777, _price(2300));
    }

    /// @dev Audit finding I-1: a dust close bounded by `maxRepayAssets` leaves at least `minDebt`, so its event must
    /// not say `fullClose` (before the fix it kept its `DustClose` kind and said `true`).
    function test_liquidate_cappedDustClose_isReportedAsPartial() public {
        // 0.1 WETH against 120 USDC; at 1400 the ratio is 1.1667 and the 25 % cap (30 USDC) would leave 90 USDC, under
        // the 100 USDC minimum debt: the engine sizes a dust close of the whole 120 USDC.
        uint256 id = _openPosition(0.1e18, 120 * USDC);
        oracle.setPrice(_price(1400));
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(id);
        assertTrue(preview.fullClose, "sized as a dust close");
        assertEq(preview.repaidAssets, vault.debtAssetsOf(id));

        vm.recordLogs();
        vm.prank(KEEPER);
        engine.liquidate(id, 20 * USDC, KEEPER, "");

        assertEq(vault.debtAssetsOf(id), 100 * USDC, "capped: 100 USDC (minDebt) left");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool found;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].topics[0] != ILiquidationEngine.TrancheLiquidated.selector) continue;
            (uint256 repaid, , , , , , , bool fullClose) = abi.decode(
                logs[i].data,
                (uint256, uint256, uint256, uint256, uint256, uint256, uint256, bool)
            );
            assertEq(repaid, 20 * USDC);
            assertFalse(fullClose, "debt is left, so not a full close");
            found = true;
        }
        assertTrue(found, "TrancheLiquidated emitted");
    }
}
