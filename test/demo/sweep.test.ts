import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { policyMetrics, type PolicyMetrics } from "../../src/demo/metrics.js";
import { DemoOptionError, parseDemoOptions } from "../../src/demo/options.js";
import type { PolicyName } from "../../src/demo/policies.js";
import { BUILTIN_PATHS, sampleSteps, type BuiltinPathName } from "../../src/demo/pricePaths.js";
import { simulate } from "../../src/demo/simulation.js";
import {
  MAX_GAS_RATIO_TO_FULL,
  runSweep,
  sweepHtml,
  sweepJobs,
  sweepMatrix,
  sweepTable,
  sweepViolations,
  violationsText,
  writeSweepReport,
  writeSweepRunCsv,
  type SweepConfig,
  type SweepJob,
  type SweepRun,
} from "../../src/demo/sweep.js";

/** A run with only the compared metrics set (the rest zero). */
function run(
  path: BuiltinPathName,
  seed: number,
  policy: PolicyName,
  m: Partial<Pick<PolicyMetrics, "borrowerLoss" | "badDebt" | "keeperGasUsed" | "keeperNetProfit">>,
): SweepRun {
  const zero = { borrowerLoss: 0, badDebt: 0, keeperGasUsed: 0, keeperNetProfit: 0 };
  return { path, seed, policy, metrics: { ...zero, ...m } as PolicyMetrics };
}

