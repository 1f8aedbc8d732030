/**
 * `npm run deploy:local -- [--rpc-url URL] [--keeper ADDRESS]`: deploys a whole Sluice system with mock tokens and
 * feeds, a real Uniswap V3 pool and the keeper periphery to a local development chain (e.g. `npx hardhat node`), and
 * writes its address registry to deploy/registry/<chainId>.json, where the keeper and the SDK read it. Local chains
 * only: the deployer is the chain's first funded account (Hardhat's public test key unless SLUICE_DEPLOYER_KEY is
 * set). Public networks use `npm run deploy` (Ignition, issue #6).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { JsonRpcProvider, NonceManager, Wallet, isAddress } from "ethers";

import { deployLocalSluice } from "../src/devchain/deploySluice.js";
import { serializeRegistry } from "../src/sdk/registry.js";

/** Hardhat's and Anvil's first default account: public, funded only on local chains. */
const LOCAL_TEST_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const LOCAL_CHAIN_IDS = new Set([31337n, 1337n]);

const { values } = parseArgs({
  options: {
    "rpc-url": { type: "string", default: "http://127.0.0.1:8545" },
    keeper: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help === true) {
  console.log(
    "usage: npm run deploy:local -- [--rpc-url http://127.0.0.1:8545] [--keeper <address owning the FlashLiquidator>]",
  );
  process.exit(0);
}
if (values.keeper !== undefined && !isAddress(values.keeper)) {
  console.error(`deploy:local: --keeper must be an address, got '${values.keeper}'`);
  process.exit(2);
}

const provider = new JsonRpcProvider(values["rpc-url"]);
const network = await provider.getNetwork().catch((error: unknown) => {
  console.error(
    `deploy:local: no chain answers at ${values["rpc-url"]}: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(2);
});
if (!LOCAL_CHAIN_IDS.has(network.chainId)) {
  console.error(`deploy:local: chain ${network.chainId} is not a local chain (31337 or 1337); use npm run deploy`);
  process.exit(2);
}
const deployer = new NonceManager(new Wallet(process.env.SLUICE_DEPLOYER_KEY ?? LOCAL_TEST_KEY, provider));
const local = await deployLocalSluice(deployer, values.keeper === undefined ? {} : { keeperOwner: values.keeper });
mkdirSync("deploy/registry", { recursive: true });
const path = `deploy/registry/${network.chainId}.json`;
writeFileSync(path, `${serializeRegistry(local.registry)}\n`);
console.log(`deploy:local: Sluice deployed on chain ${network.chainId}; registry written to ${path}`);
for (const [name, address] of Object.entries(local.registry.contracts)) console.log(`  ${name.padEnd(20)} ${address}`);
console.log(`  ETH/USD feed         ${await local.ethUsdFeed.getAddress()} (updateAnswer moves the price)`);
provider.destroy();
