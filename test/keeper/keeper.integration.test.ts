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
import { startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";
import { KEYS, startKeeper, waitForStart, type KeeperProcess } from "../helpers/keeperProcess.js";
import { startRpcFaultProxy } from "../helpers/rpcFaultProxy.js";

const USDC = 10n ** 6n;
const WAD = 10n ** 18n;
const MAINTENANCE = 12n * 10n ** 17n;

/** A deployed book of six positions (2 WETH, ratios 1.41..1.5 at 3,000) and the handles to move the world. */
interface Book {
  provider: JsonRpcProvider;
  deployer: NonceManager;
  local: LocalSluice;
  client: SluiceClient;
  registryPath: string;
  ids: bigint[];
  arbitrage: (usd: bigint) => Promise<void>;
}

async function deployBook(url: string): Promise<Book> {
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
async function crash(book: Book, usd = 2_300n): Promise<number> {
  await book.arbitrage(usd);
  const receipt = await (await book.local.ethUsdFeed.connect(book.deployer).updateAnswer(usd * 10n ** 8n)).wait();
  return receipt!.blockNumber;
}

/**
 * Waits until no position is below maintenance; when only grace windows remain, lets 301 s pass (after the
 * arbitrageur restores the pool). Returns the block of the first tranche after `fromBlock`.
 */
async function driveUntilRecovered(
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

async function expectAllAboveMaintenance(book: Book): Promise<void> {
  for (const id of book.ids) {
    const health = await book.client.position(id).catch(() => undefined);
    if (health !== undefined && health.debtAssets > 0n) {
      expect(health.ratio >= MAINTENANCE, `position ${id} back above maintenance`).to.equal(true);
    }
  }
}

describe("Keeper bot against a hardhat node (separate processes, JSON-RPC over HTTP)", function () {
  this.timeout(300_000);
  let node: HardhatNode | undefined;
  const keepers: KeeperProcess[] = [];

  before(async function () {
    node = await startHardhatNode();
  });
  after(async function () {
    for (const keeper of keepers) await keeper.stop();
    await node?.stop();
  });

  it("brings every liquidatable position back above maintenance, in tranches, after a price drop", async function () {
    const book = await deployBook(node!.url);
    const keeper = startKeeper(node!.url, book.registryPath);
    keepers.push(keeper);
    await waitForStart(keeper);
    const priceBlock = await crash(book);
    expect((await book.client.liquidatablePositions(1n, 0n, 100n)).positions.length).to.equal(6);

    const firstTrancheBlock = await driveUntilRecovered(book, priceBlock, [keeper], 120_000);
    await expectAllAboveMaintenance(book);
    const tranches = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, priceBlock);
    expect(tranches.length).to.be.greaterThan(6, "capped tranches: more than one per position");
    expect(tranches.every((t) => t.args.keeper === book.local.registry.contracts.FlashLiquidator)).to.equal(true);
    const successes = keeper.lines().filter((l) => l.msg === "attempt" && l.result === "success");
    expect(successes.length).to.equal(tranches.length, "every tranche is one the keeper reported");
    expect(await book.local.usdc.balanceOf(new Wallet(KEYS[1]).address)).to.be.greaterThan(0n, "profit reached it");
    console.log(
      `      ${tranches.length} tranches; first tranche ${firstTrancheBlock! - priceBlock} block(s) after the price update`,
    );
    expect(await keeper.stop()).to.equal(0, "graceful shutdown on SIGTERM");
    expect(keeper.lines().some((l) => l.msg === "stopped")).to.equal(true);
    book.provider.destroy();
  });

  it("survives 20 % RPC faults, a competing keeper and a gas-price spike, and recovers when they stop", async function () {
    const book = await deployBook(node!.url);
    // The flash keeper talks to the node through a proxy that drops, delays or errors 20 % of requests (seeded).
    let seed = 0x2545f491;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const proxy = await startRpcFaultProxy({
      target: node!.url,
      faultRate: 0.2,
      faults: ["drop", "delay", "error"],
      delayMs: 12_000,
      random,
    });
    // Gas-price spike: the next block's base fee is far above the flash keeper's 50 gwei cap.
    await book.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x" + (2_000n * 10n ** 9n).toString(16)]);
    await book.provider.send("evm_mine", []);
    const flash = startKeeper(proxy.url, book.registryPath, ["--max-gas-price", "50"]);
    keepers.push(flash);
    await waitForStart(flash);
    const priceBlock = await crash(book);
    // During the spike the flash keeper refuses to pay: wait for at least one refusal, with nothing sent.
    const spikeDeadline = Date.now() + 90_000;
    while (!flash.lines().some((l) => l.msg === "attempt" && String(l.detail ?? "").includes("above the cap"))) {
      if (Date.now() > spikeDeadline) {
        throw new Error(`no gas-price refusal:\n${JSON.stringify(flash.lines().slice(-10))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const duringSpike = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, priceBlock);
    expect(duringSpike.length).to.equal(0, "no tranche paid above the cap");
    // The spike passes (the base fee is back at 1 gwei), and a rival keeper using its own capital joins; the faults
    // go on.
    await book.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x" + (10n ** 9n).toString(16)]);
    await book.provider.send("evm_mine", []);
    const rival = startKeeper(node!.url, book.registryPath, ["--strategy", "own-capital"], KEYS[3]);
    keepers.push(rival);
    await waitForStart(rival);

    await driveUntilRecovered(book, priceBlock, [flash, rival], 150_000);
    await expectAllAboveMaintenance(book);
    expect(flash.child.exitCode).to.equal(null, "the flash keeper is still running");
    expect(rival.child.exitCode).to.equal(null, "the rival is still running");
    const stats = proxy.stats();
    expect(stats.faulted).to.be.greaterThan(0, "faults were injected");

    // Faults stop and the rival leaves; a second drop (to 2,000) is handled by the flash keeper alone.
    proxy.setFaultRate(0);
    expect(await rival.stop()).to.equal(0);
    const secondDrop = await crash(book, 2_000n);
    await driveUntilRecovered(book, secondDrop, [flash], 120_000, 2_000n);
    await expectAllAboveMaintenance(book);
    const afterFaults = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, secondDrop);
    expect(afterFaults.length).to.be.greaterThan(0);
    expect(afterFaults.every((t) => t.args.keeper === book.local.registry.contracts.FlashLiquidator)).to.equal(true);

    // No double liquidation: every tranche was sent by exactly one keeper, and each keeper's successes are its own.
    const tranches = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, priceBlock);
    const byFlash = tranches.filter((t) => t.args.keeper === book.local.registry.contracts.FlashLiquidator).length;
    const byRival = tranches.filter((t) => t.args.keeper === new Wallet(KEYS[3]).address).length;
    expect(byFlash + byRival).to.equal(tranches.length);
    const successes = (k: KeeperProcess) =>
      k.lines().filter((l) => l.msg === "attempt" && l.result === "success").length;
    expect(successes(flash)).to.equal(byFlash);
    expect(successes(rival)).to.equal(byRival);
    console.log(
      `      under faults: ${tranches.length - afterFaults.length} tranches (${byFlash - afterFaults.length} flash, ` +
        `${byRival} rival), proxy faulted ${stats.faulted} of ${stats.requests} requests; ` +
        `after: ${afterFaults.length} tranches, all by the flash keeper`,
    );
    expect(await flash.stop()).to.equal(0);
    await proxy.close();
    book.provider.destroy();
  });
});