describe("demo sweep", function () {
  it("--sweep runs every built-in path, seeds 1-5 and every policy on a 20-position book", function () {
    const options = parseDemoOptions(["--sweep", "--gas-price-gwei", "l2"]);
    const sweep = options.sweep!;
    expect(sweep.paths).to.deep.equal(BUILTIN_PATHS);
    expect(sweep.seeds).to.deep.equal([1, 2, 3, 4, 5]);
    expect(sweep.policies).to.deep.equal(["incremental", "close-factor-50", "full", "aave-v4"]);
    expect(sweep.positions).to.equal(20);
    expect(sweep.gasPriceGwei).to.equal(0.01);
    expect(parseDemoOptions(["--sweep", "--positions", "30"]).sweep!.positions).to.equal(30);
    expect(parseDemoOptions([]).sweep).to.equal(undefined);
  });

  it("--sweep refuses the flags it sets itself, naming them", function () {
    expect(() => parseDemoOptions(["--sweep", "--path", "gap-down", "--seed", "2"]))
      .to.throw(DemoOptionError)
      .with.property("message")
      .that.matches(/cannot be combined with --seed, --path/);
    expect(() => parseDemoOptions(["--sweep", "--policy", "full"])).to.throw(DemoOptionError, /--policy/);
    expect(() => parseDemoOptions(["--sweep", "--blocks-per-step", "5"])).to.throw(DemoOptionError, /--blocks-per/);
  });

  it("has one job per path and seed, every policy in each, each path at its own step, longest first, on the default demo's market", function () {
    const sweep = parseDemoOptions(["--sweep"]).sweep!;
    const jobs = sweepJobs(sweep);
    expect(jobs).to.have.length(BUILTIN_PATHS.length * 5);
    expect(new Set(jobs.map((j) => `${j.path}/${j.seed}`)).size).to.equal(jobs.length);
    for (const job of jobs) {
      expect(job.config.policies).to.deep.equal(sweep.policies);
      expect(job.config.positions).to.equal(20);
      expect(job.config.seed).to.equal(job.seed);
      // The default demo's market: its pool, arbitrageur and lent USDC.
      expect([job.config.poolWeth, job.config.arbCapitalPerBlock, job.config.lentUsdc]).to.deep.equal([
        4_000, 20_000, 20_000_000,
      ]);
    }
    const flash = jobs.find((j) => j.path === "flash-crash")!;
    expect(flash.config.blocksPerStep).to.equal(1);
    expect(jobs.find((j) => j.path === "crash-40")!.config.blocksPerStep).to.equal(25);
    for (let i = 1; i < jobs.length; i++) expect(jobs[i - 1]!.steps).to.be.at.least(jobs[i]!.steps);
  });

  it("the matrix divides each policy's total over the seeds by incremental's, and marks zero totals", function () {
    const runs = [
      run("gap-down", 1, "incremental", { borrowerLoss: 100, badDebt: 0, keeperGasUsed: 3e6, keeperNetProfit: 10 }),
      run("gap-down", 2, "incremental", { borrowerLoss: 300, badDebt: 0, keeperGasUsed: 1e6, keeperNetProfit: 30 }),
      run("gap-down", 1, "full", { borrowerLoss: 500, badDebt: 50, keeperGasUsed: 1e6, keeperNetProfit: 80 }),
      run("gap-down", 2, "full", { borrowerLoss: 700, badDebt: 0, keeperGasUsed: 1e6, keeperNetProfit: 0 }),
      run("gap-down", 1, "aave-v4", { borrowerLoss: 200 }),
      run("gap-down", 2, "aave-v4", { borrowerLoss: 200 }),
    ];
    const [row] = sweepMatrix(runs);
    expect(row!.path).to.equal("gap-down");
    const cell = (key: "borrowerLoss" | "badDebt" | "keeperGasUsed", policy: PolicyName) =>
      row!.metrics[key].find((c) => c.policy === policy)!;
    expect(cell("borrowerLoss", "full").ratio).to.equal(3);
    expect(cell("borrowerLoss", "aave-v4").ratio).to.equal(1);
    expect(cell("keeperGasUsed", "full").ratio).to.equal(0.5);
    expect(cell("badDebt", "full")).to.include({ ratio: null, total: 50, incrementalTotal: 0 });
    expect(cell("badDebt", "aave-v4")).to.include({ ratio: null, total: 0 });
    const table = sweepTable([row!], [1, 2]);
    expect(table).to.match(/gap-down\s+3\.00\s+1\.00/);
    expect(table).to.include("∞").and.include("=");
  });

  it("checks issue #19's conditions per path and seed, and names every break", function () {
    const runs = [
      // seed 1: every condition holds (bad debt tie at zero is allowed).
      run("v-shape", 1, "incremental", { borrowerLoss: 100, keeperGasUsed: 3e6 }),
      run("v-shape", 1, "full", { borrowerLoss: 300, keeperGasUsed: 2e6 }),
      run("v-shape", 1, "aave-v4", { borrowerLoss: 101, keeperGasUsed: 9e6 }),
      // seed 2: more bad debt than aave-v4, a non-zero tie on borrower loss, gas over 1.5× full.
      run("v-shape", 2, "incremental", { borrowerLoss: 200, badDebt: 10, keeperGasUsed: 3.1e6 }),
      run("v-shape", 2, "full", { borrowerLoss: 400, badDebt: 10.5, keeperGasUsed: 2e6 }),
      run("v-shape", 2, "aave-v4", { borrowerLoss: 200, badDebt: 9 }),
    ];
    const { checks, violations } = sweepViolations(runs);
    expect(checks).to.equal(2 * (2 * 2 + 1));
    expect(violations.map((v) => `${v.seed} ${v.metric} ${v.policy}`)).to.have.members([
      "2 badDebt aave-v4",
      "2 borrowerLoss aave-v4",
      "2 keeperGasUsed full",
    ]);
    const gas = violations.find((v) => v.metric === "keeperGasUsed")!;
    expect(gas.text).to.include("1.55×").and.include(`at most ${MAX_GAS_RATIO_TO_FULL}×`);
    expect(violations.find((v) => v.metric === "borrowerLoss")!.text).to.include("ties");
    expect(violationsText({ checks, violations })).to.include("7 of 10 checks hold").and.include("v-shape seed 2");
    expect(violationsText(sweepViolations(runs.filter((r) => r.seed === 1)))).to.include("5 of 5 checks hold.");
  });

  it("the page colours the matrix and lists the breaks and every run with its CSV", function () {
    const sweep = parseDemoOptions(["--sweep"]).sweep!;
    const runs = [
      run("double-dip", 1, "incremental", { borrowerLoss: 100, badDebt: 5 }),
      run("double-dip", 1, "full", { borrowerLoss: 400, badDebt: 1 }),
    ];
    const html = sweepHtml({ sweep, runs, totalSeconds: 1, createdAt: "2026-12-07T00:00:00Z" });
    expect(html).to.include('id="sweep-matrix"').and.include("rgb(125,255,125)"); // 4× better: full green
    expect(html).to.include("rgb(255,"); // bad debt 0.2×: red
    expect(html).to.include("double-dip, seed 1: bad debt: incremental 5.00 above full's 1.00 USDC");
    expect(html).to.include('href="tranches/double-dip-seed1-full.csv"');
  });

  it("writes sweep.json (config, matrix, checks, breaks, runs), sweep.html and each run's tranche CSV", function () {
    const sweep = parseDemoOptions(["--sweep"]).sweep!;
    const dir = mkdtempSync(join(tmpdir(), "sluice-sweep-"));
    const runs = [
      run("crash-40", 1, "incremental", { borrowerLoss: 100, keeperGasUsed: 4e6 }),
      run("crash-40", 1, "full", { borrowerLoss: 300, keeperGasUsed: 1e6 }),
    ];
    const html = writeSweepReport(dir, { sweep, runs, totalSeconds: 1, createdAt: "2026-12-08T00:00:00Z" });
    expect(html).to.equal(join(dir, "sweep.html"));
    const json = JSON.parse(readFileSync(join(dir, "sweep.json"), "utf8")) as {
      config: SweepConfig;
      checks: number;
      violations: { metric: string }[];
      matrix: unknown[];
      runs: unknown[];
    };
    expect(json.config.positions).to.equal(20);
    expect(json.checks).to.equal(3);
    expect(json.violations.map((v) => v.metric)).to.deep.equal(["keeperGasUsed"]);
    expect(json.matrix).to.have.length(1);
    expect(json.runs).to.have.length(2);
    const record = { tranches: [] } as unknown as Parameters<typeof writeSweepRunCsv>[2];
    writeSweepRunCsv(dir, runs[0]!, record);
    expect(existsSync(join(dir, "tranches", "crash-40-seed1-incremental.csv"))).to.equal(true);
  });

  it("a sweep job in a worker gives the same metrics as the demo's own run of that path and seed", async function () {
    this.timeout(120_000);
    const sweep: SweepConfig = { ...parseDemoOptions(["--sweep"]).sweep!, positions: 4 };
    const short = sweepJobs(sweep).find((j) => j.path === "gap-down" && j.seed === 2)!;
    // The gap-down's first 80 blocks (the drop at block 50), two policies.
    const points = [...short.config.path.points.filter((p) => p.t < 80 * 12), { t: 80 * 12, price: 2250 }];
    const config = {
      ...short.config,
      path: { ...short.config.path, points },
      policies: ["incremental", "full"] as const,
    };
    const job: SweepJob = { ...short, config, steps: sampleSteps(config.path, 12).length };
    const [swept, direct] = [await runSweep([job], 1), await simulate(config)];
    expect(swept.map((r) => r.policy)).to.deep.equal(["incremental", "full"]);
    expect(swept.some((r) => r.metrics.tranches > 0)).to.equal(true);
    for (const [index, r] of swept.entries()) {
      const expected = { ...policyMetrics(direct.runs[index]!), wallSeconds: 0 };
      expect({ ...r.metrics, wallSeconds: 0 }).to.deep.equal(expected);
    }
  });
});
