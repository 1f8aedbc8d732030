// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice The engine's clocks and an L2 sequencer outage: liquidations wait while the oracle is invalid, and grace
/// windows and the time bonus do not run while the sequencer is down. Cooldown 300 s (example parameters).
contract LiquidationEngineSequencerTest is EngineBaseTest {
    uint256 internal constant COOLDOWN = 300;
    uint256 internal t0;

    /// @dev A capped tranche at 2300 (the position stays below maintenance), at `t0`.
    function _firstTranche() internal {
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max);
        t0 = block.timestamp;
    }

    function _sequencerDown(uint256 downAt) internal {
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        oracle.setOutage(downAt, type(uint256).max);
    }

    /// @dev The sequencer restarted; prices are valid again from `resumedAt` (restart + oracle grace period).
    function _sequencerResumed(uint256 downAt, uint256 resumedAt) internal {
        oracle.setOutage(downAt, resumedAt);
        vm.warp(resumedAt);
        oracle.setStatus(IOracle.PriceStatus.Primary);
    }

    function _expectGrace(uint256 next) internal {
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InGracePeriod.selector, positionId, next));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
    }

    function test_outage_liquidationsWaitAndWindowDoesNotEndWhileDown() public {
        _firstTranche();
        skip(100);
        _sequencerDown(t0 + 100);
        assertEq(engine.nextEligibleAt(positionId), type(uint256).max, "no end while down");
        skip(1 hours);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, marketId));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        assertEq(uint8(preview.reason), uint8(ILiquidationEngine.Reason.InvalidPrice));
        assertEq(preview.nextEligibleAt, type(uint256).max);
    }

    function test_outage_windowTimeLeftRunsAgainAfterPricesResume() public {
        _firstTranche();
        // Down 100 s into the 300 s window, back up (prices valid) two hours later: 200 s of window remain.
        _sequencerDown(t0 + 100);
        uint256 resumedAt = t0 + 2 hours;
        _sequencerResumed(t0 + 100, resumedAt);
        assertEq(engine.nextEligibleAt(positionId), resumedAt + 200);
        _expectGrace(resumedAt + 200);
        // The owner uses the time left to top up; otherwise a keeper may go on when it ends.
        vm.warp(resumedAt + 199);
        _expectGrace(resumedAt + 200);
        vm.warp(resumedAt + 200);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, 0, "second tranche once the window's time left has run");
        assertEq(engine.trancheState(positionId).tranchesExecuted, 2);
    }

    function test_outage_unknownStartGivesTheWholeWindowAgain() public {
        _firstTranche();
        skip(250);
        _sequencerDown(0);
        uint256 resumedAt = t0 + 1 hours;
        _sequencerResumed(0, resumedAt);
        assertEq(engine.nextEligibleAt(positionId), resumedAt + COOLDOWN);
        _expectGrace(resumedAt + COOLDOWN);
    }

    function test_outage_afterTheWindowEndedChangesNothing() public {
        _firstTranche();
        // Down 400 s after the tranche: the 300 s window had already run out.
        _sequencerResumed(t0 + 400, t0 + 2 hours);
        assertEq(engine.nextEligibleAt(positionId), t0 + COOLDOWN);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, 0);
    }

    function test_outage_beforeTheTrancheChangesNothing() public {
        skip(1 days);
        oracle.setOutage(block.timestamp - 2 hours, block.timestamp - 1 hours);
        _firstTranche();
        assertEq(engine.nextEligibleAt(positionId), t0 + COOLDOWN);
        skip(COOLDOWN);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, 0);
    }

    function test_outage_fullCloseStillBypassesTheExtendedWindow() public {
        _firstTranche();
        _sequencerDown(t0 + 100);
        uint256 resumedAt = t0 + 2 hours;
        _sequencerResumed(t0 + 100, resumedAt);
        // The price fell below the full-liquidation ratio during the outage: waiting would risk bad debt.
        oracle.setPrice(_price(1900));
        vm.prank(KEEPER);
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
        assertEq(vault.debtAssetsOf(positionId), 0, "closed inside the window");
    }

    function test_outage_timeBonusDoesNotGrowWhileDown() public {
        uint256 perSecond = uint256(0.01e18) / 1 hours;
        vm.prank(RISK_MANAGER);
        engine.setTimeBonus(marketId, perSecond);
        skip(1 days);
        oracle.setPrice(_price(2500));
        engine.flagLiquidatable(positionId);
        uint256 flaggedAt = block.timestamp;
        // 600 s liquidatable, then down for 3000 s (including the oracle's grace period), then 600 s more.
        oracle.setOutage(flaggedAt + 600, flaggedAt + 3600);
        vm.warp(flaggedAt + 4200);
        assertEq(engine.extraBonusOf(positionId), perSecond * 1200);
        // While down, the bonus stays where it was when the sequencer went down.
        oracle.setOutage(flaggedAt + 600, type(uint256).max);
        assertEq(engine.extraBonusOf(positionId), perSecond * 600);
        // An outage that began before the flag only removes its overlap.
        oracle.setOutage(flaggedAt - 100, flaggedAt + 200);
        assertEq(engine.extraBonusOf(positionId), perSecond * 4000);
    }

    function test_outage_timeBonusAfterATrancheCountsFromTheExtendedWindowEnd() public {
        uint256 perSecond = uint256(0.01e18) / 1 hours;
        vm.prank(RISK_MANAGER);
        engine.setTimeBonus(marketId, perSecond);
        _firstTranche();
        uint256 resumedAt = t0 + 2 hours;
        _sequencerResumed(t0 + 100, resumedAt);
        vm.warp(resumedAt + 200);
        assertEq(engine.extraBonusOf(positionId), 0, "window just ended");
        vm.warp(resumedAt + 260);
        assertEq(engine.extraBonusOf(positionId), perSecond * 60);
    }

    function testFuzz_outage_windowNeverEndsBeforeItsTimeLeftRunsAfterResumption(
        uint256 downDelay,
        uint256 outageLength
    ) public {
        _firstTranche();
        downDelay = bound(downDelay, 0, 2 * COOLDOWN);
        outageLength = bound(outageLength, 1, 30 days);
        uint256 downAt = t0 + downDelay;
        uint256 resumedAt = downAt + outageLength;
        oracle.setOutage(downAt, resumedAt);
        uint256 next = engine.nextEligibleAt(positionId);
        uint256 owedBeforeOutage = downDelay >= COOLDOWN ? 0 : COOLDOWN - downDelay;
        if (owedBeforeOutage == 0) assertEq(next, t0 + COOLDOWN, "window ran out before the outage");
        else assertEq(next, resumedAt + owedBeforeOutage, "time left runs after resumption");
        // Never shorter than the plain window, and the owner always has the time left with prices valid.
        assertGe(next, t0 + COOLDOWN);
    }
}
