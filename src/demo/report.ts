/**
 * The demo's outputs: the terminal table, and `reports/<timestamp>/` with `summary.json`, one CSV of tranches and
 * one of steps per policy, and a self-contained `report.html` (tables and inline SVG charts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { aggregateRatioChart, borrowerLossChart, poolVsOracleChart, pricePathChart, usdPerWeth } from "./charts.js";
import { policyMetrics, type PolicyMetrics } from "./metrics.js";
import type { PolicyRun, SimulationConfig } from "./simulation.js";

/** What a report is made of. */
export interface ReportInput {
  config: SimulationConfig;
  runs: readonly PolicyRun[];
  /** Seconds the whole run took (deploy, book and every policy). */
  totalSeconds: number;
  /** ISO time of the run (only in the report's text, never in the measured results). */
  createdAt: string;
}

/** Rows of the metrics table: label, unit, how to read a metric. */
const ROWS: ReadonlyArray<[string, (m: PolicyMetrics) => string]> = [
  ["borrower loss (USDC)", (m) => usd(m.borrowerLoss)],
  ["  keeper profit (USDC)", (m) => usd(m.keeperProfit)],
  ["  protocol fees (USDC)", (m) => usd(m.protocolFees)],
  ["  pool impact (USDC)", (m) => usd(m.poolImpact)],
  ["  identity residual (units)", (m) => String(m.reconciliationResidualUnits)],
  ["collateral sold (WETH)", (m) => m.collateralSold.toFixed(2)],
  ["tranches (full closes)", (m) => `${m.tranches} (${m.fullCloses})`],
  ["bad debt (USDC)", (m) => usd(m.badDebt)],
  ["insurance fund use (USDC)", (m) => usd(m.insuranceUsed)],
  ["under water at end (USDC)", (m) => usd(m.latentBadDebt)],
  ["lender share price change", (m) => `${m.lenderSharePriceChangePct.toFixed(4)} %`],
  ["peak pool/oracle deviation", (m) => `${m.peakPoolDeviationPct.toFixed(2)} %`],
  ["keeper gas (M gas / ETH)", (m) => `${(m.keeperGasUsed / 1e6).toFixed(1)} / ${m.keeperGasEth.toFixed(4)}`],
  ["keeper gas (USDC)", (m) => usd(m.keeperGasUsd)],
  ["keeper profit after gas (USDC)", (m) => usd(m.keeperNetProfit)],
  ["failed keeper attempts", (m) => String(m.failedAttempts)],
  ["skipped as unprofitable", (m) => String(m.unprofitableAttempts)],
  ["top-ups / positions saved", (m) => `${m.topUps} / ${m.positionsSavedByTopUp}`],
  ["open positions at end", (m) => String(m.openPositionsAtEnd)],
];

