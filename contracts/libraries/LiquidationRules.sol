// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {TrancheMath} from "./TrancheMath.sol";

/// @title LiquidationRules
/// @notice When a sized tranche may run, and the clock behind it: the end of a position's grace window and the time
/// component of its bonus, both stopped while the L2 sequencer was down. Shared by the LiquidationEngine (which
/// enforces them) and the PositionLens (which reports them for many positions at once without calling the engine
/// per position), so the two cannot disagree. Mirrored in `src/sdk/liquidation/preview.ts`.
/// @dev Times are unix seconds; bonuses WAD.
library LiquidationRules {
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
    struct PlanInput {
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
    /// tranche at the ramp bonus plus the time bonus (`TrancheMath.computeTrancheWithExtraBonus`); its protocol fee;
    /// and whether it may run now (`reasonFor`). Callers check a valid price and some debt first.
    function planTranche(PlanInput memory input) internal view returns (TranchePlan memory plan) {
        ILiquidationEngine.TrancheState memory history = input.history;
        plan.graceEnd = graceEnd(history.lastTrancheAt, input.trancheCooldown, input.outage);
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
            input.params,
            room,
            extraBonus(history.liquidatableSince, input.timeBonusPerSecond, plan.graceEnd, input.outage)
        );
        plan.protocolFee = TrancheMath.protocolFeeUp(plan.tranche.repaidAssets, plan.tranche.bonus, input.keeperShare);
        plan.reason = reasonFor(plan.tranche.kind, plan.graceEnd);
    }

    /// @notice Whether a tranche of `kind` repays the whole debt (a full close, or a close for dust).
    function closesWholeDebt(TrancheMath.TrancheKind kind) internal pure returns (bool) {
        return kind == TrancheMath.TrancheKind.FullClose || kind == TrancheMath.TrancheKind.DustClose;
    }
}
