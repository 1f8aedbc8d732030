// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {FullMath} from "@uniswap/v4-core/src/libraries/FullMath.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";

import {IMarkToModelOracle} from "../interfaces/IMarkToModelOracle.sol";
import {IOracle} from "../interfaces/IOracle.sol";

/// @title MarkToModelOracle
/// @notice The primary oracle's price while it is valid; a bounded Uniswap V3 TWAP while it is not. See
/// `IMarkToModelOracle` for the rules and the formula.
/// @dev Reports `Invalid` rather than reverting when the primary or the pool's `observe` reverts.
contract MarkToModelOracle is IMarkToModelOracle {
    /// @dev 100 % in WAD.
    uint256 internal constant WAD = 1e18;
    /// @dev Scale of oracle prices (Morpho convention).
    uint256 internal constant ORACLE_PRICE_SCALE = 1e36;

    /// @inheritdoc IMarkToModelOracle
    uint32 public constant MIN_TWAP_WINDOW = 30 minutes;
    /// @inheritdoc IMarkToModelOracle
    uint256 public constant MAX_DEVIATION_LIMIT = 0.5e18;
    /// @inheritdoc IMarkToModelOracle
    uint256 public constant MIN_ANCHOR_AGE_LIMIT = 1 hours;
    /// @inheritdoc IMarkToModelOracle
    uint256 public constant MAX_ANCHOR_AGE_LIMIT = 7 days;

    /// @inheritdoc IMarkToModelOracle
    IOracle public immutable PRIMARY;
    /// @inheritdoc IMarkToModelOracle
    IUniswapV3Pool public immutable POOL;
    /// @inheritdoc IMarkToModelOracle
    address public immutable COLLATERAL_TOKEN;
    /// @inheritdoc IMarkToModelOracle
    address public immutable QUOTE_TOKEN;
    /// @inheritdoc IMarkToModelOracle
    bool public immutable COLLATERAL_IS_TOKEN0;
    /// @inheritdoc IMarkToModelOracle
    uint32 public immutable TWAP_WINDOW;
    /// @inheritdoc IMarkToModelOracle
    uint128 public immutable MIN_LIQUIDITY;
    /// @inheritdoc IMarkToModelOracle
    uint256 public immutable MAX_DEVIATION;
    /// @inheritdoc IMarkToModelOracle
    uint256 public immutable MAX_ANCHOR_AGE;

    /// @inheritdoc IMarkToModelOracle
    uint256 public lastGoodPrice;
    /// @inheritdoc IMarkToModelOracle
    uint256 public lastGoodPriceAt;

    /// @param primary The primary oracle.
    /// @param pool A Uniswap V3 pool of `collateralToken` and `quoteToken`, in either order.
    /// @param collateralToken The market's collateral token.
    /// @param quoteToken The market's quote token.
    /// @param twapWindow Length of the TWAP in seconds (>= `MIN_TWAP_WINDOW`); the pool needs enough observation
    /// cardinality to look that far back.
    /// @param minLiquidity Smallest current in-range liquidity for which the fallback is used (> 0).
    /// @param maxDeviation Largest relative distance of the TWAP from the anchor (WAD, in (0, `MAX_DEVIATION_LIMIT`]).
    /// @param maxAnchorAge Largest age of the anchor, in seconds (in [`MIN_ANCHOR_AGE_LIMIT`, `MAX_ANCHOR_AGE_LIMIT`]);
    /// to be useful it exceeds the primary's heartbeats, since a primary answer's age counts from its publication.
    constructor(
        IOracle primary,
        IUniswapV3Pool pool,
        address collateralToken,
        address quoteToken,
        uint32 twapWindow,
        uint128 minLiquidity,
        uint256 maxDeviation,
        uint256 maxAnchorAge
    ) {
        if (address(primary) == address(0)) revert ZeroPrimary();
        if (address(pool) == address(0)) revert ZeroPool();
        if (twapWindow < MIN_TWAP_WINDOW) revert TwapWindowTooShort(twapWindow, MIN_TWAP_WINDOW);
        if (minLiquidity == 0) revert ZeroMinLiquidity();
        if (maxDeviation == 0 || maxDeviation > MAX_DEVIATION_LIMIT) {
            revert InvalidMaxDeviation(maxDeviation, MAX_DEVIATION_LIMIT);
        }
        if (maxAnchorAge < MIN_ANCHOR_AGE_LIMIT || maxAnchorAge > MAX_ANCHOR_AGE_LIMIT) {
            revert InvalidMaxAnchorAge(maxAnchorAge, MIN_ANCHOR_AGE_LIMIT, MAX_ANCHOR_AGE_LIMIT);
        }
        address token0 = pool.token0();
        address token1 = pool.token1();
        bool collateralIsToken0 = token0 == collateralToken && token1 == quoteToken;
        if (!collateralIsToken0 && !(token1 == collateralToken && token0 == quoteToken)) {
            revert TokensNotInPool(address(pool), collateralToken, quoteToken);
        }

        PRIMARY = primary;
        POOL = pool;
        COLLATERAL_TOKEN = collateralToken;
        QUOTE_TOKEN = quoteToken;
        COLLATERAL_IS_TOKEN0 = collateralIsToken0;
        TWAP_WINDOW = twapWindow;
        MIN_LIQUIDITY = minLiquidity;
        MAX_DEVIATION = maxDeviation;
        MAX_ANCHOR_AGE = maxAnchorAge;
    }

    /// @inheritdoc IOracle
    function price() external view returns (uint256, PriceStatus) {
        uint256 primaryPrice;
        try PRIMARY.price() returns (uint256 reportedPrice, PriceStatus reportedStatus) {
            if (reportedStatus == PriceStatus.Primary) primaryPrice = reportedPrice;
        } catch {} // solhint-disable-line no-empty-blocks
        if (primaryPrice != 0) return (primaryPrice, PriceStatus.Primary);
        return _fallbackPrice();
    }

    /// @inheritdoc IOracle
    /// @dev Calls the primary's `updatePrice()`, records its price when valid, and emits `PriceSourced`.
    function updatePrice() external returns (uint256 sourcedPrice, PriceStatus status) {
        uint256 primaryPrice;
        try PRIMARY.updatePrice() returns (uint256 reportedPrice, PriceStatus reportedStatus) {
            if (reportedStatus == PriceStatus.Primary) primaryPrice = reportedPrice;
        } catch {} // solhint-disable-line no-empty-blocks
        if (primaryPrice != 0) {
            lastGoodPrice = primaryPrice;
            lastGoodPriceAt = block.timestamp;
            (sourcedPrice, status) = (primaryPrice, PriceStatus.Primary);
        } else {
            (sourcedPrice, status) = _fallbackPrice();
        }
        emit PriceSourced(status, sourcedPrice);
    }

    /// @inheritdoc IOracle
    /// @dev The fallback's anchor (see `IMarkToModelOracle`): the primary's own `latestAnswer()`, or when it has none
    /// the recorded last good primary price at the block that recorded it; whatever its age. Never a TWAP.
    function latestAnswer() external view returns (uint256, uint256) {
        return _anchor();
    }

    /// @inheritdoc IOracle
    /// @dev The primary's outage; (0, 0) if the primary reverts.
    function lastOutage() external view returns (uint256 downAt, uint256 resumedAt) {
        try PRIMARY.lastOutage() returns (uint256 primaryDownAt, uint256 primaryResumedAt) {
            return (primaryDownAt, primaryResumedAt);
        } catch {
            return (0, 0);
        }
    }

    /// @dev The newest primary price known and the time its age counts from: the primary's `latestAnswer()` when it
    /// is non-zero, dated and not in the future; otherwise (the primary has none, or reverts) the recorded last good
    /// primary price at the block that recorded it; (0, 0) before any. The primary's answer wins even when
    /// `lastGoodPriceAt` is later: a recorded price is a copy of an earlier primary answer, so it is never newer
    /// information, only timed differently (validation, not publication). With two feeds the primary's time is the
    /// older feed's, so comparing times could keep a stale copy over a newer base-feed answer.
    function _anchor() internal view returns (uint256, uint256) {
        try PRIMARY.latestAnswer() returns (uint256 latestPrice, uint256 latestAt) {
            if (latestPrice != 0 && latestAt != 0 && latestAt <= block.timestamp) return (latestPrice, latestAt);
        } catch {} // solhint-disable-line no-empty-blocks
        return (lastGoodPrice, lastGoodPriceAt);
    }

    /// @dev The TWAP as a `Fallback` price if the anchor exists and is at most `MAX_ANCHOR_AGE` old, the sequencer is
    /// not down or in its grace period, the pool is deep enough, `observe` answers and the TWAP is within
    /// `MAX_DEVIATION` of the anchor; (0, Invalid) otherwise.
    function _fallbackPrice() internal view returns (uint256, PriceStatus) {
        (uint256 anchorPrice, uint256 anchorAt) = _anchor();
        if (anchorPrice == 0) return (0, PriceStatus.Invalid);
        // anchorAt <= block.timestamp: a recording's block, or a primary answer checked not to be in the future.
        if (block.timestamp - anchorAt > MAX_ANCHOR_AGE) return (0, PriceStatus.Invalid);
        if (_inOutage()) return (0, PriceStatus.Invalid);
        if (POOL.liquidity() < MIN_LIQUIDITY) return (0, PriceStatus.Invalid);
        (bool observed, uint256 twapPrice) = _twapPrice();
        if (!observed) return (0, PriceStatus.Invalid);
        uint256 distance = twapPrice > anchorPrice ? twapPrice - anchorPrice : anchorPrice - twapPrice;
        // Rounded up, so a TWAP just outside the band is never let through by rounding.
        if (FullMath.mulDivRoundingUp(distance, WAD, anchorPrice) > MAX_DEVIATION) return (0, PriceStatus.Invalid);
        return (twapPrice, PriceStatus.Fallback);
    }

    /// @dev Whether the primary reports its L2 sequencer down or in its restart grace period (a pool on a stopped
    /// chain has no trades to average). A primary whose `lastOutage` reverts counts as not in an outage.
    function _inOutage() internal view returns (bool) {
        try PRIMARY.lastOutage() returns (uint256, uint256 resumedAt) {
            return resumedAt > block.timestamp;
        } catch {
            return false;
        }
    }

    /// @dev The pool's TWAP over `TWAP_WINDOW` as a 1e36-scaled collateral price; `(false, 0)` when `observe`
    /// reverts (e.g. `OLD`: not enough history) or the mean tick is outside the valid tick range.
    function _twapPrice() internal view returns (bool, uint256) {
        uint32[] memory secondsAgos = new uint32[](2);
        secondsAgos[0] = TWAP_WINDOW;
        try POOL.observe(secondsAgos) returns (int56[] memory tickCumulatives, uint160[] memory) {
            int56 window = int56(uint56(TWAP_WINDOW));
            int56 tickCumulativeDelta = tickCumulatives[1] - tickCumulatives[0];
            int56 meanTick = tickCumulativeDelta / window;
            // Solidity rounds towards zero; the mean tick rounds towards negative infinity.
            if (tickCumulativeDelta < 0 && tickCumulativeDelta % window != 0) meanTick--;
            if (meanTick < TickMath.MIN_TICK || meanTick > TickMath.MAX_TICK) return (false, 0);
            return (true, _priceAtTick(int24(meanTick)));
        } catch {
            return (false, 0);
        }
    }

    /// @dev Value of one collateral unit in quote units, scaled by 1e36 and rounded down, at pool tick `tick`.
    /// `sqrtPriceX96^2 / 2^192` is token1 per token0; below 2^128 the square is exact in 256 bits, above it the
    /// square is taken over 2^64 (a relative error below 2^-128, since the square is then at least 2^256).
    function _priceAtTick(int24 tick) internal view returns (uint256) {
        uint256 sqrtPriceX96 = TickMath.getSqrtPriceAtTick(tick);
        if (sqrtPriceX96 <= type(uint128).max) {
            uint256 priceX192 = sqrtPriceX96 * sqrtPriceX96;
            return
                COLLATERAL_IS_TOKEN0
                    ? FullMath.mulDiv(priceX192, ORACLE_PRICE_SCALE, 1 << 192)
                    : FullMath.mulDiv(1 << 192, ORACLE_PRICE_SCALE, priceX192);
        }
        uint256 priceX128 = FullMath.mulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
        return
            COLLATERAL_IS_TOKEN0
                ? FullMath.mulDiv(priceX128, ORACLE_PRICE_SCALE, 1 << 128)
                : FullMath.mulDiv(1 << 128, ORACLE_PRICE_SCALE, priceX128);
    }
}
