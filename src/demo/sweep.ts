/**
 * `npm run demo -- --sweep`: every built-in path × seeds 1-5 × every policy on a smaller book, at one gas price. Each
 * (path, seed) is one job: a worker process deploys and opens that book once (`prepare`) and runs every policy from
 * the same snapshot, as the demo does; jobs go to the workers longest first.
 *
 * The result is a matrix: for each path and each metric (borrower loss, bad debt, keeper gas, keeper profit after
 * gas), each other policy's total over the seeds as a ratio to incremental's. Then the conditions issue #19 sets,
 * checked on every path and seed: incremental's bad debt and borrower loss at most each other policy's (a tie only
 * where both are zero), and its keeper gas at most 1.5× full close's.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { policyMetrics, type PolicyMetrics } from "./metrics.js";
import { WorkerProcess } from "./parallel.js";
import { POLICY_NAMES, type PolicyName } from "./policies.js";
import { BUILTIN_PATHS, builtinPath, sampleSteps, type BuiltinPathName } from "./pricePaths.js";
import { escapeHtml, tranchesCsv, usd as cents } from "./report.js";
import { BLOCK_SECONDS, DEFAULT_SIMULATION, checkConfig, type PolicyRun, type SimulationConfig } from "./simulation.js";

/** The sweep's book: small enough that 7 paths × 5 seeds × 4 policies fit in 15 minutes on 2 cores. */
export const SWEEP_POSITIONS = 20;
/** Seeds 1-5. */
export const SWEEP_SEEDS: readonly number[] = [1, 2, 3, 4, 5];
/** Incremental's keeper gas may be at most this multiple of full close's (issue #19). */
export const MAX_GAS_RATIO_TO_FULL = 1.5;

/** What a sweep runs. */
export interface SweepConfig {
  positions: number;
  seeds: readonly number[];
  paths: readonly BuiltinPathName[];
  policies: readonly PolicyName[];
  gasPriceGwei: number;
  topUpProbability: number;
  /** The starting price of every path, USDC per WETH. */
  startPrice: number;
}

/** One (path, seed): one deployment, every policy run from its snapshot. */
export interface SweepJob {
  path: BuiltinPathName;
  seed: number;
  config: SimulationConfig;
  /** Steps of the path at its own step (for progress and ordering). */
  steps: number;
}

/** One policy's run on one path and seed. */
export interface SweepRun {
  path: BuiltinPathName;
  seed: number;
  policy: PolicyName;
  metrics: PolicyMetrics;
}

/** The metrics the matrix compares, each with how a reader reads it. */
export const SWEEP_METRICS = [
  { key: "borrowerLoss", label: "borrower loss", unit: "USDC", lowerIsBetter: true },
  { key: "badDebt", label: "bad debt", unit: "USDC", lowerIsBetter: true },
  { key: "keeperGasUsed", label: "keeper gas", unit: "gas", lowerIsBetter: true },
  { key: "keeperNetProfit", label: "profit after gas", unit: "USDC", lowerIsBetter: false },
] as const satisfies ReadonlyArray<{ key: keyof PolicyMetrics; label: string; unit: string; lowerIsBetter: boolean }>;
export type SweepMetric = (typeof SWEEP_METRICS)[number]["key"];

/**
 * The jobs of a sweep, longest first (so the two workers finish together). The market is the default demo's (the same
 * pool, arbitrageur and lent USDC) under a smaller book, so the pool's depth binds less than under the default 200
 * positions: the sweep compares the rules where the pool does not decide (docs/demo.md).
 */
export function sweepJobs(sweep: SweepConfig): SweepJob[] {
  const jobs: SweepJob[] = [];
  for (const path of sweep.paths) {
    for (const seed of sweep.seeds) {
      const pricePath = builtinPath(path, sweep.startPrice, seed);
      const blocksPerStep = pricePath.blocksPerStep ?? DEFAULT_SIMULATION.blocksPerStep;
      const config: SimulationConfig = {
        ...DEFAULT_SIMULATION,
        positions: sweep.positions,
        seed,
        path: pricePath,
        policies: sweep.policies,
        blocksPerStep,
        topUpProbability: sweep.topUpProbability,
        gasPriceGwei: sweep.gasPriceGwei,
      };
      checkConfig(config);
      jobs.push({ path, seed, config, steps: sampleSteps(pricePath, blocksPerStep * BLOCK_SECONDS).length });
    }
  }
  return jobs.sort((a, b) => b.steps - a.steps);
}

