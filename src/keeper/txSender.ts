/**
 * Sends the keeper's transactions one at a time: its own nonce, EIP-1559 fees (legacy on chains without a base
 * fee) under a gas-price cap, and replacement of a stuck transaction (same nonce, fees bumped by at least 12.5 %).
 *
 * Units: fees and gas prices in wei (bigint) unless the name says `Gwei` (a float, for logs and metrics); durations
 * in milliseconds.
 *
 * A transaction counts as final at one confirmation; reorganisations are not followed.
 */
import type { Provider, Signer, TransactionReceipt, TransactionRequest, TransactionResponse } from "ethers";

import type { KeeperLogger } from "./logger.js";
import type { KeeperMetrics } from "./metrics.js";
import { isTransientRpcError, sleep, withTimeout } from "./retry.js";

/** Fees of one transaction, in wei. */
export type TxFees =
  /** EIP-1559 (type 2). */
  | { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }
  /** Legacy (type 0), on chains without a base fee. */
  | { type: 0; gasPrice: bigint };

/** Reported to {@link TxSenderOptions.onBroadcast} after each broadcast. */
export interface BroadcastEvent {
  hash: string;
  nonce: number;
  /** 0 for the first broadcast, then 1, 2, … for replacements. */
  replacement: number;
  fees: TxFees;
}

/** Options of {@link TxSender}. */
export interface TxSenderOptions {
  /** A transaction without a receipt after this long (ms) is replaced; default 30 000. */
  stuckAfterMs?: number;
  /** Replacements of one transaction at most; default 3. After the last, the sender waits `stuckAfterMs` more. */
  maxReplacements?: number;
  /** Fee increase of a replacement, in basis points; at least 1250 (12.5 %), the default. */
  feeBumpBps?: bigint;
  /** Pause between receipt polls (ms); default 1000. */
  receiptPollMs?: number;
  /** Time allowed for one RPC call (ms); default 15 000. */
  rpcTimeoutMs?: number;
  /** Logs broadcasts, replacements and nonce resyncs at debug/info/warn. */
  logger?: KeeperLogger;
  /** Receives `sluice_keeper_tx_confirm_seconds` and `sluice_keeper_gas_price_gwei`. */
  metrics?: KeeperMetrics;
  /** Called after each broadcast (first and replacements). */
  onBroadcast?: (event: BroadcastEvent) => void;
}

/** Options of {@link TxSender.send}. */
export interface SendOptions {
  /**
   * Highest gas price to pay, in wei: the transaction is not sent when the next block's base fee plus the priority
   * fee (or the legacy gas price) is above it, and `maxFeePerGas` of the transaction and its replacements never
   * exceeds it. Undefined = no cap.
   */
  maxFeePerGasCap?: bigint;
}

/** How {@link TxSender.send} ended. */
export type SendResult =
  /** Mined and succeeded (`receipt.status === 1`); `replacements` = how many replacements were broadcast before. */
  | { status: "mined"; receipt: TransactionReceipt; replacements: number; nonce: number }
  /** Mined and reverted (`receipt.status === 0`): gas was spent. */
  | { status: "reverted"; receipt: TransactionReceipt; replacements: number; nonce: number }
  /**
   * Not mined. `nonce-used`: another transaction took the nonce (e.g. another process with the same key);
   * `not-mined`: still no receipt after every replacement (or the cap forbade a higher fee); the transaction may
   * still be pending, and the sender resyncs its nonce from the node's pending count. `nonce-gap`: the account's
   * mined count stayed below this nonce (a reorg took earlier transactions of ours out of the chain), so it cannot
   * be mined until the gap is filled: the sender carries on from the mined count.
   */
  | { status: "dropped"; reason: "nonce-used" | "not-mined" | "nonce-gap"; nonce: number; hashes: readonly string[] }
  /** Not sent: the gas price (base fee + priority fee, or legacy gas price) is above the cap. */
  | { status: "gas-too-high"; gasPriceGwei: number; capGwei: number; gasPriceWei: bigint; capWei: bigint };

/** Smallest fee bump of a replacement (12.5 %, in basis points): above geth's 10 % and EIP-1559's base-fee step. */
export const MIN_FEE_BUMP_BPS = 1250n;
const BPS = 10_000n;
/** Priority fee when the node does not suggest one (1 gwei, as ethers). */
const DEFAULT_PRIORITY_FEE_WEI = 10n ** 9n;

