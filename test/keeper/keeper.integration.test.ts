import { expect } from "chai";

import { Wallet } from "ethers";

import {
  crash,
  deployBook,
  driveUntilRecovered,
  expectAllAboveMaintenance,
  useHardhatNode,
} from "../helpers/keeperBook.js";
import { KEYS, startKeeper, waitForStart, type KeeperProcess } from "../helpers/keeperProcess.js";
import { startRpcFaultProxy } from "../helpers/rpcFaultProxy.js";

describe("Keeper bot against a hardhat node (separate processes, JSON-RPC over HTTP)", function () {
  this.timeout(300_000);
  const { node, track } = useHardhatNode();

  it("brings every liquidatable position back above maintenance, in tranches, after a price drop", async function () {
    const book = await deployBook(node().url);
    const keeper = startKeeper(node().url, book.registryPath);
    track(keeper);
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
    const book = await deployBook(node().url);
    // The flash keeper talks to the node through a proxy that drops, delays or errors 20 % of requests (seeded).
    let seed = 0x2545f491;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const proxy = await startRpcFaultProxy({
      target: node().url,
      faultRate: 0.2,
      faults: ["drop", "delay", "error"],
      delayMs: 12_000,
      random,
    });
    // Gas-price spike: the next block's base fee is far above the flash keeper's 50 gwei cap.
    await book.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x" + (2_000n * 10n ** 9n).toString(16)]);
    await book.provider.send("evm_mine", []);
    const flash = startKeeper(proxy.url, book.registryPath, ["--max-gas-price", "50"]);
    track(flash);
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
    const rival = startKeeper(node().url, book.registryPath, ["--strategy", "own-capital"], KEYS[3]);
    track(rival);
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
