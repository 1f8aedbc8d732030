/**
 * The equivalent positions every protocol is measured on, in one chain and one run: WETH collateral (18 decimals),
 * USDC debt (6 decimals), both priced by the same Chainlink-style feeds (8 decimals, USD).
 *
 * A liquidation position holds 10 WETH at $3,000 (30,000 USDC) against 21,000 USDC of debt (ratio 1.43). Then ETH
 * falls to $2,300 (ratio 1.095: Sluice takes a tranche), to $2,240 (1.067: Sluice closes the whole position) and to
 * $1,800 (0.857: the collateral cannot cover the debt, bad debt).
 */
import type { ContractTransactionResponse } from "ethers";

export const USDC = 10n ** 6n;
export const WAD = 10n ** 18n;
/** Feed answers have 8 decimals. */
export const FEED_UNIT = 10n ** 8n;

/**
 * The starting ETH price and the drops (whole USD) at which each liquidation is measured: the market's warm-up
 * liquidation and the measured tranche at $2,300, the same position's next tranche at $2,300 too (the first tranche
 * is capped at 25 % of the debt, so the position is left at a ratio of 1.109, still liquidatable), the full close at
 * $2,240, the bad-debt close at $1,800.
 */
export const PRICES = {
  start: 3_000n,
  freshMarketTranche: 2_300n,
  tranche: 2_300n,
  repeatTranche: 2_300n,
  fullClose: 2_240n,
  badDebt: 1_800n,
} as const;
/** Seconds the chain's clock moves between a position's first and next tranche (past Sluice's 300-s grace window). */
export const REPEAT_DELAY = 360;
/** Collateral and debt of each liquidation position (token units). */
export const POSITION = { collateral: 10n * WAD, debt: 21_000n * USDC } as const;
/** What the lender supplies to each protocol (USDC units). */
export const LENT = 10_000_000n * USDC;
/** Amounts of the user operations measured after the position is open (token units). */
export const USER_OPS = { repay: 1_000n * USDC, withdrawCollateral: WAD / 10n } as const;
/** Sluice's maintenance ratio (1.2): Morpho's LLTV and Aave's liquidation threshold are its inverse. */
export const MAINTENANCE_RATIO = 12n * 10n ** 17n;
/** Position counts for Sluice's `liquidateMany` (each 1 WETH against 2,100 USDC, liquidated at $2,300). */
export const BATCH_SIZES = [1, 10, 50, 100] as const;

/**
 * The liquidations measured, in this order. `freshMarketTranche`: the first liquidation a market ever sees (it
 * pays for the market's one-time slots: Sluice's liquidation window and the insurance fund's first balance); it
 * warms the market up, so every later row measures a market in steady state. `tranche`: a position's first tranche
 * in that steady market (it writes the position's tranche state for the first time). `repeatTranche`: the same
 * position's next tranche, after the grace window. Then a full close and a bad-debt close.
 */
export type LiquidationKind = "freshMarketTranche" | "tranche" | "repeatTranche" | "fullClose" | "badDebt";
/** Every measured liquidation, in the order they run. */
export const LIQUIDATIONS: readonly LiquidationKind[] = [
  "freshMarketTranche",
  "tranche",
  "repeatTranche",
  "fullClose",
  "badDebt",
];
/** The owners of liquidation positions: one per position. */
export type Victim = "warmUp" | "tranche" | "fullClose" | "badDebt";
export const VICTIMS: readonly Victim[] = ["warmUp", "tranche", "fullClose", "badDebt"];
/** Whose position each liquidation takes, and how much of it: a tranche, the whole debt, or all collateral. */
export const LIQUIDATION_PLAN: Record<LiquidationKind, { victim: Victim; size: "tranche" | "fullClose" | "badDebt" }> =
  {
    freshMarketTranche: { victim: "warmUp", size: "tranche" },
    tranche: { victim: "tranche", size: "tranche" },
    repeatTranche: { victim: "tranche", size: "tranche" },
    fullClose: { victim: "fullClose", size: "fullClose" },
    badDebt: { victim: "badDebt", size: "badDebt" },
  };

/** What one liquidation did: its transaction's gas, and the debt repaid and collateral seized (token units). */
export interface LiquidationGas {
  gas: number;
  /** The transaction's hash, for a trace. */
  hash: string;
  repaid: bigint;
  seized: bigint;
}

/**
 * The user operations compared across protocols (the same amounts everywhere). `openDepositBorrowInOneCall` is
 * Sluice's open, deposit and borrow in one transaction (the vault's `multicall`); the other protocols' cores have
 * no such call.
 */
export type UserOp =
  "supply" | "open" | "depositCollateral" | "borrow" | "repay" | "withdrawCollateral" | "openDepositBorrowInOneCall";

/** Gas used by a mined transaction (the whole transaction: intrinsic 21,000 and calldata included). */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return (await measured(tx)).gas;
}

/** Gas used by a mined transaction, and its hash. */
export async function measured(tx: Promise<ContractTransactionResponse>): Promise<{ gas: number; hash: string }> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("benchmark transaction failed");
  return { gas: Number(receipt.gasUsed), hash: receipt.hash };
}

/** Waits for a setup transaction (not measured). */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await gasOf(tx);
}
