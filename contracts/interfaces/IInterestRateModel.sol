// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IInterestRateModel
/// @notice A kinked (two-slope) borrow-rate curve over the lending pool's utilization.
/// @dev Rates are WAD per second. Utilization `u = borrow / (cash + borrow)`, WAD.
/// `rate(u) = base + slope1 * min(u, kink) / kink + slope2 * max(u - kink, 0) / (1 - kink)` (yearly, then / 365 days).
interface IInterestRateModel {
    /// @notice Thrown when the yearly base rate is above `MAX_BASE_RATE_PER_YEAR`.
    error BaseRateTooHigh(uint256 baseRatePerYear, uint256 limit);
    /// @notice Thrown when a yearly slope is above `MAX_SLOPE_PER_YEAR`.
    error SlopeTooHigh(uint256 slopePerYear, uint256 limit);
    /// @notice Thrown when the kink is not strictly between 0 and 100 %.
    error InvalidKink(uint256 kink);

    /// @notice Yearly rate at zero utilization (WAD).
    function baseRatePerYear() external view returns (uint256);
    /// @notice Yearly rate added between zero utilization and the kink (WAD).
    function slope1PerYear() external view returns (uint256);
    /// @notice Yearly rate added between the kink and full utilization (WAD).
    function slope2PerYear() external view returns (uint256);
    /// @notice Utilization where the second slope starts (WAD, strictly between 0 and 1e18).
    function kink() external view returns (uint256);

    /// @notice Utilization for these balances, WAD, rounded down; 0 when nothing is supplied.
    function utilization(uint256 cashAssets, uint256 borrowAssets) external pure returns (uint256);

    /// @notice Borrow rate per second (WAD) for these balances, rounded down.
    /// @param cashAssets Quote assets the pool holds and can lend.
    /// @param borrowAssets Quote assets lent out, interest included.
    function borrowRatePerSecond(uint256 cashAssets, uint256 borrowAssets) external view returns (uint256);
}
