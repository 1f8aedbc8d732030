/**
 * A small book on a `hardhat node` for the keeper-process tests: six positions (2 WETH each, ratios 1.41..1.5 at
 * 3,000 USDC), an arbitrageur that keeps the Uniswap pool at the oracle price, a crash, and a driver that waits until
 * every position is back above maintenance.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { JsonRpcProvider, MaxUint256, NonceManager, Wallet } from "ethers";

import { deployLocalSluice, type LocalSluice } from "../../src/devchain/deploySluice.js";
import { sqrtPriceX96At } from "../../src/devchain/uniswap.js";
import { LensPositionState, SluiceClient } from "../../src/sdk/client.js";
import { serializeRegistry } from "../../src/sdk/registry.js";
import { MarginVault__factory } from "../../typechain-types/index.js";
import { startHardhatNode, type HardhatNode } from "./hardhatNode.js";
import { KEYS, type KeeperProcess } from "./keeperProcess.js";

const USDC = 10n ** 6n;
const WAD = 10n ** 18n;
const MAINTENANCE = 12n * 10n ** 17n;

/** A deployed book of six positions (2 WETH, ratios 1.41..1.5 at 3,000) and the handles to move the world. */
export interface Book {
  provider: JsonRpcProvider;
  deployer: NonceManager;
  local: LocalSluice;
  client: SluiceClient;
  registryPath: string;
  ids: bigint[];
  arbitrage: (usd: bigint) => Promise<void>;
}

export async function deployBook(url: string): Promise<Book> {
  const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, pollingInterval: 100 });
  const deployer = new NonceManager(new Wallet(KEYS[0], provider));
  const keeperAddress = new Wallet(KEYS[1]).address;
  const borrower = new NonceManager(new Wallet(KEYS[2], provider));
  const local: LocalSluice = await deployLocalSluice(deployer, { keeperOwner: keeperAddress });
  // Gas money for the keepers' accounts, and quote for the competitor that uses its own capital.
  for (const key of [KEYS[1], KEYS[3]]) {
    await (await deployer.sendTransaction({ to: new Wallet(key).address, value: 10n ** 20n })).wait();
  }
  await (await local.usdc.connect(deployer).mint(new Wallet(KEYS[3]).address, 10_000_000n * USDC)).wait();
  const dir = mkdtempSync(join(tmpdir(), "sluice-keeper-"));
  const registryPath = join(dir, "registry.json");
  writeFileSync(registryPath, serializeRegistry(local.registry));
  const client = new SluiceClient(provider, local.registry);
  const vault = MarginVault__factory.connect(local.registry.contracts.MarginVault, borrower);

  await (await local.weth.connect(deployer).mint(await borrower.getAddress(), 12n * WAD)).wait();
  await (await local.weth.connect(borrower).approve(await vault.getAddress(), MaxUint256)).wait();
  const ids: bigint[] = [];
  for (let i = 0n; i < 6n; i++) {
    const id = await vault.nextPositionId();
    await (await vault.openPosition(1n)).wait();
    await (await vault.depositCollateral(id, 2n * WAD)).wait();
    await (await vault.borrow(id, (4_000n + 50n * i) * USDC, await borrower.getAddress())).wait();
    ids.push(id);
  }

  // An arbitrageur keeps the Uniswap pool at the oracle price (selling WETH or USDC up to a price limit).
  const router = local.uniswap.router.connect(deployer);
  const [wethAddress, usdcAddress] = [await local.weth.getAddress(), await local.usdc.getAddress()];
  await (await local.weth.connect(deployer).approve(await router.getAddress(), MaxUint256)).wait();
  await (await local.usdc.connect(deployer).approve(await router.getAddress(), MaxUint256)).wait();
  const arbitrage = async (usd: bigint): Promise<void> => {
    const limit = sqrtPriceX96At(wethAddress, usdcAddress, WAD, usd * USDC);
    const slot0 = await provider.call({ to: local.poolAddress, data: "0x3850c7bd" });
    const current = BigInt(`0x${slot0.slice(2, 66)}`);
    if (current === limit) return;
    const sellWeth = limit < current === BigInt(wethAddress) < BigInt(usdcAddress);
    const tokenIn = sellWeth ? local.weth : local.usdc;
    const amountIn = sellWeth ? 1_000n * WAD : 3_000_000n * USDC;
    await (await tokenIn.connect(deployer).mint(await deployer.getAddress(), amountIn)).wait();
    await (
      await router.exactInputSingle({
        tokenIn: sellWeth ? wethAddress : usdcAddress,
        tokenOut: sellWeth ? usdcAddress : wethAddress,
        fee: 3000n,
        recipient: await deployer.getAddress(),
        deadline: MaxUint256,
        amountIn,
        amountOutMinimum: 0n,
        sqrtPriceLimitX96: limit,
      })
    ).wait();
  };
  return { provider, deployer, local, client, registryPath, ids, arbitrage };
}

