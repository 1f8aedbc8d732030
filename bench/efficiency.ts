/**
 * Liquidation efficiency: the demo simulator (`src/demo/`, docs/demo.md) run headless, in process, on each built-in
 * price path with seeds 1, 2 and 3, every policy (`aave-v4` included) from the same starting state, at the demo's
 * default gas price. Per path and policy: the borrower
 * loss and the bad debt summed over the seeds, the peak pool/oracle deviation averaged over the seeds, and each as
 * a ratio to the `incremental` policy on the same path.
 *
 * The book is smaller than the demo's default (200 positions) so the section fits `npm run bench`'s budget; the
 * Uniswap pool and the arbitrageur's capital shrink in the same proportion, so liquidation flow against pool depth
 * stays what the demo simulates.
 */
import { policyMetrics } from "../src/demo/metrics.js";
import { BUILTIN_START_PRICE } from "../src/demo/options.js";
import { POLICY_NAMES } from "../src/demo/policies.js";
import { builtinPath, type BuiltinPathName } from "../src/demo/pricePaths.js";
import { DEFAULT_SIMULATION, simulate, type SimulationConfig } from "../src/demo/simulation.js";

/**
 * The paths of the section: the demo's first two (the others, several at block resolution, would not fit the
 * bench's budget; issue #19's `--sweep` is to cover every path).
 */
export const EFFICIENCY_PATHS: readonly BuiltinPathName[] = ["crash-40", "flash-crash"];
/** Seeds of the efficiency runs. */
export const EFFICIENCY_SEEDS = [1, 2, 3] as const;
/** Positions per book in `npm run bench` (the demo's default is 200). */
export const DEFAULT_EFFICIENCY_POSITIONS = 50;

/** One policy on one path: totals over the seeds, and ratios to `incremental` on the same path. */
export interface EfficiencyRow {
  path: string;
  policy: string;
  /** Sum over the seeds, USDC. */
  borrowerLoss: number;
  /** Realized bad debt summed over the seeds, USDC. */
  badDebt: number;
  /** Mean over the seeds of the peak |pool / oracle − 1|, %. */
  peakPoolDeviationPct: number;
  tranches: number;
  ratios: { borrowerLoss: number; badDebt: number; peakPoolDeviation: number };
}

/** The section's result and the simulation settings behind it. */
export interface EfficiencyResult {
  positions: number;
  poolWeth: number;
  arbCapitalPerBlock: number;
  /** The gas price every transaction paid, gwei. */
  gasPriceGwei: number;
  seeds: readonly number[];
  rows: EfficiencyRow[];
}

/** `a / b`, with 0/0 = 1 (both policies equally good) and x/0 = Infinity. */
export function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Infinity;
  return a / b;
}

/** The demo's defaults with a book of `positions` and the pool and arbitrage capital scaled to it. */
export function efficiencyConfig(positions: number, path: BuiltinPathName, seed: number): SimulationConfig {
  if (!Number.isInteger(positions) || positions < 1 || positions > 5_000) {
    throw new Error(`efficiency: positions must be an integer in 1..5000, got ${positions}`);
  }
  const scale = positions / DEFAULT_SIMULATION.positions;
  return {
    ...DEFAULT_SIMULATION,
    positions,
    seed,
    path: builtinPath(path, BUILTIN_START_PRICE, seed),
    // Every policy, Aave V4's rule (the strongest peer's) included, which the default demo leaves out for time.
    policies: [...POLICY_NAMES],
    poolWeth: Math.max(1, Math.round(DEFAULT_SIMULATION.poolWeth * scale)),
    arbCapitalPerBlock: Math.max(1, Math.round(DEFAULT_SIMULATION.arbCapitalPerBlock * scale)),
  };
}

/** Runs every built-in path × seed and aggregates per policy; `log` receives one line per run. */
export async function measureEfficiency(
  positions: number = DEFAULT_EFFICIENCY_POSITIONS,
  log: (line: string) => void = () => {},
): Promise<EfficiencyResult> {
  const rows: EfficiencyRow[] = [];
  let sample: SimulationConfig | undefined;
  for (const path of EFFICIENCY_PATHS) {
    const totals = new Map<string, { borrowerLoss: number; badDebt: number; peak: number; tranches: number }>();
    for (const seed of EFFICIENCY_SEEDS) {
      const config = efficiencyConfig(positions, path, seed);
      sample = config;
      const started = performance.now();
      const { runs } = await simulate(config);
      log(`efficiency: ${path} seed ${seed}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
      for (const metrics of runs.map(policyMetrics)) {
        const t = totals.get(metrics.policy) ?? { borrowerLoss: 0, badDebt: 0, peak: 0, tranches: 0 };
        t.borrowerLoss += metrics.borrowerLoss;
        t.badDebt += metrics.badDebt;
        t.peak += metrics.peakPoolDeviationPct / EFFICIENCY_SEEDS.length;
        t.tranches += metrics.tranches;
        totals.set(metrics.policy, t);
      }
    }
    const base = totals.get("incremental");
    if (base === undefined) throw new Error(`the simulator reported no "incremental" policy on path ${path}`);
    for (const [policy, t] of totals) {
      rows.push({
        path,
        policy,
        borrowerLoss: t.borrowerLoss,
        badDebt: t.badDebt,
        peakPoolDeviationPct: t.peak,
        tranches: t.tranches,
        ratios: {
          borrowerLoss: ratio(t.borrowerLoss, base.borrowerLoss),
          badDebt: ratio(t.badDebt, base.badDebt),
          peakPoolDeviation: ratio(t.peak, base.peak),
        },
      });
    }
  }
  return {
    positions,
    poolWeth: sample!.poolWeth,
    arbCapitalPerBlock: sample!.arbCapitalPerBlock,
    gasPriceGwei: sample!.gasPriceGwei,
    seeds: EFFICIENCY_SEEDS,
    rows,
  };
}
