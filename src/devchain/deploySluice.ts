/**
 * A whole Sluice system on a development chain (the in-process Hardhat network or a `hardhat node`): tokens,
 * Chainlink-compatible feeds behind the real ChainlinkOracle, the core contracts with one WETH/USDC market, a real
 * Uniswap V3 pool with full-range liquidity, and the keeper periphery. Returns the address registry the SDK and the
 * keeper read. Node-only; deploys from the compiled artifacts (run `npm run build` first).
 *
 * Units: USDC 6 decimals, WETH 18; feed answers 8 decimals; ratios WAD.
 */
import type { Signer } from "ethers";

import {
  ChainlinkOracle__factory,
  FlashLiquidator__factory,
  LiquidationUpkeep__factory,
  MockERC20__factory,
  MockV3Aggregator__factory,
  PositionLens__factory,
  type MockERC20,
  type MockV3Aggregator,
} from "../../typechain-types/index.js";
import { deploySluiceCore } from "../deploy/core.js";
import { parseRegistry, type Registry } from "../sdk/registry.js";
import { addFullRangeLiquidity, createPool, deployUniswapV3, encodePath, type UniswapV3Deployment } from "./uniswap.js";

const USDC = 10n ** 6n;
const WAD = 10n ** 18n;
const FEE = 3000n;

/**
 * The example parameters of ARCHITECTURE.md (`IMarginVault.RiskParams`), with no minimum tranche (`minTrancheDebt`
 * 0: tranches sized exactly as the target and the caps ask). The demo adds one (`BASE_RISK_PARAMS` in
 * `src/demo/world.ts`).
 */
export const DEFAULT_RISK_PARAMS = {
  initialRatio: 14n * 10n ** 17n,
  targetRatio: 125n * 10n ** 16n,
  maintenanceRatio: 12n * 10n ** 17n,
  fullLiquidationRatio: 108n * 10n ** 16n,
  minBonus: 2n * 10n ** 16n,
  maxBonus: 6n * 10n ** 16n,
  keeperShare: 7n * 10n ** 17n,
  maxTrancheShare: 25n * 10n ** 16n,
  maxTrancheDebt: 250_000n * USDC,
  minTrancheDebt: 0n,
  minDebt: 100n * USDC,
  windowLimit: 2_000_000n * USDC,
  window: 3600n,
  trancheCooldown: 300n,
  borrowCap: 10n ** 30n,
  collateralCap: 10n ** 30n,
};

/** Options of {@link deployLocalSluice}. */
export interface LocalSluiceOptions {
  /** Owner of the FlashLiquidator and the upkeep (the keeper's address); defaults to the deployer. */
  keeperOwner?: string;
  /** ETH price in USD at the start (whole dollars). */
  ethUsd?: bigint;
  /** USDC lent to the pool by the deployer (quote units). */
  lentAssets?: bigint;
  /** WETH and USDC in the Uniswap pool (whole units). */
  poolWeth?: bigint;
  /** Heartbeat of the feeds (seconds): long on a simulated chain whose clock jumps. */
  heartbeat?: bigint;
}

/** What {@link deployLocalSluice} deployed, with handles to move the world. */
export interface LocalSluice {
  registry: Registry;
  usdc: MockERC20;
  weth: MockERC20;
  ethUsdFeed: MockV3Aggregator;
  uniswap: UniswapV3Deployment;
  poolAddress: string;
  swapPath: string;
}

