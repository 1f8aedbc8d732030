import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { MAINNET_FORK_BLOCK } from "./src/devchain/mainnetAddresses.js";

const require = createRequire(import.meta.url);

/**
 * The compiler comes from the pinned npm `solc` package: nothing is downloaded. It is loaded through
 * scripts/solc/soljson.cjs, which hands solc its input on the heap: as Hardhat calls it, an input over 1.25 MB
 * overflows the wasm stack (HHE908), and the coverage build's inputs are bigger than that.
 */
const SOLC_VERSION: string = (require("solc/package.json") as { version: string }).version;
const SOLC_PATH = require.resolve("./scripts/solc/soljson.cjs");
/** The production profile's compiler settings (`MarginVault` overrides `viaIR`). */
const PRODUCTION_SETTINGS = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 10_000 },
  viaIR: true,
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  paths: {
    ignition: "deploy",
    // Test doubles and harnesses are compiled as sources (so TypeChain binds them) but live under test/.
    sources: { solidity: ["contracts", "test/harness", "test/mocks"] },
  },
  solidity: {
    // Contracts that live only in a package but are deployed by tests (TypeChain binds them too).
    npmFilesToBuild: [
      "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol",
      // Governance of a deployment (deploy/modules/Governance.ts).
      "@openzeppelin/contracts/governance/TimelockController.sol",
    ],
    profiles: {
      // Fast feedback for tests: no optimizer, no IR pipeline.
      default: {
        version: SOLC_VERSION,
        path: SOLC_PATH,
        settings: { evmVersion: "cancun" },
      },
      // Deployments: the IR pipeline everywhere but MarginVault, where it is larger and costs more gas
      // (measurements in docs/toolchain.md). Optimizer at 10,000 runs for both.
      production: {
        isolated: true,
        compilers: [{ version: SOLC_VERSION, path: SOLC_PATH, settings: PRODUCTION_SETTINGS }],
        overrides: {
          "contracts/core/MarginVault.sol": {
            version: SOLC_VERSION,
            path: SOLC_PATH,
            settings: { ...PRODUCTION_SETTINGS, viaIR: false },
          },
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
        // CI's coverage run (SLUICE_COVERAGE_PROFILE=coverage): the same tests, instrumented, with fewer runs.
        coverage: {
          fuzz: { runs: 100 },
          invariant: { runs: 16, depth: 50, failOnRevert: true },
        },
        // `npm run test:invariant`: 512 runs x 100 calls = 51,200 handler calls per invariant, 10,000 fuzz runs.
        intense: {
          fuzz: { runs: 10_000 },
          invariant: { runs: 512, depth: 100, failOnRevert: true },
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
    // Public networks for `npm run deploy -- --network <name>` (deploy/README.md). Configuration variables are read
    // only when the network is used (from the environment or `npx hardhat keystore set NAME`): nothing secret lives
    // in the repository, and tests never need them.
    sepolia: {
      type: "http",
      chainType: "l1",
      chainId: 11155111,
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    mainnet: {
      type: "http",
      chainType: "l1",
      chainId: 1,
      url: configVariable("MAINNET_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    arbitrum: {
      type: "http",
      chainType: "generic",
      chainId: 42161,
      url: configVariable("ARBITRUM_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    base: {
      type: "http",
      chainType: "op",
      chainId: 8453,
      url: configVariable("BASE_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
  // Source verification on the explorers (`--verify` on `npm run deploy`, or `npx hardhat verify`): Etherscan's V2
  // API takes one key for Ethereum, Arbitrum and Base; Sourcify and Blockscout need none.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  typechain: {
    outDir: "typechain-types",
  },
});
