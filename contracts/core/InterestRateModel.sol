// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IInterestRateModel} from "../interfaces/IInterestRateModel.sol";

/// @title InterestRateModel
/// @notice Kinked borrow-rate curve; its parameters are immutable: governance deploys a new model to change them.
contract InterestRateModel is IInterestRateModel {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant SECONDS_PER_YEAR = 365 days;
    /// @notice Largest base rate: 100 % a year.
    uint256 public constant MAX_BASE_RATE_PER_YEAR = 1e18;
    /// @notice Largest slope: 1,000 % a year.
    uint256 public constant MAX_SLOPE_PER_YEAR = 10e18;

    /// @inheritdoc IInterestRateModel
    uint256 public immutable baseRatePerYear;
    /// @inheritdoc IInterestRateModel
    uint256 public immutable slope1PerYear;
    /// @inheritdoc IInterestRateModel
    uint256 public immutable slope2PerYear;
    /// @inheritdoc IInterestRateModel
    uint256 public immutable kink;

    /// @param baseRatePerYear_ Yearly rate at zero utilization (WAD, at most 100 %).
    /// @param slope1PerYear_ Yearly rate added up to the kink (WAD, at most 1,000 %).
    /// @param slope2PerYear_ Yearly rate added from the kink to full utilization (WAD, at most 1,000 %).
    /// @param kink_ Utilization of the kink (WAD, strictly between 0 and 100 %).
    constructor(uint256 baseRatePerYear_, uint256 slope1PerYear_, uint256 slope2PerYear_, uint256 kink_) {
        if (baseRatePerYear_ > MAX_BASE_RATE_PER_YEAR) {
            revert BaseRateTooHigh(baseRatePerYear_, MAX_BASE_RATE_PER_YEAR);
        }
        if (slope1PerYear_ > MAX_SLOPE_PER_YEAR) revert SlopeTooHigh(slope1PerYear_, MAX_SLOPE_PER_YEAR);
        if (slope2PerYear_ > MAX_SLOPE_PER_YEAR) revert SlopeTooHigh(slope2PerYear_, MAX_SLOPE_PER_YEAR);
        if (kink_ == 0 || kink_ >= WAD) revert InvalidKink(kink_);
        baseRatePerYear = baseRatePerYear_;
        slope1PerYear = slope1PerYear_;
        slope2PerYear = slope2PerYear_;
        kink = kink_;
    }

    /// @inheritdoc IInterestRateModel
    function utilization(uint256 cashAssets, uint256 borrowAssets) public pure returns (uint256) {
        uint256 supplied = cashAssets + borrowAssets;
        if (supplied == 0) return 0;
        return Math.mulDiv(borrowAssets, WAD, supplied);
    }

    /// @inheritdoc IInterestRateModel
    function borrowRatePerSecond(uint256 cashAssets, uint256 borrowAssets) external view returns (uint256) {
        uint256 u = utilization(cashAssets, borrowAssets);
        uint256 ratePerYear = baseRatePerYear + Math.mulDiv(slope1PerYear, Math.min(u, kink), kink);
        if (u > kink) ratePerYear += Math.mulDiv(slope2PerYear, u - kink, WAD - kink);
        return ratePerYear / SECONDS_PER_YEAR;
    }
}
