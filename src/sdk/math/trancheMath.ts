/**
 * TypeScript mirror of `contracts/libraries/TrancheMath.sol`: the same steps and the same rounding, in `bigint`,
 * so off-chain code (SDK, keeper, demo) gets the numbers the chain will compute, unit for unit. A parity test
 * (`test/sdk/trancheMath.parity.test.ts`) holds the two together.
 *
 * Units: amounts are token-native units; ratios and bonuses are WAD (1e18 = 100 %); a price is the value of one
 * collateral unit in quote units scaled by 1e36.
 */
import { MathOverflowError, Rounding, ceilDiv, max, min, mulChecked, mulDiv } from "./fixedPoint.js";

/** 100 % in WAD. */
export const WAD = 10n ** 18n;
/** Scale of oracle prices: the value of one collateral unit in quote units, times 1e36. */
export const ORACLE_PRICE_SCALE = 10n ** 36n;
/** Largest liquidation bonus a market may use (25 %, WAD). */
export const MAX_BONUS = 25n * 10n ** 16n;
/** Largest ratio parameter a market may use (1000 %, WAD). */
export const MAX_RATIO = 10n * WAD;

/** What a tranche does; the numeric values equal the Solidity enum's. */
export enum TrancheKind {
  /** Ratio at or above maintenance: nothing to do. */
  Healthy = 0,
  /** Liquidatable, but the market's rolling window has no room left. */
  WindowExhausted = 1,
  /** A capped or target-sized tranche that leaves at least `minDebt`. */
  Partial = 2,
  /** The tranche would have left less than `minDebt` (or nothing): the whole debt is repaid. */
  DustClose = 3,
  /** Ratio at or below the full-liquidation ratio: caps lifted, the whole debt may be repaid. */
  FullClose = 4,
}

/** The liquidation subset of a market's risk parameters (ratios and bonuses in WAD, debts in quote units). */
export interface TrancheParams {
  /** Ratio needed after a borrow or a withdrawal (WAD). */
  initialRatio: bigint;
  /** Ratio a tranche restores, just above maintenance (WAD). */
  targetRatio: bigint;
  /** Below this ratio a position is liquidatable (WAD). */
  maintenanceRatio: bigint;
  /** At or below this ratio the whole position may be closed at once (WAD). */
  fullLiquidationRatio: bigint;
  /** Bonus at the maintenance ratio (WAD). */
  minBonus: bigint;
  /** Bonus at and below the full-liquidation ratio (WAD). */
  maxBonus: bigint;
  /** Largest fraction of the debt one tranche repays (WAD, in (0, 1e18]). */
  maxTrancheShare: bigint;
  /** Largest debt one tranche repays (quote units, > 0). */
  maxTrancheDebt: bigint;
  /**
   * Smallest debt a partial tranche repays, whatever the target and the share cap ask (quote units, at most
   * `maxTrancheDebt`; 0: no floor); the market window and the debt still bound it.
   */
  minTrancheDebt: bigint;
  /** No tranche leaves a positive debt below this (quote units). */
  minDebt: bigint;
}

/** A position as the math sees it. */
export interface PositionState {
  /** Collateral, in collateral units. */
  collateralAssets: bigint;
  /** Debt in quote units, already rounded up from borrow shares. */
  debtAssets: bigint;
  /** Price of one collateral unit in quote units, scaled by 1e36; must be > 0. */
  price: bigint;
}

/** The result of sizing one tranche. */
export interface Tranche {
  /** How the tranche was sized. */
  kind: TrancheKind;
  /** Ratio before the tranche (WAD, rounded down; 2^256 − 1 with no debt). */
  ratioBefore: bigint;
  /** Bonus on the repaid debt (WAD, rounded down). */
  bonus: bigint;
  /** Debt the keeper repays (quote units). */
  repaidAssets: bigint;
  /** Collateral taken from the position (collateral units, rounded down). */
  seizedAssets: bigint;
  /** Debt left with no collateral behind it (quote units). */
  badDebtAssets: bigint;
}

/** Base of the errors that mirror TrancheMath's custom errors; `errorName` is the Solidity error's name. */
export abstract class TrancheMathError extends Error {
  abstract readonly errorName: string;
  /** The Solidity error's arguments, in order. */
  abstract readonly args: readonly bigint[];
}

