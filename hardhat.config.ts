import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { MAINNET_FORK_BLOCK } from "./src/devchain/mainnetAddresses.js";

const require = createRequire(import.meta.url);

/** The compiler comes from the pinned npm `solc` package: nothing is downloaded. */
const SOLC_VERSION: string = (require("solc/package.json") as { version: string }).version;
const SOLC_PATH = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  paths: {
    ignition: "deploy",
    // Test doubles and harnesses are compiled as sources (so TypeChain binds them) but live under test/.
    sources: { solidity: ["contracts", "test/harness", "test/mocks"] },
  },
  solidity: {
    // Contracts that live only in a package but are deployed by tests (TypeChain binds them too).
    npmFilesToBuild: ["@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol"],
    profiles: {
      // Fast feedback for tests: no optimizer, no IR pipeline.
      default: {
        version: SOLC_VERSION,
        path: SOLC_PATH,
        settings: { evmVersion: "cancun" },
      },
      // Deployments. viaIR off: measured slower to build (2.3x) and larger for MarginVault (docs/toolchain.md).
      production: {
        version: SOLC_VERSION,
        path: SOLC_PATH,
        isolated: true,
        settings: {
          evmVersion: "cancun",
          optimizer: { enabled: true, runs: 10_000 },
          viaIR: false,
        },
      },
    },
  },
  test: {
    solidity: {
      profiles: {
        default: {
          fuzz: { runs: 1_000 },
          invariant: { runs: 64, depth: 100, failOnRevert: true },
        },
      },
    },
  },
  networks: {
    // Tests run unoptimized builds (MarginVault is 36 KB there, 23 KB in production): lift the size limit for the
    // in-process network only. The production size is checked separately (docs/toolchain.md).
    default: {
      type: "edr-simulated",
      allowUnlimitedContractSize: true,
    },
    // `hardhat node` (local chain for the keeper, the demo and their tests) serves the same unoptimized build.
    node: {
      type: "edr-simulated",
      allowUnlimitedContractSize: true,
    },
    // Ethereum mainnet forked at a pinned block, for the fork suite (test/fork, docs/fork.md). Only connected to when
    // MAINNET_RPC_URL is set (or SLUICE_FORK=1 with the URL in the keystore): without a reachable RPC a fork hangs.
    mainnetFork: {
      type: "edr-simulated",
      allowUnlimitedContractSize: true,
      forking: { url: configVariable("MAINNET_RPC_URL"), blockNumber: MAINNET_FORK_BLOCK },
    },
  },
  typechain: {
    outDir: "typechain-types",
  },
});
