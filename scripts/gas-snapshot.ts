/**
 * `npm run gas:snapshot`: measures Sluice's per-function gas (bench/gas/snapshot.ts) and rewrites
 * bench/gas-snapshot.json. Commit the file with the change that moved the gas.
 */
import { openChain } from "../bench/lib/chain.js";
import { SNAPSHOT_PATH, writeSnapshot } from "../bench/lib/snapshot.js";
import { measureSnapshot } from "../bench/gas/snapshot.js";

const chain = await openChain();
try {
  const snapshot = await measureSnapshot(chain);
  writeSnapshot(snapshot);
  console.log(`gas:snapshot: ${Object.keys(snapshot.gas).length} functions written to ${SNAPSHOT_PATH}`);
} finally {
  await chain.close();
}
