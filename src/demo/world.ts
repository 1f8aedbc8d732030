/**
 * The demo's world: the deployed system, the actors and the opened book. {@link deployDemoSystem} is the one seam
 * through which the system is deployed: today `deployLocalSluice` (src/devchain); swap its body for the Ignition
 * modules (deploy/modules) and nothing else in the demo changes.
 *
 * Units: token-native amounts (WETH 18 decimals, USDC 6); prices 1e36-scaled where they are bigint.
 */
import { Contract, MaxUint256, type Signer } from "ethers";

import {
  InsuranceFund__factory,
  LendingPool__factory,
  LiquidationEngine__factory,
  MarginVault__factory,
  type InsuranceFund,
  type LendingPool,
  type LiquidationEngine,
  type MarginVault,
  type MockERC20,
  type MockV3Aggregator,
} from "../../typechain-types/index.js";
import { DEFAULT_RISK_PARAMS, deployLocalSluice } from "../devchain/deploySluice.js";
import type { SwapRouter } from "../devchain/uniswap.js";
import type { Registry } from "../sdk/registry.js";
import type { BookPosition } from "./book.js";

/** The functions of the Uniswap V3 pool the demo reads. */
export interface PoolReader {
  slot0(): Promise<{ sqrtPriceX96: bigint }>;
}

/** The deployed system, as the demo uses it. */
export interface DemoSystem {
  registry: Registry;
  marketId: bigint;
  usdc: MockERC20;
  weth: MockERC20;
  /** Chainlink-style ETH/USD feed (8 decimals) behind the market's oracle: `updateAnswer` moves the price. */
  ethUsdFeed: MockV3Aggregator;
  vault: MarginVault;
  engine: LiquidationEngine;
  lendingPool: LendingPool;
  insuranceFund: InsuranceFund;
  /** The Uniswap V3 WETH/USDC pool the keeper sells on. */
  uniswapPool: PoolReader;
  uniswapPoolAddress: string;
  router: SwapRouter;
  /** Uniswap fee tier of the pool (hundredths of a basis point). */
  poolFee: bigint;
}

/** Options of {@link deployDemoSystem}. */
export interface DemoSystemOptions {
  /** Whole USD per ETH at deployment. */
  ethUsd: bigint;
  /** WETH in the Uniswap pool, whole units (matched by USDC at `ethUsd`). */
  poolWeth: bigint;
  /** USDC lent to the lending pool, quote units. */
  lentAssets: bigint;
  /** Owner of the FlashLiquidator: the keeper's address. */
  keeperOwner: string;
}

/**
 * The seam: deploys Sluice with its market, oracle, Uniswap V3 pool and FlashLiquidator, with `admin` holding every
 * governance role. Replace `deployLocalSluice` here by the Ignition modules when they land.
 */
export async function deployDemoSystem(admin: Signer, options: DemoSystemOptions): Promise<DemoSystem> {
  const local = await deployLocalSluice(admin, {
    ethUsd: options.ethUsd,
    poolWeth: options.poolWeth,
    lentAssets: options.lentAssets,
    keeperOwner: options.keeperOwner,
  });
  const market = local.registry.markets[0];
  if (market === undefined) throw new Error("deployDemoSystem: the deployment listed no market");
  const { contracts } = local.registry;
  return {
    registry: local.registry,
    marketId: BigInt(market.id),
    usdc: local.usdc,
    weth: local.weth,
    ethUsdFeed: local.ethUsdFeed,
    vault: MarginVault__factory.connect(contracts.MarginVault, admin),
    engine: LiquidationEngine__factory.connect(contracts.LiquidationEngine, admin),
    lendingPool: LendingPool__factory.connect(market.pool, admin),
    insuranceFund: InsuranceFund__factory.connect(contracts.InsuranceFund, admin),
    uniswapPool: new Contract(
      local.poolAddress,
      ["function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)"],
      admin,
    ) as unknown as PoolReader,
    uniswapPoolAddress: local.poolAddress,
    router: local.uniswap.router,
    poolFee: 3000n,
  };
}

/** The base (incremental) risk parameters the market is listed with. */
export const BASE_RISK_PARAMS = DEFAULT_RISK_PARAMS;

/** Positions opened per `multicall` transaction on the vault. */
const POSITIONS_PER_BATCH = 10;

/**
 * Opens the book from `borrower`: mints and approves the collateral, then opens, funds and borrows each position,
 * {@link POSITIONS_PER_BATCH} positions per vault `multicall` transaction. Returns the position ids in book order.
 */
export async function openBook(system: DemoSystem, borrower: Signer, book: readonly BookPosition[]): Promise<bigint[]> {
  const owner = await borrower.getAddress();
  const vault = system.vault.connect(borrower);
  const total = book.reduce((sum, p) => sum + p.collateralAssets, 0n);
  await (await system.weth.mint(owner, total)).wait();
  await (await system.weth.connect(borrower).approve(await vault.getAddress(), MaxUint256)).wait();
  const ids: bigint[] = [];
  let next = await vault.nextPositionId();
  for (let start = 0; start < book.length; start += POSITIONS_PER_BATCH) {
    const calls: string[] = [];
    for (const position of book.slice(start, start + POSITIONS_PER_BATCH)) {
      const id = next++;
      ids.push(id);
      calls.push(
        vault.interface.encodeFunctionData("openPosition", [system.marketId]),
        vault.interface.encodeFunctionData("depositCollateral", [id, position.collateralAssets]),
        vault.interface.encodeFunctionData("borrow", [id, position.debtAssets, owner]),
      );
    }
    await (await vault.multicall(calls)).wait();
  }
  return ids;
}
