/**
 * Liquidation policies compared by the demo. Each is expressed with the engine's own risk parameters
 * (`IMarginVault.RiskParams`, set by governance before the run), so these are emulations of other protocols' rules
 * on Sluice's engine, not those protocols themselves.
 *
 * Units: ratios and shares WAD (1e18 = 100 %), amounts quote units, times seconds.
 */
import { DEFAULT_RISK_PARAMS } from "../devchain/deploySluice.js";

/** The shape of `IMarginVault.RiskParams`. */
export type RiskParams = typeof DEFAULT_RISK_PARAMS;

const USDC = 10n ** 6n;

/**
 * The base (incremental) risk parameters the market is listed with: the devchain's, plus a minimum tranche of 5,000
 * USDC (as `deploy/parameters/mainnet.json5`). A tranche through the FlashLiquidator and the 0.3 % pool cost the
 * demo's keeper 309k gas on average on the production build (crash-40 at 50 gwei, 2026-12-07: 169.2 M gas over 548
 * tranches, 33.6 USDC each at the crash's prices; 46 USDC at 3,000 USDC per ETH), and at the ramp's first bonus a
 * tranche nets the keeper 70 % × 2 % − 0.3 % ≈ 1.1 % of what it repays, so it breaks even between about 3,100 and
 * 4,200 USDC; below that a keeper at 50 gwei waits until the bonus has grown, which costs the borrower more.
 */
export const BASE_RISK_PARAMS: RiskParams = { ...DEFAULT_RISK_PARAMS, minTrancheDebt: 5_000n * USDC };

/** The policies' names. */
export const POLICY_NAMES = ["incremental", "close-factor-50", "full", "aave-v4"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** A policy: its risk parameters and a sentence saying what it emulates. */
export interface Policy {
  name: PolicyName;
  description: string;
  params: RiskParams;
}

const WAD = 10n ** 18n;
/** Largest `uint128`: "no limit" for a per-tranche or per-window cap. */
export const UINT128_MAX = 2n ** 128n - 1n;

/**
 * The policy's parameters, derived from the market's base (incremental) parameters:
 * - `incremental`: the base parameters unchanged (Sluice defaults: tranches to the target ratio, at most 25 % of the
 *   debt and 250k quote each but at least 5k, a 300 s grace window, a 2M-per-hour market window, full close at or
 *   below 1.08).
 * - `close-factor-50` (the Aave V3 rule): a tranche may repay up to 50 % of the debt (`maxTrancheShare` 0.5) with no
 *   target (`targetRatio` = `initialRatio`, the highest validation allows, so the 50 % cap binds), no grace window
 *   (`trancheCooldown` 0), no per-tranche or market-window cap; 100 % below the full ratio, set to 0.95 × maintenance
 *   (Aave's health factor 0.95).
 * - `full` (the Compound III rule): the whole position at once as soon as it is below maintenance
 *   (`fullLiquidationRatio` = maintenance − 1 wei; the engine then pays `maxBonus`), no window cap.
 * - `aave-v4` (Aave V4's rule, the strongest peer's): repay exactly what restores the target (the engine's own
 *   target, 1.25) in one liquidation, with the bonus rising as health falls (the engine's ramp), no grace window, no
 *   cap per liquidation or per market window, and the whole debt only when what would remain is dust (the engine's
 *   dust close, `minDebt`) or when the target cannot be restored at all (`fullLiquidationRatio` = 1 + `maxBonus`,
 *   the lowest validation allows: at or below it no repayment raises the ratio).
 * The peers have no minimum tranche (`minTrancheDebt` 0: neither Aave nor Compound has one). The bonus ramp, keeper
 * share, minimum debt and caps on borrowing stay the base values in every policy.
 */
export function policy(name: PolicyName, base: RiskParams = BASE_RISK_PARAMS): Policy {
  switch (name) {
    case "incremental":
      return {
        name,
        description: "Sluice defaults: capped tranches to the target ratio with a grace window between them",
        params: { ...base },
      };
    case "close-factor-50":
      return {
        name,
        description:
          "Aave V3 rule emulated: up to 50 % of the debt per liquidation, no target or grace window; 100 % below 0.95 × maintenance",
        params: {
          ...base,
          targetRatio: base.initialRatio,
          maxTrancheShare: WAD / 2n,
          maxTrancheDebt: UINT128_MAX,
          minTrancheDebt: 0n,
          trancheCooldown: 0n,
          windowLimit: UINT128_MAX,
          fullLiquidationRatio: (base.maintenanceRatio * 95n) / 100n,
        },
      };
    case "full":
      return {
        name,
        description: "Compound III rule emulated: the whole position is closed as soon as it is below maintenance",
        params: {
          ...base,
          fullLiquidationRatio: base.maintenanceRatio - 1n,
          maxTrancheShare: WAD,
          maxTrancheDebt: UINT128_MAX,
          minTrancheDebt: 0n,
          trancheCooldown: 0n,
          windowLimit: UINT128_MAX,
        },
      };
    case "aave-v4":
      return {
        name,
        description:
          "Aave V4 rule emulated: repay to the target in one liquidation, bonus rising as health falls, no grace window or cap; whole debt only for dust or when the target cannot be restored",
        params: {
          ...base,
          fullLiquidationRatio: WAD + base.maxBonus,
          maxTrancheShare: WAD,
          maxTrancheDebt: UINT128_MAX,
          minTrancheDebt: 0n,
          trancheCooldown: 0n,
          windowLimit: UINT128_MAX,
        },
      };
  }
}

/** Parses a `--policy` value: `all` or a comma-separated list of policy names. */
export function parsePolicies(value: string): PolicyName[] {
  if (value === "all") return [...POLICY_NAMES];
  const names = value.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !(POLICY_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new RangeError(`unknown policy '${unknown.join(",")}' (expected all or any of ${POLICY_NAMES.join(", ")})`);
  }
  return [...new Set(names as PolicyName[])];
}
