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

    /// @notice Whether a tranche of `kind` repays the whole debt (a full close, or a close for dust).
    function closesWholeDebt(TrancheMath.TrancheKind kind) internal pure returns (bool) {
        return kind == TrancheMath.TrancheKind.FullClose || kind == TrancheMath.TrancheKind.DustClose;
    }
}
