/**
 * Where a transaction's gas goes, from its opcode-level trace (`debug_traceTransaction` with the default struct
 * logger, as geth and Hardhat's EDR answer it). Each opcode's own cost is put in one class (so the classes add up
 * to the execution gas), and the inclusive gas of calls into named contracts (the tokens, the oracle) is reported
 * beside them as "where" figures, which overlap the classes.
 *
 * Cold and warm are read from the trace's own costs (EIP-2929): an SLOAD of 2,100 is cold, of 100 warm; a call or
 * account read costing 2,600 or more touched a cold account.
 */
import type { JsonRpcApiProvider } from "ethers";

/** One step of the struct logger. */
interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

interface TraceResult {
  gas: number;
  structLogs: StructLog[];
}

/** What one transaction's gas was spent on. Every figure is gas; `count` fields count opcodes. */
export interface GasBreakdown {
  /** The transaction's gas used (receipt). */
  total: number;
  /** Intrinsic gas: 21,000 plus calldata. */
  intrinsic: number;
  coldStorageReads: { count: number; gas: number };
  warmStorageReads: { count: number; gas: number };
  /** SSTOREs from zero to non-zero (20,000 each, plus 2,100 when cold). */
  storageWritesNew: { count: number; gas: number };
  /** SSTOREs of an already non-zero slot, or back to zero (2,900 each, plus 2,100 when cold). */
  storageWritesUpdate: { count: number; gas: number };
  /** SSTOREs that left the slot as it was in this transaction (100 each, plus 2,100 when cold). */
  storageWritesNoop: { count: number; gas: number };
  /** Calls (CALL, STATICCALL, DELEGATECALL): their own cost, cold account access included. */
  calls: { count: number; coldAccounts: number; gas: number };
  /** Other account reads (EXTCODESIZE, BALANCE, ...). */
  accountReads: { count: number; coldAccounts: number; gas: number };
  /** LOG0..LOG4. */
  events: { count: number; gas: number };
  /** Transient storage (TLOAD, TSTORE: reentrancy locks). */
  transient: { count: number; gas: number };
  /** Everything else: arithmetic, memory, hashing, jumps, ABI work. */
  computation: number;
  /** Gas refunded at the end (SSTORE back to an earlier value); already taken off `total`. */
  refund: number;
  /** Inclusive gas of calls into each named contract (overlaps the classes above). */
  where: Record<string, { calls: number; gas: number }>;
  /**
   * Exclusive gas of each contract's own frames (its opcodes and the own cost of the calls it makes; a child frame's
   * work counts for the child), by the names given (unnamed addresses as "other"); with `intrinsic` they add up to
   * the total before the refund. `coldReads` counts its cold SLOADs, `calls` the calls it makes.
   */
  byContract: Record<string, { gas: number; coldReads: number; calls: number }>;
}

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
const ACCOUNT_READS = new Set(["EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "BALANCE"]);

/** Intrinsic gas of a transaction's calldata (EIP-2028; no access list, no EIP-7623 floor). */
export function intrinsicGas(data: string): number {
  const bytes = Buffer.from(data.replace(/^0x/, ""), "hex");
  let gas = 21_000;
  for (const byte of bytes) gas += byte === 0 ? 4 : 16;
  return gas;
}

/**
 * Traces `hash` and classifies its gas. `names` maps lower-case addresses to the names used in `where` (for example
 * the quote token as "quote token"); calls into other addresses are not listed there.
 */
export async function gasBreakdown(
  provider: JsonRpcApiProvider,
  hash: string,
  names: Record<string, string>,
): Promise<GasBreakdown> {
  const tx = await provider.getTransaction(hash);
  const receipt = await provider.getTransactionReceipt(hash);
  if (tx === null || receipt === null) throw new Error(`gas breakdown: no transaction ${hash}`);
  const trace = (await provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true, disableStack: false },
  ])) as TraceResult;
  const logs = trace.structLogs;
  const result: GasBreakdown = {
    total: Number(receipt.gasUsed),
    intrinsic: intrinsicGas(tx.data),
    coldStorageReads: { count: 0, gas: 0 },
    warmStorageReads: { count: 0, gas: 0 },
    storageWritesNew: { count: 0, gas: 0 },
    storageWritesUpdate: { count: 0, gas: 0 },
    storageWritesNoop: { count: 0, gas: 0 },
    calls: { count: 0, coldAccounts: 0, gas: 0 },
    accountReads: { count: 0, coldAccounts: 0, gas: 0 },
    events: { count: 0, gas: 0 },
    transient: { count: 0, gas: 0 },
    computation: 0,
    refund: 0,
    where: {},
    byContract: {},
  };
  const lowerNames = Object.fromEntries(Object.entries(names).map(([a, n]) => [a.toLowerCase(), n]));
  // frames[depth] is the address whose code runs at that depth (the struct logger's depth starts at 1).
  const frames: string[] = [];
  frames[1] = (tx.to ?? "").toLowerCase();
  const own = (depth: number): { gas: number; coldReads: number; calls: number } =>
    (result.byContract[lowerNames[frames[depth] ?? ""] ?? "other"] ??= { gas: 0, coldReads: 0, calls: 0 });
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i]!;
    const next = logs[i + 1];
    const self = own(log.depth);
    if (CALLS.has(log.op)) {
      // The callee's frame runs between this step and the next step at this depth; the call's own cost is what the
      // caller lost minus what the callee used.
      let j = i + 1;
      while (j < logs.length && logs[j]!.depth > log.depth) j++;
      const after = logs[j];
      const lost = after === undefined ? log.gasCost : log.gas - after.gas;
      let childUsed = 0;
      if (next !== undefined && next.depth > log.depth) {
        const last = logs[j - 1]!;
        childUsed = next.gas - (last.gas - last.gasCost);
      }
      const callCost = Math.max(lost - childUsed, 0);
      result.calls.count++;
      result.calls.gas += callCost;
      if (callCost >= 2_600) result.calls.coldAccounts++;
      self.gas += callCost;
      self.calls++;
      const stack = log.stack ?? [];
      const target =
        stack.length >= 2
          ? `0x${BigInt(stack[stack.length - 2]!)
              .toString(16)
              .padStart(40, "0")}`
          : "";
      frames[log.depth + 1] = target;
      const name = lowerNames[target];
      if (name !== undefined) {
        const entry = (result.where[name] ??= { calls: 0, gas: 0 });
        entry.calls++;
        entry.gas += lost;
      }
      continue;
    }
    const cost = log.gasCost;
    self.gas += cost;
    if (log.op === "SLOAD") {
      if (cost >= 2_100) self.coldReads++;
      const bucket = cost >= 2_100 ? result.coldStorageReads : result.warmStorageReads;
      bucket.count++;
      bucket.gas += cost;
    } else if (log.op === "SSTORE") {
      const base = cost >= 2_100 + 100 && cost !== 2_900 && cost !== 5_000 && cost !== 20_000 ? cost - 2_100 : cost;
      const bucket =
        base >= 20_000
          ? result.storageWritesNew
          : base >= 2_900
            ? result.storageWritesUpdate
            : result.storageWritesNoop;
      bucket.count++;
      bucket.gas += cost;
    } else if (ACCOUNT_READS.has(log.op)) {
      result.accountReads.count++;
      result.accountReads.gas += cost;
      if (cost >= 2_600) result.accountReads.coldAccounts++;
    } else if (log.op.startsWith("LOG")) {
      result.events.count++;
      result.events.gas += cost;
    } else if (log.op === "TLOAD" || log.op === "TSTORE") {
      result.transient.count++;
      result.transient.gas += cost;
    } else {
      result.computation += cost;
    }
  }
  const classified =
    result.intrinsic +
    result.coldStorageReads.gas +
    result.warmStorageReads.gas +
    result.storageWritesNew.gas +
    result.storageWritesUpdate.gas +
    result.storageWritesNoop.gas +
    result.calls.gas +
    result.accountReads.gas +
    result.events.gas +
    result.transient.gas +
    result.computation;
  // What the opcodes cost beyond the receipt is the refund (capped at a fifth of the gas used).
  result.refund = Math.max(classified - result.total, 0);
  return result;
}
