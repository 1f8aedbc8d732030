/**
 * What the gas snapshot records: Sluice's per-function gas from the same scenario as the comparison
 * (`compare.ts`, Sluice only), on the `production` build, as whole-transaction gas (`eth_estimateGas` for the
 * lens views).
 */
import type { BenchChain } from "../lib/chain.js";
import type { GasSnapshot } from "../lib/snapshot.js";
import { compareGas, type GasComparison } from "./compare.js";

/** How the snapshot's numbers are produced (written into the file). */
export const SNAPSHOT_METHOD =
  "production build (artifacts-production/: optimizer 10,000 runs, IR pipeline but for MarginVault, cancun), in-process Hardhat chain, " +
  "scenario of bench/gas/scenario.ts (a market in steady state: its first liquidation is its own row); gas of whole transactions (21,000 intrinsic and calldata included), " +
  "eth_estimateGas for the PositionLens views";

const LIQUIDATION_LABELS = {
  freshMarketTranche: "first tranche in a fresh market",
  tranche: "tranche",
  repeatTranche: "repeat tranche",
  fullClose: "full close",
  badDebt: "bad debt",
} as const;

/** Sluice's entries of a comparison, by function label (e.g. `LiquidationEngine.liquidate (tranche)`). */
export function sluiceGasByFunction(result: GasComparison): Record<string, number> {
  const ops = result.userOps.Sluice;
  const gas: Record<string, number> = {
    "LendingPool.deposit": ops.supply!,
    "MarginVault.openPosition": ops.open!,
    "MarginVault.depositCollateral": ops.depositCollateral!,
    "MarginVault.borrow": ops.borrow!,
    "MarginVault.repay": ops.repay!,
    "MarginVault.withdrawCollateral": ops.withdrawCollateral!,
    "MarginVault.multicall (open + deposit + borrow)": ops.openDepositBorrowInOneCall!,
  };
  for (const [kind, label] of Object.entries(LIQUIDATION_LABELS)) {
    gas[`LiquidationEngine.liquidate (${label})`] =
      result.liquidations.Sluice[kind as keyof typeof LIQUIDATION_LABELS].gas;
  }
  for (const batch of result.batches) gas[`LiquidationEngine.liquidateMany (${batch.size} positions)`] = batch.gas;
  gas[`PositionLens.positionsOfMarket (${result.lens.page} positions)`] = result.lens.positionsOfMarket;
  gas[`PositionLens.liquidatablePositions (${result.lens.page} positions)`] = result.lens.liquidatablePositions;
  return gas;
}

/** Measures Sluice alone on a fresh chain and returns the snapshot. */
export async function measureSnapshot(chain: BenchChain): Promise<GasSnapshot> {
  const result = await compareGas(chain, { anchors: false });
  return { measuredWith: SNAPSHOT_METHOD, gas: sluiceGasByFunction(result) };
}
