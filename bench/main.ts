/**
 * `npm run bench -- [--full] [--repeat 3] [--efficiency-positions 50] [--out BENCHMARKS.md] [--gas-only]
 * [--json FILE]`: the gas comparison against Morpho Blue and Aave V3 with a breakdown of each tranche's gas,
 * `liquidateMany` scaling, lens scans and keeper reaction for 1,000 and 10,000 positions (and 50,000 with `--full`),
 * and liquidation efficiency on the demo simulator; writes BENCHMARKS.md and the raw results to
 * reports/bench/bench.json. `--gas-only` runs the gas comparison alone and prints it (BENCHMARKS.md is left as it
 * is); `--json FILE` writes the gas figures as JSON (bench/gas/json.ts). Run `bash bench/build.sh` first
 * (`npm run bench` does).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { DEFAULT_EFFICIENCY_POSITIONS, measureEfficiency } from "./efficiency.js";
import { compareGas } from "./gas/compare.js";
import { gasJson } from "./gas/json.js";
import { openChain } from "./lib/chain.js";
import { machineInfo } from "./lib/machine.js";
import { DEFAULT_SIZES, FULL_SIZE, benchOne, type LensScanResult } from "./lensScan.js";
import { benchmarksMarkdown, gasMarkdown, type BenchResults, type BreakdownBaseline } from "./report.js";

const USAGE =
  "usage: npm run bench -- [--full] [--repeat 3] [--efficiency-positions 50] [--out BENCHMARKS.md] [--gas-only] [--json FILE]\n" +
  "  --gas-only                the gas comparison alone, printed (BENCHMARKS.md is not rewritten)\n" +
  '  --json FILE               also writes the gas figures as JSON: {"gas": {"sluice": {...}, "morpho": {...}, "aave": {...}}}\n' +
  "  --full                    adds a 50,000-position book to the lens and keeper section (several more minutes)\n" +
  "  --repeat N                whole-market lens scans per book, median reported (1..20)\n" +
  "  --efficiency-positions N  positions per simulated book in the efficiency section (1..5000)";

const { values } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    "efficiency-positions": { type: "string", default: String(DEFAULT_EFFICIENCY_POSITIONS) },
    repeat: { type: "string", default: "3" },
    out: { type: "string", default: "BENCHMARKS.md" },
    "gas-only": { type: "boolean", default: false },
    json: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
  console.error(`bench: --repeat must be an integer in 1..20, got '${values.repeat}'\n${USAGE}`);
  process.exit(2);
}
const efficiencyPositions = Number(values["efficiency-positions"]);
if (!Number.isInteger(efficiencyPositions) || efficiencyPositions < 1 || efficiencyPositions > 5_000) {
  console.error(
    `bench: --efficiency-positions must be an integer in 1..5000, got '${values["efficiency-positions"]}'\n${USAGE}`,
  );
  process.exit(2);
}

/** Sluice's tranche breakdown before the lean-hot-path work (issue #18), for the "before" column. */
const BASELINE_PATH = "bench/gas-baseline.json";
const seconds: Record<string, number> = {};
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  console.log(`bench: ${name}...`);
  const result = await run();
  seconds[name] = (performance.now() - started) / 1000;
  console.log(`bench: ${name} done in ${seconds[name]!.toFixed(0)} s`);
  return result;
}

const machine = machineInfo();
const gas = await timed("gas", async () => {
  const chain = await openChain();
  try {
    return await compareGas(chain, { anchors: true, breakdown: true });
  } finally {
    await chain.close();
  }
});
const baseline = existsSync(BASELINE_PATH)
  ? (JSON.parse(readFileSync(BASELINE_PATH, "utf8")) as BreakdownBaseline)
  : undefined;
if (values.json !== undefined) {
  writeFileSync(values.json, `${JSON.stringify(gasJson(gas), null, 2)}\n`);
  console.log(`bench: wrote the gas figures to ${values.json}`);
}
if (values["gas-only"] === true) {
  console.log(gasMarkdown(gas, baseline));
  process.exit(0);
}
const sizes: number[] = [...DEFAULT_SIZES];
if (values.full === true) sizes.push(FULL_SIZE);
const lensResults: LensScanResult[] = [];
for (const size of sizes) lensResults.push(await timed(`lens ${size}`, () => benchOne(size, repeat)));
const efficiency = await timed("efficiency", () => measureEfficiency(efficiencyPositions, console.log));

const results: BenchResults = {
  machine,
  gas,
  baseline,
  lens: { results: lensResults, full: values.full === true, repeat },
  efficiency,
  seconds,
};
writeFileSync(values.out, benchmarksMarkdown(results));
mkdirSync("reports/bench", { recursive: true });
writeFileSync(
  "reports/bench/bench.json",
  `${JSON.stringify(results, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`,
);
console.log(`bench: wrote ${values.out} and reports/bench/bench.json`);
