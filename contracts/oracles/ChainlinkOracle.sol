// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IChainlinkOracle} from "../interfaces/IChainlinkOracle.sol";
import {IOracle} from "../interfaces/IOracle.sol";

/// @title ChainlinkOracle
/// @notice Primary price of one market from Chainlink feeds, with per-feed staleness checks and an optional L2
/// sequencer-uptime check. See `IChainlinkOracle` for the formula, its derivation and every validity rule.
/// @dev Never reverts after deployment when feeds revert or misbehave: it reports `Invalid` instead.
contract ChainlinkOracle is IChainlinkOracle {
    /// @dev Decimals of the oracle price scale (1e36).
    uint256 internal constant PRICE_SCALE_DECIMALS = 36;

    /// @inheritdoc IChainlinkOracle
    uint8 public constant MAX_DECIMALS = 18;

    /// @inheritdoc IChainlinkOracle
    AggregatorV3Interface public immutable BASE_FEED;
    /// @inheritdoc IChainlinkOracle
    uint256 public immutable BASE_FEED_HEARTBEAT;
    /// @inheritdoc IChainlinkOracle
    AggregatorV3Interface public immutable QUOTE_FEED;
    /// @inheritdoc IChainlinkOracle
    uint256 public immutable QUOTE_FEED_HEARTBEAT;
    /// @inheritdoc IChainlinkOracle
    uint8 public immutable COLLATERAL_DECIMALS;
    /// @inheritdoc IChainlinkOracle
    uint8 public immutable QUOTE_DECIMALS;
    /// @inheritdoc IChainlinkOracle
    AggregatorV3Interface public immutable SEQUENCER_UPTIME_FEED;
    /// @inheritdoc IChainlinkOracle
    uint256 public immutable SEQUENCER_GRACE_PERIOD;
    /// @inheritdoc IChainlinkOracle
    uint256 public immutable SCALE_FACTOR;

    /// @param baseFeed Collateral/USD feed, or the direct collateral/quote feed when `quoteFeed` is the zero address.
    /// @param baseFeedHeartbeat Largest valid age of a `baseFeed` answer, in seconds (> 0).
    /// @param quoteFeed Quote/USD feed, or the zero address for a direct feed.
    /// @param quoteFeedHeartbeat Largest valid age of a `quoteFeed` answer, in seconds (> 0 with a quote feed, else 0).
    /// @param collateralDecimals Decimals of the collateral token (<= 18).
    /// @param quoteDecimals Decimals of the quote token (<= 18).
    /// @param sequencerUptimeFeed L2 sequencer-uptime feed, or the zero address when there is none.
    /// @param sequencerGracePeriod Seconds after a sequencer restart during which prices stay invalid (> 0 with a
    /// sequencer feed, else 0).
    constructor(
        AggregatorV3Interface baseFeed,
        uint256 baseFeedHeartbeat,
        AggregatorV3Interface quoteFeed,
        uint256 quoteFeedHeartbeat,
        uint8 collateralDecimals,
        uint8 quoteDecimals,
        AggregatorV3Interface sequencerUptimeFeed,
        uint256 sequencerGracePeriod
    ) {
        if (address(baseFeed) == address(0)) revert ZeroBaseFeed();
        if (baseFeedHeartbeat == 0) revert ZeroHeartbeat(address(baseFeed));
        if (address(quoteFeed) == address(0)) {
            if (quoteFeedHeartbeat != 0) revert HeartbeatWithoutFeed(quoteFeedHeartbeat);
        } else {
            if (quoteFeed == baseFeed) revert SameBaseAndQuoteFeed(address(quoteFeed));
            if (quoteFeedHeartbeat == 0) revert ZeroHeartbeat(address(quoteFeed));
        }
        if (collateralDecimals > MAX_DECIMALS) revert TokenDecimalsTooHigh(collateralDecimals, MAX_DECIMALS);
        if (quoteDecimals > MAX_DECIMALS) revert TokenDecimalsTooHigh(quoteDecimals, MAX_DECIMALS);
        if (address(sequencerUptimeFeed) == address(0)) {
            if (sequencerGracePeriod != 0) revert GracePeriodWithoutSequencer(sequencerGracePeriod);
        } else if (sequencerGracePeriod == 0) {
            revert ZeroGracePeriod(address(sequencerUptimeFeed));
        }

        uint256 baseFeedDecimals = _feedDecimals(baseFeed);
        uint256 quoteFeedDecimals = address(quoteFeed) == address(0) ? 0 : _feedDecimals(quoteFeed);

        BASE_FEED = baseFeed;
        BASE_FEED_HEARTBEAT = baseFeedHeartbeat;
        QUOTE_FEED = quoteFeed;
        QUOTE_FEED_HEARTBEAT = quoteFeedHeartbeat;
        COLLATERAL_DECIMALS = collateralDecimals;
        QUOTE_DECIMALS = quoteDecimals;
        SEQUENCER_UPTIME_FEED = sequencerUptimeFeed;
        SEQUENCER_GRACE_PERIOD = sequencerGracePeriod;
        // Every decimals value is <= 18, so the exponent is in [36 - 36, 36 + 36] = [0, 72]: never negative, and
        // 10^72 < 2^240 fits in 256 bits. The additions come first so the subtraction cannot underflow.
        SCALE_FACTOR =
            10 ** (PRICE_SCALE_DECIMALS + quoteDecimals + quoteFeedDecimals - collateralDecimals - baseFeedDecimals);
    }

    /// @inheritdoc IOracle
    function price() external view returns (uint256, PriceStatus) {
        return _price();
    }

    /// @inheritdoc IOracle
    /// @dev Chainlink prices need no recorded state: this is `price()`.
    function updatePrice() external view returns (uint256, PriceStatus) {
        return _price();
    }

    /// @inheritdoc IOracle
    /// @dev The feeds' latest rounds with every check of `price()` except the heartbeats and the sequencer, combined by
    /// the same formula; `updatedAt` is the older feed's. (0, 0) when a feed reverts or a check fails.
    function latestAnswer() external view returns (uint256, uint256) {
        (bool baseValid, uint256 baseAnswer, uint256 updatedAt) = _latestRound(BASE_FEED);
        if (!baseValid) return (0, 0);

        uint256 quoteAnswer = 1;
        if (address(QUOTE_FEED) != address(0)) {
            bool quoteValid;
            uint256 quoteUpdatedAt;
            (quoteValid, quoteAnswer, quoteUpdatedAt) = _latestRound(QUOTE_FEED);
            if (!quoteValid) return (0, 0);
            if (quoteUpdatedAt < updatedAt) updatedAt = quoteUpdatedAt;
        }

        (bool fits, uint256 combinedPrice) = _combine(baseAnswer, quoteAnswer);
        if (!fits || combinedPrice == 0) return (0, 0);
        return (combinedPrice, updatedAt);
    }

    /// @inheritdoc IOracle
    /// @dev From the sequencer-uptime feed: its latest round says whether the sequencer is up and since when
    /// (`startedAt`); `downAt` is the `startedAt` of the round before it when that round says "down", else 0.
    function lastOutage() external view returns (uint256 downAt, uint256 resumedAt) {
        if (address(SEQUENCER_UPTIME_FEED) == address(0)) return (0, 0);
        try SEQUENCER_UPTIME_FEED.latestRoundData() returns (
            uint80 roundId,
            int256 answer,
            uint256 startedAt,
            uint256,
            uint80
        ) {
            if (answer != 0) return (startedAt, type(uint256).max);
            if (startedAt == 0 || startedAt > block.timestamp) return (0, type(uint256).max);
            resumedAt = startedAt + SEQUENCER_GRACE_PERIOD;
            if (roundId != 0) downAt = _downAt(roundId - 1, startedAt);
        } catch {
            return (0, type(uint256).max);
        }
    }

    /// @dev `startedAt` of sequencer round `roundId` if it says "down" and started no later than `upAt`; else 0.
    function _downAt(uint80 roundId, uint256 upAt) internal view returns (uint256) {
        try SEQUENCER_UPTIME_FEED.getRoundData(roundId) returns (
            uint80,
            int256 answer,
            uint256 startedAt,
            uint256,
            uint80
        ) {
            if (answer != 0 && startedAt <= upAt) return startedAt;
        } catch {} // solhint-disable-line no-empty-blocks
        return 0;
    }

    /// @dev The price and its status; (0, Invalid) as soon as one check fails.
    function _price() internal view returns (uint256, PriceStatus) {
        if (!_sequencerUp()) return (0, PriceStatus.Invalid);

        (bool baseValid, uint256 baseAnswer) = _answer(BASE_FEED, BASE_FEED_HEARTBEAT);
        if (!baseValid) return (0, PriceStatus.Invalid);

        uint256 quoteAnswer = 1;
        if (address(QUOTE_FEED) != address(0)) {
            bool quoteValid;
            (quoteValid, quoteAnswer) = _answer(QUOTE_FEED, QUOTE_FEED_HEARTBEAT);
            if (!quoteValid) return (0, PriceStatus.Invalid);
        }

        (bool fits, uint256 combinedPrice) = _combine(baseAnswer, quoteAnswer);
        if (!fits) return (0, PriceStatus.Invalid);
        return (combinedPrice, PriceStatus.Primary);
    }

    /// @dev `baseAnswer * SCALE_FACTOR / quoteAnswer`, rounded down, in 512-bit precision; `(false, 0)` when the
    /// quotient does not fit in 256 bits, which is exactly when the high half of the product is not below the divisor.
    function _combine(uint256 baseAnswer, uint256 quoteAnswer) internal view returns (bool, uint256) {
        (uint256 high, ) = Math.mul512(baseAnswer, SCALE_FACTOR);
        if (high >= quoteAnswer) return (false, 0);
        return (true, Math.mulDiv(baseAnswer, SCALE_FACTOR, quoteAnswer));
    }

    /// @dev A feed's latest answer if `_latestRound` accepts it and it is at most `heartbeat` seconds old;
    /// `(false, 0)` otherwise.
    function _answer(AggregatorV3Interface feed, uint256 heartbeat) internal view returns (bool, uint256) {
        (bool valid, uint256 answer, uint256 updatedAt) = _latestRound(feed);
        if (!valid || block.timestamp - updatedAt > heartbeat) return (false, 0);
        return (true, answer);
    }

    /// @dev A feed's latest answer and its `updatedAt` if the answer is positive, dated (not zero, not in the future)
    /// and from a complete round, whatever its age; `(false, 0, 0)` otherwise, including when the feed reverts.
    function _latestRound(AggregatorV3Interface feed) internal view returns (bool, uint256, uint256) {
        try feed.latestRoundData() returns (
            uint80 roundId,
            int256 answer,
            uint256,
            uint256 updatedAt,
            uint80 answeredInRound
        ) {
            if (answer <= 0) return (false, 0, 0);
            if (updatedAt == 0 || updatedAt > block.timestamp) return (false, 0, 0);
            if (answeredInRound < roundId) return (false, 0, 0);
            return (true, uint256(answer), updatedAt);
        } catch {
            return (false, 0, 0);
        }
    }

    /// @dev True without a sequencer feed; otherwise true only when the sequencer is up (answer 0) and has been up
    /// for at least `SEQUENCER_GRACE_PERIOD` seconds (`startedAt` is when its status last changed).
    function _sequencerUp() internal view returns (bool) {
        if (address(SEQUENCER_UPTIME_FEED) == address(0)) return true;
        try SEQUENCER_UPTIME_FEED.latestRoundData() returns (
            uint80,
            int256 answer,
            uint256 startedAt,
            uint256,
            uint80
        ) {
            if (answer != 0) return false;
            if (startedAt == 0 || startedAt > block.timestamp) return false;
            return block.timestamp - startedAt >= SEQUENCER_GRACE_PERIOD;
        } catch {
            return false;
        }
    }

    /// @dev A feed's decimals, checked against `MAX_DECIMALS`.
    function _feedDecimals(AggregatorV3Interface feed) internal view returns (uint256) {
        uint8 decimals = feed.decimals();
        if (decimals > MAX_DECIMALS) revert FeedDecimalsTooHigh(address(feed), decimals, MAX_DECIMALS);
        return decimals;
    }
}
