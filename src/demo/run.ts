/**
 * `npm run demo` end to end: simulate with a live progress line, print the metrics table, write the report.
 */
import { join } from "node:path";

import { policyMetrics } from "./metrics.js";
import { metricsTable, writeReport } from "./report.js";
import { simulate, type Progress, type SimulationConfig } from "./simulation.js";
import {
  runSweep,
  sweepJobs,
  sweepMatrix,
  sweepTable,
  sweepViolations,
  violationsText,
  writeSweepReport,
  writeSweepRunCsv,
  type SweepConfig,
} from "./sweep.js";

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

function minutes(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * `npm run demo -- --sweep`: runs the sweep with a line per finished run (and an ETA from the steps left), prints the
 * matrix and the conditions' verdict, writes sweep.json, sweep.html and every run's tranche CSV. Returns the folder.
 */
export async function runSweepDemo(sweep: SweepConfig, out: string | undefined, workers = 1): Promise<string> {
  const started = Date.now();
  const createdAt = new Date().toISOString();
  const dir = out ?? join("reports", `sweep-${createdAt.replace(/[:.]/g, "-")}`);
  const jobs = sweepJobs(sweep);
  process.stdout.write(
    `Sluice demo sweep: ${sweep.paths.length} paths x ${sweep.seeds.length} seeds x ${sweep.policies.length} ` +
      `policies = ${jobs.length * sweep.policies.length} runs on ${sweep.positions} positions, gas ` +
      `${sweep.gasPriceGwei} gwei, ${Math.min(workers, jobs.length)} worker(s); a line per finished run\n`,
  );
  const runs = await runSweep(jobs, workers, (p, record) => {
    writeSweepRunCsv(dir, p.run, record);
    const eta = (p.wallSeconds * (p.stepsTotal - p.stepsDone)) / Math.max(1, p.stepsDone);
    const m = p.run.metrics;
    process.stdout.write(
      `[${String(p.done).padStart(3)}/${p.total}] ${p.run.path.padEnd(11)} seed ${p.run.seed}  ` +
        `${p.run.policy.padEnd(15)} ${String(p.steps).padStart(3)} steps  ${String(m.tranches).padStart(4)} tranches  ` +
        `bad debt ${m.badDebt.toFixed(0).padStart(7)} USDC  elapsed ${minutes(p.wallSeconds)}  ETA ${minutes(eta)}\n`,
    );
  });
  const totalSeconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `\n${sweepTable(sweepMatrix(runs), sweep.seeds)}\n\n${violationsText(sweepViolations(runs))}\n\n`,
  );
  const html = writeSweepReport(dir, { sweep, runs, totalSeconds, createdAt });
  process.stdout.write(`Report: ${html} (and sweep.json, tranches/*.csv) — ${minutes(totalSeconds)} min\n`);
  return dir;
}