/** What the sweep reports as it goes: a run finished. */
export interface SweepProgress {
  done: number;
  total: number;
  run: SweepRun;
  /** Steps of that run, and of every run so far / in all (for an ETA). */
  steps: number;
  stepsDone: number;
  stepsTotal: number;
  wallSeconds: number;
}

/**
 * Runs the jobs on `workers` child processes; `onRun` gets every finished run with its full record (for its CSV).
 * Returns the runs in job order, policies in `policies` order.
 */
export async function runSweep(
  jobs: readonly SweepJob[],
  workers: number,
  onRun: (progress: SweepProgress, run: PolicyRun) => void = () => {},
): Promise<SweepRun[]> {
  const started = Date.now();
  const total = jobs.reduce((sum, job) => sum + job.config.policies.length, 0);
  const stepsTotal = jobs.reduce((sum, job) => sum + job.steps * job.config.policies.length, 0);
  let done = 0;
  let stepsDone = 0;
  const results: SweepRun[][] = jobs.map(() => []);
  const queue = [...jobs.entries()];
  const pool = Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, () => new WorkerProcess(() => {}));
  try {
    await Promise.all(
      pool.map(async (worker) => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const [index, job] = next;
          const ready = await worker.request({ type: "prepare", config: job.config });
          if (ready.type !== "ready") throw new Error(`demo worker answered ${ready.type} to prepare ${job.path}`);
          for (const policy of job.config.policies) {
            const answer = await worker.request({ type: "run", policy });
            if (answer.type !== "done") throw new Error(`demo worker answered ${answer.type} to run ${policy}`);
            const run: SweepRun = { path: job.path, seed: job.seed, policy, metrics: policyMetrics(answer.run) };
            results[index]!.push(run);
            done += 1;
            stepsDone += job.steps;
            onRun(
              { done, total, run, steps: job.steps, stepsDone, stepsTotal, wallSeconds: (Date.now() - started) / 1000 },
              answer.run,
            );
          }
        }
        worker.close();
      }),
    );
  } catch (error) {
    for (const worker of pool) worker.kill();
    throw error;
  }
  return results.flat();
}

/** A cell of the matrix: another policy's total over the seeds against incremental's. */
export interface RatioCell {
  policy: PolicyName;
  /** other / incremental; null when incremental's total is 0 (see `total`). */
  ratio: number | null;
  total: number;
  incrementalTotal: number;
}

/** One row of the matrix: a path. */
export interface MatrixRow {
  path: BuiltinPathName;
  metrics: Record<SweepMetric, RatioCell[]>;
}

/** Totals over the seeds of one path, policy and metric. */
function total(runs: readonly SweepRun[], path: string, policy: PolicyName, key: SweepMetric): number {
  return runs.filter((r) => r.path === path && r.policy === policy).reduce((sum, r) => sum + r.metrics[key], 0);
}

/** The matrix: per path and metric, every policy but incremental as a ratio of totals over the seeds. */
export function sweepMatrix(runs: readonly SweepRun[]): MatrixRow[] {
  const paths = BUILTIN_PATHS.filter((path) => runs.some((r) => r.path === path));
  const others = POLICY_NAMES.filter((p) => p !== "incremental" && runs.some((r) => r.policy === p));
  return paths.map((path) => {
    const metrics = {} as Record<SweepMetric, RatioCell[]>;
    for (const { key } of SWEEP_METRICS) {
      const base = total(runs, path, "incremental", key);
      metrics[key] = others.map((policy) => {
        const value = total(runs, path, policy, key);
        return { policy, ratio: base === 0 ? null : value / base, total: value, incrementalTotal: base };
      });
    }
    return { path, metrics };
  });
}

