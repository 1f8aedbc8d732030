/**
 * The demo's in-process chain: Hardhat's simulated network running the contracts as they would be deployed (the
 * `production` build in artifacts-production/, hardhat.production.config.ts, so keeper gas is the real figure) with a
 * deterministic clock, so that a run gives the same blocks, interest and results for the same seed.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { HardhatEthersProvider } from "@nomicfoundation/hardhat-ethers/types";
import type { Signer } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import productionConfig from "../../hardhat.production.config.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A JSON-RPC request as EIP-1193 providers take it. */
interface RequestArguments {
  readonly method: string;
  readonly params?: readonly unknown[] | object;
}

/** The EIP-1193 side of a provider: what the clock wraps. */
export interface Eip1193Like {
  request(args: RequestArguments): Promise<unknown>;
}

/**
 * Gives every transaction a chosen block timestamp. Each transaction is mined in its own block (automine); the clock
 * sets `evm_setNextBlockTimestamp` before it to the current time and then advances one second, so blocks never depend
 * on the wall clock. {@link jumpTo} moves the time forward (a new step), {@link reset} back (after `evm_revert`).
 *
 * Times are Unix seconds.
 */
export class ChainClock {
  #next: number;

  constructor(start: number) {
    this.#next = start;
  }

  /** The timestamp the next transaction's block gets. */
  get now(): number {
    return this.#next;
  }

  /** Moves the clock to `t` unless it is already past it (transactions of the previous step ran late). */
  jumpTo(t: number): void {
    this.#next = Math.max(this.#next, t);
  }

  /** Sets the clock, also backwards (use right after reverting the chain to a snapshot taken before `t`). */
  reset(t: number): void {
    this.#next = t;
  }

  /** Wraps `provider.request` so every transaction first sets the next block's timestamp. */
  install(provider: Eip1193Like): void {
    const original = provider.request.bind(provider);
    provider.request = async (args: RequestArguments): Promise<unknown> => {
      if (args.method === "eth_sendTransaction" || args.method === "eth_sendRawTransaction") {
        await original({ method: "evm_setNextBlockTimestamp", params: [this.#next] });
        this.#next += 1;
      }
      return original(args);
    };
  }
}

/**
 * Pins the chain's gas price: every transaction's block gets the base fee {@link gasPriceWei}, and
 * `eth_maxPriorityFeePerGas` answers 0, so every sender (the keeper included, which prices its gas from the same
 * answers) pays exactly that per gas whatever the blocks' load, as on a chain whose fee market sits at one level.
 */
export class FeeMarket {
  readonly gasPriceWei: bigint;

  constructor(gasPriceWei: bigint) {
    if (gasPriceWei <= 0n) throw new RangeError(`the gas price must be positive, got ${gasPriceWei} wei`);
    this.gasPriceWei = gasPriceWei;
  }

  /**
   * Fee fields for a transaction on this chain (the pinned base fee, no tip): what ethers would work out from the
   * node's fee data, given up front so that it does not ask before every transaction.
   */
  get overrides(): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
    return { maxFeePerGas: this.gasPriceWei, maxPriorityFeePerGas: 0n };
  }

  /** Wraps `provider.request`: the base fee set before every transaction, no priority fee suggested. */
  install(provider: Eip1193Like): void {
    const original = provider.request.bind(provider);
    const baseFee = `0x${this.gasPriceWei.toString(16)}`;
    provider.request = async (args: RequestArguments): Promise<unknown> => {
      if (args.method === "eth_maxPriorityFeePerGas") return "0x0";
      if (args.method === "eth_sendTransaction" || args.method === "eth_sendRawTransaction") {
        await original({ method: "hardhat_setNextBlockBaseFeePerGas", params: [baseFee] });
      }
      return original(args);
    };
  }
}

/** What the demo runs on. */
export interface DemoChain {
  /** The in-process network connection (Ignition deploys through it). */
  connection: NetworkConnection;
  provider: HardhatEthersProvider;
  /** Hardhat's funded test accounts (at least {@link DEMO_ACCOUNTS}). */
  signers: Signer[];
  clock: ChainClock;
  /** The chain's pinned fees: `fees.overrides` for the simulation's own transactions. */
  fees: FeeMarket;
  /** Takes a snapshot; returns its id for {@link revert}. */
  snapshot(): Promise<string>;
  /** Reverts to a snapshot (which is consumed: take a new one to revert there again). */
  revert(id: string): Promise<void>;
  close(): Promise<void>;
}

/** Accounts the demo uses: deployer, keeper, arbitrageur, borrowers, governance, lender. */
export const DEMO_ACCOUNTS = 6;

/** 2026-01-01T00:00:00Z: where the demo's clock starts. */
export const DEMO_EPOCH = 1_767_225_600;

let productionHre: Promise<HardhatRuntimeEnvironment> | undefined;

/**
 * The Hardhat runtime of the production build (one per process): Ignition, run through its connections, deploys the
 * optimized artifacts of artifacts-production/ that `npm run setup` (scripts/build.sh) builds.
 */
function productionRuntime(): Promise<HardhatRuntimeEnvironment> {
  if (!existsSync(join(ROOT, "artifacts-production", "contracts"))) {
    throw new Error(
      "the demo runs the production build and artifacts-production/ is missing: run `npm run build` (or `npm run setup`)",
    );
  }
  productionHre ??= createHardhatRuntimeEnvironment(productionConfig, { buildProfile: "production" }, ROOT);
  return productionHre;
}

/**
 * Opens a fresh in-process chain whose genesis block is at {@link DEMO_EPOCH} (not the wall clock) and whose clock
 * starts an hour later, so block times are the same on every run; every block, the genesis one included, has the
 * base fee `gasPriceWei` (see {@link FeeMarket}).
 */
export async function openDemoChain(gasPriceWei: bigint): Promise<DemoChain> {
  const fees = new FeeMarket(gasPriceWei);
  const hre = await productionRuntime();
  const connection = await hre.network.create({
    override: { initialDate: new Date(DEMO_EPOCH * 1000), initialBaseFeePerGas: gasPriceWei },
  });
  const clock = new ChainClock(DEMO_EPOCH + 3600);
  clock.install(connection.provider as unknown as Eip1193Like);
  fees.install(connection.provider as unknown as Eip1193Like);
  const provider = connection.ethers.provider;
  const signers = await connection.ethers.getSigners();
  if (signers.length < DEMO_ACCOUNTS) {
    throw new Error(`the demo needs ${DEMO_ACCOUNTS} accounts, the network has ${signers.length}`);
  }
  return {
    connection,
    provider,
    signers,
    clock,
    fees,
    snapshot: async () => String(await provider.send("evm_snapshot", [])),
    revert: async (id) => {
      const ok = (await provider.send("evm_revert", [id])) as boolean;
      if (!ok) throw new Error(`evm_revert: snapshot ${id} not found`);
    },
    close: () => connection.close(),
  };
}
