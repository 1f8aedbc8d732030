import { expect } from "chai";

import {
  crash,
  deployBook,
  driveUntilRecovered,
  expectAllAboveMaintenance,
  useHardhatNode,
  type Book,
} from "../helpers/keeperBook.js";
import { startKeeper, waitForStart, type KeeperProcess } from "../helpers/keeperProcess.js";

/** Waits until `count` tranches are on the chain after `fromBlock`, or throws with the keeper's last log lines. */
async function waitForTranches(book: Book, keeper: KeeperProcess, fromBlock: number, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const tranches = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, fromBlock);
    if (tranches.length >= count) return;
    if (Date.now() > deadline)
      throw new Error(`fewer than ${count} tranches:\n${JSON.stringify(keeper.lines().slice(-8))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function successes(keeper: KeeperProcess): number {
  return keeper.lines().filter((l) => l.msg === "attempt" && l.result === "success").length;
}

describe("Keeper bot over WebSocket and through a reorg (separate processes, hardhat node)", function () {
  this.timeout(300_000);
  const { node, track } = useHardhatNode();

  it("liquidates the crash with blocks pushed over a WebSocket subscription (ws:// RPC URL)", async function () {
    const book = await deployBook(node().url);
    const wsUrl = node().url.replace(/^http/, "ws");
    const keeper = startKeeper(wsUrl, book.registryPath);
    track(keeper);
    await waitForStart(keeper);
    const priceBlock = await crash(book);
    const firstTrancheBlock = await driveUntilRecovered(book, priceBlock, [keeper], 120_000);
    await expectAllAboveMaintenance(book);
    const tranches = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, priceBlock);
    expect(tranches.length).to.be.greaterThan(6, "capped tranches: more than one per position");
    expect(successes(keeper)).to.equal(tranches.length, "every tranche is one the keeper reported");
    console.log(
      `      over ${wsUrl}: ${tranches.length} tranches; first ${firstTrancheBlock! - priceBlock} block(s) after the update`,
    );
    expect(await keeper.stop()).to.equal(0, "graceful shutdown closes the socket");
    book.provider.destroy();
  });

  it("re-liquidates on the new chain after a reorg takes its tranches out, without crashing or stalling", async function () {
    const book = await deployBook(node().url);
    const keeper = startKeeper(node().url, book.registryPath);
    track(keeper);
    await waitForStart(keeper);
    // The fork point: before the price update.
    const forkPoint = (await book.provider.send("evm_snapshot", [])) as string;
    const forkBlock = await book.provider.getBlockNumber();
    const priceBlock = await crash(book);
    await waitForTranches(book, keeper, priceBlock, 3);
    const beforeReorg = successes(keeper);

    // The reorg: the chain goes back to the fork point (the update and the keeper's tranches are gone); on the new
    // branch the same update lands again a few blocks later.
    expect(await book.provider.send("evm_revert", [forkPoint])).to.equal(true);
    expect(await book.provider.getBlockNumber()).to.equal(forkBlock);
    book.deployer.reset(); // the test's own account forgets the nonces the reorg took out
    const gone = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, forkBlock + 1);
    expect(gone.length).to.equal(0, "the tranches were reorged out");
    for (let i = 0; i < 3; i++) await book.provider.send("evm_mine", []);
    const newPriceBlock = await crash(book);

    await driveUntilRecovered(book, newPriceBlock, [keeper], 120_000);
    await expectAllAboveMaintenance(book);
    const tranches = await book.client.engine.queryFilter(book.client.engine.filters.TrancheLiquidated, newPriceBlock);
    expect(tranches.length).to.be.greaterThan(6, "the whole book liquidated again on the new branch");
    expect(tranches.every((t) => t.args.keeper === book.local.registry.contracts.FlashLiquidator)).to.equal(true);
    expect(keeper.child.exitCode).to.equal(null, "still running");
    // Its successes: those the reorg took out (at least the ones counted before it), plus every tranche on the new
    // branch.
    expect(successes(keeper)).to.be.at.least(beforeReorg + tranches.length);
    const nonceRecoveries = keeper
      .lines()
      .filter((l) => String(l.msg ?? "").startsWith("nonce") || String(l.detail ?? "").includes("nonce")).length;
    expect(nonceRecoveries).to.be.greaterThan(0, "it noticed its own transactions were reorged out");
    console.log(
      `      reorg: ${beforeReorg} tranche(s) reorged out, ${tranches.length} on the new branch; ` +
        `${nonceRecoveries} nonce resync log line(s)`,
    );
    expect(await keeper.stop()).to.equal(0);
    book.provider.destroy();
  });
});