/** A condition of issue #19 that one path and seed breaks. */
export interface Violation {
  path: BuiltinPathName;
  seed: number;
  /** What broke it: `badDebt` or `borrowerLoss` against `policy`, or `keeperGasUsed` against 1.5× full. */
  metric: "badDebt" | "borrowerLoss" | "keeperGasUsed";
  policy: PolicyName;
  incremental: number;
  other: number;
  text: string;
}

/** Amounts closer than half a cent (USDC) are a tie. */
const TIE = 0.005;

/**
 * Checks issue #19's conditions on every path and seed: incremental's bad debt and borrower loss below each other
 * policy's (equal only where both are zero), its keeper gas at most {@link MAX_GAS_RATIO_TO_FULL}× full close's.
 * Returns what breaks them, and how many checks ran.
 */
export function sweepViolations(runs: readonly SweepRun[]): { checks: number; violations: Violation[] } {
  const violations: Violation[] = [];
  let checks = 0;
  const keys = new Set(runs.map((r) => `${r.path}\u0000${r.seed}`));
  for (const key of keys) {
    const [path, seedText] = key.split("\u0000") as [BuiltinPathName, string];
    const seed = Number(seedText);
    const of = (policy: PolicyName): PolicyMetrics | undefined =>
      runs.find((r) => r.path === path && r.seed === seed && r.policy === policy)?.metrics;
    const inc = of("incremental");
    if (inc === undefined) continue;
    for (const policy of POLICY_NAMES) {
      const other = of(policy);
      if (policy === "incremental" || other === undefined) continue;
      for (const metric of ["badDebt", "borrowerLoss"] as const) {
        checks += 1;
        const [a, b] = [inc[metric], other[metric]];
        const tie = Math.abs(a - b) <= TIE;
        if (a > b + TIE || (tie && a > TIE)) {
          const label = metric === "badDebt" ? "bad debt" : "borrower loss";
          violations.push({
            path,
            seed,
            metric,
            policy,
            incremental: a,
            other: b,
            text: `${label}: incremental ${cents(a)} ${tie ? "ties" : "above"} ${policy}'s ${cents(b)} USDC`,
          });
        }
      }
      if (policy === "full") {
        checks += 1;
        const [a, b] = [inc.keeperGasUsed, other.keeperGasUsed];
        if (a > MAX_GAS_RATIO_TO_FULL * b) {
          violations.push({
            path,
            seed,
            metric: "keeperGasUsed",
            policy,
            incremental: a,
            other: b,
            text:
              `keeper gas: incremental ${(a / 1e6).toFixed(1)} M is ${b === 0 ? "∞" : (a / b).toFixed(2)}× full ` +
              `close's ${(b / 1e6).toFixed(1)} M (at most ${MAX_GAS_RATIO_TO_FULL}×)`,
          });
        }
      }
    }
  }
  return { checks, violations };
}

