import { expect } from "chai";
import { Wallet, parseEther, parseUnits, type Provider } from "ethers";
import { network } from "hardhat";

import { KeeperMetrics } from "../../src/keeper/metrics.js";
import {
  AsyncMutex,
  TxSender,
  isNonceError,
  type BroadcastEvent,
  type SendResult,
  type TxFees,
} from "../../src/keeper/txSender.js";

type Connection = Awaited<ReturnType<typeof network.create>>;

const GWEI = 10n ** 9n;
/** Runtime code 0x60006000fd (PUSH1 0, PUSH1 0, REVERT) behind init code that returns it. */
const REVERTER_INIT_CODE = "0x6460006000fd6000526005601bf3";

/** Polls `condition` every 10 ms for at most `ms`. */
async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function type2(fees: TxFees | undefined): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
  if (fees?.type !== 2) throw new Error("expected EIP-1559 fees");
  return fees;
}

function expectStatus<S extends SendResult["status"]>(
  result: SendResult,
  status: S,
): Extract<SendResult, { status: S }> {
  expect(result.status).to.equal(status);
  return result as Extract<SendResult, { status: S }>;
}

describe("keeper TxSender", function () {
  this.timeout(60_000);
  let connection: Connection;
  let provider: Provider;

  /** A fresh funded wallet (its own nonce sequence from 0). */
  async function fundedWallet(): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, connection.ethers.provider);
    await connection.networkHelpers.setBalance(wallet.address, parseEther("100"));
    return wallet;
  }

  async function setAutomine(on: boolean): Promise<void> {
    await connection.ethers.provider.send("evm_setAutomine", [on]);
  }

  async function mine(): Promise<void> {
    await connection.ethers.provider.send("evm_mine", []);
  }

  before(async function () {
    connection = await network.create();
    provider = connection.ethers.provider;
  });

  afterEach(async function () {
    // Leave no pending transaction and automine on for the next test.
    await setAutomine(true);
    await mine();
  });

  it("test_send_minesWithEip1559FeesAndRecordsMetrics", async function () {
    const wallet = await fundedWallet();
    const metrics = new KeeperMetrics();
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, provider, { metrics, onBroadcast: (event) => events.push(event) });
    const result = expectStatus(await sender.send({ to: wallet.address, value: 1n }), "mined");

    expect(result.replacements).to.equal(0);
    expect(result.nonce).to.equal(0);
    expect(result.receipt.status).to.equal(1);
    expect(result.receipt.from).to.equal(wallet.address);
    expect(sender.nextNonce).to.equal(1);
    const sent = await provider.getTransaction(result.receipt.hash);
    expect(sent?.type).to.equal(2);
    expect(sent?.maxFeePerGas).to.equal(type2(events[0]?.fees).maxFeePerGas);
    expect(events.map((event) => [event.nonce, event.replacement])).to.deep.equal([[0, 0]]);

    const text = await metrics.text();
    expect(text).to.match(/^sluice_keeper_tx_confirm_seconds_count 1$/m);
    expect(text).to.match(/^sluice_keeper_gas_price_gwei \d+(\.\d+)?$/m);
    expect(text).not.to.match(/^sluice_keeper_gas_price_gwei 0$/m);
  });

  it("test_send_revertedTransactionReturnsRevertedWithTheReceipt", async function () {
    const wallet = await fundedWallet();
    const deployment = await (await wallet.sendTransaction({ data: REVERTER_INIT_CODE })).wait();
    const reverter = deployment!.contractAddress!;
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, provider, { receiptPollMs: 20, onBroadcast: (event) => events.push(event) });
    // Mined by hand, as on a real chain: with automine, Hardhat's send itself throws on a failed transaction.
    await setAutomine(false);
    // An explicit gas limit skips the estimate, so the revert happens on chain.
    const sending = sender.send({ to: reverter, gasLimit: 100_000n });
    await until(() => events.length === 1);
    await mine();
    const result = expectStatus(await sending, "reverted");
    expect(result.receipt.status).to.equal(0);
    expect(result.nonce).to.equal(1);
    expect(sender.nextNonce).to.equal(2);
  });

  it("test_send_estimateOfARevertingCallThrowsSendsNothingAndResyncsLater", async function () {
    const wallet = await fundedWallet();
    const deployment = await (await wallet.sendTransaction({ data: REVERTER_INIT_CODE })).wait();
    const sender = new TxSender(wallet, provider);
    let error: unknown;
    try {
      await sender.send({ to: deployment!.contractAddress! });
    } catch (caught) {
      error = caught;
    }
    expect(String((error as Error | undefined)?.message)).to.match(/revert/i);
    expect(await provider.getTransactionCount(wallet.address, "pending")).to.equal(1);
    expect(sender.nextNonce).to.equal(undefined);
    const next = expectStatus(await sender.send({ to: wallet.address }), "mined");
    expect(next.nonce).to.equal(1);
  });

  it("test_send_stuckTransactionIsReplacedAtTheSameNonceWithFeesBumpedByAtLeast12_5Percent", async function () {
    const wallet = await fundedWallet();
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, provider, {
      stuckAfterMs: 300,
      receiptPollMs: 20,
      maxReplacements: 3,
      onBroadcast: (event) => events.push(event),
    });
    await setAutomine(false);
    const sending = sender.send({ to: wallet.address, value: 1n, gasLimit: 21_000n });
    await until(() => events.length === 2);
    await mine();
    const result = expectStatus(await sending, "mined");

    const [first, replacement] = events as [BroadcastEvent, BroadcastEvent];
    expect(replacement.nonce).to.equal(first.nonce);
    expect(replacement.replacement).to.equal(1);
    const before = type2(first.fees);
    const after = type2(replacement.fees);
    expect(after.maxFeePerGas * 8n).to.be.at.least(before.maxFeePerGas * 9n); // ≥ +12.5 %
    expect(after.maxPriorityFeePerGas * 8n).to.be.at.least(before.maxPriorityFeePerGas * 9n);

    expect(result.replacements).to.equal(1);
    expect(result.receipt.hash).to.equal(replacement.hash);
    expect(await provider.getTransactionReceipt(first.hash)).to.equal(null);
    expect((await provider.getTransaction(result.receipt.hash))?.maxFeePerGas).to.equal(after.maxFeePerGas);
    expect(sender.nextNonce).to.equal(first.nonce + 1);
  });

  it("test_send_givesUpAsDroppedAfterMaxReplacements", async function () {
    const wallet = await fundedWallet();
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, provider, {
      stuckAfterMs: 150,
      receiptPollMs: 20,
      maxReplacements: 2,
      onBroadcast: (event) => events.push(event),
    });
    await setAutomine(false);
    const result = expectStatus(await sender.send({ to: wallet.address, gasLimit: 21_000n }), "dropped");
    expect(result.reason).to.equal("not-mined");
    expect(result.hashes).to.deep.equal(events.map((event) => event.hash));
    expect(events.map((event) => event.replacement)).to.deep.equal([0, 1, 2]);
    expect(sender.nextNonce).to.equal(undefined);
  });

  it("test_send_replacementsNeverExceedTheCap", async function () {
    const wallet = await fundedWallet();
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, provider, {
      stuckAfterMs: 150,
      receiptPollMs: 20,
      onBroadcast: (event) => events.push(event),
    });
    const quote = await sender.quoteFees();
    const cap = type2(quote.fees).maxFeePerGas; // the first transaction already pays the cap: no room to bump
    await setAutomine(false);
    const result = expectStatus(
      await sender.send({ to: wallet.address, gasLimit: 21_000n }, { maxFeePerGasCap: cap }),
      "dropped",
    );
    expect(result.reason).to.equal("not-mined");
    expect(events).to.have.length(1);
    expect(type2(events[0]?.fees).maxFeePerGas).to.be.at.most(cap);
  });

  it("test_send_resyncsTheNonceAfterAnotherSenderUsedIt", async function () {
    const wallet = await fundedWallet();
    const sender = new TxSender(wallet, provider);
    expect(expectStatus(await sender.send({ to: wallet.address }), "mined").nonce).to.equal(0);
    expect(sender.nextNonce).to.equal(1);

    // Another process with the same key takes nonce 1.
    const other = new TxSender(wallet, provider);
    expect(expectStatus(await other.send({ to: wallet.address }), "mined").nonce).to.equal(1);

    // The first sender's nonce 1 is now too low: it resyncs and sends at 2.
    const result = expectStatus(await sender.send({ to: wallet.address, value: 7n }), "mined");
    expect(result.nonce).to.equal(2);
    expect((await provider.getTransaction(result.receipt.hash))?.nonce).to.equal(2);
    expect(sender.nextNonce).to.equal(3);
  });

  it("test_send_nonceTakenByAnotherTransactionWhileWaitingIsDropped", async function () {
    const wallet = await fundedWallet();
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, provider, {
      stuckAfterMs: 5_000,
      receiptPollMs: 20,
      onBroadcast: (event) => events.push(event),
    });
    await setAutomine(false);
    const sending = sender.send({ to: wallet.address, value: 1n, gasLimit: 21_000n });
    await until(() => events.length === 1);
    const ours = type2(events[0]?.fees);
    // Someone else (same key) replaces it with a much higher fee, and that one is mined.
    const theirs = await wallet.sendTransaction({
      to: wallet.address,
      value: 2n,
      nonce: events[0]!.nonce,
      gasLimit: 21_000n,
      maxFeePerGas: ours.maxFeePerGas * 2n,
      maxPriorityFeePerGas: ours.maxPriorityFeePerGas * 2n,
    });
    await mine();
    const result = expectStatus(await sending, "dropped");
    expect(result.reason).to.equal("nonce-used");
    expect(result.hashes).to.deep.equal([events[0]!.hash]);
    expect((await provider.getTransactionReceipt(theirs.hash))?.status).to.equal(1);
    expect(sender.nextNonce).to.equal(undefined);
  });

  it("test_send_afterAReorg_dropsTheTransactionStuckBehindTheGapAndResumesAtTheMinedCount", async function () {
    const wallet = await fundedWallet();
    const sender = new TxSender(wallet, provider, { stuckAfterMs: 20_000, receiptPollMs: 20 });
    const snapshot = (await connection.ethers.provider.send("evm_snapshot", [])) as string;
    expectStatus(await sender.send({ to: wallet.address, value: 1n }), "mined");
    expectStatus(await sender.send({ to: wallet.address, value: 2n }), "mined");
    expect(sender.nextNonce).to.equal(2);
    // A reorg takes both out of the chain (the node forgets them); the sender still counts from 2.
    await connection.ethers.provider.send("evm_revert", [snapshot]);
    await connection.networkHelpers.setBalance(wallet.address, parseEther("100"));
    expect(await provider.getTransactionCount(wallet.address, "latest")).to.equal(0);
    // Without automine the node queues nonce 2 behind the gap; the sender sees the mined count stay below it.
    await setAutomine(false);
    const started = Date.now();
    const result = expectStatus(await sender.send({ to: wallet.address, value: 3n, gasLimit: 21_000n }), "dropped");
    expect(result.reason).to.equal("nonce-gap");
    expect(result.nonce).to.equal(2);
    expect(Date.now() - started).to.be.lessThan(10_000, "well before stuckAfterMs");
    expect(sender.nextNonce).to.equal(0, "resumes at the mined count");
    await setAutomine(true);
    const next = expectStatus(await sender.send({ to: wallet.address, value: 4n }), "mined");
    expect(next.nonce).to.equal(0, "the gap is filled first");
  });

  it("test_send_nonceTooHighWhenAutomining_resyncsAndSendsAtTheRightNonce", async function () {
    const wallet = await fundedWallet();
    const sender = new TxSender(wallet, provider);
    const snapshot = (await connection.ethers.provider.send("evm_snapshot", [])) as string;
    expectStatus(await sender.send({ to: wallet.address, value: 1n }), "mined");
    await connection.ethers.provider.send("evm_revert", [snapshot]);
    await connection.networkHelpers.setBalance(wallet.address, parseEther("100"));
    // An automining node refuses nonce 1 ("nonce too high"): the sender resyncs and sends at 0 in the same call.
    const result = expectStatus(await sender.send({ to: wallet.address, value: 2n }), "mined");
    expect(result.nonce).to.equal(0);
    expect(sender.nextNonce).to.equal(1);
  });

  it("test_send_serialisesSends_theSecondWaitsForTheFirst", async function () {
    const wallet = await fundedWallet();
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, provider, {
      stuckAfterMs: 10_000,
      receiptPollMs: 20,
      onBroadcast: (event) => events.push(event),
    });
    await setAutomine(false);
    const first = sender.send({ to: wallet.address, value: 1n, gasLimit: 21_000n });
    const second = sender.send({ to: wallet.address, value: 2n, gasLimit: 21_000n });
    await until(() => events.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).to.have.length(1); // the second has not been broadcast while the first waits
    await mine();
    expect(expectStatus(await first, "mined").nonce).to.equal(0);
    await until(() => events.length === 2);
    await mine();
    expect(expectStatus(await second, "mined").nonce).to.equal(1);
    expect(events.map((event) => event.nonce)).to.deep.equal([0, 1]);
  });

  it("test_send_refusesWithGasTooHighWhenTheBaseFeeSpikesAboveTheCap", async function () {
    const spiked = await network.create();
    const spikedProvider = spiked.ethers.provider;
    const wallet = new Wallet(Wallet.createRandom().privateKey, spikedProvider);
    await spiked.networkHelpers.setBalance(wallet.address, parseEther("1000"));
    const metrics = new KeeperMetrics();
    const sender = new TxSender(wallet, spikedProvider, { metrics });
    const cap = parseUnits("100", "gwei");

    // Below the cap: sent, and maxFeePerGas is clamped to the cap.
    const normal = expectStatus(await sender.send({ to: wallet.address }, { maxFeePerGasCap: cap }), "mined");
    expect((await spikedProvider.getTransaction(normal.receipt.hash))?.maxFeePerGas).to.be.at.most(cap);

    await spikedProvider.send("hardhat_setNextBlockBaseFeePerGas", [`0x${(1_000n * GWEI).toString(16)}`]);
    const refused = expectStatus(await sender.send({ to: wallet.address }, { maxFeePerGasCap: cap }), "gas-too-high");
    expect(refused.gasPriceWei).to.be.at.least(1_000n * GWEI);
    expect(refused.gasPriceGwei).to.be.at.least(1_000);
    expect(refused.capGwei).to.equal(100);
    expect(refused.capWei).to.equal(cap);
    expect(await spikedProvider.getTransactionCount(wallet.address, "pending")).to.equal(1); // nothing sent
    expect(sender.nextNonce).to.equal(1);
    expect(await metrics.text()).to.match(/^sluice_keeper_gas_price_gwei 100\d\.?\d*$/m);
  });

  it("test_send_usesLegacyGasPriceOnAChainWithoutBaseFee", async function () {
    const legacy = await network.create({ override: { hardfork: "berlin" } });
    const legacyProvider = legacy.ethers.provider;
    const wallet = new Wallet(Wallet.createRandom().privateKey, legacyProvider);
    await legacy.networkHelpers.setBalance(wallet.address, parseEther("10"));
    const events: BroadcastEvent[] = [];
    const sender = new TxSender(wallet, legacyProvider, { onBroadcast: (event) => events.push(event) });
    const result = expectStatus(await sender.send({ to: wallet.address }), "mined");
    expect(events[0]?.fees.type).to.equal(0);
    expect((await legacyProvider.getTransaction(result.receipt.hash))?.type).to.equal(0);

    const fees = events[0]?.fees;
    if (fees?.type !== 0) expect.fail("expected legacy fees");
    const refused = expectStatus(
      await sender.send({ to: wallet.address }, { maxFeePerGasCap: fees.gasPrice - 1n }),
      "gas-too-high",
    );
    expect(refused.gasPriceWei).to.equal(fees.gasPrice);
  });

  describe("helpers", function () {
    it("test_isNonceError_recognisesEthersCodesAndNodeMessages", function () {
      expect(isNonceError({ code: "NONCE_EXPIRED" })).to.equal(true);
      expect(isNonceError({ code: "REPLACEMENT_UNDERPRICED" })).to.equal(true);
      expect(isNonceError(new Error("Transaction nonce too low. Expected nonce to be at least 1 but got 0."))).to.equal(
        true,
      );
      expect(isNonceError({ message: "x", error: { message: "nonce has already been used" } })).to.equal(true);
      expect(isNonceError(new Error("replacement transaction underpriced"))).to.equal(true);
      expect(isNonceError(new Error("Nonce too high. Expected nonce to be 0 but got 1."))).to.equal(true);
      expect(isNonceError(new Error("execution reverted"))).to.equal(false);
      expect(isNonceError(new Error("insufficient funds"))).to.equal(false);
    });

    it("test_asyncMutex_runsOneAtATimeInCallOrder_evenAfterAFailure", async function () {
      const mutex = new AsyncMutex();
      const log: string[] = [];
      let running = 0;
      let maxRunning = 0;
      const job = (name: string, ms: number, fail = false) =>
        mutex.runExclusive(async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          log.push(`start ${name}`);
          await new Promise((resolve) => setTimeout(resolve, ms));
          log.push(`end ${name}`);
          running--;
          if (fail) throw new Error(name);
          return name;
        });
      const results = await Promise.allSettled([job("a", 30), job("b", 5, true), job("c", 1)]);
      expect(maxRunning).to.equal(1);
      expect(log).to.deep.equal(["start a", "end a", "start b", "end b", "start c", "end c"]);
      expect(results.map((result) => result.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
    });

    it("test_txSender_refusesAFeeBumpBelow12_5Percent", function () {
      const wallet = Wallet.createRandom();
      expect(() => new TxSender(wallet, provider, { feeBumpBps: 1_000n })).to.throw(RangeError, "12.5 %");
    });
  });
});