/** A small async mutex: {@link AsyncMutex.runExclusive} runs one function at a time, in call order. */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  /**
   * Runs `fn` once every earlier call has settled.
   *
   * @param fn - The critical section.
   * @returns What `fn` returns (or throws).
   */
  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** The raw JSON-RPC access that `JsonRpcProvider` (and Hardhat's provider) have, to read the pending block. */
interface RawRpcProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** What waiting for a receipt gave. */
type WaitOutcome =
  | { kind: "receipt"; receipt: TransactionReceipt }
  | { kind: "nonce-used" }
  | { kind: "nonce-gap"; minedCount: number }
  | { kind: "stuck" };

/** Polls in a row that must see the mined count below the nonce before a gap is believed (a lagging node). */
const GAP_POLLS = 3;

/**
 * Sends transactions for one account, serialised (one in flight).
 *
 * The nonce is read with `getTransactionCount(address, "pending")` before the first send and again after a nonce
 * error ("nonce too low" or "too high", "nonce has already been used", "replacement transaction underpriced"),
 * after which the send is tried again (twice at most), and after any failed or abandoned send. When the mined count
 * stays below the nonce in flight (a reorg took earlier transactions out), that transaction is dropped as
 * `nonce-gap` and the sender carries on from the mined count.
 *
 * @example
 * const sender = new TxSender(wallet, provider, { stuckAfterMs: 20_000, logger, metrics });
 * const result = await sender.send(await liquidator.liquidate.populateTransaction(…), { maxFeePerGasCap: capWei });
 * if (result.status === "gas-too-high") logger.warn({ gwei: result.gasPriceGwei }, "gas spike, skipped");
 */
export class TxSender {
  readonly #signer: Signer;
  readonly #provider: Provider;
  readonly #stuckAfterMs: number;
  readonly #maxReplacements: number;
  readonly #feeBumpBps: bigint;
  readonly #receiptPollMs: number;
  readonly #rpcTimeoutMs: number;
  readonly #options: TxSenderOptions;
  readonly #mutex = new AsyncMutex();
  #address: string | undefined;
  #nonce: number | undefined;

  /**
   * @param signer - Signs and broadcasts (a `Wallet` in production).
   * @param provider - Reads fees, receipts and nonces.
   * @param options - See {@link TxSenderOptions}.
   */
  constructor(signer: Signer, provider: Provider, options: TxSenderOptions = {}) {
    const feeBumpBps = options.feeBumpBps ?? MIN_FEE_BUMP_BPS;
    if (feeBumpBps < MIN_FEE_BUMP_BPS) {
      throw new RangeError(`TxSender: feeBumpBps must be at least ${MIN_FEE_BUMP_BPS} (12.5 %), got ${feeBumpBps}`);
    }
    this.#signer = signer;
    this.#provider = provider;
    this.#stuckAfterMs = options.stuckAfterMs ?? 30_000;
    this.#maxReplacements = options.maxReplacements ?? 3;
    this.#feeBumpBps = feeBumpBps;
    this.#receiptPollMs = options.receiptPollMs ?? 1_000;
    this.#rpcTimeoutMs = options.rpcTimeoutMs ?? 15_000;
    this.#options = options;
  }

  /** The next nonce this sender will use, or undefined until it is (re)read from the node. */
  get nextNonce(): number | undefined {
    return this.#nonce;
  }

  /** The signer's address (read once). */
  async address(): Promise<string> {
    this.#address ??= await this.#signer.getAddress();
    return this.#address;
  }

  /**
   * Reads the next nonce from the node (`getTransactionCount(address, "pending")`) and uses it from now on.
   *
   * @returns The nonce.
   */
  async syncNonce(): Promise<number> {
    const address = await this.address();
    const nonce = await this.#rpc(this.#provider.getTransactionCount(address, "pending"), "getTransactionCount");
    this.#nonce = nonce;
    return nonce;
  }

  /**
   * Quotes the fees of a transaction sent now: the priority fee (or legacy gas price) from `provider.getFeeData()`,
   * the base fee of the next block (the pending block when the provider can read it, else the latest),
   * `maxFeePerGas = 2 · baseFee + priorityFee` (ethers' rule).
   *
   * @returns The fees and the gas price paid if mined in the next block (base fee + priority fee, in wei).
   */
  async quoteFees(): Promise<{ fees: TxFees; gasPriceWei: bigint }> {
    const [feeData, baseFee] = await Promise.all([
      this.#rpc(this.#provider.getFeeData(), "getFeeData"),
      this.#nextBaseFee(),
    ]);
    if (feeData.maxFeePerGas !== null && baseFee !== undefined) {
      const tip = feeData.maxPriorityFeePerGas ?? DEFAULT_PRIORITY_FEE_WEI;
      const maxFeePerGas = max(feeData.maxFeePerGas, 2n * baseFee + tip);
      return { fees: { type: 2, maxFeePerGas, maxPriorityFeePerGas: tip }, gasPriceWei: baseFee + tip };
    }
    if (feeData.gasPrice === null)
      throw new Error("TxSender: the provider returned neither EIP-1559 fees nor a gas price");
    return { fees: { type: 0, gasPrice: feeData.gasPrice }, gasPriceWei: feeData.gasPrice };
  }

  /**
   * Sends a transaction and waits for its receipt, replacing it when stuck (see {@link SendResult}). Calls are
   * serialised: a second `send` starts when the first has returned.
   *
   * `request` should not set `nonce`, `type` or fee fields (they are the sender's); without `gasLimit`, the signer
   * estimates it (a transaction that would revert then throws ethers' `CALL_EXCEPTION` and nothing is sent).
   *
   * @param request - `to`, `data`, `value`, optionally `gasLimit`.
   * @param options - The gas-price cap.
   * @throws Errors of the estimate, of the broadcast (other than nonce errors, which are retried after a resync) and
   *   non-transient errors while waiting; the nonce is then re-read before the next send.
   */
  send(request: TransactionRequest, options: SendOptions = {}): Promise<SendResult> {
    return this.#mutex.runExclusive(() => this.#send(request, options));
  }

  async #send(request: TransactionRequest, options: SendOptions): Promise<SendResult> {
    const cap = options.maxFeePerGasCap;
    const quote = await this.quoteFees();
    this.#options.metrics?.setGasPrice(quote.gasPriceWei);
    if (cap !== undefined && quote.gasPriceWei > cap) {
      this.#options.logger?.warn(
        { gasPriceGwei: toGwei(quote.gasPriceWei), capGwei: toGwei(cap) },
        "gas price above the cap: not sent",
      );
      return {
        status: "gas-too-high",
        gasPriceGwei: toGwei(quote.gasPriceWei),
        capGwei: toGwei(cap),
        gasPriceWei: quote.gasPriceWei,
        capWei: cap,
      };
    }
    let fees = clampToCap(quote.fees, cap);

    let first: TransactionResponse | undefined;
    let nonce = 0;
    for (let nonceRetries = 0; first === undefined; nonceRetries++) {
      nonce = this.#nonce ?? (await this.syncNonce());
      try {
        first = await this.#broadcast({ ...request, ...feeFields(fees), nonce }, 0, fees);
      } catch (error) {
        this.#nonce = undefined;
        if (!isNonceError(error) || nonceRetries >= 2) throw error;
        this.#options.logger?.info({ nonce, error: errorText(error) }, "nonce error: resyncing the nonce");
      }
    }
    this.#nonce = nonce + 1;
    const startedAt = Date.now();
    const replay: TransactionRequest = {
      to: first.to,
      data: first.data,
      value: first.value,
      gasLimit: first.gasLimit,
      chainId: first.chainId,
      accessList: first.accessList ?? undefined,
      nonce,
    };

    const hashes = [first.hash];
    let replacements = 0;
    let attempts = 0;
    try {
      for (;;) {
        const outcome = await this.#waitForReceipt(hashes, nonce);
        if (outcome.kind === "receipt") {
          const { receipt } = outcome;
          this.#options.metrics?.txConfirmSeconds.observe((Date.now() - startedAt) / 1000);
          const status = receipt.status === 1 ? "mined" : "reverted";
          return { status, receipt, replacements, nonce };
        }
        if (outcome.kind === "nonce-used") {
          this.#nonce = undefined;
          this.#options.logger?.warn({ nonce, hashes }, "nonce used by another transaction: dropped");
          return { status: "dropped", reason: "nonce-used", nonce, hashes };
        }
        if (outcome.kind === "nonce-gap") {
          // The pending count could still include this queued transaction: carry on from the mined count.
          this.#nonce = outcome.minedCount;
          this.#options.logger?.warn(
            { nonce, minedCount: outcome.minedCount, hashes },
            "nonce gap (earlier transactions no longer mined, e.g. a reorg): dropped, resuming at the mined count",
          );
          return { status: "dropped", reason: "nonce-gap", nonce, hashes };
        }
        const bumped = attempts < this.#maxReplacements ? await this.#replacementFees(fees, cap) : undefined;
        if (bumped === undefined) {
          this.#nonce = undefined;
          this.#options.logger?.warn({ nonce, hashes, replacements }, "transaction not mined: giving up");
          return { status: "dropped", reason: "not-mined", nonce, hashes };
        }
        attempts++;
        try {
          const replacement = await this.#broadcast({ ...replay, ...feeFields(bumped) }, replacements + 1, bumped);
          hashes.push(replacement.hash);
          replacements++;
          fees = bumped;
        } catch (error) {
          if (isNonceError(error) && /underpriced/i.test(errorText(error))) {
            // The pool wants more: the next attempt bumps from these fees.
            fees = bumped;
          } else if (!isNonceError(error) && !isTransientRpcError(error)) {
            throw error;
          }
          // A nonce error means a transaction (maybe ours) was mined at this nonce: the next wait tells which.
          this.#options.logger?.warn({ nonce, error: errorText(error) }, "replacement not accepted");
        }
      }
    } catch (error) {
      this.#nonce = undefined;
      throw error;
    }
  }

  async #broadcast(request: TransactionRequest, replacement: number, fees: TxFees): Promise<TransactionResponse> {
    const response = await this.#rpc(this.#signer.sendTransaction(request), "sendTransaction");
    const event: BroadcastEvent = { hash: response.hash, nonce: response.nonce, replacement, fees };
    this.#options.logger?.[replacement === 0 ? "debug" : "info"](
      { ...event, fees: feesForLog(fees) },
      replacement === 0 ? "transaction sent" : "stuck transaction replaced",
    );
    this.#options.onBroadcast?.(event);
    return response;
  }

  /**
   * Polls the receipts of every hash sent at `nonce` until one is mined, the nonce is taken by another transaction,
   * the account's mined count stays below `nonce` for {@link GAP_POLLS} polls (a gap), or `stuckAfterMs` pass.
   * Transient RPC errors are skipped over.
   */
  async #waitForReceipt(hashes: readonly string[], nonce: number): Promise<WaitOutcome> {
    const deadline = Date.now() + this.#stuckAfterMs;
    const address = await this.address();
    let gapPolls = 0;
    for (;;) {
      try {
        const receipt = await this.#findReceipt(hashes);
        if (receipt) return { kind: "receipt", receipt };
        const minedCount = await this.#rpc(
          this.#provider.getTransactionCount(address, "latest"),
          "getTransactionCount",
        );
        if (minedCount > nonce) {
          // Mined between the two reads, or by another transaction.
          const late = await this.#findReceipt(hashes);
          return late ? { kind: "receipt", receipt: late } : { kind: "nonce-used" };
        }
        gapPolls = minedCount < nonce ? gapPolls + 1 : 0;
        if (gapPolls >= GAP_POLLS) return { kind: "nonce-gap", minedCount };
      } catch (error) {
        if (!isTransientRpcError(error)) throw error;
        this.#options.logger?.debug({ error: errorText(error) }, "receipt poll failed, will retry");
      }
      const left = deadline - Date.now();
      if (left <= 0) return { kind: "stuck" };
      await sleep(Math.min(this.#receiptPollMs, left));
    }
  }

  async #findReceipt(hashes: readonly string[]): Promise<TransactionReceipt | undefined> {
    const receipts = await Promise.all(
      hashes.map((hash) => this.#rpc(this.#provider.getTransactionReceipt(hash), "getTransactionReceipt")),
    );
    return receipts.find((receipt): receipt is TransactionReceipt => receipt !== null && receipt.blockNumber !== null);
  }

  /**
   * Fees of a replacement: each fee raised by at least `feeBumpBps`, and to the current quote when that is higher.
   * Undefined when the raised `maxFeePerGas` (or gas price) would be above the cap.
   */
  async #replacementFees(previous: TxFees, cap: bigint | undefined): Promise<TxFees | undefined> {
    let current: TxFees | undefined;
    try {
      current = (await this.quoteFees()).fees;
    } catch (error) {
      if (!isTransientRpcError(error)) throw error;
    }
    let next: TxFees;
    if (previous.type === 2) {
      const tip = max(
        bump(previous.maxPriorityFeePerGas, this.#feeBumpBps),
        current?.type === 2 ? current.maxPriorityFeePerGas : 0n,
      );
      let maxFeePerGas = max(bump(previous.maxFeePerGas, this.#feeBumpBps), tip);
      if (current?.type === 2 && current.maxFeePerGas > maxFeePerGas) {
        maxFeePerGas = cap === undefined ? current.maxFeePerGas : max(maxFeePerGas, min(current.maxFeePerGas, cap));
      }
      next = { type: 2, maxFeePerGas, maxPriorityFeePerGas: tip };
      if (cap !== undefined && maxFeePerGas > cap) return undefined;
    } else {
      const gasPrice = max(bump(previous.gasPrice, this.#feeBumpBps), current?.type === 0 ? current.gasPrice : 0n);
      next = { type: 0, gasPrice };
      if (cap !== undefined && gasPrice > cap) return undefined;
    }
    return next;
  }

  /** The next block's base fee: the pending block's if readable, else the latest block's; undefined if none. */
  async #nextBaseFee(): Promise<bigint | undefined> {
    if (hasRawSend(this.#provider)) {
      try {
        const pending = await this.#rpc(
          this.#provider.send("eth_getBlockByNumber", ["pending", false]),
          "pending block",
        );
        const baseFee = (pending as { baseFeePerGas?: unknown } | null)?.baseFeePerGas;
        if (typeof baseFee === "string" && /^0x[0-9a-fA-F]+$/.test(baseFee)) return BigInt(baseFee);
      } catch (error) {
        if (!isTransientRpcError(error) && !/pending|not supported|invalid/i.test(errorText(error))) throw error;
      }
    }
    const latest = await this.#rpc(this.#provider.getBlock("latest"), "latest block");
    return latest?.baseFeePerGas ?? undefined;
  }

  #rpc<T>(promise: Promise<T>, what: string): Promise<T> {
    return withTimeout(promise, this.#rpcTimeoutMs, what);
  }
}

/**
 * Whether an error is a nonce error: "nonce too low", "nonce has already been used", "replacement transaction
 * underpriced" (ethers' `NONCE_EXPIRED`, `REPLACEMENT_UNDERPRICED`, or the node's message).
 *
 * @param error - Anything thrown by a broadcast.
 */
export function isNonceError(error: unknown): boolean {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (code === "NONCE_EXPIRED" || code === "REPLACEMENT_UNDERPRICED") return true;
  }
  return /nonce too (low|high)|nonce has already been used|nonce.*too (low|high)|replacement (transaction|fee).*(underpriced|too low)/i.test(
    errorText(error),
  );
}

/** `x` raised by `bps` basis points, rounded up, and by at least 1 wei. */
function bump(x: bigint, bps: bigint): bigint {
  const raise = (x * bps + BPS - 1n) / BPS;
  return x + (raise > 0n ? raise : 1n);
}

function clampToCap(fees: TxFees, cap: bigint | undefined): TxFees {
  if (cap === undefined) return fees;
  if (fees.type === 2) return { ...fees, maxFeePerGas: min(fees.maxFeePerGas, cap) };
  return { ...fees, gasPrice: min(fees.gasPrice, cap) };
}

function feeFields(fees: TxFees): TransactionRequest {
  return fees.type === 2
    ? { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas }
    : { type: 0, gasPrice: fees.gasPrice };
}

function feesForLog(fees: TxFees): Record<string, number> {
  return fees.type === 2
    ? { type: 2, maxFeeGwei: toGwei(fees.maxFeePerGas), priorityFeeGwei: toGwei(fees.maxPriorityFeePerGas) }
    : { type: 0, gasPriceGwei: toGwei(fees.gasPrice) };
}

function hasRawSend(provider: Provider): provider is Provider & RawRpcProvider {
  return typeof (provider as Partial<RawRpcProvider>).send === "function";
}

/** Wei to gwei as a float (for logs and metrics only). */
function toGwei(wei: bigint): number {
  return Number(wei) / 1e9;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Messages of an error and of what it wraps (`error`, `info.error`, `cause`), for matching node messages. */
function errorText(error: unknown, depth = 0): string {
  if (depth > 4 || error === null || error === undefined) return "";
  if (typeof error !== "object") return String(error);
  const record = error as Record<string, unknown>;
  const info = record["info"];
  const parts = [
    typeof record["message"] === "string" ? record["message"] : "",
    typeof record["shortMessage"] === "string" ? record["shortMessage"] : "",
    errorText(record["error"], depth + 1),
    typeof info === "object" && info !== null ? errorText((info as Record<string, unknown>)["error"], depth + 1) : "",
    errorText(record["cause"], depth + 1),
  ];
  return parts.filter((part) => part !== "").join(" | ");
}
