// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {IOracle} from "./IOracle.sol";

/// @title IMarkToModelOracle
/// @notice A primary price with a model fallback: while the primary oracle reports a `Primary` price, that price is
/// returned (status `Primary`) and, by `updatePrice()`, recorded as the last good primary price. While the primary is
/// invalid, the price is the time-weighted average price of a Uniswap V3 pool over `TWAP_WINDOW` seconds (status
/// `Fallback`), but only if all of these hold; otherwise the status is `Invalid` and the price 0:
/// - an anchor exists: the newest primary price known, as `latestAnswer()` returns it (`anchorPrice` at
///   `anchorAt`): the primary's own `latestAnswer()` (its latest published answer, stale or not, at its publication
///   time) when it has one that is non-zero, dated and not in the future; otherwise the recorded last good primary
///   price (`lastGoodPrice` at `lastGoodPriceAt`, the block that recorded it);
/// - the anchor is at most `MAX_ANCHOR_AGE` old: `block.timestamp - anchorAt <= MAX_ANCHOR_AGE`;
/// - the primary does not report an L2 sequencer outage that is still running (`lastOutage().resumedAt` after now:
///   down, or in its restart grace period); `lastOutage()` is the primary's;
/// - the pool's current in-range liquidity is at least `MIN_LIQUIDITY` (the market is deep enough);
/// - the pool can answer `observe([TWAP_WINDOW, 0])` (its oldest observation is old enough; else it reverts `OLD`);
/// - the TWAP is within `MAX_DEVIATION` (WAD) of the anchor:
///   `|twap - anchorPrice| / anchorPrice <= MAX_DEVIATION`, the left side rounded up.
/// `TWAP_WINDOW >= MIN_TWAP_WINDOW` and `MIN_ANCHOR_AGE_LIMIT <= MAX_ANCHOR_AGE <= MAX_ANCHOR_AGE_LIMIT` are checked at
/// deployment. Because the anchor follows the primary's latest answer on every read path (`price()` and
/// `updatePrice()` alike), the band is centred on the last valid primary price even when nobody called
/// `updatePrice()` since (audit #17, L-1): a position whose ratio at that price is at least
/// `maintenanceRatio / (1 - MAX_DEVIATION)` cannot be liquidated at a fallback price.
/// @dev TWAP: `meanTick = (tickCumulative[now] - tickCumulative[now - TWAP_WINDOW]) / TWAP_WINDOW`, rounded towards
/// negative infinity (the geometric mean of the pool price), then `sqrtPriceX96 = getSqrtPriceAtTick(meanTick)` and
/// `token1 units per token0 unit = sqrtPriceX96^2 / 2^192`. As a 1e36-scaled price of one collateral unit:
/// `sqrtPriceX96^2 * 1e36 / 2^192` when the collateral is token0, `2^192 * 1e36 / sqrtPriceX96^2` when it is token1,
/// rounded down. Pool prices are already in token units, so no decimals are involved. With
/// `sqrtPriceX96 < 2^160` the square would overflow 256 bits, so above 2^128 it is taken as
/// `sqrtPriceX96^2 / 2^64` first (a relative error below 2^-128); the results are at most `2^128 * 1e36`.
/// The mean tick is a whole tick, so the TWAP carries up to one tick (0.01 %) of rounding against the exact mean.
/// Only a primary status `Primary` with a non-zero price counts as a valid primary price; a primary that reverts
/// or reports `Fallback` is treated as invalid.
/// @dev Warning: an outage longer than `MAX_ANCHOR_AGE`, counted from the anchor's time (the primary's publication,
/// not the moment the primary went stale), makes the fallback `Invalid` whatever the TWAP: liquidations stop until
/// the primary answers again. Within that age a genuine market move beyond `MAX_DEVIATION` from the anchor also makes
/// it `Invalid`: the oracle fails closed rather than follow the pool away from the last trusted price.
/// @dev Warning: the anchor's age counts from the primary's publication, for two feeds the older answer's, so a slow
/// quote feed (USDC/USD: 24 h heartbeat) ages it while the price is still valid; `MAX_ANCHOR_AGE` must exceed the
/// feeds' heartbeats or the fallback can be refused as soon as the primary goes stale. Calling `updatePrice()` does
/// not extend it: the recorded price is used only when the primary has no answer at all.
/// @dev Warning: a primary whose `latestAnswer()` reverts (one that does not implement it) leaves only the recorded
/// anchor, refreshed by `updatePrice()` alone: the L-1 behaviour, bounded by `MAX_ANCHOR_AGE`. A primary returning
/// malformed data (not two words) makes the reads revert, as with `price()`.
interface IMarkToModelOracle is IOracle {
    /// @notice Emitted by every `updatePrice()` call: which source priced, and the price (0 when `Invalid`).
    /// @dev With `status == Primary`, `price` was also recorded as the last good primary price.
    event PriceSourced(PriceStatus indexed status, uint256 price);

