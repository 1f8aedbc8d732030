/**
 * `npm run gas:check [-- --tolerance 1]`: measures Sluice's per-function gas and compares it with
 * bench/gas-snapshot.json. Exits 1 naming every function whose gas grew by more than the tolerance (percent,
 * default 1) and every function added or removed; `npm run gas:snapshot` rewrites the snapshot.
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
import { measureSnapshot } from "../bench/gas/snapshot.js";

const { values } = parseArgs({ options: { tolerance: { type: "string", default: String(DEFAULT_TOLERANCE_PCT) } } });
const tolerance = Number(values.tolerance);
if (!Number.isFinite(tolerance) || tolerance < 0) {
  console.error(`gas:check: --tolerance must be a non-negative percentage, got '${values.tolerance}'`);
  process.exit(2);
}
const snapshot = readSnapshot();
const chain = await openChain();
let measured: Record<string, number>;
try {
  measured = (await measureSnapshot(chain)).gas;
} finally {
  await chain.close();
}
const diff = compareSnapshot(snapshot.gas, measured, tolerance);
for (const line of describeDiff(diff, tolerance)) console.log(line);
if (!diff.ok) {
  console.error(
    `gas:check: failed against ${SNAPSHOT_PATH}; if the change is intended, run \`npm run gas:snapshot\` and commit it`,
  );
  process.exit(1);
}
console.log(`gas:check: ${Object.keys(measured).length} functions within +${tolerance} % of ${SNAPSHOT_PATH}`);
