// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack (audit finding L-2): in a falling market, an attacker liquidates its own positions from a second
/// account until the market's rolling window (`windowLimit`) is used up, so that honest keepers cannot take partial
/// tranches of anyone else's positions until the window rolls over (or those positions fall to the full-liquidation
/// ratio, where a whole close at the largest bonus is allowed). The attack costs only the protocol's share of the
/// bonus on the debt it liquidates.
/// Before the fix (commit d510cd2) it worked: the honest tranche was refused with `WindowExhausted`.
/// Defence (per-position room, `LiquidationRules.trancheRoom`): a position's first tranche in a window is never held
/// back by the window; only its repeat tranches in the same window are. What stays possible: filling the window
/// slows every other position to one tranche per window instead of one per grace window, for the protocol fee on
/// `windowLimit` per window.
contract WindowFillingBySelfLiquidationTest is AdversarialBase {
    address internal ATTACKER_KEEPER = makeAddr("ATTACKER_KEEPER");
    uint256 internal constant WINDOW_LIMIT = 20_000 * USDC;
    uint256[] internal attackerPositions;

    function setUp() public override {
        super.setUp();
        IMarginVault.RiskParams memory params = _riskParams();
        params.windowLimit = uint128(WINDOW_LIMIT);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, params);
        // Four attacker positions like the victim's (10 WETH against 21,000 USDC at 3000: ratio 1.4286).
        for (uint256 i = 0; i < 4; ++i) attackerPositions.push(_openIn(ATTACKER, 10e18, 21_000 * USDC));
        quote.mint(ATTACKER_KEEPER, 1_000_000 * USDC);
        vm.prank(ATTACKER_KEEPER);
        quote.approve(address(engine), type(uint256).max);
        // Partial-tranche region for every position: ratio 1.1428.
        oracle.setPrice(_price(2400));
    }

    function _openIn(address owner, uint256 collateralAssets, uint256 debtAssets) internal returns (uint256 id) {
        collateral.mint(owner, collateralAssets);
        vm.startPrank(owner);
        id = vault.openPosition(marketId);
        vault.depositCollateral(id, collateralAssets);
        vault.borrow(id, debtAssets, owner);
        vm.stopPrank();
    }

    /// @dev The attacker's second account liquidates the attacker's positions until the window is full.
    function _fillWindow() internal returns (uint256 feesPaid) {
        uint256 feesBefore = quote.balanceOf(address(fund));
        for (uint256 i = 0; i < attackerPositions.length; ++i) {
            if (engine.windowRemaining(marketId) == 0) break;
            vm.prank(ATTACKER_KEEPER);
            engine.liquidate(attackerPositions[i], type(uint256).max, ATTACKER_KEEPER, "");
        }
        feesPaid = quote.balanceOf(address(fund)) - feesBefore;
    }

    function test_fillingTheWindowWithOwnPositions_doesNotBlockAPositionsFirstTranche() public {
        uint256 feesPaid = _fillWindow();
        assertEq(engine.windowRemaining(marketId), 0, "window used up by the attacker's own positions");
        // The cost: the protocol fee on 20,000 USDC at a 3.9 % bonus and a 30 % protocol share, about 234 USDC.
        assertLt(feesPaid, 250 * USDC, "filling a 20,000 USDC window cost under 250 USDC");

        uint256 sized = engine.previewLiquidation(positionId).repaidAssets;
        assertEq(sized, 5_250 * USDC, "the victim's first tranche is sized as if the window had room");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, sized, "the honest keeper's tranche went through");
    }

    /// @dev The residual: once a position had its tranche in the window, its next one (after the grace window) waits
    /// for the window to roll over, then goes through.
    function test_fullWindow_holdsBackRepeatTranchesUntilItRollsOver() public {
        _fillWindow();
        _liquidate(type(uint256).max);
        skip(300);
        assertLt(vault.positionHealth(positionId).ratio, 1.2e18, "still liquidatable");
        assertEq(
            uint8(engine.previewLiquidation(positionId).reason),
            uint8(ILiquidationEngine.Reason.WindowExhausted),
            "second tranche in the window is held back"
        );
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.WindowExhausted.selector, marketId));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");

        skip(3600);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, 0, "the next window takes it");
    }

    /// @dev The attacker's own positions are held to the same rule: a second pass over them in the full window is
    /// refused, so the window cannot be re-filled faster than the victims are served.
    function test_attackersRepeatTranches_areHeldBackToo() public {
        _fillWindow();
        skip(300);
        for (uint256 i = 0; i < attackerPositions.length; ++i) {
            uint256 id = attackerPositions[i];
            if (engine.trancheState(id).tranchesExecuted == 0) continue;
            vm.prank(ATTACKER_KEEPER);
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.WindowExhausted.selector, marketId));
            engine.liquidate(id, type(uint256).max, ATTACKER_KEEPER, "");
        }
    }
}
