/**
 * `npm run demo` end to end: simulate with a live progress line, print the metrics table, write the report.
 */
import { join } from "node:path";

import { policyMetrics } from "./metrics.js";
import { metricsTable, writeReport } from "./report.js";
import { simulate, type Progress, type SimulationConfig } from "./simulation.js";

/** Where progress goes: a single updating line on a TTY, a plain line every `every` steps otherwise (CI). */
export function progressPrinter(stream: NodeJS.WriteStream, every = 20): (p: Progress) => void {
  const started = Date.now();
  return (p) => {
    const elapsed = ((Date.now() - started) / 1000).toFixed(0);
    const text =
      `${p.policy.padEnd(15)} step ${String(p.step + 1).padStart(4)}/${p.steps}  ` +
      `t ${(p.t / 3600).toFixed(2).padStart(5)} h  price ${p.price.toFixed(2).padStart(9)}  ` +
      `tranches ${String(p.tranches).padStart(5)}  ${elapsed} s`;
    if (stream.isTTY) {
      stream.write(`\r${text}`);
      if (p.step + 1 === p.steps) stream.write("\n");
    } else if (p.step % every === 0 || p.step + 1 === p.steps) {
      stream.write(`${text}\n`);
    }
  };
}

/** Runs the demo; returns the report's folder. */
export async function runDemo(config: SimulationConfig, out: string | undefined): Promise<string> {
  const started = Date.now();
  const createdAt = new Date().toISOString();
  const dir = out ?? join("reports", createdAt.replace(/[:.]/g, "-"));
  process.stdout.write(
    `Sluice demo: ${config.positions} positions, path ${config.path.name}, seed ${config.seed}, ` +
      `policies ${config.policies.join(", ")}\n`,
  );
  const { runs } = await simulate(config, progressPrinter(process.stdout));
  const totalSeconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${metricsTable(runs.map(policyMetrics))}\n\n`);
  const html = writeReport(dir, { config, runs, totalSeconds, createdAt });
  process.stdout.write(`Report: ${html} (and summary.json, CSVs) — ${totalSeconds.toFixed(0)} s\n`);
  return dir;
}
