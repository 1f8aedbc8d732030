/**
 * Build of the benchmark anchors only (`npm run bench`): Morpho Blue from its npm source with its own compiler and
 * settings, plus the bench-only contracts in `bench/contracts/`, into `artifacts-bench/`. Sluice itself is measured
 * from the `production` build (`hardhat.production.config.ts`, `artifacts-production/`), so neither the tests' build
 * nor `npm run sizes` compiles any of this.
 */
import { createRequire } from "node:module";

import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/** Morpho Blue pins `pragma solidity 0.8.19`: an npm alias of solc 0.8.19, nothing downloaded. */
const MORPHO_SOLC_VERSION: string = (require("solc-0.8.19/package.json") as { version: string }).version;
const MORPHO_SOLC_PATH = require.resolve("solc-0.8.19/soljson.js");
const SOLC_VERSION: string = (require("solc/package.json") as { version: string }).version;
/** The same compiler as hardhat.config.ts, loaded the same way (scripts/solc/soljson.cjs). */
const SOLC_PATH = require.resolve("./scripts/solc/soljson.cjs");

const MORPHO = "@morpho-org/morpho-blue/src";

export default defineConfig({
  // Building only: no TypeChain (it would overwrite the project's bindings), no test runners.
  plugins: [],
  paths: { sources: { solidity: ["bench/contracts"] }, artifacts: "artifacts-bench", cache: "cache-bench" },
  solidity: {
    npmFilesToBuild: [`${MORPHO}/Morpho.sol`, `${MORPHO}/mocks/IrmMock.sol`],
    profiles: {
      default: {
        compilers: [
          // Bench-only helpers: Sluice's production settings.
          {
            version: SOLC_VERSION,
            path: SOLC_PATH,
            settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 10_000 } },
          },
          // Morpho Blue's own settings (its foundry.toml: solc 0.8.19, via-ir, optimizer 999,999 runs).
          {
            version: MORPHO_SOLC_VERSION,
            path: MORPHO_SOLC_PATH,
            settings: { evmVersion: "paris", optimizer: { enabled: true, runs: 999_999 }, viaIR: true },
          },
        ],
      },
    },
  },
});
