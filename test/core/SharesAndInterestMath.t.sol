// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Test} from "forge-std/Test.sol";

import {InterestMath} from "../../contracts/libraries/InterestMath.sol";
import {SharesMath} from "../../contracts/libraries/SharesMath.sol";

contract SharesAndInterestMathTest is Test {
    /// @notice Fuzz: converting to shares and back never returns more than went in (down/down), and rounding up
    /// never gives less (up/up).
    function testFuzz_sharesRoundTripFavoursProtocol(
        uint256 assets,
        uint256 totalAssets,
        uint256 totalShares
    ) public pure {
        totalAssets = bound(totalAssets, 0, 1e30);
        totalShares = bound(totalShares, 0, 1e42);
        assets = bound(assets, 0, 1e30);
        uint256 down = SharesMath.toAssetsDown(
            SharesMath.toSharesDown(assets, totalAssets, totalShares),
            totalAssets,
            totalShares
        );
        assertLe(down, assets);
        uint256 up = SharesMath.toAssetsUp(
            SharesMath.toSharesUp(assets, totalAssets, totalShares),
            totalAssets,
            totalShares
        );
        assertGe(up, assets);
    }

    function test_sharesStartAtOneMillionPerAsset() public pure {
        assertEq(SharesMath.toSharesDown(5, 0, 0), 5e6);
        assertEq(SharesMath.toAssetsUp(5e6, 0, 0), 5);
    }

    function test_compoundedGrowth_matchesTaylorTerms() public pure {
        // x = 0.1: 0.1 + 0.005 + 0.000166666... = 0.105166666666666666
        assertEq(InterestMath.compoundedGrowthDown(0.1e18, 1), 105_166_666_666_666_666);
        assertEq(InterestMath.compoundedGrowthDown(0, 1_000_000), 0);
    }

    /// @notice Fuzz: growth is monotone in time and never above e^x - 1 (bounded by x + x^2 for x <= 1).
    function testFuzz_compoundedGrowth_monotoneAndBelowExp(uint256 rate, uint256 t1, uint256 t2) public pure {
        rate = bound(rate, 0, uint256(10e18) / 365 days);
        t1 = bound(t1, 0, 365 days);
        t2 = bound(t2, t1, 365 days);
        uint256 g1 = InterestMath.compoundedGrowthDown(rate, t1);
        uint256 g2 = InterestMath.compoundedGrowthDown(rate, t2);
        assertLe(g1, g2);
        uint256 x = rate * t1;
        assertGe(g1, x, "at least simple interest");
    }

    /// @notice Fuzz: two accruals compound to at least one over the same time, `(1 + g(a))(1 + g(b)) ≥ 1 + g(a + b)`,
    /// within the series' rounding (each term rounds down by under a wei). Why: for the truncated series
    /// `g(x) = x + x²/2 + x³/6`, `g(a + b) − g(a) − g(b) = ab + ab(a + b)/2 ≤ g(a)g(b)`. This is why LendingPool's
    /// accrual in steps, with the fraction carried, never adds less than one accrual over the same time.
    function testFuzz_compoundedGrowth_twoStepsCompoundToAtLeastOne(uint256 rate, uint256 a, uint256 b) public pure {
        rate = bound(rate, 0, uint256(1e18) / 365 days); // up to 100 % a year
        a = bound(a, 0, 182 days);
        b = bound(b, 0, 182 days);
        uint256 ga = InterestMath.compoundedGrowthDown(rate, a);
        uint256 gb = InterestMath.compoundedGrowthDown(rate, b);
        uint256 steps = Math.mulDiv(1e18 + ga, 1e18 + gb, 1e18);
        assertGe(steps + 8, 1e18 + InterestMath.compoundedGrowthDown(rate, a + b));
    }
}
