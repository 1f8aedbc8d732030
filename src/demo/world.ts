/**
 * The demo's world: the deployed system, the actors and the opened book. {@link deployDemoSystem} is the one seam
 * through which the system is deployed: the Ignition modules (deploy/modules, through `deploySluiceIgnition`) with
 * `deploy/parameters/localhost.json5` and the demo's overrides, then liquidity in the LocalMocks Uniswap pool and the
 * lenders' deposit.
 *
 * Units: token-native amounts (WETH 18 decimals, USDC 6); prices 1e36-scaled where they are bigint.
 */
import { fileURLToPath } from "node:url";

import { Contract, ContractFactory, getAddress, MaxUint256, ZeroAddress, type Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import PositionManagerArtifact from "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json" with { type: "json" };
import QuoterV2Artifact from "@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json" with { type: "json" };
import SwapRouterArtifact from "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json" with { type: "json" };
import UniswapV3FactoryArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json" with { type: "json" };
import UniswapV3PoolArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json" with { type: "json" };

import { LOCAL_POOL_FEE } from "../../deploy/modules/LocalMocks.js";
import {
  InsuranceFund__factory,
  LendingPool__factory,
  LiquidationEngine__factory,
  MarginVault__factory,
  MockERC20__factory,
  MockV3Aggregator__factory,
  type InsuranceFund,
  type LendingPool,
  type LiquidationEngine,
  type MarginVault,
  type MockERC20,
  type MockV3Aggregator,
} from "../../typechain-types/index.js";
import { deploySluiceIgnition } from "../deploy/ignition.js";
import { readParameterFile } from "../deploy/parameters.js";
import {
  addFullRangeLiquidity,
  sqrtPriceX96At,
  type PositionManager,
  type QuoterV2,
  type SwapRouter,
  type UniswapV3Factory,
  type UniswapV3Pool,
} from "../devchain/uniswap.js";
import type { Registry } from "../sdk/registry.js";
import type { BookPosition } from "./book.js";
import { BASE_RISK_PARAMS } from "./policies.js";

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
  /** The vault, connected to the deployer (which holds no role: connect the governance signer to change params). */
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

/** The demo's accounts besides the deployer. */
export interface DemoAccounts {
  /** Guardian and risk manager of the market (switches policies with `setRiskParams`), proposer and executor of the
   * timelock. Must not be the deployer, which keeps no role. */
  governance: Signer;
  /** Deposits `lentAssets` into the lending pool. */
  lender: Signer;
  /** Owner of the FlashLiquidator: the keeper. */
  keeper: Signer;
}

/** Options of {@link deployDemoSystem}. */
export interface DemoSystemOptions {
  /** Whole USD per ETH at deployment. */
  ethUsd: bigint;
  /** WETH in the Uniswap pool, whole units (matched by USDC at `ethUsd`). */
  poolWeth: bigint;
  /** USDC lent to the lending pool, quote units. */
  lentAssets: bigint;
}

/** The parameter file the demo deploys with, relative to the repository (its overrides are applied in memory). */
export const DEMO_PARAMETER_FILE = "deploy/parameters/localhost.json5";
const PARAMETER_PATH = fileURLToPath(new URL(`../../${DEMO_PARAMETER_FILE}`, import.meta.url));

/** TWAP observations the pool keeps (the MarkToModelOracle's fallback reads a 30-minute TWAP). */
const POOL_OBSERVATIONS = 64;

const WAD = 10n ** 18n;
const USDC = 10n ** 6n;

function section(json: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = json[name];
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The localhost parameters with the demo's overrides: the ETH price of LocalMocks' feed, the governance account as
 * guardian, risk manager, proposer and executor, the keeper as FlashLiquidator owner, and {@link BASE_RISK_PARAMS}.
 */
export function demoParameters(
  file: unknown,
  overrides: { ethUsd: bigint; governance: string; keeperOwner: string },
): Record<string, unknown> {
  if (file === null || typeof file !== "object" || Array.isArray(file)) {
    throw new Error(`${DEMO_PARAMETER_FILE}: the file must hold an object of modules`);
  }
  const json = file as Record<string, unknown>;
  const governance = getAddress(overrides.governance);
  return {
    ...json,
    LocalMocks: { ...section(json, "LocalMocks"), ethUsdAnswer: overrides.ethUsd * 10n ** 8n },
    Governance: { ...section(json, "Governance"), proposers: [governance], executors: [governance] },
    Core: { ...section(json, "Core"), guardian: governance, riskManager: governance },
    Market: { ...section(json, "Market"), riskParams: { ...BASE_RISK_PARAMS } },
    Periphery: { ...section(json, "Periphery"), keeperOwner: getAddress(overrides.keeperOwner) },
  };
}

/** A contract from an npm artifact (`abi` + `bytecode`), deployed by `deployer`. */
async function deployArtifact(
  artifact: { abi: unknown[]; bytecode: string },
  deployer: Signer,
  ...args: string[]
): Promise<Contract> {
  const contract = await new ContractFactory(artifact.abi as never, artifact.bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

/**
 * The seam: deploys Sluice through the Ignition modules on `connection` (LocalMocks, then Sluice: governance in a
 * timelock, the deployer keeping no role), initializes LocalMocks' empty WETH/USDC pool at `ethUsd` and adds
 * `poolWeth` WETH and the matching USDC of full-range liquidity from the deployer (through a
 * NonfungiblePositionManager deployed from Uniswap's npm artifact over the Ignition factory), and lends `lentAssets`
 * from the lender.
 * @param connection - The demo's in-process network connection (`network.create()`); `deployer` is its account #0.
 */
export async function deployDemoSystem(
  connection: NetworkConnection,
  deployer: Signer,
  accounts: DemoAccounts,
  options: DemoSystemOptions,
): Promise<DemoSystem> {
  const [governance, keeperOwner] = [await accounts.governance.getAddress(), await accounts.keeper.getAddress()];
  const json = demoParameters(readParameterFile(PARAMETER_PATH), {
    ethUsd: options.ethUsd,
    governance,
    keeperOwner,
  });
  const deployment = await deploySluiceIgnition(connection, json, { file: DEMO_PARAMETER_FILE, network: "localhost" });
  const { registry, mocks } = deployment;
  const market = registry.markets[0];
  if (market === undefined) throw new Error("deployDemoSystem: the deployment listed no market");
  if (mocks === undefined) throw new Error("deployDemoSystem: the local deployment returned no LocalMocks addresses");

  const usdc = MockERC20__factory.connect(mocks.usdc, deployer);
  const weth = MockERC20__factory.connect(mocks.weth, deployer);
  const router = new Contract(mocks.swapRouter, SwapRouterArtifact.abi, deployer) as unknown as SwapRouter;

  // LocalMocks' pool is empty and uninitialized: price it at the feed and fill it.
  const pool = new Contract(mocks.uniswapPool, UniswapV3PoolArtifact.abi, deployer) as unknown as UniswapV3Pool;
  await (await pool.initialize(sqrtPriceX96At(mocks.weth, mocks.usdc, WAD, options.ethUsd * USDC))).wait();
  await (await pool.increaseObservationCardinalityNext(POOL_OBSERVATIONS)).wait();
  const positionManager = await deployArtifact(
    PositionManagerArtifact,
    deployer,
    mocks.uniswapFactory,
    mocks.weth,
    ZeroAddress,
  );
  const quoter = await deployArtifact(QuoterV2Artifact, deployer, mocks.uniswapFactory, mocks.weth);
  const uniswap = {
    factory: new Contract(mocks.uniswapFactory, UniswapV3FactoryArtifact.abi, deployer) as unknown as UniswapV3Factory,
    router,
    positionManager: positionManager as unknown as PositionManager,
    quoter: quoter as unknown as QuoterV2,
    weth9: mocks.weth,
  };
  const deployerAddress = await deployer.getAddress();
  const [poolWeth, poolUsdc] = [options.poolWeth * WAD, options.poolWeth * options.ethUsd * USDC];
  await (await weth.mint(deployerAddress, poolWeth)).wait();
  await (await usdc.mint(deployerAddress, poolUsdc)).wait();
  await addFullRangeLiquidity(uniswap, deployer, weth, usdc, LOCAL_POOL_FEE, poolWeth, poolUsdc);

  const lendingPool = LendingPool__factory.connect(market.pool, deployer);
  const lender = await accounts.lender.getAddress();
  await (await usdc.mint(lender, options.lentAssets)).wait();
  await (await usdc.connect(accounts.lender).approve(market.pool, options.lentAssets)).wait();
  await (await lendingPool.connect(accounts.lender).deposit(options.lentAssets, lender)).wait();

  const { contracts } = registry;
  return {
    registry,
    marketId: market.id,
    usdc,
    weth,
    ethUsdFeed: MockV3Aggregator__factory.connect(mocks.ethUsdFeed, deployer),
    vault: MarginVault__factory.connect(contracts.MarginVault, deployer),
    engine: LiquidationEngine__factory.connect(contracts.LiquidationEngine, deployer),
    lendingPool,
    insuranceFund: InsuranceFund__factory.connect(contracts.InsuranceFund, deployer),
    uniswapPool: new Contract(
      mocks.uniswapPool,
      ["function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)"],
      deployer,
    ) as unknown as PoolReader,
    uniswapPoolAddress: mocks.uniswapPool,
    router,
    poolFee: LOCAL_POOL_FEE,
  };
}

/** The base (incremental) risk parameters the market is listed with (see `policies.ts`). */
export { BASE_RISK_PARAMS };

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
