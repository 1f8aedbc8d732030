// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {IOracle} from "./IOracle.sol";

/// @title IChainlinkOracle
/// @notice A primary price from Chainlink feeds: either a collateral/USD feed divided by a quote/USD feed, or one
/// direct collateral/quote feed. The price is the value of one collateral unit in quote units scaled by 1e36
/// (Morpho convention):
/// `price = baseAnswer * SCALE_FACTOR / quoteAnswer` (two feeds) or `price = baseAnswer * SCALE_FACTOR` (direct feed),
/// with `SCALE_FACTOR = 10^(36 + quoteDecimals + quoteFeedDecimals - collateralDecimals - baseFeedDecimals)` fixed at
/// deployment (`quoteFeedDecimals = 0` for a direct feed), and the division rounded down.
/// @dev Derivation: the base feed says one collateral token is worth `baseAnswer / 10^baseFeedDecimals` USD (or quote
/// tokens, for a direct feed), the quote feed that one quote token is worth `quoteAnswer / 10^quoteFeedDecimals` USD.
/// One collateral *unit* (`10^-collateralDecimals` tokens) is then worth
/// `baseAnswer / 10^baseFeedDecimals * 10^quoteFeedDecimals / quoteAnswer * 10^quoteDecimals / 10^collateralDecimals`
/// quote units; times 1e36 gives the formula above. Every decimals value is at most 18, so the exponent lies in
/// [0, 72] and `SCALE_FACTOR <= 1e72` fits in 256 bits.
/// A price is `Invalid` (and 0) when: a feed reverts; an answer is zero or negative; `updatedAt` is zero or in the
/// future; an answer is older than its feed's heartbeat (`block.timestamp - updatedAt > heartbeat`); a round is
/// incomplete (`answeredInRound < roundId`); the price does not fit in 256 bits; or, with an L2 sequencer-uptime feed,
/// the sequencer feed reverts, reports the sequencer down (answer != 0), has `startedAt == 0` or in the future, or the
/// sequencer came back up less than `SEQUENCER_GRACE_PERIOD` seconds ago. Otherwise the status is `Primary`.
/// `latestAnswer()` applies the same rules and formula except the heartbeats and the sequencer, so a stale answer is
/// still returned, with `updatedAt = min(baseUpdatedAt, quoteUpdatedAt)` (the base feed's alone for a direct feed);
/// it returns (0, 0) where those rules fail or the price rounds down to 0.
interface IChainlinkOracle is IOracle {
    /// @notice Thrown when the base (collateral/USD or collateral/quote) feed is the zero address.
    error ZeroBaseFeed();
    /// @notice Thrown when `feed` is given with a heartbeat of zero.
    error ZeroHeartbeat(address feed);
    /// @notice Thrown when no quote feed is given but its heartbeat is not zero (a likely misconfiguration).
    error HeartbeatWithoutFeed(uint256 heartbeat);
    /// @notice Thrown when the base and quote feeds are the same contract (the price would be constant).
    error SameBaseAndQuoteFeed(address feed);
    /// @notice Thrown when a token has more than `MAX_DECIMALS` decimals.
    error TokenDecimalsTooHigh(uint8 decimals, uint8 maxDecimals);
    /// @notice Thrown when `feed` reports more than `MAX_DECIMALS` decimals.
    error FeedDecimalsTooHigh(address feed, uint8 decimals, uint8 maxDecimals);
    /// @notice Thrown when a sequencer-uptime feed is given with a grace period of zero.
    error ZeroGracePeriod(address sequencerUptimeFeed);
    /// @notice Thrown when no sequencer-uptime feed is given but the grace period is not zero.
    error GracePeriodWithoutSequencer(uint256 gracePeriod);

    /// @notice Largest number of decimals accepted for a token or a feed (18).
    function MAX_DECIMALS() external view returns (uint8);

    /// @notice The collateral/USD feed, or the direct collateral/quote feed when `QUOTE_FEED` is the zero address.
    function BASE_FEED() external view returns (AggregatorV3Interface);

    /// @notice Largest age, in seconds, of a `BASE_FEED` answer that is still valid.
    function BASE_FEED_HEARTBEAT() external view returns (uint256);

    /// @notice The quote/USD feed; the zero address for a direct feed.
    function QUOTE_FEED() external view returns (AggregatorV3Interface);

    /// @notice Largest age, in seconds, of a `QUOTE_FEED` answer that is still valid; 0 for a direct feed.
    function QUOTE_FEED_HEARTBEAT() external view returns (uint256);

    /// @notice Decimals of the collateral token.
    function COLLATERAL_DECIMALS() external view returns (uint8);

    /// @notice Decimals of the quote token.
    function QUOTE_DECIMALS() external view returns (uint8);

    /// @notice The L2 sequencer-uptime feed (answer 0 = up, 1 = down); the zero address when there is none.
    function SEQUENCER_UPTIME_FEED() external view returns (AggregatorV3Interface);

    /// @notice Seconds after the sequencer comes back up during which prices stay invalid; 0 without a sequencer feed.
    function SEQUENCER_GRACE_PERIOD() external view returns (uint256);

    /// @notice `10^(36 + quoteDecimals + quoteFeedDecimals - collateralDecimals - baseFeedDecimals)`, fixed at
    /// deployment: `price = baseAnswer * SCALE_FACTOR / quoteAnswer`.
    function SCALE_FACTOR() external view returns (uint256);
}
