// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOracle
/// @notice A Sluice price source for one market: the value of one collateral unit in quote units, scaled by 1e36
/// (`value = collateralAssets * price / 1e36`, no decimals needed). Oracles report validity instead of reverting, so
/// callers can branch: borrowing and withdrawing need a valid *primary* price; liquidation accepts a fallback price;
/// repaying and topping up never need a price.
interface IOracle {
    /// @notice Where a price came from.
    /// @dev `Invalid`: no usable price (stale, zero or negative answer, incomplete round, sequencer down or in its
    /// grace period, fallback unavailable, its anchor older than its maximum age, or the fallback too far from that
    /// anchor); `price` is then 0.
    /// `Primary`: the primary source (e.g. Chainlink feeds). `Fallback`: the model fallback (e.g. a Uniswap V3 TWAP)
    /// while the primary is invalid.
    enum PriceStatus {
        Invalid,
        Primary,
        Fallback
    }

    /// @notice The current price and where it came from, without changing state.
    /// @return price Value of one collateral unit in quote units, scaled by 1e36; 0 when `status` is `Invalid`.
    /// @return status Where the price came from.
    function price() external view returns (uint256 price, PriceStatus status);

    /// @notice Same as `price()`, and lets the oracle record what it needs (e.g. the last good primary price that
    /// bounds a fallback) and emit which source priced. State-changing callers use this one.
    /// @return price Value of one collateral unit in quote units, scaled by 1e36; 0 when `status` is `Invalid`.
    /// @return status Where the price came from.
    function updatePrice() external returns (uint256 price, PriceStatus status);

    /// @notice The latest price the primary source published that passes every check except its age, and the time
    /// from which its age counts: an anchor for a fallback, not a price to act on. Never reverts.
    /// @dev "Every check except its age": positive, from a complete round, not dated in the future (nor undated), the
    /// price fits 256 bits; the L2 sequencer's status is not considered. `updatedAt` is when the source published
    /// the answer; for a price made of two feeds the older of the two answers' `updatedAt`. An oracle wrapping a
    /// primary (`MarkToModelOracle`) reports its primary's answer or, when that has none, the primary price it last
    /// recorded with the block timestamp of the recording. A fallback price (e.g. a TWAP) is never reported here, so
    /// a fallback can never anchor another one.
    /// @dev Warning: the answer may be arbitrarily old (a stale feed keeps returning it); callers bound its age.
    /// @return price Value of one collateral unit in quote units, scaled by 1e36; 0 when there is none.
    /// @return updatedAt When that price was published (or last known valid), a block timestamp; 0 when there is none.
    function latestAnswer() external view returns (uint256 price, uint256 updatedAt);

    /// @notice The latest L2 sequencer outage this oracle knows of, so the liquidation engine can stop its clocks
    /// (grace windows, time bonus) while owners could not act.
    /// @dev Both are 0 when there is no sequencer feed. While the sequencer is down (or its status is unknown),
    /// `resumedAt` is `type(uint256).max`. `resumedAt` may lie in the future while the sequencer is in its restart
    /// grace period; prices are `Invalid` until then.
    /// @return downAt When the sequencer went down; 0 when unknown (callers then assume it went down as early as
    /// matters to them).
    /// @return resumedAt When prices became (or become) valid again: the restart time plus the grace period.
    function lastOutage() external view returns (uint256 downAt, uint256 resumedAt);
}
