// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title InterestMath
/// @notice Continuous compounding of a per-second rate, approximated by the first three terms of the Taylor series.
library InterestMath {
    uint256 internal constant WAD = 1e18;

    /// @notice `e^(rate * elapsed) - 1`, WAD, rounded down, from `x + x^2/2 + x^3/6` with `x = rate * elapsed`.
    /// @dev The truncated series is below the true value, so borrowers are never over-charged by the approximation;
    /// at 100 % a year accrued once a year it gives 1.6667 instead of 1.7183 (-3 %), and for one day at 100 % a year
    /// the error is below 1e-10 relative. Pools accrue on every action, so periods are short.
    /// @param ratePerSecond Borrow rate, WAD per second.
    /// @param elapsed Seconds since the last accrual.
    function compoundedGrowthDown(uint256 ratePerSecond, uint256 elapsed) internal pure returns (uint256) {
        uint256 firstTerm = ratePerSecond * elapsed;
        uint256 secondTerm = Math.mulDiv(firstTerm, firstTerm, 2 * WAD);
        uint256 thirdTerm = Math.mulDiv(secondTerm, firstTerm, 3 * WAD);
        return firstTerm + secondTerm + thirdTerm;
    }
}
