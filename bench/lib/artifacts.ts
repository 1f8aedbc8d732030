/**
 * Compiled contracts for the benchmarks, read from build outputs rather than TypeChain factories (whose bytecode is
 * the unoptimized test build): Sluice and its test doubles from the `production` build (`artifacts-production/`),
 * Morpho Blue and the bench-only contracts from the anchors' build (`artifacts-bench/`, `hardhat.bench.config.ts`),
 * Aave V3 from the compiled artifacts shipped in `@aave/core-v3`. Library links are resolved by name.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { ContractFactory, type BaseContract, type InterfaceAbi, type Signer } from "ethers";

import type { CoreFactories } from "../../src/deploy/core.js";

const require = createRequire(import.meta.url);

/** The fields of a Hardhat artifact that deployment needs. */
export interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  /** Creation code, hex, with or without `0x`, possibly with `__$…$__` link placeholders. */
  bytecode: string;
  /** `sourceName → libraryName → [{ start, length }]` in bytes of the creation code. */
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

/** Where a build's artifacts live. */
export const SLUICE_ARTIFACTS = "artifacts-production";
export const ANCHOR_ARTIFACTS = "artifacts-bench";
const AAVE_ROOT = join(dirname(require.resolve("@aave/core-v3/package.json")), "artifacts");

/** Thrown when an artifact is missing: the message says which build produces it. */
export class MissingArtifactError extends Error {
  constructor(path: string, build: string) {
    super(`artifact ${path} not found: run ${build} first`);
    this.name = "MissingArtifactError";
  }
}

function read(path: string, build: string): Artifact {
  if (!existsSync(path)) throw new MissingArtifactError(path, build);
  return JSON.parse(readFileSync(path, "utf8")) as Artifact;
}

/** A Sluice artifact from the production build, e.g. `sluiceArtifact("contracts/core/MarginVault.sol", "MarginVault")`. */
export function sluiceArtifact(source: string, name: string): Artifact {
  return read(join(SLUICE_ARTIFACTS, source, `${name}.json`), "`bash bench/build.sh` (or `npm run sizes`)");
}

/** An artifact of the anchors' build (Morpho Blue, bench contracts), by source path as Hardhat writes it. */
export function anchorArtifact(source: string, name: string): Artifact {
  return read(join(ANCHOR_ARTIFACTS, source, `${name}.json`), "`bash bench/build.sh`");
}

/** An Aave V3 artifact from `@aave/core-v3`, by its path under `artifacts/contracts/` without `.sol`. */
export function aaveArtifact(path: string): Artifact {
  const name = path.split("/").pop()!;
  return read(join(AAVE_ROOT, "contracts", `${path}.sol`, `${name}.json`), "`npm install`");
}

/** Creation code with every library placeholder replaced by the address in `libraries` (by library name). */
export function linkBytecode(artifact: Artifact, libraries: Record<string, string>): string {
  let code = artifact.bytecode.startsWith("0x") ? artifact.bytecode.slice(2) : artifact.bytecode;
  for (const [source, libs] of Object.entries(artifact.linkReferences ?? {})) {
    for (const [lib, refs] of Object.entries(libs)) {
      const address = libraries[lib];
      if (address === undefined) {
        throw new Error(`${artifact.contractName} needs library ${lib} (${source}), which was not given`);
      }
      const hex = address.toLowerCase().replace(/^0x/, "");
      for (const { start, length } of refs) {
        code = code.slice(0, start * 2) + hex + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

/**
 * Deploys `artifact` from `signer` with constructor `args` (and linked `libraries`) and returns it as `T`, the
 * TypeChain type of the same ABI when there is one.
 */
export async function deployArtifact<T extends BaseContract = BaseContract>(
  signer: Signer,
  artifact: Artifact,
  args: unknown[] = [],
  libraries: Record<string, string> = {},
): Promise<T> {
  const factory = new ContractFactory(artifact.abi, linkBytecode(artifact, libraries), signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract as unknown as T;
}

/** The core's factories from the production build, for `deploySluiceCore` (its contracts link no library). */
export const PRODUCTION_CORE_FACTORIES: CoreFactories = (name, deployer) => {
  const artifact = sluiceArtifact(`contracts/core/${name}.sol`, name);
  return new ContractFactory(artifact.abi, linkBytecode(artifact, {}), deployer);
};
