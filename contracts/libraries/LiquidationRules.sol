// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {TrancheMath} from "./TrancheMath.sol";

/// @title LiquidationRules
/// @notice When a sized tranche may run, and the clock behind it: the end of a position's grace window and the time
/// component of its bonus, both stopped while the L2 sequencer was down; and how the market's measured price speed
/// shortens the grace window and raises the tranche. Shared by the LiquidationEngine (which enforces them) and the
/// PositionLens (which reports them for many positions at once without calling the engine per position), so the two
/// cannot disagree. Mirrored in `src/sdk/liquidation/preview.ts` and `src/sdk/liquidation/speed.ts`.
/// @dev Times are unix seconds; bonuses and rates WAD.
library LiquidationRules {
    uint256 internal constant WAD = 1e18;
    /// @notice Time constant τ of the price-speed estimator (`observeSpeed`); its half-life is τ·ln 2, about 208 s.
    uint256 internal constant SPEED_TIME_CONSTANT = 5 minutes;
    /// @notice Largest measured rate of fall: 1 % of the price per second.
    uint256 internal constant MAX_DROP_RATE = 0.01e18;
    /// @notice A market whose measured speed projects a fall below this over one grace window (1 %, twice Chainlink's
    /// ETH/USD deviation threshold) counts as calm: the tranche and the grace window are exactly the static ones.
    uint256 internal constant CALM_DROP = 0.01e18;

    /// @notice A market's measured price speed, from the oracle prices the engine's own actions read.
    /// @param at When the price was last observed (0: never).
    /// @param price The oracle price then (1e36-scaled; the engine keeps its 144 most significant bits).
    /// @param dropRate The measured rate of fall, WAD per second (a rise counts as no fall).
    struct PriceSpeed {
        uint256 at;
        uint256 price;
        uint256 dropRate;
    }

    /// @notice An oracle's latest sequencer outage (see `IOracle.lastOutage`); zero when none or not read.
    struct Outage {
        uint256 downAt;
        uint256 resumedAt;
    }

    /// @notice End of the grace window after a tranche at `lastTrancheAt` (0: no window). Time while the sequencer
    /// was down does not count: if an outage ended (prices valid again at `resumedAt`) after the tranche and began
    /// before the window ran out, the window's time left when it began runs again from `resumedAt`. An unknown
    /// start (`downAt == 0`) counts as the tranche's own time, so the whole window runs again. While the sequencer
    /// is down the window does not end (`type(uint256).max`).
    function graceEnd(uint256 lastTrancheAt, uint256 cooldown, Outage memory outage) internal pure returns (uint256) {
        if (lastTrancheAt == 0) return 0;
        uint256 end = lastTrancheAt + cooldown;
        if (outage.resumedAt <= lastTrancheAt) return end;
        uint256 pausedFrom = Math.max(outage.downAt, lastTrancheAt);
        if (end <= pausedFrom) return end;
        return Math.saturatingAdd(outage.resumedAt, end - pausedFrom);
    }

    /// @notice Time component of the bonus (before the cap at `maxBonus`): `perSecond` for every second since the
    /// later of `liquidatableSince` and `graceEnd_`, not counting time while the sequencer was down; 0 when the
    /// position is not flagged (`liquidatableSince == 0`).
    function extraBonus(
        uint256 liquidatableSince,
        uint256 perSecond,
        uint256 graceEnd_,
        Outage memory outage
    ) internal view returns (uint256) {
        if (liquidatableSince == 0) return 0;
        uint256 start = Math.max(liquidatableSince, graceEnd_);
        if (block.timestamp <= start) return 0;
        uint256 elapsed = block.timestamp - start;
        if (outage.resumedAt > start) {
            uint256 pausedFrom = Math.max(outage.downAt, start);
            uint256 pausedTo = Math.min(outage.resumedAt, block.timestamp);
            if (pausedTo > pausedFrom) elapsed -= pausedTo - pausedFrom;
        }
        return perSecond * elapsed;
    }

    /// @notice A market's rolling window as it stands now: one that has run its `length` (`now >= start + length`)
    /// counts as a fresh window opening now with nothing liquidated in it.
    /// @return currentStart When the current window opened (now, for a fresh one).
    /// @return currentLiquidatedAssets Debt liquidated by tranches in it so far (quote units).
    function currentWindow(
        uint256 start,
        uint256 liquidatedAssets,
        uint256 length
    ) internal view returns (uint256 currentStart, uint256 currentLiquidatedAssets) {
        if (block.timestamp >= start + length) return (block.timestamp, 0);
        return (start, liquidatedAssets);
    }

    /// @notice Debt a market window with `liquidatedAssets` used still allows under `limit` (0 once used up).
    function windowRemaining(uint256 liquidatedAssets, uint256 limit) internal pure returns (uint256) {
        return liquidatedAssets >= limit ? 0 : limit - liquidatedAssets;
    }

    /// @notice Whether what an incomplete tranche left of its sized tranche is still open: some is left and less than
    /// one grace window (`cooldown`, sequencer downtime not counted) has passed since the first incomplete tranche.
    function openTrancheLive(
        ILiquidationEngine.TrancheState memory history,
        uint256 cooldown,
        Outage memory outage
    ) internal view returns (bool) {
        return history.openTrancheAssets > 0 && block.timestamp < graceEnd(history.openTrancheAt, cooldown, outage);
    }

    /// @notice Most debt the next tranche of a position may repay (before the target, the caps and dust), given its
    /// history and the market window (`windowStart_` and `windowRemaining_` as `currentWindow` gives them):
    /// 1. while an incomplete tranche's remainder is open (`openTrancheLive`): that remainder, whatever the window
    ///    (it belongs to a tranche the window already admitted; `openTranche` is then true);
    /// 2. the position's first tranche in the current window (it never had a tranche, or its last one, complete or
    ///    not, came before the window opened): no window bound, so that filling the window (e.g. by liquidating one's
    ///    own positions) can hold back a position's repeat tranches but never its first one in a window;
    /// 3. otherwise what the window still allows.
    function trancheRoom(
        ILiquidationEngine.TrancheState memory history,
        uint256 windowStart_,
        uint256 windowRemaining_,
        uint256 cooldown,
        Outage memory outage
    ) internal view returns (uint256 room, bool openTranche) {
        if (openTrancheLive(history, cooldown, outage)) return (history.openTrancheAssets, true);
        uint256 lastTrancheAt = Math.max(history.lastTrancheAt, history.openTrancheAt);
        if (lastTrancheAt == 0 || lastTrancheAt < windowStart_) return (type(uint256).max, false);
        return (windowRemaining_, false);
    }

    /// @notice Whether a tranche of `kind` may run now, given the position's grace window ending at `graceEnd_`:
    /// `Healthy` above maintenance; `GracePeriod` inside the window, unless the tranche is a full close at or below
    /// the full-liquidation ratio (which ignores it); `WindowExhausted` when the market window has no room; else
    /// `None` (it may run).
    function reasonFor(
        TrancheMath.TrancheKind kind,
        uint256 graceEnd_
    ) internal view returns (ILiquidationEngine.Reason) {
        if (kind == TrancheMath.TrancheKind.Healthy) return ILiquidationEngine.Reason.Healthy;
        if (kind != TrancheMath.TrancheKind.FullClose && block.timestamp < graceEnd_) {
            return ILiquidationEngine.Reason.GracePeriod;
        }
        if (kind == TrancheMath.TrancheKind.WindowExhausted) return ILiquidationEngine.Reason.WindowExhausted;
        return ILiquidationEngine.Reason.None;
    }

    /// @notice What `planTranche` needs of a position and its market, read by the caller (the engine from its
    /// storage and the vault, the lens once per market for a whole page).
    /// @param windowStart When the market's current window opened (`currentWindow`).
    /// @param windowRemaining What that window still allows (`windowRemaining`).
    /// @param outage The oracle's last outage (zero when the position has no clock: it is then not read).
    /// @param dropRate The market's measured rate of fall as of now (`observeSpeed` with the current price).
    struct PlanInput {
        uint256 dropRate;
        uint256 collateralAssets;
        uint256 debtAssets;
        uint256 price;
        ILiquidationEngine.TrancheState history;
        TrancheMath.Params params;
        uint256 keeperShare;
        uint256 trancheCooldown;
        uint256 windowStart;
        uint256 windowRemaining;
        uint256 timeBonusPerSecond;
        Outage outage;
    }

    /// @notice A planned tranche: what `liquidate` would do now and whether it may.
    /// @param openTranche Whether the room was an open remainder of an earlier incomplete tranche (`trancheRoom`).
    struct TranchePlan {
        TrancheMath.Tranche tranche;
        uint256 protocolFee;
        uint256 graceEnd;
        bool openTranche;
        ILiquidationEngine.Reason reason;
    }

    /// @notice The one tranche planner, for `LiquidationEngine.liquidate` and `previewLiquidation` and for
    /// `PositionLens` alike (the SDK mirrors it in `planTranche`): the grace end; the room (`trancheRoom`); the
    /// parameters at the measured speed (`atSpeed`); the tranche at the ramp bonus plus the time bonus
    /// (`TrancheMath.computeTrancheWithExtraBonus`); its protocol fee; and whether it may run now (`reasonFor`, with
    /// the grace window skipped when `graceSkipped`). Callers check a valid price and some debt first.
    function planTranche(PlanInput memory input) internal view returns (TranchePlan memory plan) {
        ILiquidationEngine.TrancheState memory history = input.history;
        plan.graceEnd = graceEnd(history.lastTrancheAt, input.trancheCooldown, input.outage);
        uint256 ratio = TrancheMath.ratioDown(input.collateralAssets, input.price, input.debtAssets);
        uint256 room;
        (room, plan.openTranche) = trancheRoom(
            history,
            input.windowStart,
            input.windowRemaining,
            input.trancheCooldown,
            input.outage
        );
        plan.tranche = TrancheMath.computeTrancheWithExtraBonus(
            TrancheMath.PositionState({
                collateralAssets: input.collateralAssets,
                debtAssets: input.debtAssets,
                price: input.price
            }),
            atSpeed(input.params, ratio, projectedDrop(input.dropRate, input.trancheCooldown)),
            room,
            extraBonus(history.liquidatableSince, input.timeBonusPerSecond, plan.graceEnd, input.outage)
        );
        plan.protocolFee = TrancheMath.protocolFeeUp(plan.tranche.repaidAssets, plan.tranche.bonus, input.keeperShare);
        bool skipped = graceSkipped(ratio, input.dropRate, plan.graceEnd, input.trancheCooldown, input.params);
        plan.reason = reasonFor(plan.tranche.kind, skipped ? 0 : plan.graceEnd);
    }

    // ------------------------------------------------------------------ price speed

    /// @notice The speed after observing `price` now: `rate' = (rate · τ + drop) / (τ + Δt)`, rounded down, at most
    /// `MAX_DROP_RATE`, where `drop` is the relative fall since the last observation (WAD, rounded down; 0 for a
    /// rise) and `Δt` the seconds since it. This is the exponentially weighted mean of the rate of fall `drop / Δt`
    /// with the weight `τ / (τ + Δt)` on the past (a first-order form of `e^(-Δt/τ)` that needs no exponential): each
    /// observation adds its fall divided by `τ + Δt`, so observations every block and one per minute measure the same
    /// steady fall, and with no fall the rate decays to exactly 0 (rounding down: a calm market reads 0).
    /// The first observation starts at rate 0; later ones in the same second change nothing. A fall spread over a long
    /// gap between observations counts as spread evenly over it (nothing tells when it happened).
    function observeSpeed(PriceSpeed memory last, uint256 price) internal view returns (PriceSpeed memory) {
        if (last.at == 0 || last.price == 0) return PriceSpeed(block.timestamp, price, 0);
        if (block.timestamp <= last.at) return last;
        uint256 drop = price < last.price ? Math.mulDiv(last.price - price, WAD, last.price) : 0;
        uint256 rate = (last.dropRate * SPEED_TIME_CONSTANT + drop) / (SPEED_TIME_CONSTANT + block.timestamp - last.at);
        return PriceSpeed(block.timestamp, price, Math.min(rate, MAX_DROP_RATE));
    }

    /// @notice The rate `seconds_` later at an unchanged price: `observeSpeed` with no fall, `rate · τ / (τ + Δt)`.
    function decayedRate(uint256 dropRate, uint256 seconds_) internal pure returns (uint256) {
        return (dropRate * SPEED_TIME_CONSTANT) / (SPEED_TIME_CONSTANT + seconds_);
    }

    /// @notice The fall `dropRate` projects over `duration` seconds (WAD, at most 100 %).
    function projectedDrop(uint256 dropRate, uint256 duration) internal pure returns (uint256) {
        return Math.min(Math.saturatingMul(dropRate, duration), WAD);
    }

    /// @notice The tranche parameters at a projected fall of `drop` over one grace window, for a position at `ratio`:
    /// unchanged when the market is calm (`drop < CALM_DROP`) or the ratio is not strictly between the full-liquidation
    /// ratio and maintenance; otherwise
    /// 1. the target rises to `targetRatio / (1 - drop)` (rounded up, at most `initialRatio`): what, at the measured
    ///    speed, is still at the target when the next grace window ends;
    /// 2. when the position itself would reach the full-liquidation ratio within one grace window
    ///    (`ratio · (1 - drop) <= fullLiquidationRatio`), the share cap is lifted: one tranche restores the raised
    ///    target rather than a capped one now and a full close at the maximum bonus next;
    /// 3. when not even the initial ratio would stay above the full-liquidation ratio for one grace window, every cap
    ///    but the market window is lifted and the minimum tranche is the whole debt: a close of the whole debt at the
    ///    ramp bonus (a `DustClose`), the end of the scale from a static tranche to a full close.
    /// A faster measured speed never makes a tranche smaller. `params` is not changed: it is returned as it is when
    /// nothing changes, a changed copy otherwise.
    function atSpeed(
        TrancheMath.Params memory params,
        uint256 ratio,
        uint256 drop
    ) internal pure returns (TrancheMath.Params memory adjusted) {
        if (drop < CALM_DROP || ratio >= params.maintenanceRatio || ratio <= params.fullLiquidationRatio) {
            return params;
        }
        adjusted = TrancheMath.Params({
            initialRatio: params.initialRatio,
            targetRatio: params.targetRatio,
            maintenanceRatio: params.maintenanceRatio,
            fullLiquidationRatio: params.fullLiquidationRatio,
            minBonus: params.minBonus,
            maxBonus: params.maxBonus,
            maxTrancheShare: params.maxTrancheShare,
            maxTrancheDebt: params.maxTrancheDebt,
            minTrancheDebt: params.minTrancheDebt,
            minDebt: params.minDebt
        });
        uint256 kept = WAD - drop;
        adjusted.targetRatio =
            kept == 0
                ? params.initialRatio
                : Math.min(params.initialRatio, Math.mulDiv(params.targetRatio, WAD, kept, Math.Rounding.Ceil));
        if (Math.mulDiv(ratio, kept, WAD) <= params.fullLiquidationRatio) adjusted.maxTrancheShare = WAD;
        if (Math.mulDiv(params.initialRatio, kept, WAD) <= params.fullLiquidationRatio) {
            adjusted.maxTrancheShare = WAD;
            adjusted.maxTrancheDebt = type(uint256).max;
            adjusted.minTrancheDebt = type(uint256).max;
        }
    }

    /// @notice Whether the measured speed skips what is left of a position's grace window (ending at `graceEnd_`):
    /// the market is not calm, and at the measured rate the position, now at `ratio`, would reach the full-liquidation
    /// ratio before the window ends, where waiting would mean a full close at the maximum bonus (and, past
    /// `1 + bonus`, a tranche could no longer restore it). A faster measured speed never keeps a window that a slower
    /// one skips.
    function graceSkipped(
        uint256 ratio,
        uint256 dropRate,
        uint256 graceEnd_,
        uint256 cooldown,
        TrancheMath.Params memory params
    ) internal view returns (bool) {
        if (block.timestamp >= graceEnd_ || projectedDrop(dropRate, cooldown) < CALM_DROP) return false;
        uint256 drop = projectedDrop(dropRate, graceEnd_ - block.timestamp);
        return Math.mulDiv(ratio, WAD - drop, WAD) <= params.fullLiquidationRatio;
    }

    /// @notice Whether a tranche of `kind` repays the whole debt (a full close, or a close for dust).
    function closesWholeDebt(TrancheMath.TrancheKind kind) internal pure returns (bool) {
        return kind == TrancheMath.TrancheKind.FullClose || kind == TrancheMath.TrancheKind.DustClose;
    }
}