/** Defines the mirror of a custom error: `errorName` is the Solidity name, `describe` says what is wrong. */
export function defineError(errorName: string, describe: (args: readonly bigint[]) => string) {
  return class extends TrancheMathError {
    readonly errorName = errorName;
    readonly args: readonly bigint[];
    constructor(...args: bigint[]) {
      super(`${errorName}: ${describe(args)}`);
      this.name = `${errorName}Error`;
      this.args = args;
    }
  };
}

const pct = (wad: bigint | undefined): string => `${Number(wad ?? 0n) / 1e16} %`;

/** `targetRatio` is not above `maintenanceRatio`. */
export const TargetNotAboveMaintenanceError = defineError(
  "TargetNotAboveMaintenance",
  ([t, m]) => `targetRatio ${pct(t)} must be above maintenanceRatio ${pct(m)}`,
);
/** `initialRatio` is below `targetRatio`. */
export const InitialBelowTargetError = defineError(
  "InitialBelowTarget",
  ([i, t]) => `initialRatio ${pct(i)} must be at least targetRatio ${pct(t)}`,
);
/** `maintenanceRatio` is not above `fullLiquidationRatio`. */
export const MaintenanceNotAboveFullError = defineError(
  "MaintenanceNotAboveFull",
  ([m, f]) => `maintenanceRatio ${pct(m)} must be above fullLiquidationRatio ${pct(f)}`,
);
/** `fullLiquidationRatio` is below `1 + maxBonus`. */
export const FullBelowOnePlusBonusError = defineError(
  "FullBelowOnePlusBonus",
  ([f, b]) => `fullLiquidationRatio ${pct(f)} must be at least 1 + maxBonus (${pct(WAD + (b ?? 0n))})`,
);
/** `minBonus` is above `maxBonus`. */
export const MinBonusAboveMaxError = defineError(
  "MinBonusAboveMax",
  ([lo, hi]) => `minBonus ${pct(lo)} must not exceed maxBonus ${pct(hi)}`,
);
/** `maxBonus` is above {@link MAX_BONUS}. */
export const BonusTooHighError = defineError(
  "BonusTooHigh",
  ([b, limit]) => `maxBonus ${pct(b)} exceeds the limit ${pct(limit)}`,
);
/** `initialRatio` is above {@link MAX_RATIO}. */
export const RatioTooHighError = defineError(
  "RatioTooHigh",
  ([r, limit]) => `initialRatio ${pct(r)} exceeds the limit ${pct(limit)}`,
);
/** `maxTrancheShare` is zero or above 100 %. */
export const InvalidTrancheShareError = defineError(
  "InvalidTrancheShare",
  ([s]) => `maxTrancheShare ${pct(s)} must be in (0 %, 100 %]`,
);
/** `maxTrancheDebt` is zero. */
export const ZeroTrancheDebtError = defineError("ZeroTrancheDebt", () => "maxTrancheDebt must be positive");
/** `minTrancheDebt` is above `maxTrancheDebt`. */
export const MinTrancheAboveMaxError = defineError(
  "MinTrancheAboveMax",
  ([minTrancheDebt, maxTrancheDebt]) =>
    `minTrancheDebt ${minTrancheDebt} must be at most maxTrancheDebt ${maxTrancheDebt}`,
);
/** A price of zero was given. */
export const ZeroPriceError = defineError("ZeroPrice", () => "price must be positive");

/**
 * One bound of a market's parameters: the field it names, whether `params` break it, and the mirror of the custom
 * error the contract reverts with. The order of a rule list is the contract's order of checks.
 */
export interface ParamRule<P> {
  /** The parameter a problem is reported on. */
  field: keyof P & string;
  /** True when `params` break the bound. */
  broken(params: P): boolean;
  /** The error the contract reverts with, with its arguments. */
  error(params: P): TrancheMathError;
}

