/**
 * TypeScript mirror of the speed-aware part of `LiquidationRules` (issue #19): the market's price-speed measure
 * (`observeSpeed`), the tranche parameters at a measured speed (`atSpeed`) and the grace-window skip
 * (`graceSkipped`). Same steps and rounding as the contract; `test/sdk/speed.parity.test.ts` and the preview parity
 * test hold them together.
 *
 * Units: prices 1e36-scaled; rates WAD per second; falls and ratios WAD; times unix seconds.
 */
import { Rounding, min, mulDiv } from "../math/fixedPoint.js";
import { WAD, type TrancheParams } from "../math/trancheMath.js";

/** `LiquidationRules.SPEED_TIME_CONSTANT`: the estimator's time constant τ, seconds (half-life τ·ln 2 ≈ 208 s). */
export const SPEED_TIME_CONSTANT = 300n;
/** `LiquidationRules.MAX_DROP_RATE`: the largest measured rate of fall, 1 % per second (WAD per second). */
export const MAX_DROP_RATE = 10n ** 16n;
/** `LiquidationRules.CALM_DROP`: below this projected fall over one grace window (1 %) the market counts as calm. */
export const CALM_DROP = 10n ** 16n;

const MAX_UINT256 = (1n << 256n) - 1n;

/** A market's speed measure (`LiquidationRules.PriceSpeed`, as `LiquidationEngine.priceSpeed` returns it). */
export interface PriceSpeed {
  /** When the price was last observed (0: never). */
  at: bigint;
  /** The price then, 1e36-scaled (its 144 most significant bits, as the engine stores it). */
  price: bigint;
  /** The measured rate of fall, WAD per second. */
  dropRate: bigint;
}

/** The measure after observing `price` at `now`: `(rate·τ + drop) / (τ + Δt)`, rounded down, capped (as the contract). */
export function observeSpeed(last: PriceSpeed, price: bigint, now: bigint): PriceSpeed {
  if (last.at === 0n || last.price === 0n) return { at: now, price, dropRate: 0n };
  if (now <= last.at) return last;
  const drop = price < last.price ? mulDiv(last.price - price, WAD, last.price) : 0n;
  const rate = (last.dropRate * SPEED_TIME_CONSTANT + drop) / (SPEED_TIME_CONSTANT + now - last.at);
  return { at: now, price, dropRate: min(rate, MAX_DROP_RATE) };
}

/** The rate `seconds` later at an unchanged price (`LiquidationRules.decayedRate`): `rate · τ / (τ + Δt)`. */
export function decayedRate(dropRate: bigint, seconds: bigint): bigint {
  return (dropRate * SPEED_TIME_CONSTANT) / (SPEED_TIME_CONSTANT + seconds);
}

/** The fall `dropRate` projects over `duration` seconds (WAD, at most 100 %). */
export function projectedDrop(dropRate: bigint, duration: bigint): bigint {
  const product = dropRate * duration;
  return min(product > MAX_UINT256 ? MAX_UINT256 : product, WAD);
}

/**
 * The tranche parameters at a projected fall of `drop` over one grace window, for a position at `ratio`
 * (`LiquidationRules.atSpeed`): the target raised to `target / (1 − drop)` (at most the initial ratio); no share cap
 * when the position would reach the full-liquidation ratio within the window; the whole debt when not even the
 * initial ratio would stay above it. Unchanged when calm or outside (full, maintenance). Returns a copy.
 */
export function atSpeed<P extends TrancheParams>(params: P, ratio: bigint, drop: bigint): P {
  const adjusted = { ...params };
  if (drop < CALM_DROP || ratio >= params.maintenanceRatio || ratio <= params.fullLiquidationRatio) return adjusted;
  const kept = WAD - drop;
  adjusted.targetRatio =
    kept === 0n ? params.initialRatio : min(params.initialRatio, mulDiv(params.targetRatio, WAD, kept, Rounding.Up));
  if (mulDiv(ratio, kept, WAD) <= params.fullLiquidationRatio) adjusted.maxTrancheShare = WAD;
  if (mulDiv(params.initialRatio, kept, WAD) <= params.fullLiquidationRatio) {
    adjusted.maxTrancheShare = WAD;
    adjusted.maxTrancheDebt = MAX_UINT256;
    adjusted.minTrancheDebt = MAX_UINT256;
  }
  return adjusted;
}

/**
 * Whether the measured speed skips what is left of a grace window ending at `graceEnd` (`LiquidationRules.graceSkipped`):
 * not calm, and at the measured rate the position would reach the full-liquidation ratio before the window ends.
 */
export function graceSkipped(
  ratio: bigint,
  dropRate: bigint,
  graceEnd: bigint,
  cooldown: bigint,
  params: TrancheParams,
  now: bigint,
): boolean {
  if (now >= graceEnd || projectedDrop(dropRate, cooldown) < CALM_DROP) return false;
  const drop = projectedDrop(dropRate, graceEnd - now);
  return mulDiv(ratio, WAD - drop, WAD) <= params.fullLiquidationRatio;
}