    /// @notice Thrown when the primary oracle is the zero address.
    error ZeroPrimary();
    /// @notice Thrown when the pool is the zero address.
    error ZeroPool();
    /// @notice Thrown when the pool's tokens are not exactly `collateralToken` and `quoteToken`.
    error TokensNotInPool(address pool, address collateralToken, address quoteToken);
    /// @notice Thrown when `twapWindow` is shorter than `MIN_TWAP_WINDOW`.
    error TwapWindowTooShort(uint32 twapWindow, uint32 minTwapWindow);
    /// @notice Thrown when the minimum in-range liquidity is zero (the depth check would accept any pool).
    error ZeroMinLiquidity();
    /// @notice Thrown when `maxDeviation` is zero or above `MAX_DEVIATION_LIMIT`.
    error InvalidMaxDeviation(uint256 maxDeviation, uint256 limit);
    /// @notice Thrown when `maxAnchorAge` is below `MIN_ANCHOR_AGE_LIMIT` or above `MAX_ANCHOR_AGE_LIMIT`.
    error InvalidMaxAnchorAge(uint256 maxAnchorAge, uint256 minLimit, uint256 maxLimit);

    /// @notice Shortest TWAP window accepted at deployment, in seconds (30 minutes).
    function MIN_TWAP_WINDOW() external view returns (uint32);

    /// @notice Largest `MAX_DEVIATION` accepted at deployment (WAD, 50 %).
    function MAX_DEVIATION_LIMIT() external view returns (uint256);

    /// @notice Smallest `MAX_ANCHOR_AGE` accepted at deployment, in seconds (1 hour).
    /// @dev Shorter would age the anchor out about when a primary with an hourly heartbeat goes stale: the fallback
    /// would never run. One hour is also twice `MIN_TWAP_WINDOW`.
    function MIN_ANCHOR_AGE_LIMIT() external view returns (uint256);

    /// @notice Largest `MAX_ANCHOR_AGE` accepted at deployment, in seconds (7 days).
    /// @dev A primary silent for a week is dead or deprecated, not down: its last answer says little about the
    /// market, and governance (timelocked, a day or more) has had time to list a replacement oracle.
    function MAX_ANCHOR_AGE_LIMIT() external view returns (uint256);

    /// @notice The primary oracle.
    function PRIMARY() external view returns (IOracle);

    /// @notice The Uniswap V3 pool of the collateral and quote tokens whose TWAP is the fallback.
    function POOL() external view returns (IUniswapV3Pool);

    /// @notice The collateral token (token0 or token1 of `POOL`).
    function COLLATERAL_TOKEN() external view returns (address);

    /// @notice The quote token (the other token of `POOL`).
    function QUOTE_TOKEN() external view returns (address);

    /// @notice True when the collateral is the pool's token0 (the pool price is then quote per collateral).
    function COLLATERAL_IS_TOKEN0() external view returns (bool);

    /// @notice Length of the TWAP, in seconds (>= `MIN_TWAP_WINDOW`).
    function TWAP_WINDOW() external view returns (uint32);

    /// @notice Smallest current in-range liquidity of `POOL` for which the fallback is used (> 0).
    function MIN_LIQUIDITY() external view returns (uint128);

    /// @notice Largest relative distance between the TWAP and the anchor (WAD, in (0, `MAX_DEVIATION_LIMIT`]).
    function MAX_DEVIATION() external view returns (uint256);

    /// @notice Largest age of the anchor for which the fallback is used, in seconds (in [`MIN_ANCHOR_AGE_LIMIT`,
    /// `MAX_ANCHOR_AGE_LIMIT`]): `block.timestamp - anchorAt <= MAX_ANCHOR_AGE`.
    /// @dev To be useful it exceeds every heartbeat of the primary's feeds (the deploy validation requires it on
    /// public networks): a valid answer can be a heartbeat old, and would otherwise be too old to anchor the fallback
    /// as soon as the primary goes stale.
    function MAX_ANCHOR_AGE() external view returns (uint256);

    /// @notice The last valid primary price recorded by `updatePrice()` (1e36 scale); 0 before the first one.
    /// @dev The fallback's anchor only when the primary's `latestAnswer()` has none (see `latestAnswer()`).
    function lastGoodPrice() external view returns (uint256);

    /// @notice When `lastGoodPrice` was recorded (block timestamp); 0 before the first one.
    function lastGoodPriceAt() external view returns (uint256);
}