/** Deploys everything from `deployer` (which holds every role) and returns the registry and handles. */
export async function deployLocalSluice(deployer: Signer, options: LocalSluiceOptions = {}): Promise<LocalSluice> {
  const admin = await deployer.getAddress();
  const keeperOwner = options.keeperOwner ?? admin;
  const ethUsd = options.ethUsd ?? 3000n;
  const heartbeat = options.heartbeat ?? 86_400n * 365n;
  const network = await deployer.provider?.getNetwork();
  if (network === undefined) throw new Error("deployLocalSluice: the deployer has no provider");

  const usdc = await new MockERC20__factory(deployer).deploy("USD Coin", "USDC", 6);
  const weth = await new MockERC20__factory(deployer).deploy("Wrapped Ether", "WETH", 18);
  const ethUsdFeed = await new MockV3Aggregator__factory(deployer).deploy(8, ethUsd * 10n ** 8n);
  const usdcUsdFeed = await new MockV3Aggregator__factory(deployer).deploy(8, 10n ** 8n);
  const oracle = await new ChainlinkOracle__factory(deployer).deploy(
    await ethUsdFeed.getAddress(),
    heartbeat,
    await usdcUsdFeed.getAddress(),
    heartbeat,
    18,
    6,
    "0x0000000000000000000000000000000000000000",
    0,
  );
  const { pool, vault, engine, fund } = await deploySluiceCore(deployer, {
    quote: await usdc.getAddress(),
    admin,
  });
  await (
    await vault.createMarket(
      await weth.getAddress(),
      await pool.getAddress(),
      await oracle.getAddress(),
      DEFAULT_RISK_PARAMS,
    )
  ).wait();
  const lent = options.lentAssets ?? 50_000_000n * USDC;
  await (await usdc.mint(admin, lent)).wait();
  await (await usdc.approve(await pool.getAddress(), lent)).wait();
  await (await pool.deposit(lent, admin)).wait();

  // Uniswap V3 with a 0.3 % WETH/USDC pool at the feed price.
  const uniswap = await deployUniswapV3(deployer);
  const [wethAddress, usdcAddress] = [await weth.getAddress(), await usdc.getAddress()];
  const pool3 = await createPool(uniswap.factory, deployer, wethAddress, usdcAddress, FEE, WAD, ethUsd * USDC, 64);
  const poolWeth = options.poolWeth ?? 2_000n;
  await (await weth.mint(admin, poolWeth * WAD)).wait();
  await (await usdc.mint(admin, poolWeth * ethUsd * USDC)).wait();
  await addFullRangeLiquidity(uniswap, deployer, weth, usdc, FEE, poolWeth * WAD, poolWeth * ethUsd * USDC);

  const flash = await new FlashLiquidator__factory(deployer).deploy(
    await engine.getAddress(),
    await vault.getAddress(),
    await uniswap.router.getAddress(),
    keeperOwner,
  );
  const upkeep = await new LiquidationUpkeep__factory(deployer).deploy(
    await engine.getAddress(),
    await vault.getAddress(),
    await flash.getAddress(),
    admin,
  );
  const lens = await new PositionLens__factory(deployer).deploy(await vault.getAddress(), await engine.getAddress());
  const swapPath = encodePath([wethAddress, usdcAddress], [FEE]);
  // Each sale at most 2 % under the oracle value (fee and price impact included), no minimum profit.
  await (await upkeep.setRoute(1n, swapPath, 2n * 10n ** 16n, 0n)).wait();

  const registry = parseRegistry({
    chainId: network.chainId.toString(),
    network: network.name === "unknown" ? "localhost" : network.name,
    contracts: {
      MarginVault: await vault.getAddress(),
      LiquidationEngine: await engine.getAddress(),
      InsuranceFund: await fund.getAddress(),
      PositionLens: await lens.getAddress(),
      FlashLiquidator: await flash.getAddress(),
      LiquidationUpkeep: await upkeep.getAddress(),
      SwapRouter: await uniswap.router.getAddress(),
      // The mock WETH stands for the native token here, so keepers value gas at the market's price.
      WrappedNative: wethAddress,
    },
    markets: [
      {
        id: "1",
        label: "WETH/USDC",
        collateral: wethAddress,
        quote: usdcAddress,
        pool: await pool.getAddress(),
        oracle: await oracle.getAddress(),
        swapPath,
      },
    ],
  });
  return { registry, usdc, weth, ethUsdFeed, uniswap, poolAddress: await pool3.getAddress(), swapPath };
}
