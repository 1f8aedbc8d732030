/**
 * Integer fixed-point helpers that mirror the Solidity ones the protocol uses (OpenZeppelin `Math.mulDiv`,
 * `Math.ceilDiv`). All values are unsigned 256-bit integers held in `bigint`; a result that would not fit
 * throws {@link MathOverflowError}, as the EVM would revert.
 */

/** 2^256 − 1, the largest `uint256`. */
export const MAX_UINT256 = (1n << 256n) - 1n;

/** Which way an integer division rounds. */
export enum Rounding {
  /** Toward zero (floor, for unsigned values). */
  Down = "down",
  /** Away from zero (ceiling, for unsigned values). */
  Up = "up",
}

/** Thrown when a result does not fit in a `uint256`, or a division by zero is attempted (the EVM panics). */
export class MathOverflowError extends Error {
  override readonly name = "MathOverflowError";
  constructor(readonly operation: string) {
    super(`${operation}: result does not fit in uint256 or divides by zero`);
  }
}

function checkUint256(value: bigint, operation: string): bigint {
  if (value < 0n || value > MAX_UINT256) throw new MathOverflowError(operation);
  return value;
}

/** `x * y / denominator` with full precision, rounded as asked (OpenZeppelin `Math.mulDiv`). */
export function mulDiv(x: bigint, y: bigint, denominator: bigint, rounding: Rounding = Rounding.Down): bigint {
  checkUint256(x, "mulDiv");
  checkUint256(y, "mulDiv");
  if (denominator === 0n) throw new MathOverflowError("mulDiv");
  const product = x * y;
  let quotient = product / denominator;
  if (rounding === Rounding.Up && product % denominator !== 0n) quotient += 1n;
  return checkUint256(quotient, "mulDiv");
}

/** `ceil(a / b)` (OpenZeppelin `Math.ceilDiv`); `b` must be positive. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new MathOverflowError("ceilDiv");
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/** Checked `a * b`, as Solidity 0.8 computes it. */
export function mulChecked(a: bigint, b: bigint): bigint {
  return checkUint256(a * b, "mul");
}

/** The smaller of two values. */
export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The larger of two values. */
export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
