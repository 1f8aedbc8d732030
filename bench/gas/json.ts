/**
 * The gas figures as JSON (`npm run bench -- --gas-only --json FILE`):
 * `{"gas": {"sluice": {...}, "morpho": {...}, "aave": {...}}}` with, for each protocol that has it, `tranche`,
 * `repeatTranche`, `freshMarketTranche`, `fullClose`, `badDebtClose`, `openDepositBorrow` (the sum of three
 * transactions) and the user operations, and for Sluice `openDepositBorrowInOneCall` (one `multicall`) and
 * `liquidateManyPerPosition` keyed by batch size.
 */
import type { GasComparison, Protocol } from "./compare.js";
import type { UserOp } from "./scenario.js";

/** One protocol's figures (gas of whole transactions). */
export type ProtocolGasJson = Record<string, number | Record<string, number>>;

const KEYS: Record<Protocol, string> = { Sluice: "sluice", "Morpho Blue": "morpho", "Aave V3": "aave" };

/** The comparison's gas figures by protocol; a protocol that was not measured is left out. */
export function gasJson(gas: GasComparison): { gas: Record<string, ProtocolGasJson> } {
  const result: Record<string, ProtocolGasJson> = {};
  for (const protocol of Object.keys(KEYS) as Protocol[]) {
    const liquidations = gas.liquidations[protocol];
    if (liquidations.tranche === undefined) continue;
    const ops = gas.userOps[protocol];
    const entry: ProtocolGasJson = {
      tranche: liquidations.tranche.gas,
      repeatTranche: liquidations.repeatTranche.gas,
      freshMarketTranche: liquidations.freshMarketTranche.gas,
      fullClose: liquidations.fullClose.gas,
      badDebtClose: liquidations.badDebt.gas,
      openDepositBorrow: (["open", "depositCollateral", "borrow"] as UserOp[]).reduce(
        (sum, op) => sum + (ops[op] ?? 0),
        0,
      ),
    };
    for (const [op, value] of Object.entries(ops)) if (value !== undefined) entry[op] = value;
    if (protocol === "Sluice") {
      entry.liquidateManyPerPosition = Object.fromEntries(gas.batches.map((b) => [String(b.size), b.perPosition]));
    }
    result[KEYS[protocol]] = entry;
  }
  return { gas: result };
}
