/**
 * The gas comparison, on one in-process Hardhat chain in one run: Sluice, Morpho Blue and Aave V3 over the same
 * tokens and feeds, the same user operations and the same liquidations (see `scenario.ts`), one protocol after the
 * other; and Sluice's `liquidateMany` for 1, 10, 50 and 100 positions and its lens reads. Sluice's part alone
 * (`anchors: false`) is what the gas snapshot records.
 *
 * Steady state, for every protocol alike: each market's first liquidation (`freshMarketTranche`, a warm-up
 * position's tranche) runs before the measured ones and is reported on its own row, so the other rows do not pay
 * for a market's one-time slots. Every protocol sees the same prices and the same clock (the chain moves
 * {@link REPEAT_DELAY} seconds before each repeat tranche).
 */
import type { JsonRpcApiProvider } from "ethers";

import type { BenchChain } from "../lib/chain.js";
import { aaveLiquidate, aaveOpenVictims, aaveUserOps, deployAave } from "./aave.js";
import { gasBreakdown, type GasBreakdown } from "./breakdown.js";
import { deployMorpho, morphoLiquidate, morphoOpenVictims, morphoUserOps } from "./morpho.js";
import {
  BATCH_SIZES,
  LIQUIDATIONS,
  PRICES,
  REPEAT_DELAY,
  type LiquidationGas,
  type LiquidationKind,
  type UserOp,
} from "./scenario.js";
import {
  deploySluice,
  sluiceLiquidate,
  sluiceLiquidateMany,
  sluiceOpenBatch,
  sluiceOpenVictims,
  sluiceOutcome,
  sluiceUserOps,
  type SluiceBench,
  type SluiceBuild,
} from "./sluice.js";
import { deployWorld, setEthPrice, type World } from "./world.js";

