/**
 * A fresh in-process Hardhat chain (EDR, the project's `default` network) for gas measurements, with its funded
 * accounts as ethers signers and a fixed clock: every transaction is mined exactly {@link BLOCK_TIME} seconds after
 * the previous one, starting at {@link START_TIME}. Gas then does not depend on the wall clock (interest accrued
 * between two blocks decides whether a reserve slot goes from zero to non-zero, a 20,000-gas difference), so the
 * same scenario gives the same gas on every run and every machine.
 */
import type { Signer } from "ethers";
import { network } from "hardhat";

/** Unix time of the first benchmark transaction (2026-01-01T00:00:00Z), seconds. */
export const START_TIME = 1_767_225_600;
/** Seconds between two consecutive transactions' blocks. */
export const BLOCK_TIME = 12;

/** A chain and its accounts; `advance` moves the clock forward before the next transaction; `close` releases it. */
export interface BenchChain {
  signers: Signer[];
  advance: (seconds: number) => void;
  close: () => Promise<void>;
}

/** Opens a new in-process chain (each call is a separate, empty chain) with the fixed clock. */
export async function openChain(): Promise<BenchChain> {
  const connection = await network.create({ override: { initialDate: new Date((START_TIME - 3_600) * 1_000) } });
  const provider = connection.provider;
  const request = provider.request.bind(provider);
  let next = START_TIME;
  // Each transaction is its own block (automine), so setting the next block's timestamp just before sending it pins
  // every block's time.
  provider.request = async (args) => {
    if (args.method === "eth_sendTransaction" || args.method === "eth_sendRawTransaction") {
      await request({ method: "evm_setNextBlockTimestamp", params: [next] });
      next += BLOCK_TIME;
    }
    return request(args);
  };
  const signers: Signer[] = await connection.ethers.getSigners();
  return {
    signers,
    advance: (seconds) => {
      next += seconds;
    },
    close: () => connection.close(),
  };
}
