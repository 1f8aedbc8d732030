/**
 * The fork suite's fixture: one world in one of two modes (see src/devchain/mainnetCanonical.ts), Sluice on top, and
 * the in-process keeper.
 *
 * Mode: `MAINNET_RPC_URL` set (or `SLUICE_FORK=1` with the URL in the Hardhat keystore) connects to the `mainnetFork`
 * network of hardhat.config.ts (a fork of mainnet at the pinned block); otherwise the in-process network runs the
 * canonical world and every suite's title says fork mode was skipped, and why.
 */
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { BrowserProvider, Interface, type Eip1193Provider, type JsonRpcSigner } from "ethers";

import {
  MAINNET_FORK_BLOCK,
  forkOrCanonical,
  fundWeth,
  type MainnetWorld,
  type WorldMode,
} from "../../src/devchain/mainnetCanonical.js";
import {
  deploySluiceOnWorld,
  type SluiceOnWorld,
  type SluiceOnWorldOptions,
} from "../../src/devchain/mainnetSluice.js";
import { parseKeeperConfig } from "../../src/keeper/cli.js";
import type { KeeperConfig } from "../../src/keeper/config.js";
import { Keeper } from "../../src/keeper/keeper.js";
import { createLogger } from "../../src/keeper/logger.js";
import { KeeperMetrics } from "../../src/keeper/metrics.js";
import { TxSender } from "../../src/keeper/txSender.js";

export const USDC = 10n ** 6n;
export const WAD = 10n ** 18n;
export const PRICE_SCALE = 10n ** 36n;
export const FEED_UNIT = 10n ** 8n;

/** The mode this run uses, decided once from the environment. */
export const MODE: WorldMode =
  (process.env.MAINNET_RPC_URL ?? "") !== "" || process.env.SLUICE_FORK === "1" ? "fork" : "canonical";

/** One line saying which mode runs and why; part of every suite's title. */
export const MODE_LINE =
  MODE === "fork"
    ? `fork mode: Ethereum mainnet forked at block ${MAINNET_FORK_BLOCK} (network mainnetFork)`
    : "canonical mode (fork mode skipped: MAINNET_RPC_URL is not set; mainnet's contracts re-created locally at " +
      "their mainnet addresses)";

/** A world with Sluice deployed on it. */
export interface ScenarioWorld {
  world: MainnetWorld;
  sluice: SluiceOnWorld;
  connection: NetworkConnection;
}

let printed = false;

/** Prints {@link MODE_LINE} once per run, in the first suite's `before`. */
export function announceMode(): void {
  if (printed) return;
  printed = true;
  console.log(`      [fork suite] ${MODE_LINE}`);
}

/**
 * Connects to the network of this run's mode and returns a function that builds (first call) or restores (later
 * calls, through a snapshot) the world with Sluice deployed.
 */
export async function scenarioFixture(
  options: SluiceOnWorldOptions = {},
): Promise<{ load: () => Promise<ScenarioWorld>; connection: NetworkConnection }> {
  const connection = MODE === "fork" ? await network.create("mainnetFork") : await network.create();
  const provider = new BrowserProvider(connection.provider as Eip1193Provider, undefined, {
    cacheTimeout: -1,
    pollingInterval: 100,
  });
  const accounts = (await provider.send("eth_accounts", [])) as string[];
  async function build(): Promise<ScenarioWorld> {
    const world = await forkOrCanonical(provider, { mode: MODE, accounts: accounts.slice(0, 12) });
    const sluice = await deploySluiceOnWorld(world, options);
    return { world, sluice, connection };
  }
  return { load: () => connection.networkHelpers.loadFixture(build), connection };
}

/** Opens a position for `owner`: `collateral` wei of WETH (funded here), `debt` USDC units borrowed. */
export async function openPosition(
  scenario: ScenarioWorld,
  owner: JsonRpcSigner,
  collateral: bigint,
  debt: bigint,
): Promise<bigint> {
  const { world, sluice } = scenario;
  const address = await owner.getAddress();
  await fundWeth(world, address, collateral);
  const vault = sluice.vault.connect(owner);
  await (await world.weth.connect(owner).approve(await vault.getAddress(), collateral)).wait();
  const id = await vault.nextPositionId();
  await (await vault.openPosition(sluice.marketId)).wait();
  await (await vault.depositCollateral(id, collateral)).wait();
  await (await vault.borrow(id, debt, address)).wait();
  return id;
}

/** Debt for a position of `collateral` WETH to sit at `ratio` (WAD) at `usd` per ETH (rounded down). */
export function debtForRatio(collateral: bigint, usd: bigint, ratio: bigint): bigint {
  return (((collateral * usd * USDC) / WAD) * WAD) / ratio;
}

/** The keeper bot's own code, in process: `strategy: "flash"`, sending through its TxSender as the keeper account. */
export async function startKeeper(scenario: ScenarioWorld, overrides: Partial<KeeperConfig> = {}): Promise<Keeper> {
  const { world, sluice } = scenario;
  const parsed = parseKeeperConfig(
    ["--rpc-url", "http://in-process.invalid", "--chain-id", sluice.registry.chainId.toString(), "--dry-run"],
    {},
  );
  if (parsed.help) throw new Error("unexpected --help");
  // The configuration a real run would parse, but sending: the signer is the node's unlocked keeper account.
  const config: KeeperConfig = {
    ...parsed,
    dryRun: false,
    strategy: "flash",
    metricsPort: 0,
    logLevel: "silent",
    ...overrides,
  };
  const logger = createLogger("silent");
  const metrics = new KeeperMetrics();
  const sender = new TxSender(world.keeper, world.provider, { logger, metrics, receiptPollMs: 20 });
  const keeper = new Keeper({
    config,
    provider: world.provider,
    signer: world.keeper,
    sender,
    registry: sluice.registry,
    logger,
    metrics,
  });
  await keeper.start();
  // Scans run when a test asks (scanOnce), so every step is deterministic; start() read the markets.
  await keeper.stop();
  return keeper;
}

const SWAP_EVENT = new Interface([
  "event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)",
]);

/** A sale of WETH for USDC on one pool, from a transaction's logs: amounts in token units. */
export interface PoolSale {
  wethIn: bigint;
  usdcOut: bigint;
}

/** The swaps `pool` logged in the transaction `hash`, as WETH sold and USDC bought (negative if bought/sold back). */
export async function poolSales(world: MainnetWorld, hash: string): Promise<PoolSale[]> {
  const receipt = await world.provider.getTransactionReceipt(hash);
  if (receipt === null) throw new Error(`no receipt for ${hash}`);
  const pool = (await world.pool.getAddress()).toLowerCase();
  const wethIsToken0 = BigInt(await world.weth.getAddress()) < BigInt(await world.usdc.getAddress());
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === pool)
    .map((log) => SWAP_EVENT.parseLog(log))
    .filter((parsed) => parsed !== null)
    .map((parsed) => {
      const [amount0, amount1] = [parsed.args.amount0 as bigint, parsed.args.amount1 as bigint];
      return wethIsToken0 ? { wethIn: amount0, usdcOut: -amount1 } : { wethIn: amount1, usdcOut: -amount0 };
    });
}

/** Relative change from `before` to `after` in basis points (signed, 2 decimals as a float). */
export function bps(before: bigint, after: bigint): number {
  return Number(((after - before) * 1_000_000n) / before) / 100;
}

/** USD per ETH as a float from a 1e36-scaled price of one wei in USDC units. */
export function usdPerEth(price1e36: bigint): number {
  return Number((price1e36 * 10n ** 4n) / 10n ** 24n) / 1e4;
}
