// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title MorphoChainlinkOracleBench
/// @notice Bench-only Morpho Blue oracle over two Chainlink feeds (collateral/USD and quote/USD), shaped like Morpho's
/// own Chainlink oracle: `price()` is one collateral unit in quote units scaled by 1e36. It reads the same feeds as
/// Sluice's ChainlinkOracle in the benchmark, so both protocols pay for comparable oracle reads.
contract MorphoChainlinkOracleBench {
    /// @notice Thrown when a feed answers zero or a negative price.
    error InvalidAnswer(address feed, int256 answer);

    AggregatorV3Interface public immutable COLLATERAL_FEED;
    AggregatorV3Interface public immutable QUOTE_FEED;
    /// @notice 10^(36 + quoteDecimals + quoteFeedDecimals - collateralDecimals - collateralFeedDecimals).
    uint256 public immutable SCALE_FACTOR;

    constructor(
        AggregatorV3Interface collateralFeed,
        AggregatorV3Interface quoteFeed,
        uint256 collateralDecimals,
        uint256 quoteDecimals
    ) {
        COLLATERAL_FEED = collateralFeed;
        QUOTE_FEED = quoteFeed;
        SCALE_FACTOR =
            10 ** (36 + quoteDecimals + quoteFeed.decimals() - collateralDecimals - collateralFeed.decimals());
    }

    /// @notice Price of one collateral unit in quote units, scaled by 1e36 (Morpho's `IOracle.price`).
    function price() external view returns (uint256) {
        return (SCALE_FACTOR * _answer(COLLATERAL_FEED)) / _answer(QUOTE_FEED);
    }

    function _answer(AggregatorV3Interface feed) private view returns (uint256) {
        (, int256 answer, , , ) = feed.latestRoundData();
        if (answer <= 0) revert InvalidAnswer(address(feed), answer);
        return uint256(answer);
    }
}