/** ETH falls to `usd` on the feed and in the pool; returns the block of the price update. */
export async function crash(book: Book, usd = 2_300n): Promise<number> {
  await book.arbitrage(usd);
  const receipt = await (await book.local.ethUsdFeed.connect(book.deployer).updateAnswer(usd * 10n ** 8n)).wait();
  return receipt!.blockNumber;
}

/**
 * Waits until no position is below maintenance; when only grace windows remain, lets 301 s pass (after the
 * arbitrageur restores the pool). Returns the block of the first tranche after `fromBlock`.
 */
export async function driveUntilRecovered(
  book: Book,
  fromBlock: number,
  keepers: KeeperProcess[],
  timeoutMs: number,
  usd = 2_300n,
) {
  let firstTrancheBlock: number | undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = (await book.client.positionsOfMarket(1n, 0n, 100n)).positions;
    const tranches = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, fromBlock);
    if (firstTrancheBlock === undefined && tranches.length > 0) firstTrancheBlock = tranches[0]!.blockNumber;
    const open = views.filter((v) => v.state !== LensPositionState.Healthy && v.state !== LensPositionState.NoDebt);
    if (open.length === 0) return firstTrancheBlock;
    if (Date.now() > deadline) {
      const log = keepers
        .flatMap((k) => k.lines().slice(-8))
        .map((l) => JSON.stringify(l))
        .join("\n");
      throw new Error(`positions still below maintenance: ${open.map((v) => `${v.id}:${v.state}`).join(", ")}\n${log}`);
    }
    if (open.every((v) => v.state === LensPositionState.GracePeriod)) {
      await book.arbitrage(usd);
      await book.provider.send("evm_increaseTime", [301]);
      await book.provider.send("evm_mine", []);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function expectAllAboveMaintenance(book: Book): Promise<void> {
  for (const id of book.ids) {
    const health = await book.client.position(id).catch(() => undefined);
    if (health !== undefined && health.debtAssets > 0n) {
      expect(health.ratio >= MAINTENANCE, `position ${id} back above maintenance`).to.equal(true);
    }
  }
}

/**
 * Registers mocha hooks that start a `hardhat node` before the suite and, after it, stop every keeper handed to
 * `track` and the node.
 */
export function useHardhatNode(): { node: () => HardhatNode; track: (keeper: KeeperProcess) => KeeperProcess } {
  let node: HardhatNode | undefined;
  const keepers: KeeperProcess[] = [];
  before(async function () {
    node = await startHardhatNode();
  });
  after(async function () {
    for (const keeper of keepers) await keeper.stop();
    await node?.stop();
  });
  return {
    node: () => {
      if (node === undefined) throw new Error("the hardhat node is not started yet (use it inside a test)");
      return node;
    },
    track: (keeper) => {
      keepers.push(keeper);
      return keeper;
    },
  };
}
