// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {LiquidationRules} from "../../contracts/libraries/LiquidationRules.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";

/// @notice LiquidationRules on hand-picked clocks: the grace window's end and the time bonus, with and without a
/// sequencer outage, including the edges the engine's fuzz tests reach only by chance.
contract LiquidationRulesTest is Test {
    uint256 internal constant NOW = 1_000_000;
    uint256 internal constant PER_SECOND = 1e12;

    function setUp() public {
        vm.warp(NOW);
    }

    function _outage(uint256 downAt, uint256 resumedAt) internal pure returns (LiquidationRules.Outage memory) {
        return LiquidationRules.Outage({downAt: downAt, resumedAt: resumedAt});
    }

    // ------------------------------------------------------------------ graceEnd

    function test_graceEnd_noTrancheNoWindow() public pure {
        assertEq(LiquidationRules.graceEnd(0, 300, _outage(0, 0)), 0);
    }

    function test_graceEnd_withoutOutageIsTrancheTimePlusCooldown() public pure {
        assertEq(LiquidationRules.graceEnd(NOW - 100, 300, _outage(0, 0)), NOW + 200);
        // An outage that ended before the tranche changes nothing.
        assertEq(LiquidationRules.graceEnd(NOW - 100, 300, _outage(NOW - 500, NOW - 100)), NOW + 200);
    }

    function test_graceEnd_outageInsideTheWindowRestartsWhatWasLeft() public pure {
        // Tranche at NOW-100, window to NOW+200; down at NOW-50 (250 s left), back at NOW: 250 s from NOW.
        assertEq(LiquidationRules.graceEnd(NOW - 100, 300, _outage(NOW - 50, NOW)), NOW + 250);
        // Unknown start: the whole window again from the resume.
        assertEq(LiquidationRules.graceEnd(NOW - 100, 300, _outage(0, NOW)), NOW + 300);
    }

    function test_graceEnd_outageAfterTheWindowRanOutChangesNothing() public pure {
        assertEq(LiquidationRules.graceEnd(NOW - 1_000, 300, _outage(NOW - 500, NOW)), NOW - 700);
    }

    function test_graceEnd_whileDownNeverEnds() public pure {
        assertEq(LiquidationRules.graceEnd(NOW - 100, 300, _outage(NOW - 50, type(uint256).max)), type(uint256).max);
    }

    // ------------------------------------------------------------------ extraBonus

    function test_extraBonus_zeroWhenNotFlaggedOrNotYetStarted() public view {
        assertEq(LiquidationRules.extraBonus(0, PER_SECOND, 0, _outage(0, 0)), 0, "not flagged");
        assertEq(LiquidationRules.extraBonus(NOW - 10, PER_SECOND, NOW + 5, _outage(0, 0)), 0, "in the grace window");
        assertEq(LiquidationRules.extraBonus(NOW, PER_SECOND, 0, _outage(0, 0)), 0, "flagged this second");
    }

    function test_extraBonus_countsFromTheLaterOfFlagAndGraceEnd() public view {
        assertEq(LiquidationRules.extraBonus(NOW - 100, PER_SECOND, 0, _outage(0, 0)), 100 * PER_SECOND);
        assertEq(LiquidationRules.extraBonus(NOW - 100, PER_SECOND, NOW - 40, _outage(0, 0)), 40 * PER_SECOND);
    }

    function test_extraBonus_doesNotCountTimeWhileDown() public view {
        // Flagged 100 s ago; down from NOW-80 to NOW-30: 50 s paused.
        assertEq(LiquidationRules.extraBonus(NOW - 100, PER_SECOND, 0, _outage(NOW - 80, NOW - 30)), 50 * PER_SECOND);
        // Unknown start: paused from the flag.
        assertEq(LiquidationRules.extraBonus(NOW - 100, PER_SECOND, 0, _outage(0, NOW - 30)), 30 * PER_SECOND);
        // Still down (resume in the future as far as this clock goes): paused up to now.
        assertEq(LiquidationRules.extraBonus(NOW - 100, PER_SECOND, 0, _outage(NOW - 80, NOW + 60)), 20 * PER_SECOND);
    }

    function test_extraBonus_anOutageOfNoLengthPausesNothing() public view {
        // Down and back in the same second (this one): nothing to subtract.
        assertEq(LiquidationRules.extraBonus(NOW - 100, PER_SECOND, 0, _outage(NOW, NOW)), 100 * PER_SECOND);
    }

    function test_extraBonus_anOutageBeforeTheStartPausesNothing() public view {
        assertEq(
            LiquidationRules.extraBonus(NOW - 100, PER_SECOND, 0, _outage(NOW - 300, NOW - 200)),
            100 * PER_SECOND
        );
    }

    // ------------------------------------------------------------------ reasonFor, closesWholeDebt

    function test_reasonFor_ordersHealthyGraceWindowAndNone() public view {
        assertEq(
            uint8(LiquidationRules.reasonFor(TrancheMath.TrancheKind.Healthy, NOW + 10)),
            uint8(ILiquidationEngine.Reason.Healthy)
        );
        assertEq(
            uint8(LiquidationRules.reasonFor(TrancheMath.TrancheKind.Partial, NOW + 10)),
            uint8(ILiquidationEngine.Reason.GracePeriod)
        );
        assertEq(
            uint8(LiquidationRules.reasonFor(TrancheMath.TrancheKind.FullClose, NOW + 10)),
            uint8(ILiquidationEngine.Reason.None),
            "a full close ignores the grace window"
        );
        assertEq(
            uint8(LiquidationRules.reasonFor(TrancheMath.TrancheKind.WindowExhausted, NOW)),
            uint8(ILiquidationEngine.Reason.WindowExhausted)
        );
        assertEq(
            uint8(LiquidationRules.reasonFor(TrancheMath.TrancheKind.Partial, NOW)),
            uint8(ILiquidationEngine.Reason.None),
            "the window ends at its end"
        );
    }

    function test_closesWholeDebt_onlyFullAndDustCloses() public pure {
        assertTrue(LiquidationRules.closesWholeDebt(TrancheMath.TrancheKind.FullClose));
        assertTrue(LiquidationRules.closesWholeDebt(TrancheMath.TrancheKind.DustClose));
        assertFalse(LiquidationRules.closesWholeDebt(TrancheMath.TrancheKind.Partial));
    }
}
