// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {TrancheMathHarness} from "../harness/TrancheMathHarness.sol";

/// @notice Unit and fuzz tests for TrancheMath: every branch, and the properties the liquidation engine relies on.
contract TrancheMathTest is Test {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant USDC = 1e6;
    /// @dev 1 WETH (18 decimals) = 3000 USDC (6 decimals), scaled by 1e36.
    uint256 internal constant PRICE_3000 = (3000e6 * 1e36) / 1e18;

    TrancheMathHarness internal harness;

    function setUp() public {
        harness = new TrancheMathHarness();
    }

    /// @dev The example parameters of ARCHITECTURE.md, quote in USDC.
    function _params() internal pure returns (TrancheMath.Params memory) {
        return
            TrancheMath.Params({
                initialRatio: 1.4e18,
                targetRatio: 1.25e18,
                maintenanceRatio: 1.2e18,
                fullLiquidationRatio: 1.08e18,
                minBonus: 0.02e18,
                maxBonus: 0.06e18,
                maxTrancheShare: 0.25e18,
                maxTrancheDebt: 250_000 * USDC,
                minTrancheDebt: 0,
                minDebt: 100 * USDC
            });
    }

    /// @dev A position of `debtAssets` USDC at `ratio`, collateral in WETH at 3000 USDC (collateral rounded up so the
    /// ratio is at least `ratio` minus one unit of rounding).
    function _position(uint256 debtAssets, uint256 ratio) internal pure returns (TrancheMath.PositionState memory) {
        uint256 collateralAssets = Math.mulDiv(debtAssets * ratio, 1e18, PRICE_3000, Math.Rounding.Ceil);
        return
            TrancheMath.PositionState({collateralAssets: collateralAssets, debtAssets: debtAssets, price: PRICE_3000});
    }

    function _unbounded() internal pure returns (uint256) {
        return type(uint256).max;
    }

    // ------------------------------------------------------------------ ratio

    function test_ratioDown_isMaxWithoutDebt() public pure {
        assertEq(TrancheMath.ratioDown(1e18, PRICE_3000, 0), type(uint256).max);
    }

    function test_ratioDown_matchesHandComputedValue() public pure {
        // 1 WETH at 3000 against 2500 USDC: 120 %.
        assertEq(TrancheMath.ratioDown(1e18, PRICE_3000, 2500 * USDC), 1.2e18);
    }

    function test_ratioDown_roundsDownOnce() public pure {
        // 1 WETH at 3000 against 7000 USDC = 0.428571428571428571428... -> floor.
        assertEq(TrancheMath.ratioDown(1e18, PRICE_3000, 7000 * USDC), 428_571_428_571_428_571);
    }

    // ------------------------------------------------------------------ bonus

    function test_bonusDown_isMinAtAndAboveMaintenance() public pure {
        TrancheMath.Params memory p = _params();
        assertEq(TrancheMath.bonusDown(1.2e18, p), 0.02e18);
        assertEq(TrancheMath.bonusDown(3e18, p), 0.02e18);
    }

    function test_bonusDown_isMaxAtAndBelowFull() public pure {
        TrancheMath.Params memory p = _params();
        assertEq(TrancheMath.bonusDown(1.08e18, p), 0.06e18);
        assertEq(TrancheMath.bonusDown(0.5e18, p), 0.06e18);
    }

    function test_bonusDown_rampsLinearlyAndRoundsDown() public pure {
        TrancheMath.Params memory p = _params();
        assertEq(TrancheMath.bonusDown(1.14e18, p), 0.04e18, "midpoint");
        // 1.15: 0.02 + 0.04 * 0.05 / 0.12 = 0.0366666... -> floor
        assertEq(TrancheMath.bonusDown(1.15e18, p), 36_666_666_666_666_666);
    }

    // ------------------------------------------------------------------ repayment and seizure

    function test_repayToTargetUp_isZeroAtOrAboveTarget() public pure {
        assertEq(TrancheMath.repayToTargetUp(1e18, PRICE_3000, 2400 * USDC, 1.25e18, 0.02e18), 0);
        assertEq(TrancheMath.repayToTargetUp(1e18, PRICE_3000, 1000 * USDC, 1.25e18, 0.02e18), 0);
    }

    function test_repayToTargetUp_matchesHandComputedValue() public pure {
        // D = 10,000, V = 11,500 (CR 1.15), b = 0.036666666666666666:
        // r = (1.25 * 10,000 - 11,500) / (1.25 - 1 - b) = 1000 / 0.213333333333333334 = 4687.4999999999998535 -> up.
        uint256 collateralAssets = Math.mulDiv(11_500 * USDC, 1e36, PRICE_3000);
        uint256 r = TrancheMath.repayToTargetUp(
            collateralAssets,
            PRICE_3000,
            10_000 * USDC,
            1.25e18,
            36_666_666_666_666_666
        );
        assertEq(r, 4_687_500_000);
    }

    function test_seizedAssetsDown_isWorthRepaidTimesOnePlusBonus() public pure {
        // 1000 USDC at a 5 % bonus = 1050 USDC of WETH at 2000 = 0.525 WETH.
        assertEq(TrancheMath.seizedAssetsDown(1000 * USDC, 0.05e18, (2000e6 * 1e36) / 1e18), 0.525e18);
    }

    function test_seizedAssetsDown_roundsDown() public pure {
        // 1 USDC unit at 3000 USDC/WETH = 1/3000 of a micro-WETH: 333,333,333.33 wei -> 333,333,333.
        assertEq(TrancheMath.seizedAssetsDown(1, 0, PRICE_3000), 333_333_333);
    }

    function test_protocolFeeUp_isTheProtocolsShareOfTheBonusRoundedUp() public pure {
        // 1,000 USDC at a 5 % bonus, keeper share 70 %: 1,000 * 0.05 * 0.3 = 15 USDC exactly.
        assertEq(TrancheMath.protocolFeeUp(1000 * USDC, 0.05e18, 0.7e18), 15 * USDC);
        // 1 unit at 3 %, keeper share 70 %: 0.009 of a unit -> 1.
        assertEq(TrancheMath.protocolFeeUp(1, 0.03e18, 0.7e18), 1);
        assertEq(TrancheMath.protocolFeeUp(1000 * USDC, 0.05e18, 1e18), 0, "keeper takes the whole bonus");
    }

    function test_repayForCollateralUp_roundsUp() public pure {
        // 1 WETH at 2000 with a 6 % bonus: 2000 / 1.06 = 1886.79245283... USDC -> up.
        assertEq(TrancheMath.repayForCollateralUp(1e18, (2000e6 * 1e36) / 1e18, 0.06e18), 1_886_792_453);
    }

    // ------------------------------------------------------------------ computeTranche branches

    function test_computeTranche_healthyAtMaintenance() public pure {
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(
            _position(10_000 * USDC, 1.2e18),
            _params(),
            _unbounded()
        );
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.Healthy));
        assertEq(t.repaidAssets, 0);
        assertEq(t.seizedAssets, 0);
        assertGe(t.ratioBefore, 1.2e18);
    }

    function test_computeTranche_healthyWithoutDebt() public pure {
        TrancheMath.PositionState memory s = TrancheMath.PositionState(1e18, 0, PRICE_3000);
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, _params(), _unbounded());
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.Healthy));
        assertEq(t.ratioBefore, type(uint256).max);
    }

    function test_computeTranche_partialRestoresTarget() public pure {
        TrancheMath.PositionState memory s = _position(10_000 * USDC, 1.195e18);
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, _params(), _unbounded());
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertLt(t.repaidAssets, 2_500 * USDC, "below the 25 % cap, so not capped");
        assertEq(t.badDebtAssets, 0);
        uint256 ratioAfter = TrancheMath.ratioDown(
            s.collateralAssets - t.seizedAssets,
            s.price,
            s.debtAssets - t.repaidAssets
        );
        assertGe(ratioAfter, 1.25e18, "target reached");
        // One unit less would miss the target in exact arithmetic: (r - 1)(T - 1 - b) < T·D - V.
        uint256 valueWad = Math.mulDiv(s.collateralAssets, s.price, WAD);
        assertLt(
            (t.repaidAssets - 1) * (1.25e18 - WAD - t.bonus),
            1.25e18 * s.debtAssets - valueWad,
            "smallest, to one unit"
        );
    }

    function test_computeTranche_partialCappedByShareOfDebt() public pure {
        // At 1.10 the target needs ~ (12,500 - 11,000) / (0.25 - 0.0533) ~ 7,627 > 25 % of 10,000.
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(
            _position(10_000 * USDC, 1.1e18),
            _params(),
            _unbounded()
        );
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertEq(t.repaidAssets, 2_500 * USDC);
    }

    function test_computeTranche_partialCappedByMaxTrancheDebt() public pure {
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(
            _position(10_000_000 * USDC, 1.1e18),
            _params(),
            _unbounded()
        );
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertEq(t.repaidAssets, 250_000 * USDC);
    }

    function test_computeTranche_partialCappedByWindow() public pure {
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(
            _position(10_000 * USDC, 1.1e18),
            _params(),
            700 * USDC
        );
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertEq(t.repaidAssets, 700 * USDC);
    }

    function test_computeTranche_smallTargetTrancheRaisedToTheMinimum() public pure {
        // At 1.19 the target needs ~ 10,000 * (1.25 - 1.19) / (0.25 - 0.0217) ~ 2,628; the minimum asks 4,000, more
        // than the 25 % share cap (2,500): the minimum wins, and the position ends above the target.
        TrancheMath.Params memory p = _params();
        p.minTrancheDebt = 4_000 * USDC;
        TrancheMath.PositionState memory s = _position(10_000 * USDC, 1.19e18);
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, p, _unbounded());
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertEq(t.repaidAssets, 4_000 * USDC, "raised to the minimum");
        assertGt(_ratioAfter(s, t), p.targetRatio, "past the target");
    }

    function test_computeTranche_minimumBelowTheSizedTrancheChangesNothing() public pure {
        TrancheMath.Params memory p = _params();
        TrancheMath.PositionState memory s = _position(10_000 * USDC, 1.1e18);
        uint256 sized = TrancheMath.computeTranche(s, p, _unbounded()).repaidAssets;
        p.minTrancheDebt = sized;
        assertEq(TrancheMath.computeTranche(s, p, _unbounded()).repaidAssets, sized);
    }

    function test_computeTranche_minimumBoundedByWindowAndDebt() public pure {
        TrancheMath.Params memory p = _params();
        p.minTrancheDebt = 4_000 * USDC;
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(_position(10_000 * USDC, 1.19e18), p, 700 * USDC);
        assertEq(t.repaidAssets, 700 * USDC, "the window still bounds it");
        // 3,000 of debt: the minimum would take all of it, so the tranche is a dust close of the whole debt.
        t = TrancheMath.computeTranche(_position(3_000 * USDC, 1.19e18), p, _unbounded());
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.DustClose));
        assertEq(t.repaidAssets, 3_000 * USDC);
    }

    function test_computeTranche_windowExhaustedRepaysNothing() public pure {
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(_position(10_000 * USDC, 1.1e18), _params(), 0);
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.WindowExhausted));
        assertEq(t.repaidAssets, 0);
        assertEq(t.seizedAssets, 0);
    }

    function test_computeTranche_dustClosesWholeDebt() public pure {
        // 120 USDC at 1.15: a 25 % tranche would leave 90 < 100 minDebt.
        TrancheMath.PositionState memory s = _position(120 * USDC, 1.15e18);
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, _params(), _unbounded());
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.DustClose));
        assertEq(t.repaidAssets, 120 * USDC);
        assertEq(t.badDebtAssets, 0);
        assertLt(t.seizedAssets, s.collateralAssets, "collateral left for the owner");
    }

    function test_computeTranche_dustCloseWhenRoundingReachesWholeDebt() public pure {
        // No minimum debt, but a 3-unit debt: the target repayment rounds up to the whole debt.
        TrancheMath.Params memory p = _params();
        p.minDebt = 0;
        p.maxTrancheShare = WAD;
        TrancheMath.PositionState memory s = TrancheMath.PositionState({
            collateralAssets: Math.mulDiv(3 * 1.09e18, 1e18, PRICE_3000),
            debtAssets: 3,
            price: PRICE_3000
        });
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, p, _unbounded());
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.DustClose));
        assertEq(t.repaidAssets, 3);
    }

    function test_computeTranche_dustCloseMayExceedEmptyWindow() public pure {
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(_position(50 * USDC, 1.15e18), _params(), 0);
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.DustClose));
        assertEq(t.repaidAssets, 50 * USDC);
    }

    function test_computeTranche_fullCloseAtFullRatioLiftsCaps() public pure {
        TrancheMath.PositionState memory s = _position(10_000_000 * USDC, 1.08e18);
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, _params(), 0);
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.FullClose));
        assertEq(t.bonus, 0.06e18);
        assertEq(t.repaidAssets, s.debtAssets, "whole debt, above share, absolute and window caps");
        assertEq(t.badDebtAssets, 0);
        assertLe(t.seizedAssets, s.collateralAssets);
    }

    function test_computeTranche_underwaterSeizesAllAndSplitsBadDebt() public pure {
        // CR 0.9: collateral worth 9,000 cannot pay 10,000 * 1.06.
        TrancheMath.PositionState memory s = _position(10_000 * USDC, 0.9e18);
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, _params(), _unbounded());
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.FullClose));
        assertEq(t.seizedAssets, s.collateralAssets);
        // Exactly 3 WETH = 9,000 USDC; 9,000 / 1.06 = 8,490.5660377... -> up.
        assertEq(s.collateralAssets, 3e18);
        assertEq(t.repaidAssets, 8_490_566_038);
        assertEq(t.badDebtAssets, 10_000 * USDC - 8_490_566_038);
    }

    function test_computeTranche_extraBonusAddsToRampAndIsCapped() public pure {
        TrancheMath.PositionState memory s = _position(10_000 * USDC, 1.14e18); // ramp bonus 0.04
        TrancheMath.Tranche memory t = TrancheMath.computeTrancheWithExtraBonus(s, _params(), _unbounded(), 0.01e18);
        assertEq(t.bonus, 0.05e18);
        t = TrancheMath.computeTrancheWithExtraBonus(s, _params(), _unbounded(), 0.05e18);
        assertEq(t.bonus, 0.06e18, "capped at maxBonus");
        t = TrancheMath.computeTrancheWithExtraBonus(s, _params(), _unbounded(), type(uint256).max);
        assertEq(t.bonus, 0.06e18, "no overflow");
        assertEq(TrancheMath.computeTranche(s, _params(), _unbounded()).bonus, 0.04e18);
    }

    function test_computeTranche_revertsOnZeroPrice() public {
        vm.expectRevert(TrancheMath.ZeroPrice.selector);
        harness.computeTranche(TrancheMath.PositionState(1e18, 1, 0), _params(), 0);
    }

    // ------------------------------------------------------------------ parameter validation

    function test_validateParams_acceptsArchitectureExample() public view {
        harness.validateParams(_params());
    }

    function test_validateParams_revertsWhenRatioTooHigh() public {
        TrancheMath.Params memory p = _params();
        p.initialRatio = 10e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.RatioTooHigh.selector, p.initialRatio, 10e18));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenInitialBelowTarget() public {
        TrancheMath.Params memory p = _params();
        p.initialRatio = 1.24e18;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.InitialBelowTarget.selector, 1.24e18, 1.25e18));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenTargetNotAboveMaintenance() public {
        TrancheMath.Params memory p = _params();
        p.targetRatio = 1.2e18;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.TargetNotAboveMaintenance.selector, 1.2e18, 1.2e18));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenMaintenanceNotAboveFull() public {
        TrancheMath.Params memory p = _params();
        p.fullLiquidationRatio = 1.2e18;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.MaintenanceNotAboveFull.selector, 1.2e18, 1.2e18));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenBonusTooHigh() public {
        TrancheMath.Params memory p = _params();
        p.maxBonus = 0.25e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.BonusTooHigh.selector, p.maxBonus, 0.25e18));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenMinBonusAboveMax() public {
        TrancheMath.Params memory p = _params();
        p.minBonus = 0.07e18;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.MinBonusAboveMax.selector, 0.07e18, 0.06e18));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenFullBelowOnePlusBonus() public {
        // A target at or below 1 + maxBonus is caught here: target > full >= 1 + maxBonus.
        TrancheMath.Params memory p = _params();
        p.maxBonus = 0.09e18;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.FullBelowOnePlusBonus.selector, 1.08e18, 0.09e18));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenTrancheShareZero() public {
        TrancheMath.Params memory p = _params();
        p.maxTrancheShare = 0;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.InvalidTrancheShare.selector, 0));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenTrancheShareAboveOne() public {
        TrancheMath.Params memory p = _params();
        p.maxTrancheShare = WAD + 1;
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.InvalidTrancheShare.selector, WAD + 1));
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenTrancheDebtZero() public {
        TrancheMath.Params memory p = _params();
        p.maxTrancheDebt = 0;
        vm.expectRevert(TrancheMath.ZeroTrancheDebt.selector);
        harness.validateParams(p);
    }

    function test_validateParams_revertsWhenMinTrancheAboveMax() public {
        TrancheMath.Params memory p = _params();
        p.minTrancheDebt = p.maxTrancheDebt + 1;
        vm.expectRevert(
            abi.encodeWithSelector(TrancheMath.MinTrancheAboveMax.selector, p.maxTrancheDebt + 1, p.maxTrancheDebt)
        );
        harness.validateParams(p);
    }

    // ------------------------------------------------------------------ fuzz helpers

    /// @dev Valid parameters from arbitrary seeds.
    function _boundParams(
        uint256 s0,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4
    ) internal pure returns (TrancheMath.Params memory p) {
        p.maxBonus = bound(s0, 0, TrancheMath.MAX_BONUS);
        p.minBonus = bound(s1, 0, p.maxBonus);
        p.fullLiquidationRatio = bound(s2, WAD + p.maxBonus, 3e18);
        p.maintenanceRatio = bound(s3, p.fullLiquidationRatio + 1e15, 4e18);
        p.targetRatio = bound(s4, p.maintenanceRatio + 1e15, 5e18);
        p.initialRatio = bound(uint256(keccak256(abi.encode(s0, s4))), p.targetRatio, TrancheMath.MAX_RATIO);
        p.maxTrancheShare = bound(uint256(keccak256(abi.encode(s1, s3))), 1, WAD);
        p.maxTrancheDebt = bound(uint256(keccak256(abi.encode(s2, s3))), 1, type(uint128).max);
        p.minDebt = bound(uint256(keccak256(abi.encode(s0, s2))), 0, 1e24);
    }

    /// @dev A position at `ratio` (to a relative 1e-9): debt below 2^128; from 1e24 collateral units per quote unit
    /// down to 1e-30 (the price follows from the ratio), which spans 6-, 8- and 18-decimal pairs at any price.
    /// `ratio` must be at least 1e15.
    function _boundPosition(
        uint256 debtSeed,
        uint256 collateralSeed,
        uint256 ratio
    ) internal pure returns (TrancheMath.PositionState memory s) {
        s.debtAssets = bound(debtSeed, 1, 1e30);
        s.collateralAssets = bound(collateralSeed, 1, s.debtAssets * 1e24);
        s.price = Math.mulDiv(ratio * s.debtAssets, 1e18, s.collateralAssets);
    }

    function _ratioAfter(
        TrancheMath.PositionState memory s,
        TrancheMath.Tranche memory t
    ) internal pure returns (uint256) {
        return TrancheMath.ratioDown(s.collateralAssets - t.seizedAssets, s.price, s.debtAssets - t.repaidAssets);
    }

    // ------------------------------------------------------------------ fuzz properties

    /// @notice An uncapped partial tranche restores the target, and repays at most one unit more than the exact
    /// (real-number) repayment that reaches it.
    function testFuzz_uncappedTrancheRestoresTargetWithinOneUnit(
        uint256 s0,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4,
        uint256 debtSeed,
        uint256 collateralSeed,
        uint256 ratioSeed
    ) public pure {
        TrancheMath.Params memory p = _boundParams(s0, s1, s2, s3, s4);
        p.maxTrancheShare = WAD;
        p.maxTrancheDebt = type(uint256).max;
        p.minDebt = 0;
        TrancheMath.PositionState memory s = _boundPosition(
            debtSeed,
            collateralSeed,
            bound(ratioSeed, p.fullLiquidationRatio + 1, p.maintenanceRatio - 1)
        );
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, p, type(uint256).max);
        if (t.kind == TrancheMath.TrancheKind.DustClose) {
            // A debt of a few units: rounding the repayment up reaches the whole debt.
            assertEq(t.repaidAssets, s.debtAssets);
            return;
        }
        if (t.kind != TrancheMath.TrancheKind.Partial) {
            // Price rounding moved the ratio out of (full, maintenance): nothing to check here.
            assertTrue(t.ratioBefore <= p.fullLiquidationRatio || t.ratioBefore >= p.maintenanceRatio);
            return;
        }
        assertGt(t.repaidAssets, 0);
        assertLt(t.repaidAssets, s.debtAssets, "a partial tranche leaves debt");
        assertGe(_ratioAfter(s, t), p.targetRatio, "target restored");
        // Minimality: one unit less misses the target in exact arithmetic, i.e. (r - 1)·(T - 1 - b) < T·D - V·WAD.
        uint256 valueWad = Math.mulDiv(s.collateralAssets, s.price, WAD);
        assertLt((t.repaidAssets - 1) * (p.targetRatio - WAD - t.bonus), p.targetRatio * s.debtAssets - valueWad);
    }

    /// @notice A capped tranche never repays more than any of its caps.
    function testFuzz_cappedTrancheNeverExceedsCap(
        uint256 s0,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4,
        uint256 debtSeed,
        uint256 collateralSeed,
        uint256 ratioSeed,
        uint256 window
    ) public pure {
        TrancheMath.Params memory p = _boundParams(s0, s1, s2, s3, s4);
        TrancheMath.PositionState memory s = _boundPosition(
            debtSeed,
            collateralSeed,
            bound(ratioSeed, p.fullLiquidationRatio + 1, p.maintenanceRatio - 1)
        );
        window = bound(window, 0, s.debtAssets * 2);
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, p, window);
        if (t.kind == TrancheMath.TrancheKind.Partial) {
            assertLe(
                t.repaidAssets,
                Math.mulDiv(s.debtAssets, p.maxTrancheShare, WAD, Math.Rounding.Ceil),
                "share cap"
            );
            assertLe(t.repaidAssets, p.maxTrancheDebt, "absolute cap");
            assertLe(t.repaidAssets, window, "window");
            assertGe(s.debtAssets - t.repaidAssets, p.minDebt, "no dust left");
            assertGe(_ratioAfter(s, t), t.ratioBefore, "a tranche above 1 + bonus never lowers the ratio");
        } else if (t.kind == TrancheMath.TrancheKind.WindowExhausted) {
            assertEq(window, 0);
            assertEq(t.repaidAssets, 0);
        } else if (t.kind == TrancheMath.TrancheKind.DustClose) {
            assertEq(t.repaidAssets, s.debtAssets);
        }
    }

    /// @notice The minimum tranche: a partial tranche repays at least `minTrancheDebt` unless the window bounds it,
    /// never more than the larger of the minimum and the tranche sized without one, and within the absolute cap and
    /// the window; where the tranche sized without a minimum already reaches it, nothing changes.
    function testFuzz_minimumTranche_raisesToTheFloorOnly(
        uint256 s0,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4,
        uint256 debtSeed,
        uint256 collateralSeed,
        uint256 ratioSeed,
        uint256 window,
        uint256 minSeed
    ) public pure {
        TrancheMath.Params memory p = _boundParams(s0, s1, s2, s3, s4);
        TrancheMath.PositionState memory s = _boundPosition(
            debtSeed,
            collateralSeed,
            bound(ratioSeed, p.fullLiquidationRatio + 1, p.maintenanceRatio - 1)
        );
        window = bound(window, 0, s.debtAssets * 2);
        TrancheMath.Tranche memory without = TrancheMath.computeTranche(s, p, window);
        p.minTrancheDebt = bound(minSeed, 0, Math.min(p.maxTrancheDebt, s.debtAssets * 2));
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, p, window);
        assertGe(t.repaidAssets, without.repaidAssets, "a minimum never shrinks a tranche");
        if (without.repaidAssets >= p.minTrancheDebt || without.kind != TrancheMath.TrancheKind.Partial) {
            assertEq(t.repaidAssets, without.repaidAssets, "calm: the tranche sized without a minimum");
            assertEq(uint8(t.kind), uint8(without.kind));
            return;
        }
        if (t.kind == TrancheMath.TrancheKind.Partial) {
            assertGe(t.repaidAssets, Math.min(p.minTrancheDebt, window), "raised to the floor (or the window)");
            assertLe(t.repaidAssets, p.minTrancheDebt, "no more than the floor");
            assertLe(t.repaidAssets, p.maxTrancheDebt, "absolute cap");
            assertLe(t.repaidAssets, window, "window");
            assertGe(s.debtAssets - t.repaidAssets, p.minDebt, "no dust left");
            assertGe(_ratioAfter(s, t), t.ratioBefore, "a tranche above 1 + bonus never lowers the ratio");
        } else {
            assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.DustClose), "or it takes the whole debt");
            assertEq(t.repaidAssets, s.debtAssets);
        }
    }

    /// @notice Whatever the state: never repays more than the debt, never seizes more than the collateral, leaves no
    /// dust, and bad debt only appears once all the collateral is gone.
    function testFuzz_neverRepaysMoreThanDebtNorSeizesMoreThanCollateral(
        uint256 s0,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4,
        uint256 debtSeed,
        uint256 collateralSeed,
        uint256 ratioSeed,
        uint256 window
    ) public pure {
        TrancheMath.Params memory p = _boundParams(s0, s1, s2, s3, s4);
        TrancheMath.PositionState memory s = _boundPosition(debtSeed, collateralSeed, bound(ratioSeed, 1e15, 6e18));
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, p, window);
        assertLe(t.repaidAssets + t.badDebtAssets, s.debtAssets, "repaid + bad debt within debt");
        assertLe(t.seizedAssets, s.collateralAssets, "seized within collateral");
        if (t.badDebtAssets > 0) {
            assertEq(t.seizedAssets, s.collateralAssets, "bad debt only once all collateral is seized");
            assertEq(t.repaidAssets + t.badDebtAssets, s.debtAssets, "the whole debt is settled");
        }
        uint256 debtLeft = s.debtAssets - t.repaidAssets - t.badDebtAssets;
        assertTrue(
            debtLeft == 0 ||
                debtLeft >= p.minDebt ||
                t.kind == TrancheMath.TrancheKind.Healthy ||
                t.kind == TrancheMath.TrancheKind.WindowExhausted,
            "no dust left by a tranche"
        );
        assertGe(t.bonus, t.kind == TrancheMath.TrancheKind.Healthy ? 0 : p.minBonus);
        assertLe(t.bonus, p.maxBonus);
    }

    /// @notice Below `1 + bonus` a tranche would lower the ratio, so only a full close is proposed.
    function testFuzz_belowOnePlusBonusOnlyFullClose(
        uint256 s0,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4,
        uint256 debtSeed,
        uint256 collateralSeed,
        uint256 ratioSeed,
        uint256 window
    ) public pure {
        TrancheMath.Params memory p = _boundParams(s0, s1, s2, s3, s4);
        TrancheMath.PositionState memory s = _boundPosition(
            debtSeed,
            collateralSeed,
            bound(ratioSeed, 1e15, WAD + p.maxBonus)
        );
        TrancheMath.Tranche memory t = TrancheMath.computeTranche(s, p, window);
        if (t.ratioBefore >= WAD + p.maxBonus) return; // collateral rounding lifted it to the bound
        assertEq(uint8(t.kind), uint8(TrancheMath.TrancheKind.FullClose));
        assertEq(t.repaidAssets + t.badDebtAssets, s.debtAssets, "the whole debt is settled");
    }

    /// @notice The bonus stays within [minBonus, maxBonus] and never rises with the ratio.
    function testFuzz_bonusWithinBoundsAndNonIncreasing(
        uint256 s0,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4,
        uint256 ratioA,
        uint256 ratioB
    ) public pure {
        TrancheMath.Params memory p = _boundParams(s0, s1, s2, s3, s4);
        ratioA = bound(ratioA, 0, 6e18);
        ratioB = bound(ratioB, ratioA, 6e18);
        uint256 bonusA = TrancheMath.bonusDown(ratioA, p);
        uint256 bonusB = TrancheMath.bonusDown(ratioB, p);
        assertGe(bonusA, bonusB);
        assertGe(bonusB, p.minBonus);
        assertLe(bonusA, p.maxBonus);
    }

    /// @notice The keeper never pays less for all the collateral than its value at the bonus: the collateral it would
    /// be owed for the repayment is at least what it receives.
    function testFuzz_repayForCollateralNeverUnderpays(
        uint256 collateralAssets,
        uint256 price,
        uint256 bonus
    ) public pure {
        collateralAssets = bound(collateralAssets, 1, 1e40);
        price = bound(price, 1e12, 1e54);
        bonus = bound(bonus, 0, TrancheMath.MAX_BONUS);
        uint256 repaidAssets = TrancheMath.repayForCollateralUp(collateralAssets, price, bonus);
        // Seizure for that repayment, rounded up this time, covers all the collateral.
        uint256 owed = Math.mulDiv(repaidAssets, (WAD + bonus) * 1e18, price, Math.Rounding.Ceil);
        assertGe(owed, collateralAssets);
    }
}