/** The bounds of `TrancheMath.validateParams`, in its order. */
export const TRANCHE_PARAM_RULES: readonly ParamRule<TrancheParams>[] = [
  {
    field: "initialRatio",
    broken: (p) => p.initialRatio > MAX_RATIO,
    error: (p) => new RatioTooHighError(p.initialRatio, MAX_RATIO),
  },
  {
    field: "initialRatio",
    broken: (p) => p.initialRatio < p.targetRatio,
    error: (p) => new InitialBelowTargetError(p.initialRatio, p.targetRatio),
  },
  {
    field: "targetRatio",
    broken: (p) => p.targetRatio <= p.maintenanceRatio,
    error: (p) => new TargetNotAboveMaintenanceError(p.targetRatio, p.maintenanceRatio),
  },
  {
    field: "maintenanceRatio",
    broken: (p) => p.maintenanceRatio <= p.fullLiquidationRatio,
    error: (p) => new MaintenanceNotAboveFullError(p.maintenanceRatio, p.fullLiquidationRatio),
  },
  {
    field: "maxBonus",
    broken: (p) => p.maxBonus > MAX_BONUS,
    error: (p) => new BonusTooHighError(p.maxBonus, MAX_BONUS),
  },
  {
    field: "minBonus",
    broken: (p) => p.minBonus > p.maxBonus,
    error: (p) => new MinBonusAboveMaxError(p.minBonus, p.maxBonus),
  },
  {
    field: "fullLiquidationRatio",
    broken: (p) => p.fullLiquidationRatio < WAD + p.maxBonus,
    error: (p) => new FullBelowOnePlusBonusError(p.fullLiquidationRatio, p.maxBonus),
  },
  {
    field: "maxTrancheShare",
    broken: (p) => p.maxTrancheShare === 0n || p.maxTrancheShare > WAD,
    error: (p) => new InvalidTrancheShareError(p.maxTrancheShare),
  },
  { field: "maxTrancheDebt", broken: (p) => p.maxTrancheDebt === 0n, error: () => new ZeroTrancheDebtError() },
  {
    field: "minTrancheDebt",
    broken: (p) => p.minTrancheDebt > p.maxTrancheDebt,
    error: (p) => new MinTrancheAboveMaxError(p.minTrancheDebt, p.maxTrancheDebt),
  },
];

/** Throws a {@link TrancheMathError} naming the first parameter that breaks the bounds (as `validateParams`). */
export function validateParams(params: TrancheParams): void {
  for (const rule of TRANCHE_PARAM_RULES) if (rule.broken(params)) throw rule.error(params);
}

/** Collateral ratio in WAD, rounded down once; 2^256 − 1 with no debt. */
export function ratioDown(collateralAssets: bigint, price: bigint, debtAssets: bigint): bigint {
  if (debtAssets === 0n) return (1n << 256n) - 1n;
  return mulDiv(collateralAssets, price, mulChecked(debtAssets, WAD));
}

/** Bonus at `ratio`: `minBonus` at maintenance ramping linearly to `maxBonus` at the full ratio, rounded down. */
export function bonusDown(ratio: bigint, params: TrancheParams): bigint {
  if (ratio >= params.maintenanceRatio) return params.minBonus;
  if (ratio <= params.fullLiquidationRatio) return params.maxBonus;
  return (
    params.minBonus +
    mulDiv(
      params.maxBonus - params.minBonus,
      params.maintenanceRatio - ratio,
      params.maintenanceRatio - params.fullLiquidationRatio,
    )
  );
}

/** Repayment restoring `targetRatio`: `ceil((T·D − floor(collateral·price/1e18)) / (T − WAD − bonus))`, or 0. */
export function repayToTargetUp(
  collateralAssets: bigint,
  price: bigint,
  debtAssets: bigint,
  targetRatio: bigint,
  bonus: bigint,
): bigint {
  const valueWad = mulDiv(collateralAssets, price, WAD);
  const targetDebtWad = mulChecked(targetRatio, debtAssets);
  if (valueWad >= targetDebtWad) return 0n;
  const denominator = targetRatio - WAD - bonus;
  if (denominator <= 0n) throw new MathOverflowError("repayToTargetUp");
  return ceilDiv(targetDebtWad - valueWad, denominator);
}

/** Protocol fee on a tranche: `repaid · bonus · (1 − keeperShare)`, rounded up (as `TrancheMath.protocolFeeUp`). */
export function protocolFeeUp(repaidAssets: bigint, bonus: bigint, keeperShare: bigint): bigint {
  return mulDiv(repaidAssets * bonus, WAD - keeperShare, WAD * WAD, Rounding.Up);
}

