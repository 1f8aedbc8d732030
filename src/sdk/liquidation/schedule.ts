/**
 * Tranche schedules: the tranches that would follow one another, computed with the TrancheMath mirror.
 *
 * Units: amounts token-native; ratios and bonuses WAD; prices quote units per collateral unit × 1e36.
 */
import {
  TrancheKind,
  computeTranche,
  ratioDown,
  validateParams,
  type PositionState,
  type Tranche,
} from "../math/trancheMath.js";
import type { RiskParams } from "../math/riskParams.js";
import { atSpeed, decayedRate, projectedDrop } from "./speed.js";

/** Most tranches a schedule lists, as `LiquidationEngine.MAX_SCHEDULE_TRANCHES`. */
export const MAX_SCHEDULE_TRANCHES = 64;

/** One step of a schedule: the tranche and the position it leaves. */
export interface ScheduledTranche extends Tranche {
  /** Price the tranche was sized at (1e36-scaled). */
  price: bigint;
  /** Collateral left after it (collateral units). */
  collateralAfter: bigint;
  /** Debt left after it (quote units); bad debt is written off, so it is not counted. */
  debtAfter: bigint;
}

function applyTranche(state: PositionState, tranche: Tranche): ScheduledTranche {
  return {
    ...tranche,
    price: state.price,
    collateralAfter: state.collateralAssets - tranche.seizedAssets,
    debtAfter: state.debtAssets - tranche.repaidAssets - tranche.badDebtAssets,
  };
}

/**
 * Mirror of `LiquidationEngine.liquidationSchedule(positionId, price)`: the tranches that would follow one another at
 * a constant `price`, each after its grace window and each fitting a fresh market window (`windowLimit`). Stops when
 * the position is healthy or closed, or after {@link MAX_SCHEDULE_TRANCHES} tranches.
 * @param position collateral (collateral units), debt (quote units, rounded up as `debtAssetsOf`) and the price.
 * @param params the market's risk parameters.
 * @param dropRate the market's measured rate of fall at that price now (`LiquidationEngine.dropRate`, WAD per
 * second; 0, the default, plans at rest); it decays by one grace window per tranche, as the price stays constant.
 */
export function liquidationSchedule(
  position: PositionState,
  params: RiskParams,
  dropRate: bigint = 0n,
): ScheduledTranche[] {
  validateParams(params);
  const schedule: ScheduledTranche[] = [];
  let state = { ...position };
  let rate = dropRate;
  while (schedule.length < MAX_SCHEDULE_TRANCHES && state.debtAssets > 0n) {
    const ratio = ratioDown(state.collateralAssets, state.price, state.debtAssets);
    const drop = projectedDrop(rate, params.trancheCooldown);
    const tranche = computeTranche(state, atSpeed(params, ratio, drop), params.windowLimit);
    rate = decayedRate(rate, params.trancheCooldown);
    if (tranche.kind === TrancheKind.Healthy || tranche.kind === TrancheKind.WindowExhausted) break;
    const step = applyTranche(state, tranche);
    schedule.push(step);
    state = { collateralAssets: step.collateralAfter, debtAssets: step.debtAfter, price: state.price };
  }
  return schedule;
}

/**
 * The tranches along a price path: `prices[i]` is the price when the i-th grace window has passed (the first entry
 * is the price now). At each price at most one tranche runs (the one `liquidate` would size then, in a fresh market
 * window); a price at which the position is healthy runs none. Interest between steps is ignored.
 * @returns one entry per tranche, in order; stops early once the position is closed.
 */
export function scheduleAlongPath(
  position: Omit<PositionState, "price">,
  params: RiskParams,
  prices: readonly bigint[],
): ScheduledTranche[] {
  validateParams(params);
  const schedule: ScheduledTranche[] = [];
  let { collateralAssets, debtAssets } = position;
  for (const price of prices) {
    if (debtAssets === 0n) break;
    const state = { collateralAssets, debtAssets, price };
    const tranche = computeTranche(state, params, params.windowLimit);
    if (tranche.kind === TrancheKind.Healthy || tranche.kind === TrancheKind.WindowExhausted) continue;
    const step = applyTranche(state, tranche);
    schedule.push(step);
    collateralAssets = step.collateralAfter;
    debtAssets = step.debtAfter;
  }
  return schedule;
}
