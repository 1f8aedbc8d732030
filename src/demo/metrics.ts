/**
 * Metrics of a policy run, computed from the events the chain emitted (see simulation.ts).
 *
 * Definitions, per tranche at oracle price `p` (1e36-scaled), with `seized` collateral units and `repaid` quote units:
 * - seized value `V = seized · p / 1e36` (rounded down);
 * - **borrower loss** `V − repaid`: what the owner gave up beyond the debt repaid (the liquidation bonus, which
 *   pays the keeper, the protocol fee and the price impact of selling);
 * - **keeper profit**: the FlashLiquidator's `LiquidationProfit` (quote kept after paying `repaid + fee`);
 * - **protocol fee**: `TrancheLiquidated.protocolFee`;
 * - **pool impact** `V − swapOut`: value lost selling the seized collateral on the pool below the oracle price,
 *   Uniswap's 0.3 % fee included (`swapOut` from the pool's `Swap` event).
 * The keeper receives `swapOut` and pays `repaid + fee`, so `borrower loss = keeper profit + protocol fee + pool
 * impact` holds per tranche; the residual reported is that identity computed from the four independent sources.
 *
 * Output units: whole tokens as numbers (USDC, WETH), percentages as numbers (1.5 = 1.5 %).
 */
import type { PolicyRun } from "./simulation.js";

const PRICE_SCALE = 10n ** 36n;
const USDC = 1e6;
const WETH = 1e18;

/** The table of one policy. */
export interface PolicyMetrics {
  policy: string;
  /** Borrower loss, USDC. */
  borrowerLoss: number;
  keeperProfit: number;
  protocolFees: number;
  poolImpact: number;
  /** borrowerLoss − (keeperProfit + protocolFees + poolImpact), in quote units (should be 0). */
  reconciliationResidualUnits: number;
  collateralSold: number;
  tranches: number;
  fullCloses: number;
  /** Bad debt realized (insurance-covered + socialized), USDC. */
  badDebt: number;
  insuranceUsed: number;
  /** Debt not covered by collateral in positions still open at the end, USDC. */
  latentBadDebt: number;
  /** Lender share price change, %. */
  lenderSharePriceChangePct: number;
  /** Largest |pool price / oracle price − 1| seen at the end of a step or before the arbitrageur traded, %. */
  peakPoolDeviationPct: number;
  keeperGasUsed: number;
  /** Keeper gas paid, ETH, and its value at the oracle price, USDC. */
  keeperGasEth: number;
  keeperGasUsd: number;
  /** Keeper profit minus gas, USDC. */
  keeperNetProfit: number;
  failedAttempts: number;
  /** Attempts the keeper skipped because their simulated profit did not cover their gas. */
  unprofitableAttempts: number;
  topUps: number;
  positionsSavedByTopUp: number;
  openPositionsAtEnd: number;
  wallSeconds: number;
}

/** Computes a run's metrics. */
export function policyMetrics(run: PolicyRun): PolicyMetrics {
  let borrowerLoss = 0n;
  let keeperProfit = 0n;
  let protocolFees = 0n;
  let poolImpact = 0n;
  let seized = 0n;
  let badDebt = 0n;
  let insuranceUsed = 0n;
  let gasUsed = 0n;
  let gasWei = 0n;
  let gasQuote = 0n;
  let fullCloses = 0;
  for (const t of run.tranches) {
    const value = (t.seizedAssets * t.oraclePrice) / PRICE_SCALE;
    borrowerLoss += value - t.repaidAssets;
    keeperProfit += t.keeperProfit;
    protocolFees += t.protocolFee;
    poolImpact += value - t.swapOutAssets;
    seized += t.seizedAssets;
    badDebt += t.badDebtCovered + t.badDebtSocialized;
    insuranceUsed += t.badDebtCovered;
    gasUsed += t.gasUsed;
    gasWei += t.gasCostWei;
    gasQuote += (t.gasCostWei * t.oraclePrice) / PRICE_SCALE;
    if (t.fullClose) fullCloses += 1;
  }
  let peak = 0;
  for (const s of run.steps) {
    peak = Math.max(
      peak,
      Math.abs(s.poolPrice / s.oraclePrice - 1),
      Math.abs(s.poolPriceBeforeArb / s.oraclePrice - 1),
    );
  }
  const failed = (run.attempts.error ?? 0) + (run.attempts.reverted ?? 0);
  return {
    policy: run.policy.name,
    borrowerLoss: Number(borrowerLoss) / USDC,
    keeperProfit: Number(keeperProfit) / USDC,
    protocolFees: Number(protocolFees) / USDC,
    poolImpact: Number(poolImpact) / USDC,
    reconciliationResidualUnits: Number(borrowerLoss - (keeperProfit + protocolFees + poolImpact)),
    collateralSold: Number(seized) / WETH,
    tranches: run.tranches.length,
    fullCloses,
    badDebt: Number(badDebt) / USDC,
    insuranceUsed: Number(insuranceUsed) / USDC,
    latentBadDebt: Number(run.latentBadDebt) / USDC,
    lenderSharePriceChangePct: (run.sharePriceAfter / run.sharePriceBefore - 1) * 100,
    peakPoolDeviationPct: peak * 100,
    keeperGasUsed: Number(gasUsed),
    keeperGasEth: Number(gasWei) / WETH,
    keeperGasUsd: Number(gasQuote) / USDC,
    keeperNetProfit: Number(keeperProfit - gasQuote) / USDC,
    failedAttempts: failed,
    unprofitableAttempts: run.attempts.unprofitable ?? 0,
    topUps: run.topUps,
    positionsSavedByTopUp: run.positionsSaved,
    openPositionsAtEnd: run.openPositions,
    wallSeconds: run.wallSeconds,
  };
}
