/**
 * `npm run gas:check [-- --tolerance 1]`: measures Sluice's per-function gas and compares it with
 * bench/gas-snapshot.json. Exits 1 naming every function whose gas grew by more than the tolerance (percent,
 * default 1) and every function added or removed; `npm run gas:snapshot` rewrites the snapshot. Then runs the same
 * scenario on the test build and exits 1 unless the production build did exactly the same (bench/gas/buildParity.ts).
 */
import { parseArgs } from "node:util";

import { openChain } from "../bench/lib/chain.js";
import {
  DEFAULT_TOLERANCE_PCT,
  SNAPSHOT_PATH,
  compareSnapshot,
  describeDiff,
  readSnapshot,
} from "../bench/lib/snapshot.js";
import { buildDifferences, comparedFigures } from "../bench/gas/buildParity.js";
import { compareGas, type GasComparison } from "../bench/gas/compare.js";
import { sluiceGasByFunction } from "../bench/gas/snapshot.js";

const { values } = parseArgs({ options: { tolerance: { type: "string", default: String(DEFAULT_TOLERANCE_PCT) } } });
const tolerance = Number(values.tolerance);
if (!Number.isFinite(tolerance) || tolerance < 0) {
  console.error(`gas:check: --tolerance must be a non-negative percentage, got '${values.tolerance}'`);
  process.exit(2);
}
const snapshot = readSnapshot();

/** The scenario on a fresh chain with `build`. */
async function run(build: "production" | "test"): Promise<GasComparison> {
  const chain = await openChain();
  try {
    return await compareGas(chain, { anchors: false, build });
  } finally {
    await chain.close();
  }
}

console.log("gas:check: the gas scenario on the production build");
const production = await run("production");
const measured = sluiceGasByFunction(production);
const diff = compareSnapshot(snapshot.gas, measured, tolerance);
for (const line of describeDiff(diff, tolerance)) console.log(line);
if (!diff.ok) {
  console.error(
    `gas:check: failed against ${SNAPSHOT_PATH}; if the change is intended, run \`npm run gas:snapshot\` and commit it`,
  );
  process.exit(1);
}
console.log(`gas:check: ${Object.keys(measured).length} functions within +${tolerance} % of ${SNAPSHOT_PATH}`);

console.log("gas:check: the same scenario on the test build, to compare what each build did");
const differences = buildDifferences(production, await run("test"));
if (differences.length > 0) {
  for (const line of differences) console.error(`DIFF ${line}`);
  console.error(
    `gas:check: the production build did not do what the tested build did (${differences.length} differences)`,
  );
  process.exit(1);
}
console.log(
  `gas:check: the production build did what the tested build did (${comparedFigures(production)} figures equal)`,
);