/** A USDC amount to the cent, with thousands separators (the report's and the sweep's tables). */
export function usd(value: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** The metrics table as plain padded text (one column per policy). */
export function metricsTable(metrics: readonly PolicyMetrics[]): string {
  const header = ["metric", ...metrics.map((m) => m.policy)];
  const body = ROWS.map(([label, cell]) => [label, ...metrics.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] ?? "").length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

const csvCell = (value: string | number | bigint | boolean): string => String(value);

/** The tranches of a run as CSV (amounts in token units; prices and ratios as on chain). */
export function tranchesCsv(run: PolicyRun): string {
  const header =
    "step,t_seconds,position_id,book_index,oracle_price_usdc_per_weth,repaid_usdc_units,seized_weth_units,bonus_wad," +
    "protocol_fee_usdc_units,ratio_before_wad,ratio_after_wad,full_close,swap_out_usdc_units,keeper_profit_usdc_units," +
    "bad_debt_covered_usdc_units,bad_debt_socialized_usdc_units,gas_used,gas_cost_wei,tx_hash";
  const rows = run.tranches.map((t) =>
    [
      t.step,
      t.t,
      t.positionId,
      t.bookIndex,
      usdPerWeth(t.oraclePrice),
      t.repaidAssets,
      t.seizedAssets,
      t.bonus,
      t.protocolFee,
      t.ratioBefore,
      t.ratioAfter,
      t.fullClose,
      t.swapOutAssets,
      t.keeperProfit,
      t.badDebtCovered,
      t.badDebtSocialized,
      t.gasUsed,
      t.gasCostWei,
      t.txHash,
    ]
      .map(csvCell)
      .join(","),
  );
  return [header, ...rows].join("\n") + "\n";
}

/** The steps of a run as CSV. */
export function stepsCsv(run: PolicyRun): string {
  const header =
    "step,t_seconds,oracle_price,pool_price,pool_price_before_arb,aggregate_ratio,tranches,borrower_loss_usdc_units";
  const rows = run.steps.map((s) =>
    [s.step, s.t, s.oraclePrice, s.poolPrice, s.poolPriceBeforeArb, s.aggregateRatio, s.tranches, s.borrowerLoss]
      .map(csvCell)
      .join(","),
  );
  return [header, ...rows].join("\n") + "\n";
}

/** The summary: configuration, each policy's exact risk parameters and metrics. Bigints as decimal strings. */
export function summary(input: ReportInput): Record<string, unknown> {
  const { config } = input;
  return {
    config: { ...config, path: { name: config.path.name, points: config.path.points.length } },
    policies: input.runs.map((run) => ({
      name: run.policy.name,
      description: run.policy.description,
      riskParams: Object.fromEntries(Object.entries(run.policy.params).map(([k, v]) => [k, v.toString()])),
      metrics: { ...policyMetrics(run), wallSeconds: undefined },
      attempts: run.attempts,
    })),
  };
}

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The self-contained HTML report. */
export function reportHtml(input: ReportInput): string {
  const metrics = input.runs.map(policyMetrics);
  const { config } = input;
  const tableHead = `<tr><th>metric</th>${metrics.map((m) => `<th>${escapeHtml(m.policy)}</th>`).join("")}</tr>`;
  const tableBody = ROWS.map(
    ([label, cell]) =>
      `<tr><td>${escapeHtml(label.trim())}</td>${metrics.map((m) => `<td>${escapeHtml(cell(m))}</td>`).join("")}</tr>`,
  ).join("\n");
  const policies = input.runs
    .map(
      (run) =>
        `<li><b>${escapeHtml(run.policy.name)}</b>: ${escapeHtml(run.policy.description)}<br><code>${escapeHtml(
          Object.entries(run.policy.params)
            .map(([k, v]) => `${k}=${v.toString()}`)
            .join(" "),
        )}</code></li>`,
    )
    .join("\n");
  const charts = [
    pricePathChart(input.runs),
    aggregateRatioChart(input.runs),
    borrowerLossChart(input.runs),
    poolVsOracleChart(input.runs),
  ]
    .map((svg) => `<figure class="chart">${svg}</figure>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sluice demo — ${escapeHtml(config.path.name)}, ${config.positions} positions, seed ${config.seed}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 960px; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; font-variant-numeric: tabular-nums; }
td:first-child, th:first-child { text-align: left; }
code { font-size: 11px; word-break: break-all; }
figure.chart { margin: 16px 0; }
</style>
</head>
<body>
<h1>Sluice liquidation demo</h1>
<p>Path <b>${escapeHtml(config.path.name)}</b>, ${config.positions} positions, seed ${config.seed},
${config.blocksPerStep} blocks (${config.blocksPerStep * 12} s) per step, gas ${config.gasPriceGwei} gwei, top-up probability ${config.topUpProbability},
Uniswap V3 pool of ${config.poolWeth} WETH full-range, arbitrageur capital ${config.arbCapitalPerBlock.toLocaleString("en-US")} USDC per block.
Run ${escapeHtml(input.createdAt)} in ${input.totalSeconds.toFixed(0)} s.</p>
<h2>Metrics</h2>
<table id="metrics">${tableHead}
${tableBody}</table>
<p>Borrower loss = value of the seized collateral at the oracle price − debt repaid; it splits exactly into keeper
profit + protocol fees + pool impact (value lost selling on the pool below the oracle price, pool fee included).</p>
<h2>Charts</h2>
${charts}
<h2>Policies</h2>
<p>Each policy is an emulation expressed with Sluice's own risk parameters, set by governance before the run; the
other protocols' rules are emulated, not their contracts.</p>
<ul>${policies}</ul>
</body>
</html>
`;
}

/** Writes summary.json, the CSVs and report.html into `dir` (created); returns the report's path. */
export function writeReport(dir: string, input: ReportInput): string {
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(summary(input), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
  writeFileSync(join(dir, "summary.json"), `${json}\n`);
  for (const run of input.runs) {
    writeFileSync(join(dir, `${run.policy.name}.csv`), tranchesCsv(run));
    writeFileSync(join(dir, `${run.policy.name}-steps.csv`), stepsCsv(run));
  }
  const html = join(dir, "report.html");
  writeFileSync(html, reportHtml(input));
  return html;
}
