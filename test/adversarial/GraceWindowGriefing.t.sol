// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack (audit finding M-1): a griefer (the owner's second account, or anyone) liquidates a 1-unit tranche
/// in the first block after every grace window, so that each tranche restarts the grace window and the time-bonus
/// clock and honest keepers are refused all day while the position stays below maintenance.
/// Before the fix (commit e5dd53d) the attack worked: 288 honest tranches refused in 24 h for 0.000576 USDC.
/// Defence: a tranche smaller than the one the engine sized is incomplete; it leaves the grace window and the time
/// bonus alone, and what it left of the sized tranche is open to any keeper at once (for one grace window from the
/// first incomplete tranche), so no sequence of small tranches delays the sized one, and splitting a sized tranche
/// never lets more than one sized tranche through per grace window.
contract GraceWindowGriefingTest is AdversarialBase {
    uint256 internal constant COOLDOWN = 300;
    uint256 internal constant ONE_DAY_OF_WINDOWS = 1 days / COOLDOWN; // 288

    function setUp() public override {
        super.setUp();
        _fundAttacker(20_000 * USDC);
        // Partial-tranche region: ratio 2400 * 10 / 21000 = 1.1428 (maintenance 1.2, full liquidation 1.08).
        oracle.setPrice(_price(2400));
        vm.prank(RISK_MANAGER);
        engine.setTimeBonus(marketId, uint256(0.01e18) / 1 hours);
    }

    /// @dev The griefer takes 1 unit whenever it can, and the honest keeper asks for the sized tranche right after,
    /// in the same block, every window for a day.
    function test_oneUnitTranches_doNotHoldHonestKeepersOff() public {
        uint256 sized = engine.previewLiquidation(positionId).repaidAssets;
        assertEq(sized, 5_250 * USDC, "the engine sizes a 5,250 USDC tranche (25 % cap)");
        uint256 honestTranches;
        uint256 honestRefusals;

        for (uint256 i = 0; i < ONE_DAY_OF_WINDOWS; ++i) {
            if (engine.previewLiquidation(positionId).reason != ILiquidationEngine.Reason.None) {
                vm.warp(block.timestamp + COOLDOWN);
                continue;
            }
            uint256 graceEndBefore = engine.nextEligibleAt(positionId);
            uint256 sizedNow = engine.previewLiquidation(positionId).repaidAssets;
            vm.prank(ATTACKER);
            engine.liquidate(positionId, 1, ATTACKER, "");
            assertEq(engine.nextEligibleAt(positionId), graceEndBefore, "the 1-unit tranche started no window");

            ILiquidationEngine.Preview memory rest = engine.previewLiquidation(positionId);
            assertEq(uint8(rest.reason), uint8(ILiquidationEngine.Reason.None), "the rest is open at once");
            vm.prank(KEEPER);
            try engine.liquidate(positionId, type(uint256).max, KEEPER, "") returns (uint256 repaid, uint256) {
                assertEq(repaid, sizedNow - 1, "the honest keeper takes the rest of the sized tranche");
                ++honestTranches;
            } catch {
                ++honestRefusals;
            }
            assertEq(engine.nextEligibleAt(positionId), block.timestamp + COOLDOWN, "the complete one starts it");
            vm.warp(block.timestamp + COOLDOWN);
        }

        assertEq(honestRefusals, 0, "no honest tranche refused");
        assertGe(honestTranches, 1, "the honest keeper liquidated");
        assertGe(vault.positionHealth(positionId).ratio, 1.2e18, "back above maintenance within the day");
    }

    /// @dev The 1-unit tranche neither resets nor restarts the time bonus: the honest keeper right after it is paid
    /// the bonus the position earned while it waited.
    function test_oneUnitTranche_leavesTheTimeBonusRunning() public {
        engine.flagLiquidatable(positionId);
        vm.warp(block.timestamp + 1 hours);
        uint256 extraBefore = engine.extraBonusOf(positionId);
        assertEq(extraBefore, 0.01e18 - (uint256(0.01e18) % 1 hours), "one hour of time bonus");
        uint256 bonusBefore = engine.previewLiquidation(positionId).bonus;

        vm.prank(ATTACKER);
        engine.liquidate(positionId, 1, ATTACKER, "");

        assertEq(engine.extraBonusOf(positionId), extraBefore, "time bonus kept");
        ILiquidationEngine.Preview memory rest = engine.previewLiquidation(positionId);
        assertGe(rest.bonus + 1e12, bonusBefore, "the rest is paid (about) the same bonus");
        assertEq(engine.trancheState(positionId).lastTrancheAt, 0, "no grace window started");
    }

    /// @dev Splitting: any sequence of incomplete tranches within one grace window, plus the one that completes them,
    /// repays no more than the tranche sized before the first of them, and then the grace window holds, dated from
    /// the first piece. (Once a grace
    /// window has passed since the first incomplete tranche, the position is sized afresh: still at most one sized
    /// tranche per grace window.)
    function testFuzz_splitTranches_neverPassMoreThanOneSizedTranche(uint256 seed, uint8 pieces) public {
        pieces = uint8(bound(pieces, 1, 12));
        uint256 sized = engine.previewLiquidation(positionId).repaidAssets;
        uint256 debtBefore = vault.debtAssetsOf(positionId);
        uint256 splitAt = block.timestamp;
        for (uint256 i = 0; i < pieces; ++i) {
            ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
            if (preview.reason != ILiquidationEngine.Reason.None || preview.repaidAssets <= 1) break;
            seed = uint256(keccak256(abi.encode(seed, i)));
            uint256 piece = bound(seed, 1, preview.repaidAssets - 1);
            vm.prank(ATTACKER);
            engine.liquidate(positionId, piece, ATTACKER, "");
            vm.warp(block.timestamp + (seed % 20)); // 12 pieces stay within one grace window (< 300 s)
        }
        if (engine.previewLiquidation(positionId).reason == ILiquidationEngine.Reason.None)
            _liquidate(type(uint256).max);

        assertLe(debtBefore - vault.debtAssetsOf(positionId), sized, "at most one sized tranche");
        if (vault.positionHealth(positionId).ratio < 1.2e18) {
            _expectNoFurtherTrancheUntil(KEEPER, positionId, splitAt + COOLDOWN);
        }
    }

    /// @dev What an incomplete tranche left open lasts one grace window from the first incomplete tranche; after that
    /// the position is sized afresh (and the keeper's complete tranche starts the grace window).
    function test_openRemainder_expiresAfterOneGraceWindow() public {
        vm.prank(ATTACKER);
        engine.liquidate(positionId, 1_000 * USDC, ATTACKER, "");
        ILiquidationEngine.TrancheState memory state = engine.trancheState(positionId);
        assertEq(state.openTrancheAt, block.timestamp);
        assertEq(state.openTrancheAssets, 4_250 * USDC, "5,250 sized, 1,000 taken");
        assertEq(engine.previewLiquidation(positionId).repaidAssets, 4_250 * USDC, "sized to the open remainder");

        vm.warp(block.timestamp + COOLDOWN);
        uint256 fresh = engine.previewLiquidation(positionId).repaidAssets;
        assertGt(fresh, 4_250 * USDC, "sized afresh once the remainder expired");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, fresh);
        state = engine.trancheState(positionId);
        assertEq(state.lastTrancheAt, block.timestamp, "complete: grace window started");
        assertEq(state.openTrancheAssets, 0, "remainder closed");
        assertEq(state.tranchesExecuted, 2);
    }
}
