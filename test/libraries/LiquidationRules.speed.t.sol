// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {LiquidationRules} from "../../contracts/libraries/LiquidationRules.sol";
import {RiskParamsLib} from "../../contracts/libraries/RiskParamsLib.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {exampleRiskParams} from "../core/ExampleParams.sol";

/// @notice The speed-aware planner (issue #19): the price-speed estimator, the parameters at a measured speed and
/// the grace-window skip, on hand-picked values and as fuzzed properties: a calm market plans exactly the static
/// tranche; a faster measured speed never lengthens the grace window nor shrinks the tranche.
contract LiquidationRulesSpeedTest is Test {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant NOW = 1_000_000;
    uint256 internal constant TAU = 300;
    uint256 internal constant USDC = 1e6;
    /// @dev 3000 USDC per WETH, 1e36-scaled.
    uint256 internal constant PRICE_3000 = (3000 * USDC * 1e36) / 1e18;

    function setUp() public {
        vm.warp(NOW);
    }

    /// @dev ARCHITECTURE.md's example parameters, as the planner takes them.
    function _params() internal pure returns (TrancheMath.Params memory) {
        return RiskParamsLib.toTrancheParams(exampleRiskParams());
    }

    function _speed(
        uint256 at,
        uint256 price,
        uint256 rate
    ) internal pure returns (LiquidationRules.PriceSpeed memory) {
        return LiquidationRules.PriceSpeed({at: at, price: price, dropRate: rate});
    }

    /// @dev A plan input for a position of 10 WETH at `ratio` (debt follows), last complete tranche at `lastTrancheAt`.
    function _input(
        uint256 ratio,
        uint256 rate,
        uint256 lastTrancheAt
    ) internal pure returns (LiquidationRules.PlanInput memory input) {
        input.collateralAssets = 10e18;
        input.price = PRICE_3000;
        input.debtAssets = Math.mulDiv(30_000 * USDC, WAD, ratio);
        input.params = _params();
        input.keeperShare = 0.7e18;
        input.trancheCooldown = 300;
        input.windowRemaining = type(uint256).max;
        input.history.lastTrancheAt = uint40(lastTrancheAt);
        input.dropRate = rate;
    }

    // ------------------------------------------------------------------ observeSpeed

    function test_observeSpeed_firstObservationStartsAtZero() public view {
        LiquidationRules.PriceSpeed memory s = LiquidationRules.observeSpeed(_speed(0, 0, 0), PRICE_3000);
        assertEq(s.at, NOW);
        assertEq(s.price, PRICE_3000);
        assertEq(s.dropRate, 0);
    }

    function test_observeSpeed_sameSecondChangesNothing() public view {
        LiquidationRules.PriceSpeed memory last = _speed(NOW, PRICE_3000, 7e12);
        LiquidationRules.PriceSpeed memory s = LiquidationRules.observeSpeed(last, PRICE_3000 / 2);
        assertEq(s.at, NOW);
        assertEq(s.price, PRICE_3000);
        assertEq(s.dropRate, 7e12);
    }

    function test_observeSpeed_aFallAddsItsShareOverTauPlusTheGap() public view {
        // 1 % fall 12 s after the last observation, from rest: 0.01 / (300 + 12).
        LiquidationRules.PriceSpeed memory s = LiquidationRules.observeSpeed(
            _speed(NOW - 12, PRICE_3000, 0),
            (PRICE_3000 * 99) / 100
        );
        assertEq(s.dropRate, uint256(0.01e18) / 312);
        assertEq(s.price, (PRICE_3000 * 99) / 100);
    }

    function test_observeSpeed_aRiseOrAFlatPriceDecaysItToZero() public view {
        LiquidationRules.PriceSpeed memory s = LiquidationRules.observeSpeed(
            _speed(NOW - 300, PRICE_3000, 1e15),
            PRICE_3000 + 1
        );
        assertEq(s.dropRate, 0.5e15, "halved after one time constant");
        s = LiquidationRules.observeSpeed(_speed(NOW - 1 days, PRICE_3000, 1e15), PRICE_3000);
        assertEq(s.dropRate, (1e15 * TAU) / (TAU + 1 days), "a day later it is all but gone");
        s = LiquidationRules.observeSpeed(_speed(NOW - 1 days, PRICE_3000, 1), PRICE_3000);
        assertEq(s.dropRate, 0, "and it reaches exactly zero");
    }

    function test_observeSpeed_isCappedAtTheMaximum() public view {
        // From rest, even a fall to almost nothing in one second reads 1 / 301 per second.
        LiquidationRules.PriceSpeed memory s = LiquidationRules.observeSpeed(_speed(NOW - 1, PRICE_3000, 0), 1);
        assertEq(s.dropRate, (WAD - 1) / 301);
        // Already at the cap, another such fall would read (0.01 * 300 + 1) / 301 = 1.3 %: capped at 1 %.
        uint256 max = LiquidationRules.MAX_DROP_RATE;
        s = LiquidationRules.observeSpeed(_speed(NOW - 1, PRICE_3000, max), 1);
        assertEq(s.dropRate, max);
    }

    /// @notice A steady fall measures about the same rate whether it is observed every block or once a minute.
    function test_observeSpeed_samplingEveryBlockOrEveryMinuteAgrees() public {
        // -0.05 % per 12 s (a 25 % fall per 100 minutes) for 10 minutes.
        LiquidationRules.PriceSpeed memory everyBlock = _speed(NOW, PRICE_3000, 0);
        LiquidationRules.PriceSpeed memory everyMinute = _speed(NOW, PRICE_3000, 0);
        uint256 price = PRICE_3000;
        for (uint256 i = 1; i <= 50; ++i) {
            vm.warp(NOW + 12 * i);
            price = (price * 9995) / 10000;
            everyBlock = LiquidationRules.observeSpeed(everyBlock, price);
            if (i % 5 == 0) everyMinute = LiquidationRules.observeSpeed(everyMinute, price);
        }
        assertApproxEqRel(everyMinute.dropRate, everyBlock.dropRate, 0.1e18, "within 10 %");
        // The steady rate is 0.0005 / 12 s = 4.17e13 per second; after two time constants it reads most of it.
        assertGt(everyBlock.dropRate, 3e13);
        assertLt(everyBlock.dropRate, 4.2e13);
    }

    // ------------------------------------------------------------------ atSpeed and graceSkipped

    function test_atSpeed_calmOrOutsideTheRangeChangesNothing() public pure {
        TrancheMath.Params memory p = _params();
        TrancheMath.Params memory calm = LiquidationRules.atSpeed(p, 1.15e18, LiquidationRules.CALM_DROP - 1);
        assertEq(abi.encode(calm), abi.encode(p), "calm");
        assertEq(abi.encode(LiquidationRules.atSpeed(p, 1.2e18, 0.1e18)), abi.encode(p), "at maintenance");
        assertEq(abi.encode(LiquidationRules.atSpeed(p, 1.08e18, 0.1e18)), abi.encode(p), "at the full ratio");
    }

    function test_atSpeed_raisesTheTargetThenLiftsTheCapsThenClosesTheWholeDebt() public pure {
        TrancheMath.Params memory p = _params();
        // 2 % per grace window: the target rises to 1.25 / 0.98; at 1.19 the position stays above 1.08: caps kept.
        TrancheMath.Params memory a = LiquidationRules.atSpeed(p, 1.19e18, 0.02e18);
        assertEq(a.targetRatio, Math.mulDiv(1.25e18, WAD, 0.98e18, Math.Rounding.Ceil));
        assertEq(a.maxTrancheShare, p.maxTrancheShare);
        // 10 %: 1.19 * 0.9 = 1.071 <= 1.08: the share cap goes; the target is 1.25 / 0.9 = 1.389.
        a = LiquidationRules.atSpeed(p, 1.19e18, 0.1e18);
        assertEq(a.maxTrancheShare, WAD);
        assertEq(a.maxTrancheDebt, p.maxTrancheDebt);
        assertEq(a.targetRatio, Math.mulDiv(1.25e18, WAD, 0.9e18, Math.Rounding.Ceil));
        // 25 %: even 1.4 * 0.75 = 1.05 <= 1.08: every cap goes and the minimum is the whole debt.
        a = LiquidationRules.atSpeed(p, 1.19e18, 0.25e18);
        assertEq(a.targetRatio, p.initialRatio, "at most the initial ratio");
        assertEq(a.maxTrancheDebt, type(uint256).max);
        assertEq(a.minTrancheDebt, type(uint256).max);
        // The input is not changed.
        assertEq(p.targetRatio, 1.25e18);
    }

    function test_plan_atSpeedClosesTheWholeDebtAtTheRampBonus() public view {
        LiquidationRules.PlanInput memory input = _input(1.19e18, 0.25e18 / uint256(300), 0);
        LiquidationRules.TranchePlan memory plan = LiquidationRules.planTranche(input);
        assertEq(uint8(plan.tranche.kind), uint8(TrancheMath.TrancheKind.DustClose));
        assertEq(plan.tranche.repaidAssets, input.debtAssets);
        assertLt(plan.tranche.bonus, 0.06e18, "the ramp's bonus, not the maximum");
    }

    function test_graceSkipped_whenThePositionWouldReachTheFullRatioBeforeTheWindowEnds() public view {
        TrancheMath.Params memory p = _params();
        // 200 s of grace left; at 1.15, a fall of 6.1 % reaches 1.08.
        uint256 graceEnd = NOW + 200;
        assertFalse(LiquidationRules.graceSkipped(1.15e18, 0, graceEnd, 300, p), "calm");
        assertFalse(
            LiquidationRules.graceSkipped(1.15e18, uint256(0.06e18) / 200, graceEnd, 300, p),
            "6 % falls short"
        );
        assertTrue(LiquidationRules.graceSkipped(1.15e18, uint256(0.07e18) / 200, graceEnd, 300, p), "7 % reaches it");
        assertFalse(LiquidationRules.graceSkipped(1.15e18, 1e16, NOW, 300, p), "no window left");
    }

    function test_plan_speedSkipsTheGraceWindowOfAFallingPosition() public view {
        LiquidationRules.PlanInput memory input = _input(1.15e18, uint256(0.2e18) / 300, NOW - 100);
        assertEq(uint8(LiquidationRules.planTranche(input).reason), uint8(ILiquidationEngine.Reason.None));
        input.dropRate = 0;
        assertEq(uint8(LiquidationRules.planTranche(input).reason), uint8(ILiquidationEngine.Reason.GracePeriod));
    }

    // ------------------------------------------------------------------ fuzzed properties

    /// @notice In a calm market (projected fall over one grace window below `CALM_DROP`) the plan is the static one.
    function testFuzz_calmMarket_plansTheStaticTranche(
        uint256 ratio,
        uint256 rate,
        uint256 sinceTranche,
        uint256 minTranche
    ) public view {
        ratio = bound(ratio, 1.0e18, 1.3e18);
        rate = bound(rate, 0, LiquidationRules.CALM_DROP / 300 - 1);
        uint256 last = bound(sinceTranche, 0, 600);
        LiquidationRules.PlanInput memory input = _input(ratio, rate, last == 0 ? 0 : NOW - last);
        input.params.minTrancheDebt = bound(minTranche, 0, 10_000 * USDC);
        LiquidationRules.TranchePlan memory moving = LiquidationRules.planTranche(input);
        input.dropRate = 0;
        LiquidationRules.TranchePlan memory still = LiquidationRules.planTranche(input);
        assertEq(abi.encode(moving), abi.encode(still));
    }

    /// @notice A faster measured speed never lengthens the grace window (a skipped one stays skipped) and never
    /// makes the tranche smaller.
    function testFuzz_fasterSpeed_neverLengthensTheWindowNorShrinksTheTranche(
        uint256 ratio,
        uint256 slow,
        uint256 fast,
        uint256 sinceTranche,
        uint256 window
    ) public view {
        ratio = bound(ratio, 1.0e18, 1.3e18);
        slow = bound(slow, 0, LiquidationRules.MAX_DROP_RATE);
        fast = bound(fast, slow, LiquidationRules.MAX_DROP_RATE);
        uint256 last = bound(sinceTranche, 0, 600);
        LiquidationRules.PlanInput memory input = _input(ratio, slow, last == 0 ? 0 : NOW - last);
        input.windowRemaining = bound(window, 0, 100_000 * USDC);
        LiquidationRules.TranchePlan memory a = LiquidationRules.planTranche(input);
        input.dropRate = fast;
        LiquidationRules.TranchePlan memory b = LiquidationRules.planTranche(input);
        if (a.reason == ILiquidationEngine.Reason.None) {
            assertTrue(b.reason != ILiquidationEngine.Reason.GracePeriod, "a skipped window stays skipped");
        }
        assertGe(b.tranche.repaidAssets, a.tranche.repaidAssets, "never a smaller tranche");
        if (b.tranche.kind == TrancheMath.TrancheKind.Partial) {
            assertGe(
                TrancheMath.ratioDown(
                    input.collateralAssets - b.tranche.seizedAssets,
                    input.price,
                    input.debtAssets - b.tranche.repaidAssets
                ),
                b.tranche.ratioBefore,
                "a tranche never lowers the ratio"
            );
        }
    }
}
