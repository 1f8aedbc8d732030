/**
 * TypeScript mirror of `LiquidationEngine.previewLiquidation`: from a position's on-chain state, what a keeper's
 * `liquidate(positionId, type(uint256).max, …)` would do now, or why it cannot. Same steps and rounding as the
 * contract; a parity test (`test/sdk/liquidationPreview.parity.test.ts`) holds the two together.
 *
 * Units: amounts token-native; ratios and bonuses WAD; prices quote units per collateral unit × 1e36; times in
 * seconds.
 */
import { max, min } from "../math/fixedPoint.js";
import {
  TrancheKind,
  computeTranche,
  protocolFeeUp,
  ratioDown,
  validateParams,
  type Tranche,
} from "../math/trancheMath.js";
import type { RiskParams } from "../math/riskParams.js";
import { atSpeed, graceSkipped, observeSpeed, projectedDrop, type PriceSpeed } from "./speed.js";

/** Why a position cannot be liquidated now; numeric values equal `ILiquidationEngine.Reason`. */
export enum LiquidationReason {
  None = 0,
  UnknownPosition = 1,
  NoDebt = 2,
  InvalidPrice = 3,
  Healthy = 4,
  GracePeriod = 5,
  WindowExhausted = 6,
}

/** Everything the preview reads from the chain. */
export interface LiquidationState {
  /** False when the position does not exist. */
  exists: boolean;
  /** Collateral units. */
  collateralAssets: bigint;
  /** Debt after accruing now, rounded up (`MarginVault.debtAssetsOf`). */
  debtAssets: bigint;
  /** Oracle price (1e36-scaled) and whether it is valid (`Primary` or `Fallback`). */
  price: bigint;
  /** True when `price` may be used (`Primary` or `Fallback`). */
  priceValid: boolean;
  /** The market's risk parameters. */
  params: RiskParams;
  /** `TrancheState` of the position: unix seconds since it was flagged (0 when not flagged). */
  liquidatableSince: bigint;
  /**
   * `TrancheState` of the position: unix seconds of its last complete tranche (one that repaid everything the engine
   * sized, or the whole debt), which starts the grace window; 0 when none.
   */
  lastTrancheAt: bigint;
  /**
   * `TrancheState` of the position: unix seconds of the first tranche that repaid less than the engine sized, while
   * what it left of that sized tranche is open; 0 when none.
   */
  openTrancheAt: bigint;
  /** `TrancheState` of the position: what is left open of that sized tranche (quote units). */
  openTrancheAssets: bigint;
  /** Market window bookkeeping: unix seconds the current window started. */
  windowStart: bigint;
  /** Market window bookkeeping: debt repaid by tranches in the current window (quote units). */
  windowLiquidatedAssets: bigint;
  /** Market time bonus (WAD per second). */
  timeBonusPerSecond: bigint;
  /** The market's price-speed measure as last recorded (`LiquidationEngine.priceSpeed`); the preview observes `price`. */
  speed: PriceSpeed;
  /**
   * The market oracle's latest L2 sequencer outage (`IOracle.lastOutage`): when the sequencer went down (0 if
   * unknown) and when prices became valid again (`2^256 - 1` while down); both 0 when there is none.
   */
  outageDownAt: bigint;
  /** See `outageDownAt`. */
  outageResumedAt: bigint;
  /** Block timestamp the preview is for. */
  now: bigint;
}

/** What `liquidate` would do; fields as `ILiquidationEngine.Preview`. */
export interface LiquidationPreview {
  /** `None` when `liquidate` would go through now; otherwise why it would revert. */
  reason: LiquidationReason;
  /** How the tranche is sized (to target, capped, full close, bad debt). */
  kind: TrancheKind;
  /** Collateral ratio before the tranche (WAD, rounded down). */
  ratioBefore: bigint;
  /** Bonus on the repaid debt, time bonus included (WAD, rounded down). */
  bonus: bigint;
  /** Debt the liquidator repays (quote units, rounded up). */
  repaidAssets: bigint;
  /** Collateral the liquidator receives (collateral units, rounded down). */
  seizedAssets: bigint;
  /** Fee the liquidator pays on top of `repaidAssets` (quote units, rounded up). */
  protocolFee: bigint;
  /** Debt left uncovered after seizing all collateral (quote units); 0 unless `kind` is bad debt. */
  badDebtAssets: bigint;
  /** True when the tranche closes the position's whole debt. */
  fullClose: boolean;
  /** Unix seconds from which the next tranche is allowed after this one. */
  nextEligibleAt: bigint;
}

const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * The market window as it stands at `state.now` (as `LiquidationRules.currentWindow`): one that has run its length
 * counts as a fresh window opening now with nothing liquidated in it.
 */
export function currentWindow(state: LiquidationState): { start: bigint; liquidatedAssets: bigint } {
  if (state.now >= state.windowStart + state.params.window) return { start: state.now, liquidatedAssets: 0n };
  return { start: state.windowStart, liquidatedAssets: state.windowLiquidatedAssets };
}

/** Debt the market window still allows (as `LiquidationEngine.windowRemaining`). */
export function windowRemaining(state: LiquidationState): bigint {
  const { liquidatedAssets } = currentWindow(state);
  const limit = state.params.windowLimit;
  return liquidatedAssets >= limit ? 0n : limit - liquidatedAssets;
}

/**
 * End of a grace window of `trancheCooldown` that began at `start` (as `LiquidationRules.graceEnd`); 0 when
 * `start` is 0. Time while the L2 sequencer was down does not count: the window's time left when it went down runs
 * again from when prices resumed (the whole window if the start is unknown); `2^256 - 1` while the sequencer is down.
 */