export { LIQUIDATIONS };
export const PROTOCOLS = ["Sluice", "Morpho Blue", "Aave V3"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
/** The liquidations whose gas is broken down by opcode class. */
export const BREAKDOWN_KINDS: readonly LiquidationKind[] = ["freshMarketTranche", "tranche", "repeatTranche"];

/** `liquidateMany` over `size` positions: the transaction's gas and gas per position. */
export interface BatchGas {
  size: number;
  gas: number;
  perPosition: number;
}

/** Everything the gas comparison measured (gas of whole transactions). */
export interface GasComparison {
  userOps: Record<Protocol, Partial<Record<UserOp, number>>>;
  liquidations: Record<Protocol, Record<LiquidationKind, LiquidationGas>>;
  /** Where each tranche's gas went (only with `breakdown`). */
  breakdowns: Record<Protocol, Partial<Record<LiquidationKind, GasBreakdown>>>;
  batches: BatchGas[];
  /** `eth_estimateGas` of the two lens reads over one page, and the page size. */
  lens: { page: number; positionsOfMarket: number; liquidatablePositions: number };
  /** What Sluice's scenario left on chain (`sluiceOutcome`), measured before the anchors run. */
  sluiceOutcome: Record<string, string>;
}

/** Which anchors to run beside Sluice, and whether to trace the tranches for a breakdown. */
export interface CompareOptions {
  anchors: boolean;
  breakdown?: boolean;
  /** Sluice's build; `production` unless said. */
  build?: SluiceBuild;
}

async function lensGas(sluice: SluiceBench, world: World, page: bigint): Promise<GasComparison["lens"]> {
  const provider = world.admin.provider!;
  const to = await sluice.lens.getAddress();
  const estimate = async (data: string): Promise<number> => Number(await provider.estimateGas({ to, data }));
  return {
    page: Number(page),
    positionsOfMarket: await estimate(sluice.lens.interface.encodeFunctionData("positionsOfMarket", [1n, 0n, page])),
    liquidatablePositions: await estimate(
      sluice.lens.interface.encodeFunctionData("liquidatablePositions", [1n, 0n, page]),
    ),
  };
}

/** Runs every liquidation of the scenario in order with `liquidate`, moving the price and the clock as it goes. */
async function liquidateAll(
  chain: BenchChain,
  world: World,
  liquidate: (kind: LiquidationKind) => Promise<LiquidationGas>,
): Promise<Record<LiquidationKind, LiquidationGas>> {
  const result = {} as Record<LiquidationKind, LiquidationGas>;
  for (const kind of LIQUIDATIONS) {
    if (kind === "repeatTranche") chain.advance(REPEAT_DELAY);
    await setEthPrice(world, PRICES[kind]);
    result[kind] = await liquidate(kind);
  }
  return result;
}

/**
 * Traces the tranches. The report shows the inclusive gas of the calls into the two tokens and `oracle`, and each
 * contract's own gas by the names in `contracts` (the protocol's own; the tokens, the oracle and the feeds are added).
 */
async function breakdowns(
  world: World,
  liquidations: Record<LiquidationKind, LiquidationGas>,
  oracle: string,
  contracts: Record<string, string>,
): Promise<Partial<Record<LiquidationKind, GasBreakdown>>> {
  const provider = world.admin.provider as JsonRpcApiProvider;
  const named = {
    ...contracts,
    [await world.ethUsdFeed.getAddress()]: "price feeds",
    [await world.usdcUsdFeed.getAddress()]: "price feeds",
    [await world.usdc.getAddress()]: "quote token (USDC)",
    [await world.weth.getAddress()]: "collateral token (WETH)",
    [oracle]: "oracle",
  };
  const result: Partial<Record<LiquidationKind, GasBreakdown>> = {};
  for (const kind of BREAKDOWN_KINDS) result[kind] = await gasBreakdown(provider, liquidations[kind].hash, named);
  return result;
}

/**
 * Runs the comparison on `chain` (a fresh one from `openChain`: the measurements assume nothing else ran, and its
 * fixed clock makes them reproducible). Sluice's whole scenario runs first, then Morpho Blue's, then Aave V3's, each
 * from the starting price: Sluice's figures are therefore the same with or without the anchors (what lets
 * `npm run gas:check` measure Sluice alone). With `anchors: false` the other protocols' entries are empty.
 */
export async function compareGas(chain: BenchChain, options: CompareOptions): Promise<GasComparison> {
  const world = await deployWorld(chain.signers);
  const userOps: GasComparison["userOps"] = { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} };
  const liquidations = { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} } as GasComparison["liquidations"];
  const traced: GasComparison["breakdowns"] = { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} };

  const sluice = await deploySluice(world, options.build);
  userOps.Sluice = await sluiceUserOps(sluice, world);
  await sluiceOpenVictims(sluice, world);
  liquidations.Sluice = await liquidateAll(chain, world, (kind) => sluiceLiquidate(sluice, world, kind));
  if (options.breakdown === true) {
    traced.Sluice = await breakdowns(world, liquidations.Sluice, (await sluice.vault.market(1n)).oracle, {
      [await sluice.engine.getAddress()]: "LiquidationEngine",
      [await sluice.vault.getAddress()]: "MarginVault",
      [await sluice.pool.getAddress()]: "LendingPool",
      [await sluice.pool.interestRateModel()]: "InterestRateModel",
      [await sluice.engine.insuranceFund()]: "InsuranceFund",
    });
  }
  const batches: BatchGas[] = [];
  for (const size of BATCH_SIZES) {
    await setEthPrice(world, PRICES.start);
    const ids = await sluiceOpenBatch(sluice, world, size);
    await setEthPrice(world, PRICES.tranche);
    const gas = await sluiceLiquidateMany(sluice, world, ids);
    batches.push({ size, gas, perPosition: Math.round(gas / size) });
  }
  const lens = await lensGas(sluice, world, 100n);
  const outcome = await sluiceOutcome(sluice, world);
  if (!options.anchors) return { userOps, liquidations, breakdowns: traced, batches, lens, sluiceOutcome: outcome };

  // The anchors repay what Sluice's same tranche repaid, so the tranche rows compare the same liquidation size.
  const repaid = (kind: LiquidationKind): bigint => liquidations.Sluice[kind].repaid;
  await setEthPrice(world, PRICES.start);
  const morpho = await deployMorpho(world);
  userOps["Morpho Blue"] = await morphoUserOps(morpho, world);
  await morphoOpenVictims(morpho, world);
  liquidations["Morpho Blue"] = await liquidateAll(chain, world, (kind) =>
    morphoLiquidate(morpho, world, kind, repaid(kind)),
  );
  if (options.breakdown === true) {
    traced["Morpho Blue"] = await breakdowns(world, liquidations["Morpho Blue"], morpho.params.oracle, {
      [await morpho.morpho.getAddress()]: "Morpho",
      [morpho.params.irm]: "IrmMock",
    });
  }

  await setEthPrice(world, PRICES.start);
  const aave = await deployAave(world);
  userOps["Aave V3"] = await aaveUserOps(aave, world);
  await aaveOpenVictims(aave, world);
  liquidations["Aave V3"] = await liquidateAll(chain, world, (kind) => aaveLiquidate(aave, world, kind, repaid(kind)));
  if (options.breakdown === true) {
    traced["Aave V3"] = await breakdowns(world, liquidations["Aave V3"], aave.oracle, {
      [await aave.pool.getAddress()]: "Pool (proxy and logic)",
    });
  }
  return { userOps, liquidations, breakdowns: traced, batches, lens, sluiceOutcome: outcome };
}
