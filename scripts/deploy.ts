/**
 * `npm run deploy -- --network <name> [options]`: validates `deploy/parameters/<name>.json5`, deploys Sluice with
 * Hardhat Ignition (deploy/modules/Sluice.ts, plus LocalMocks on a local chain and UniswapRouter where the file asks
 * for it) and writes the address registry to `deploy/registry/<chainId>.json`, where the SDK and the keeper read it.
 *
 * Options:
 *   --network NAME         localhost, sepolia, mainnet, arbitrum or base (hardhat.config.ts)
 *   --parameters FILE      default deploy/parameters/<network>.json5
 *   --rpc-url URL          overrides the network's URL (also SLUICE_LOCALHOST_URL for localhost)
 *   --deployment-id ID     Ignition deployment id (journal in deploy/deployments/<ID>); default chain-<chainId>
 *   --registry FILE        where to write the registry; default deploy/registry/<chainId>.json
 *   --build-profile NAME   production (default: optimized, into artifacts-production/) or default (the test build;
 *                          local chains that allow unlimited contract size only)
 *   --verify               verify the sources on the explorers after deploying (ETHERSCAN_API_KEY)
 *   --yes                  do not ask before deploying to a public network
 * Secrets (RPC URLs, DEPLOYER_PRIVATE_KEY, ETHERSCAN_API_KEY) are Hardhat configuration variables: environment
 * variables or `npx hardhat keystore set NAME`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { createHardhatRuntimeEnvironment } from "hardhat/hre";

import baseConfig from "../hardhat.config.js";
import productionConfig from "../hardhat.production.config.js";
import { deploySluiceIgnition } from "../src/deploy/ignition.js";
import { LOCAL_NETWORKS, ParameterError, readParameterFile } from "../src/deploy/parameters.js";
import { serializeRegistry } from "../src/sdk/registry.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function fail(message: string, code = 2): never {
  console.error(`deploy: ${message}`);
  process.exit(code);
}

const { values } = parseArgs({
  options: {
    network: { type: "string" },
    parameters: { type: "string" },
    "rpc-url": { type: "string" },
    "deployment-id": { type: "string" },
    registry: { type: "string" },
    "build-profile": { type: "string", default: "production" },
    verify: { type: "boolean", default: false },
    yes: { type: "boolean", default: false },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help === true) {
  console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]);
  process.exit(0);
}
const networkName = values.network ?? fail("--network is required (localhost, sepolia, mainnet, arbitrum, base)");
const buildProfile = values["build-profile"];
if (buildProfile !== "production" && buildProfile !== "default") {
  fail(`--build-profile must be production or default, got '${buildProfile}'`);
}
const local = LOCAL_NETWORKS.has(networkName);
if (!local && buildProfile !== "production") fail(`--build-profile default is for local chains, not ${networkName}`);
const file = values.parameters ?? `deploy/parameters/${networkName}.json5`;
if (!existsSync(resolve(ROOT, file))) fail(`no parameter file ${file}`);
const rpcUrl = values["rpc-url"] ?? (networkName === "localhost" ? process.env.SLUICE_LOCALHOST_URL : undefined);

// Production builds go to artifacts-production/ (hardhat.production.config.ts) so the tests' artifacts stay.
const hre = await createHardhatRuntimeEnvironment(
  buildProfile === "production" ? productionConfig : baseConfig,
  { buildProfile },
  ROOT,
);
if (hre.config.networks[networkName] === undefined) fail(`unknown network '${networkName}' (hardhat.config.ts)`);

const json = readParameterFile(resolve(ROOT, file));
const connection = await hre.network
  .create(rpcUrl === undefined ? networkName : { network: networkName, override: { url: rpcUrl } })
  .catch((error: unknown) =>
    fail(`cannot connect to ${networkName}: ${error instanceof Error ? error.message : error}`),
  );
const chainId = await connection.ethers.provider
  .getNetwork()
  .then((n) => n.chainId)
  .catch((error: unknown) =>
    fail(`no chain answers on ${networkName}: ${error instanceof Error ? error.message : error}`),
  );
const deploymentId = values["deployment-id"] ?? `chain-${chainId}`;
const deploymentDir = resolve(ROOT, hre.config.paths.ignition, "deployments", deploymentId);

if (local) {
  // A restarted local node is a new chain: forget the journal of the previous one (as `ignition deploy` does).
  const metadata = (await connection.provider.request({ method: "hardhat_metadata" }).catch(() => undefined)) as
    { instanceId?: string } | undefined;
  const instanceFile = join(deploymentDir, "sluice-instance.json");
  const previous = existsSync(instanceFile) ? (JSON.parse(readFileSync(instanceFile, "utf8")) as string) : undefined;
  if (metadata?.instanceId === undefined || previous !== metadata.instanceId)
    rmSync(deploymentDir, { recursive: true, force: true });
  if (metadata?.instanceId !== undefined) {
    mkdirSync(deploymentDir, { recursive: true });
    writeFileSync(instanceFile, JSON.stringify(metadata.instanceId));
  }
} else if (!values.yes) {
  const [deployer] = await connection.ethers.getSigners();
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(
    `Deploy Sluice to ${networkName} (chain ${chainId}) from ${await deployer?.getAddress()} with ${file}? [y/N] `,
  );
  rl.close();
  if (answer.trim().toLowerCase() !== "y") fail("cancelled", 1);
}

console.log(`deploy: building contracts (${buildProfile} profile)`);
await hre.tasks.getTask("build").run({ quiet: true, noTests: true });

try {
  const started = Date.now();
  const deployment = await deploySluiceIgnition(connection, json, {
    file,
    network: networkName,
    deploymentId,
    displayUi: true,
  });
  const registryPath = values.registry ?? join("deploy", "registry", `${chainId}.json`);
  mkdirSync(dirname(resolve(ROOT, registryPath)), { recursive: true });
  writeFileSync(resolve(ROOT, registryPath), `${serializeRegistry(deployment.registry)}\n`);
  console.log(
    `deploy: Sluice deployed on ${networkName} (chain ${chainId}) in ${((Date.now() - started) / 1000).toFixed(1)} s; registry written to ${registryPath}`,
  );
  for (const [name, address] of Object.entries(deployment.registry.contracts)) {
    console.log(`  ${name.padEnd(20)} ${address}`);
  }
  for (const [name, address] of Object.entries(deployment.mocks ?? {}))
    console.log(`  mock ${name.padEnd(15)} ${address}`);
  if (values.verify) {
    console.log("deploy: verifying sources");
    await hre.tasks.getTask(["ignition", "verify"]).run({ deploymentId });
  }
} catch (error) {
  if (error instanceof ParameterError) fail(error.message);
  throw error;
} finally {
  await connection.close();
}
