/**
 * A market's risk parameters (`IMarginVault.RiskParams`) and their bounds, as the vault checks them at
 * `createMarket` and `setRiskParams` (`MarginVault._validateRiskParams`: `TrancheMath.validateParams`, then the
 * vault's own bounds). One rule list serves the throwing check ({@link validateRiskParams}), the full list of what is
 * wrong ({@link riskParamProblems}, for parameter files) and the parity test against the contract
 * (`test/sdk/riskParams.parity.test.ts`).
 *
 * Units: ratios and bonuses WAD (1e18 = 100 %); debts and caps in quote units, collateral cap in collateral units;
 * durations in seconds.
 */
import {
  TRANCHE_PARAM_RULES,
  WAD,
  defineError,
  type ParamRule,
  type TrancheMathError,
  type TrancheParams,
} from "./trancheMath.js";

/** `MarginVault.MAX_TRANCHE_COOLDOWN`: the longest grace window between two tranches (1 day). */
export const MAX_TRANCHE_COOLDOWN = 86_400n;
/** `MarginVault.MAX_WINDOW`: the longest market window (7 days). */
export const MAX_WINDOW = 7n * 86_400n;

/** The risk parameters the liquidation reads (`IMarginVault.RiskParams` without the caps). */
export interface RiskParams extends TrancheParams {
  /** Keeper's part of the bonus (WAD). */
  keeperShare: bigint;
  /** Debt a market may liquidate per window (quote units). */
  windowLimit: bigint;
  /** Length of the market window (seconds). */
  window: bigint;
  /** Grace window between two tranches of one position (seconds). */
  trancheCooldown: bigint;
}

/** A market's risk parameters plus its caps: `IMarginVault.RiskParams`, field for field. */
export interface MarketRiskParams extends RiskParams {
  /** Most debt the market may owe in total (quote units). */
  borrowCap: bigint;
  /** Most collateral the market may hold in total (collateral units). */
  collateralCap: bigint;
}

/** `minDebt` is above `maxTrancheDebt`. */
export const MinDebtAboveTrancheDebtError = defineError(
  "MinDebtAboveTrancheDebt",
  ([minDebt, maxTrancheDebt]) => `minDebt ${minDebt} must be at most maxTrancheDebt ${maxTrancheDebt}`,
);
/** `keeperShare` is above 100 %. */
export const KeeperShareTooHighError = defineError(
  "KeeperShareTooHigh",
  ([share]) => `keeperShare ${share} must be at most 1e18 (100 %)`,
);
/** `trancheCooldown` is above {@link MAX_TRANCHE_COOLDOWN}. */
export const TrancheCooldownTooLongError = defineError(
  "TrancheCooldownTooLong",
  ([cooldown, limit]) => `trancheCooldown ${cooldown} s must be at most ${limit} s`,
);
/** `window` is zero or above {@link MAX_WINDOW}. */
export const InvalidWindowError = defineError(
  "InvalidWindow",
  ([window, limit]) => `window ${window} s must be in (0, ${limit}] s`,
);
/** `windowLimit` is zero. */
export const ZeroWindowLimitError = defineError("ZeroWindowLimit", () => "windowLimit must be positive");

/** The bounds of `MarginVault._validateRiskParams`, in its order (the tranche math's first). */
export const RISK_PARAM_RULES: readonly ParamRule<RiskParams>[] = [
  ...(TRANCHE_PARAM_RULES as readonly ParamRule<RiskParams>[]),
  {
    field: "minDebt",
    broken: (p) => p.minDebt > p.maxTrancheDebt,
    error: (p) => new MinDebtAboveTrancheDebtError(p.minDebt, p.maxTrancheDebt),
  },
  {
    field: "keeperShare",
    broken: (p) => p.keeperShare > WAD,
    error: (p) => new KeeperShareTooHighError(p.keeperShare),
  },
  {
    field: "trancheCooldown",
    broken: (p) => p.trancheCooldown > MAX_TRANCHE_COOLDOWN,
    error: (p) => new TrancheCooldownTooLongError(p.trancheCooldown, MAX_TRANCHE_COOLDOWN),
  },
  {
    field: "window",
    broken: (p) => p.window === 0n || p.window > MAX_WINDOW,
    error: (p) => new InvalidWindowError(p.window, MAX_WINDOW),
  },
  { field: "windowLimit", broken: (p) => p.windowLimit === 0n, error: () => new ZeroWindowLimitError() },
];

/** One broken bound: the parameter it names and the error the vault would revert with. */
export interface RiskParamProblem {
  field: keyof RiskParams & string;
  error: TrancheMathError;
}

/** Every bound `params` break, in the vault's order (empty when `createMarket` would accept them). */
export function riskParamProblems(params: RiskParams): RiskParamProblem[] {
  return RISK_PARAM_RULES.filter((rule) => rule.broken(params)).map((rule) => ({
    field: rule.field,
    error: rule.error(params),
  }));
}

/** Throws the error `createMarket` / `setRiskParams` would revert with for the first broken bound. */
export function validateRiskParams(params: RiskParams): void {
  for (const rule of RISK_PARAM_RULES) if (rule.broken(params)) throw rule.error(params);
}
