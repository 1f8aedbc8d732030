/**
 * The gas comparison, on one in-process Hardhat chain in one run: Sluice, Morpho Blue and Aave V3 over the same
 * tokens and feeds, the same user operations and the same three liquidations (see `scenario.ts`), one protocol after
 * the other; and Sluice's `liquidateMany` for 1, 10, 50 and 100 positions and its lens reads. Sluice's part alone
 * (`anchors: false`) is what the gas snapshot records.
 */
import type { Signer } from "ethers";

import { aaveLiquidate, aaveOpenVictims, aaveUserOps, deployAave } from "./aave.js";
import { deployMorpho, morphoLiquidate, morphoOpenVictims, morphoUserOps } from "./morpho.js";
import { BATCH_SIZES, PRICES, type LiquidationGas, type LiquidationKind, type UserOp } from "./scenario.js";
import {
  deploySluice,
  sluiceLiquidate,
  sluiceLiquidateMany,
  sluiceOpenBatch,
  sluiceOpenVictims,
  sluiceUserOps,
  type SluiceBench,
} from "./sluice.js";
import { deployWorld, setEthPrice, type World } from "./world.js";

export const PROTOCOLS = ["Sluice", "Morpho Blue", "Aave V3"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const LIQUIDATIONS: readonly LiquidationKind[] = ["tranche", "fullClose", "badDebt"];

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
  batches: BatchGas[];
  /** `eth_estimateGas` of the two lens reads over one page, and the page size. */
  lens: { page: number; positionsOfMarket: number; liquidatablePositions: number };
}

/** Which anchors to run beside Sluice. */
export interface CompareOptions {
  anchors: boolean;
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

/**
 * Runs the comparison on the chain behind `signers` (a fresh one from `openChain`: the measurements assume nothing
 * else ran, and its fixed clock makes them reproducible). Sluice's whole scenario runs first, then Morpho Blue's,
 * then Aave V3's, each from the starting price: Sluice's figures are therefore the same with or without the anchors
 * (what lets `npm run gas:check` measure Sluice alone). With `anchors: false` the other protocols' entries are empty.
 */
export async function compareGas(signers: Signer[], options: CompareOptions): Promise<GasComparison> {
  const world = await deployWorld(signers);
  const userOps: GasComparison["userOps"] = { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} };
  const liquidations = { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} } as GasComparison["liquidations"];

  const sluice = await deploySluice(world);
  userOps.Sluice = await sluiceUserOps(sluice, world);
  await sluiceOpenVictims(sluice, world);
  for (const kind of LIQUIDATIONS) {
    await setEthPrice(world, PRICES[kind]);
    liquidations.Sluice[kind] = await sluiceLiquidate(sluice, world, kind);
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
  if (!options.anchors) return { userOps, liquidations, batches, lens };

  // The anchors repay what Sluice's tranche repaid, so the tranche rows compare the same liquidation size.
  const trancheRepaid = liquidations.Sluice.tranche.repaid;
  await setEthPrice(world, PRICES.start);
  const morpho = await deployMorpho(world);
  userOps["Morpho Blue"] = await morphoUserOps(morpho, world);
  await morphoOpenVictims(morpho, world);
  for (const kind of LIQUIDATIONS) {
    await setEthPrice(world, PRICES[kind]);
    liquidations["Morpho Blue"][kind] = await morphoLiquidate(morpho, world, kind, trancheRepaid);
  }

  await setEthPrice(world, PRICES.start);
  const aave = await deployAave(world);
  userOps["Aave V3"] = await aaveUserOps(aave, world);
  await aaveOpenVictims(aave, world);
  for (const kind of LIQUIDATIONS) {
    await setEthPrice(world, PRICES[kind]);
    liquidations["Aave V3"][kind] = await aaveLiquidate(aave, world, kind, trancheRepaid);
  }
  return { userOps, liquidations, batches, lens };
}