function graceEnd(state: LiquidationState, start: bigint): bigint {
  if (start === 0n) return 0n;
  const end = start + state.params.trancheCooldown;
  if (state.outageResumedAt <= start) return end;
  const pausedFrom = max(state.outageDownAt, start);
  if (end <= pausedFrom) return end;
  return min(state.outageResumedAt + (end - pausedFrom), MAX_UINT256);
}

/** End of the grace window after the last complete tranche (as `LiquidationEngine.nextEligibleAt`); see `graceEnd`. */
export function nextEligibleAt(state: LiquidationState): bigint {
  return graceEnd(state, state.lastTrancheAt);
}

/**
 * Most debt the next tranche may repay before the target, the caps and dust (as `LiquidationRules.trancheRoom`):
 * the open remainder of an incomplete tranche while it lasts (one grace window from the first incomplete tranche);
 * no bound for the position's first tranche in the current market window; otherwise what the window still allows.
 */
export function trancheRoom(state: LiquidationState): bigint {
  if (state.openTrancheAssets > 0n && state.now < graceEnd(state, state.openTrancheAt)) return state.openTrancheAssets;
  const last = max(state.lastTrancheAt, state.openTrancheAt);
  if (last === 0n || last < currentWindow(state).start) return MAX_UINT256;
  return windowRemaining(state);
}

/**
 * Time component of the bonus (as `LiquidationEngine.extraBonusOf`), WAD: `timeBonusPerSecond` per second since the
 * position was flagged or its grace window ended (whichever is later), not counting time the sequencer was down.
 */
export function extraBonus(state: LiquidationState): bigint {
  if (state.liquidatableSince === 0n) return 0n;
  const start = max(state.liquidatableSince, nextEligibleAt(state));
  if (state.now <= start) return 0n;
  let elapsed = state.now - start;
  if (state.outageResumedAt > start) {
    const pausedFrom = max(state.outageDownAt, start);
    const pausedTo = min(state.outageResumedAt, state.now);
    if (pausedTo > pausedFrom) elapsed -= pausedTo - pausedFrom;
  }
  return state.timeBonusPerSecond * elapsed;
}

function emptyPreview(reason: LiquidationReason, nextEligibleAt: bigint): LiquidationPreview {
  return {
    reason,
    kind: TrancheKind.Healthy,
    ratioBefore: 0n,
    bonus: 0n,
    repaidAssets: 0n,
    seizedAssets: 0n,
    protocolFee: 0n,
    badDebtAssets: 0n,
    fullClose: false,
    nextEligibleAt,
  };
}

/** A planned tranche: mirror of `LiquidationRules.TranchePlan` (without `openTranche`, which only the engine uses). */
export interface TranchePlan {
  tranche: Tranche;
  protocolFee: bigint;
  graceEnd: bigint;
  reason: LiquidationReason;
}

/** Mirror of `LiquidationRules.reasonFor`: whether a tranche of `kind` may run at `now`. */
export function reasonFor(kind: TrancheKind, graceEnd: bigint, now: bigint): LiquidationReason {
  if (kind === TrancheKind.Healthy) return LiquidationReason.Healthy;
  if (kind !== TrancheKind.FullClose && now < graceEnd) return LiquidationReason.GracePeriod;
  if (kind === TrancheKind.WindowExhausted) return LiquidationReason.WindowExhausted;
  return LiquidationReason.None;
}

/**
 * Mirror of `LiquidationRules.planTranche`, the one planner the engine's `liquidate` and `previewLiquidation` and the
 * lens share: grace end, room, the parameters at the measured speed, the tranche at the ramp bonus plus the time
 * bonus, its fee, whether it may run now (the grace window skipped when the speed says so).
 * The caller checks a valid price and some debt first.
 */
export function planTranche(state: LiquidationState): TranchePlan {
  const graceEnd = nextEligibleAt(state);
  const ratio = ratioDown(state.collateralAssets, state.price, state.debtAssets);
  const { dropRate } = observeSpeed(state.speed, state.price, state.now);
  const cooldown = state.params.trancheCooldown;
  const tranche = computeTranche(
    { collateralAssets: state.collateralAssets, debtAssets: state.debtAssets, price: state.price },
    atSpeed(state.params, ratio, projectedDrop(dropRate, cooldown)),
    trancheRoom(state),
    extraBonus(state),
  );
  const skipped = graceSkipped(ratio, dropRate, graceEnd, cooldown, state.params, state.now);
  return {
    tranche,
    protocolFee: protocolFeeUp(tranche.repaidAssets, tranche.bonus, state.params.keeperShare),
    graceEnd,
    reason: reasonFor(tranche.kind, skipped ? 0n : graceEnd, state.now),
  };
}

/** Mirror of `LiquidationEngine.previewLiquidation`. */
export function previewLiquidation(state: LiquidationState): LiquidationPreview {
  if (!state.exists) return emptyPreview(LiquidationReason.UnknownPosition, 0n);
  validateParams(state.params);
  const graceEnd = nextEligibleAt(state);
  if (!state.priceValid) return emptyPreview(LiquidationReason.InvalidPrice, graceEnd);
  if (state.debtAssets === 0n) return emptyPreview(LiquidationReason.NoDebt, graceEnd);

  const { tranche, protocolFee, reason } = planTranche(state);
  return {
    reason,
    kind: tranche.kind,
    ratioBefore: tranche.ratioBefore,
    bonus: tranche.bonus,
    repaidAssets: tranche.repaidAssets,
    seizedAssets: tranche.seizedAssets,
    protocolFee,
    badDebtAssets: tranche.badDebtAssets,
    fullClose: tranche.kind === TrancheKind.FullClose || tranche.kind === TrancheKind.DustClose,
    nextEligibleAt: graceEnd,
  };
}
