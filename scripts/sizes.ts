/**
 * Reports the deployed and init code size of every contract under `contracts/` from a `production`-profile build in
 * `artifacts-production/` (see `scripts/sizes.sh`), and fails when one is over the EIP-170 (24,576 B runtime) or
 * EIP-3860 (49,152 B init code) limit, or within `--margin` bytes (default 512) of the runtime limit.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const RUNTIME_LIMIT = 24_576;
const INITCODE_LIMIT = 49_152;
const ROOT = "artifacts-production/contracts";

interface Artifact {
  abi: unknown[];
  contractName: string;
  sourceName: string;
  bytecode: string;
  deployedBytecode: string;
}

function artifacts(dir: string): Artifact[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return artifacts(path);
    if (!entry.endsWith(".json") || entry.endsWith(".dbg.json")) return [];
    return [JSON.parse(readFileSync(path, "utf8")) as Artifact];
  });
}

const bytes = (hex: string): number => (hex.startsWith("0x") ? hex.length - 2 : hex.length) / 2;

const marginArg = process.argv.indexOf("--margin");
const margin = marginArg === -1 ? 512 : Number(process.argv[marginArg + 1]);
if (!Number.isInteger(margin) || margin < 0) {
  throw new Error(`--margin must be a whole number of bytes, got ${process.argv[marginArg + 1]}`);
}

const rows = artifacts(ROOT)
  .filter((a) => a.abi.length > 0 && bytes(a.deployedBytecode) > 0) // not internal-only libraries
  .sort((a, b) => bytes(b.deployedBytecode) - bytes(a.deployedBytecode));
if (rows.length === 0) throw new Error(`no deployable contracts in ${ROOT}: run scripts/sizes.sh`);

const failures: string[] = [];
console.log("| contract | runtime (B) | headroom to 24,576 (B) | init code (B) |");
console.log("| --- | ---: | ---: | ---: |");
for (const a of rows) {
  const runtime = bytes(a.deployedBytecode);
  const init = bytes(a.bytecode);
  console.log(`| ${a.contractName} | ${runtime} | ${RUNTIME_LIMIT - runtime} | ${init} |`);
  if (runtime > RUNTIME_LIMIT - margin) {
    failures.push(`${a.contractName}: runtime ${runtime} B, over ${RUNTIME_LIMIT} - ${margin} B margin`);
  }
  if (init > INITCODE_LIMIT) failures.push(`${a.contractName}: init code ${init} B, over ${INITCODE_LIMIT} B`);
}
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