/** A USDC amount to the dollar (the matrix's totals; breaks are given to the cent). */
function usd(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

const SHORT: Record<PolicyName, string> = {
  incremental: "inc",
  "close-factor-50": "cf50",
  full: "full",
  "aave-v4": "aave4",
};

/** A ratio as the tables print it: "1.31", "=" (both zero), "∞" (incremental zero, the other not). */
export function ratioText(cell: RatioCell): string {
  if (cell.ratio === null) return cell.total === 0 ? "=" : "∞";
  return Math.abs(cell.ratio) >= 100 ? cell.ratio.toFixed(0) : cell.ratio.toFixed(2);
}

/** The matrix as plain text, then incremental's own totals. */
export function sweepTable(matrix: readonly MatrixRow[], seeds: readonly number[]): string {
  const first = matrix[0];
  if (first === undefined) return "(no runs)";
  const others = first.metrics.borrowerLoss.map((c) => c.policy);
  const cellWidth = 6;
  const groupWidth = others.length * (cellWidth + 1) - 1;
  const pathWidth = Math.max(12, ...matrix.map((r) => r.path.length));
  const groups = SWEEP_METRICS.map((m) => m.label.padEnd(groupWidth).slice(0, groupWidth));
  const subHeads = SWEEP_METRICS.map(() => others.map((p) => SHORT[p].padStart(cellWidth)).join(" "));
  const lines = [
    `each policy's total over seeds ${seeds.join(", ")} as a ratio to incremental's ` +
      `(above 1: incremental lower; "=": both 0; "∞": incremental 0, the other not)`,
    `${"".padEnd(pathWidth)}  ${groups.join("  ")}`,
    `${"path".padEnd(pathWidth)}  ${subHeads.join("  ")}`,
    `${"-".repeat(pathWidth)}  ${SWEEP_METRICS.map(() => "-".repeat(groupWidth)).join("  ")}`,
  ];
  for (const row of matrix) {
    const cells = SWEEP_METRICS.map((m) => row.metrics[m.key].map((c) => ratioText(c).padStart(cellWidth)).join(" "));
    lines.push(`${row.path.padEnd(pathWidth)}  ${cells.join("  ")}`);
  }
  lines.push("", `incremental's totals over the seeds`);
  lines.push(
    `${"path".padEnd(pathWidth)}  ${"borrower loss".padStart(14)}  ${"bad debt".padStart(10)}  ` +
      `${"keeper gas".padStart(10)}  ${"profit after gas".padStart(16)}`,
  );
  for (const row of matrix) {
    const base = (key: SweepMetric): number => row.metrics[key][0]?.incrementalTotal ?? 0;
    lines.push(
      `${row.path.padEnd(pathWidth)}  ${`${usd(base("borrowerLoss"))} USDC`.padStart(14)}  ` +
        `${`${usd(base("badDebt"))} USDC`.padStart(10)}  ${`${(base("keeperGasUsed") / 1e6).toFixed(1)} M`.padStart(10)}  ` +
        `${`${usd(base("keeperNetProfit"))} USDC`.padStart(16)}`,
    );
  }
  return lines.join("\n");
}

/** The conditions' verdict as plain text. */
export function violationsText(result: { checks: number; violations: readonly Violation[] }): string {
  const { checks, violations } = result;
  const head =
    `issue #19's conditions (incremental's bad debt and borrower loss below every other policy's, its keeper gas ` +
    `at most ${MAX_GAS_RATIO_TO_FULL}× full close's, on every path and seed): ` +
    `${checks - violations.length} of ${checks} checks hold`;
  if (violations.length === 0) return `${head}.`;
  return [`${head}; broken:`, ...violations.map((v) => `  ${v.path} seed ${v.seed}: ${v.text}`)].join("\n");
}

/** A heat-map colour: green where incremental does better, red where worse, by log-ratio (white at 1). */
function heat(cell: RatioCell, lowerIsBetter: boolean): string {
  if (!lowerIsBetter) return "#f4f4f4";
  let strength: number;
  if (cell.ratio === null) strength = cell.total === 0 ? 0 : 1;
  else if (cell.ratio <= 0) strength = -1;
  else strength = Math.max(-1, Math.min(1, Math.log(cell.ratio) / Math.log(4)));
  const level = Math.round(255 - Math.abs(strength) * 130);
  return strength >= 0 ? `rgb(${level},255,${level})` : `rgb(255,${level},${level})`;
}

/** What a sweep report holds. */
export interface SweepReportInput {
  sweep: SweepConfig;
  runs: readonly SweepRun[];
  totalSeconds: number;
  createdAt: string;
}

/** The sweep's self-contained HTML page: the heat map, the conditions, every run's figures. */
export function sweepHtml(input: SweepReportInput): string {
  const matrix = sweepMatrix(input.runs);
  const result = sweepViolations(input.runs);
  const others = matrix[0]?.metrics.borrowerLoss.map((c) => c.policy) ?? [];
  const head1 = `<tr><th rowspan="2">path</th>${SWEEP_METRICS.map(
    (m) => `<th colspan="${others.length}">${escapeHtml(m.label)}</th>`,
  ).join("")}</tr>`;
  const head2 = `<tr>${SWEEP_METRICS.map(() => others.map((p) => `<th>${escapeHtml(p)}</th>`).join("")).join("")}</tr>`;
  const body = matrix
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.path)}</td>${SWEEP_METRICS.map((m) =>
          row.metrics[m.key]
            .map(
              (c) =>
                `<td style="background:${heat(c, m.lowerIsBetter)}" title="${escapeHtml(
                  `${c.policy} ${c.total.toFixed(2)} / incremental ${c.incrementalTotal.toFixed(2)} ${m.unit}`,
                )}">${escapeHtml(ratioText(c))}</td>`,
            )
            .join(""),
        ).join("")}</tr>`,
    )
    .join("\n");
  const violations =
    result.violations.length === 0
      ? "<p>Every check holds.</p>"
      : `<ul>${result.violations
          .map((v) => `<li>${escapeHtml(`${v.path}, seed ${v.seed}: ${v.text}`)}</li>`)
          .join("\n")}</ul>`;
  const runRows = input.runs
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.path)}</td><td>${r.seed}</td><td>${escapeHtml(r.policy)}</td>` +
        `<td>${usd(r.metrics.borrowerLoss)}</td><td>${usd(r.metrics.badDebt)}</td>` +
        `<td>${(r.metrics.keeperGasUsed / 1e6).toFixed(2)}</td><td>${usd(r.metrics.keeperNetProfit)}</td>` +
        `<td>${r.metrics.tranches} (${r.metrics.fullCloses})</td>` +
        `<td><a href="tranches/${escapeHtml(csvName(r))}">CSV</a></td></tr>`,
    )
    .join("\n");
  const { sweep } = input;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sluice demo sweep — ${sweep.paths.length} paths × ${sweep.seeds.length} seeds, ${sweep.gasPriceGwei} gwei</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; font-variant-numeric: tabular-nums; }
