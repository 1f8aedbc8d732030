/**
 * `npm run demo` end to end: simulate with a live progress line, print the metrics table, write the report.
 */
import { join } from "node:path";

import { policyMetrics } from "./metrics.js";
import { metricsTable, writeReport } from "./report.js";
import { simulate, type Progress, type SimulationConfig } from "./simulation.js";

/**
 * Where progress goes: one updating line on a TTY (with policies running in parallel, one segment per policy), a
 * plain line per policy every `every` steps otherwise (CI).
 */
export function progressPrinter(stream: NodeJS.WriteStream, every = 20): (p: Progress) => void {
  const started = Date.now();
  const latest = new Map<string, Progress>();
  const finished = (p: Progress): boolean => p.step + 1 === p.steps;
  return (p) => {
    const elapsed = ((Date.now() - started) / 1000).toFixed(0);
    if (!stream.isTTY) {
      if (p.step % every === 0 || finished(p)) stream.write(`${progressText(p)}  ${elapsed} s\n`);
      return;
    }
    latest.set(p.policy, p);
    const running = [...latest.values()].filter((q) => !finished(q));
    if (running.length <= 1) {
      stream.write(`\r${progressText(running[0] ?? p)}  ${elapsed} s\x1b[K`);
    } else {
      const segments = running.map((q) => `${q.policy} ${q.step + 1}/${q.steps} (${q.tranches} tranches)`);
      stream.write(`\r${segments.join(" | ")}  ${elapsed} s\x1b[K`);
    }
    if (finished(p)) {
      stream.write(`\r${progressText(p)}  ${elapsed} s\x1b[K\n`);
      latest.delete(p.policy);
    }
  };
}

function progressText(p: Progress): string {
  return (
    `${p.policy.padEnd(15)} step ${String(p.step + 1).padStart(4)}/${p.steps}  ` +
    `t ${(p.t / 3600).toFixed(2).padStart(5)} h  price ${p.price.toFixed(2).padStart(9)}  ` +
    `tranches ${String(p.tranches).padStart(5)}`
  );
}

/** Runs the demo; returns the report's folder. */
export async function runDemo(config: SimulationConfig, out: string | undefined, workers = 1): Promise<string> {
  const started = Date.now();
  const createdAt = new Date().toISOString();
  const dir = out ?? join("reports", createdAt.replace(/[:.]/g, "-"));
  process.stdout.write(
    `Sluice demo: ${config.positions} positions, path ${config.path.name}, seed ${config.seed}, ` +
      `policies ${config.policies.join(", ")}, gas ${config.gasPriceGwei} gwei` +
      (workers > 1 && config.policies.length > 1 ? ` (up to ${workers} at a time)` : "") +
      "\n",
  );
  const { runs } = await simulate(config, progressPrinter(process.stdout), workers);
  const totalSeconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${metricsTable(runs.map(policyMetrics))}\n\n`);
  const html = writeReport(dir, { config, runs, totalSeconds, createdAt });
  process.stdout.write(`Report: ${html} (and summary.json, CSVs) — ${totalSeconds.toFixed(0)} s\n`);
  return dir;
}