/** Collateral worth `repaidAssets · (1 + bonus)`, rounded down once. */
export function seizedAssetsDown(repaidAssets: bigint, bonus: bigint, price: bigint): bigint {
  return mulDiv(repaidAssets, (WAD + bonus) * (ORACLE_PRICE_SCALE / WAD), price);
}

/** Debt repaid for all of `collateralAssets` at `bonus`: value / (1 + bonus), rounded up once. */
export function repayForCollateralUp(collateralAssets: bigint, price: bigint, bonus: bigint): bigint {
  return mulDiv(collateralAssets, price, (WAD + bonus) * (ORACLE_PRICE_SCALE / WAD), Rounding.Up);
}

/**
 * The repayment restoring the target ratio, capped by `maxTrancheShare · debt` (rounded up), then raised to
 * `minTrancheDebt`, then capped by `maxTrancheDebt`, `windowRemainingAssets` and the debt itself.
 */
export function cappedRepayToTargetUp(
  position: PositionState,
  params: TrancheParams,
  bonus: bigint,
  windowRemainingAssets: bigint,
): bigint {
  const { collateralAssets, debtAssets, price } = position;
  let repaidAssets = repayToTargetUp(collateralAssets, price, debtAssets, params.targetRatio, bonus);
  repaidAssets = min(repaidAssets, mulDiv(debtAssets, params.maxTrancheShare, WAD, Rounding.Up));
  repaidAssets = max(repaidAssets, params.minTrancheDebt);
  repaidAssets = min(repaidAssets, params.maxTrancheDebt);
  repaidAssets = min(repaidAssets, windowRemainingAssets);
  return min(repaidAssets, debtAssets);
}

/**
 * Sizes the tranche a keeper may liquidate now, exactly as `TrancheMath.computeTranche` does.
 * @param windowRemainingAssets debt (quote units) the market's rolling window still allows to be liquidated.
 * @param extraBonus time component of the bonus (WAD), added to the ramp bonus of a partial or dust tranche and
 * capped with it at `maxBonus` (`computeTrancheWithExtraBonus` on-chain).
 * `params` must be valid ({@link validateParams}): as on-chain, where the vault checks them when they are set,
 * they are not checked again per tranche (the SDK's schedules and preview check them once at their entry).
 * @throws {TrancheMathError} when the price is zero.
 */
export function computeTranche(
  position: PositionState,
  params: TrancheParams,
  windowRemainingAssets: bigint,
  extraBonus: bigint = 0n,
): Tranche {
  if (position.price === 0n) throw new ZeroPriceError();

  const { collateralAssets, debtAssets, price } = position;
  const ratioBefore = ratioDown(collateralAssets, price, debtAssets);
  const tranche: Tranche = {
    kind: TrancheKind.Healthy,
    ratioBefore,
    bonus: 0n,
    repaidAssets: 0n,
    seizedAssets: 0n,
    badDebtAssets: 0n,
  };
  if (ratioBefore >= params.maintenanceRatio) return tranche;

  let repaidAssets: bigint;
  if (ratioBefore <= params.fullLiquidationRatio) {
    tranche.kind = TrancheKind.FullClose;
    tranche.bonus = params.maxBonus;
    repaidAssets = debtAssets;
  } else {
    const rampBonus = bonusDown(ratioBefore, params);
    tranche.bonus = extraBonus >= params.maxBonus - rampBonus ? params.maxBonus : rampBonus + extraBonus;
    repaidAssets = cappedRepayToTargetUp(position, params, tranche.bonus, windowRemainingAssets);

    if (repaidAssets === debtAssets || debtAssets - repaidAssets < params.minDebt) {
      tranche.kind = TrancheKind.DustClose;
      repaidAssets = debtAssets;
    } else if (repaidAssets === 0n) {
      tranche.kind = TrancheKind.WindowExhausted;
      return tranche;
    } else {
      tranche.kind = TrancheKind.Partial;
    }
  }

  let seizedAssets = seizedAssetsDown(repaidAssets, tranche.bonus, price);
  if (seizedAssets > collateralAssets) {
    seizedAssets = collateralAssets;
    repaidAssets = min(debtAssets, repayForCollateralUp(collateralAssets, price, tranche.bonus));
    tranche.badDebtAssets = debtAssets - repaidAssets;
  }
  tranche.repaidAssets = repaidAssets;
  tranche.seizedAssets = seizedAssets;
  return tranche;
}
