/**
 * Reverts decoded into typed errors. `decodeSluiceError(e)` takes whatever ethers threw (or raw revert data) and
 * returns a {@link SluiceContractError}: a subclass with named fields for the errors keepers and frontends act on,
 * the base class (name and arguments) for every other protocol error, or `undefined` when the revert is not one of
 * the protocol's.
 */
import type { Interface } from "ethers";

import { protocolInterface } from "./contracts/abis.js";

let iface: Interface | undefined;

/** One ethers `Interface` with every event and error the protocol's contracts emit or raise (built once). */
export function sluiceInterface(): Interface {
  iface ??= protocolInterface();
  return iface;
}

/** A protocol revert: the custom error's name, its arguments by name and in order, and the raw data. */
export class SluiceContractError extends Error {
  /** The custom error's name, e.g. `InGracePeriod`. */
  readonly errorName: string;
  /** Arguments by name (uint values as bigint, addresses as checksummed strings). */
  readonly args: Readonly<Record<string, unknown>>;
  /** Arguments in declaration order. */
  readonly values: readonly unknown[];
  /** The 4-byte selector. */
  readonly selector: string;
  /** The full revert data. */
  readonly data: string;

  constructor(errorName: string, args: Record<string, unknown>, values: unknown[], selector: string, data: string) {
    super(`${errorName}(${values.map(String).join(", ")})`);
    this.name = "SluiceContractError";
    this.errorName = errorName;
    this.args = args;
    this.values = values;
    this.selector = selector;
    this.data = data;
  }
}

/** `InGracePeriod(positionId, nextEligibleAt)`: the position's grace window runs until `nextEligibleAt` (seconds). */
export class InGracePeriodError extends SluiceContractError {
  /** Position id. */
  get positionId(): bigint {
    return this.args.positionId as bigint;
  }
  /** Unix time (seconds) from which the next tranche may run; `2^256 - 1` while the L2 sequencer is down. */
  get nextEligibleAt(): bigint {
    return this.args.nextEligibleAt as bigint;
  }
}

/** `PositionHealthy(positionId, ratio, maintenanceRatio)`: ratios in WAD. */
export class PositionHealthyError extends SluiceContractError {
  /** Position id. */
  get positionId(): bigint {
    return this.args.positionId as bigint;
  }
  /** Collateral ratio now (WAD, rounded down). */
  get ratio(): bigint {
    return this.args.ratio as bigint;
  }
  /** The market's maintenance ratio (WAD). */
  get maintenanceRatio(): bigint {
    return this.args.maintenanceRatio as bigint;
  }
}

/** `WindowExhausted(marketId)`: the market's rolling liquidation window is used up. */
export class WindowExhaustedError extends SluiceContractError {
  /** The vault's market id. */
  get marketId(): bigint {
    return this.args.marketId as bigint;
  }
}

/** `InvalidPrice(marketId)`: the market's oracle has no valid price (stale feed, sequencer down…). */
export class InvalidPriceError extends SluiceContractError {
  /** The vault's market id. */
  get marketId(): bigint {
    return this.args.marketId as bigint;
  }
}

/** `SwapShortfall(positionId, amountOut, owed)`: the FlashLiquidator's sale (quote units) could not pay the tranche. */
export class SwapShortfallError extends SluiceContractError {
  /** Position id. */
  get positionId(): bigint {
    return this.args.positionId as bigint;
  }
  /** What the swap returned (quote units). */
  get amountOut(): bigint {
    return this.args.amountOut as bigint;
  }
  /** What the tranche needed: repaid + fee (quote units). */
  get owed(): bigint {
    return this.args.owed as bigint;
  }
}

/** `ProfitTooLow(profit, minProfit)`: quote units. */
export class ProfitTooLowError extends SluiceContractError {
  /** Profit of the liquidation (quote units). */
  get profit(): bigint {
    return this.args.profit as bigint;
  }
  /** The caller's minimum (quote units). */
  get minProfit(): bigint {
    return this.args.minProfit as bigint;
  }
}

/** `NoDebt(positionId)`: nothing to liquidate (closed, repaid, or liquidated by someone else). */
export class NoDebtError extends SluiceContractError {
  /** Position id. */
  get positionId(): bigint {
    return this.args.positionId as bigint;
  }
}

/** `UnknownPosition(positionId)`: no such position (never opened, or closed). */
export class UnknownPositionError extends SluiceContractError {
  /** Position id. */
  get positionId(): bigint {
    return this.args.positionId as bigint;
  }
}

type ErrorClass = new (...args: ConstructorParameters<typeof SluiceContractError>) => SluiceContractError;

const TYPED: Readonly<Record<string, ErrorClass>> = {
  InGracePeriod: InGracePeriodError,
  PositionHealthy: PositionHealthyError,
  WindowExhausted: WindowExhaustedError,
  InvalidPrice: InvalidPriceError,
  SwapShortfall: SwapShortfallError,
  ProfitTooLow: ProfitTooLowError,
  NoDebt: NoDebtError,
  UnknownPosition: UnknownPositionError,
};

/** The revert data inside an ethers error (or the string itself when it is hex data). */
export function revertDataOf(error: unknown): string | undefined {
  if (typeof error === "string") return /^0x[0-9a-fA-F]*$/.test(error) ? error : undefined;
  if (error === null || typeof error !== "object") return undefined;
  const e = error as Record<string, unknown>;
  for (const key of ["data", "error", "info", "cause", "revert"]) {
    const value = e[key];
    if (key === "data" && typeof value === "string" && /^0x[0-9a-fA-F]{8,}$/.test(value)) return value;
    if (value !== null && typeof value === "object") {
      const nested = revertDataOf(value);
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}

/**
 * Decodes a revert of the protocol's contracts.
 * @param error what ethers threw (a `CALL_EXCEPTION`, an RPC error carrying `data`), or the revert data as hex.
 * @returns the typed error, or `undefined` when there is no revert data or it is not a protocol error.
 */
export function decodeSluiceError(error: unknown): SluiceContractError | undefined {
  const data = revertDataOf(error);
  if (data === undefined || data.length < 10) return undefined;
  let parsed;
  try {
    parsed = sluiceInterface().parseError(data);
  } catch {
    return undefined;
  }
  if (parsed === null) return undefined;
  const args: Record<string, unknown> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    args[input.name === "" ? String(i) : input.name] = parsed.args[i];
  });
  const Class = TYPED[parsed.name] ?? SluiceContractError;
  return new Class(parsed.name, args, [...parsed.args], parsed.selector, data);
}