td:first-child, th:first-child { text-align: left; }
</style>
</head>
<body>
<h1>Sluice demo sweep</h1>
<p>Every built-in path × seeds ${sweep.seeds.join(", ")} × ${sweep.policies.join(", ")}; ${sweep.positions} positions,
gas ${sweep.gasPriceGwei} gwei, top-up probability ${sweep.topUpProbability}, each path at its own step. Run
${escapeHtml(input.createdAt)} in ${input.totalSeconds.toFixed(0)} s.</p>
<h2>Against incremental</h2>
<p>Each cell: the policy's total over the seeds divided by incremental's. Green: incremental is lower (better for
borrowers, lenders or keepers' gas bill); red: higher. "=": both zero; "∞": incremental zero, the other not. Profit
after gas (the keeper's) is not coloured: more profit for the keeper is not better for anyone else.</p>
<table id="sweep-matrix">${head1}
${head2}
${body}</table>
<h2>Issue #19's conditions</h2>
<p>On every path and seed: incremental's bad debt and borrower loss below each other policy's (equal only where both
are zero), its keeper gas at most ${MAX_GAS_RATIO_TO_FULL}× full close's. ${result.checks - result.violations.length} of
${result.checks} checks hold.</p>
${violations}
<h2>Every run</h2>
<table id="sweep-runs"><tr><th>path</th><th>seed</th><th>policy</th><th>borrower loss (USDC)</th><th>bad debt (USDC)</th>
<th>keeper gas (M)</th><th>profit after gas (USDC)</th><th>tranches (full closes)</th><th>tranches</th></tr>
${runRows}</table>
</body>
</html>
`;
}

function csvName(run: { path: string; seed: number; policy: string }): string {
  return `${run.path}-seed${run.seed}-${run.policy}.csv`;
}

/** Writes one run's tranche CSV into `dir/tranches/`. */
export function writeSweepRunCsv(dir: string, run: SweepRun, record: PolicyRun): void {
  mkdirSync(join(dir, "tranches"), { recursive: true });
  writeFileSync(join(dir, "tranches", csvName(run)), tranchesCsv(record));
}

/** Writes sweep.json and sweep.html into `dir`; returns the page's path. */
export function writeSweepReport(dir: string, input: SweepReportInput): string {
  mkdirSync(dir, { recursive: true });
  const { checks, violations } = sweepViolations(input.runs);
  const json = {
    config: input.sweep,
    matrix: sweepMatrix(input.runs),
    checks,
    violations,
    runs: input.runs.map((r) => ({ ...r, metrics: { ...r.metrics, wallSeconds: undefined } })),
  };
  writeFileSync(join(dir, "sweep.json"), `${JSON.stringify(json, null, 2)}\n`);
  const html = join(dir, "sweep.html");
  writeFileSync(html, sweepHtml(input));
  return html;
}
