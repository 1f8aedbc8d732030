/**
 * A Sluice system deployed on top of a {@link MainnetWorld}: WETH collateral, USDC quote, the real ChainlinkOracle
 * over the feeds at their mainnet addresses, behind a MarkToModelOracle whose fallback is the 0.05 % pool's TWAP; the
 * FlashLiquidator sells through the mainnet SwapRouter on that pool. Optionally an L2 configuration: the
 * ChainlinkOracle checks a sequencer-uptime feed (a settable aggregator: answer 0 = up, 1 = down) and is the market's
 * oracle directly.
 *
 * Interest is frozen (zero slopes) so that a preview read one block before a liquidation gives its exact amounts and
 * the lenders' loss on bad debt equals the socialized part to the unit; the scenarios are about liquidation, not
 * accrual.
 *
 * Units: USDC 6 decimals, WETH 18; ratios and shares WAD; liquidity in Uniswap `L` units; seconds.
 */
import { ZeroAddress, type JsonRpcSigner } from "ethers";

import {
  ChainlinkOracle__factory,
  FlashLiquidator__factory,
  MarkToModelOracle__factory,
  MockV3Aggregator__factory,
  PositionLens__factory,
  type ChainlinkOracle,
  type FlashLiquidator,
  type InsuranceFund,
  type LendingPool,
  type LiquidationEngine,
  type MarginVault,
  type MarkToModelOracle,
  type MockV3Aggregator,
  type PositionLens,
} from "../../typechain-types/index.js";
import { parseRegistry, type Registry } from "../sdk/registry.js";
import { deploySluiceCore } from "../deploy/core.js";
import { DEFAULT_RISK_PARAMS } from "./deploySluice.js";
import { MAINNET, MAINNET_FEED_HEARTBEATS } from "./mainnetAddresses.js";
import { fundUsdc, type MainnetWorld } from "./mainnetCanonical.js";

const USDC_UNIT = 10n ** 6n;

/** TWAP window of the fallback (seconds): the oracle's minimum. */
export const TWAP_WINDOW = 1_800n;
/**
 * Smallest in-range liquidity for the TWAP fallback (Uniswap `L`): 1e17 is about $11M of full-range-equivalent
 * depth at $3,000 per ETH. The 0.05 % pool is above it (canonical: ~1.5e18 at the start; mainnet: far more), the 1 %
 * pool below (canonical: ~1e15).
 */
export const TWAP_MIN_LIQUIDITY = 10n ** 17n;
/** Largest distance of the TWAP from the last good primary price (WAD): 10 %. */
export const TWAP_MAX_DEVIATION = 10n ** 17n;
/**
 * Largest age of the fallback's anchor (seconds): 2 days, as in deploy/parameters/mainnet.json5. Above USDC/USD's
 * 24 h heartbeat, since the anchor's age counts from the older of the two feeds' answers.
 */
export const TWAP_MAX_ANCHOR_AGE = 172_800n;
/** Grace period after an L2 sequencer restart (seconds), as Aave and Chainlink's docs use. */
export const SEQUENCER_GRACE_PERIOD = 3_600n;

/** The market's risk parameters: the architecture's example, with a wider rolling window (10M USDC per hour). */
export const SCENARIO_RISK_PARAMS = { ...DEFAULT_RISK_PARAMS, windowLimit: 10_000_000n * USDC_UNIT };

/** Options of {@link deploySluiceOnWorld}. */
export interface SluiceOnWorldOptions {
  /** USDC the lender deposits into the lending pool (units). */
  lentAssets?: bigint;
  /** L2 configuration: a sequencer-uptime feed is deployed and checked, and the market prices with Chainlink only. */
  l2?: boolean;
}

/** The deployed system and its registry (keeper and SDK read it). */
export interface SluiceOnWorld {
  registry: Registry;
  vault: MarginVault;
  engine: LiquidationEngine;
  lendingPool: LendingPool;
  fund: InsuranceFund;
  lens: PositionLens;
  flash: FlashLiquidator;
  chainlinkOracle: ChainlinkOracle;
  /** The market's oracle when not on L2: Chainlink first, the 0.05 % pool's TWAP when Chainlink is invalid. */
  markToModel: MarkToModelOracle | undefined;
  /** The sequencer-uptime feed of the L2 configuration. */
  sequencerFeed: MockV3Aggregator | undefined;
  marketId: bigint;
}

/** Deploys Sluice from `world.deployer` (every role) with one WETH/USDC market; the FlashLiquidator is the keeper's. */
export async function deploySluiceOnWorld(
  world: MainnetWorld,
  options: SluiceOnWorldOptions = {},
): Promise<SluiceOnWorld> {
  const deployer: JsonRpcSigner = world.deployer;
  const admin = await deployer.getAddress();
  const keeper = await world.keeper.getAddress();
  let sequencerFeed: MockV3Aggregator | undefined;
  if (options.l2 === true) {
    sequencerFeed = await new MockV3Aggregator__factory(deployer).deploy(0, 0n);
    // Up (answer 0) for two grace periods already, as a long-running L2 would report.
    const now = BigInt((await world.provider.getBlock("latest"))!.timestamp);
    await (await sequencerFeed.updateRoundData(2n, 0n, now, now - 2n * SEQUENCER_GRACE_PERIOD)).wait();
  }
  const chainlinkOracle = await new ChainlinkOracle__factory(deployer).deploy(
    MAINNET.CHAINLINK_ETH_USD,
    MAINNET_FEED_HEARTBEATS.ethUsd,
    MAINNET.CHAINLINK_USDC_USD,
    MAINNET_FEED_HEARTBEATS.usdcUsd,
    18,
    6,
    sequencerFeed === undefined ? ZeroAddress : await sequencerFeed.getAddress(),
    sequencerFeed === undefined ? 0n : SEQUENCER_GRACE_PERIOD,
  );
  let markToModel: MarkToModelOracle | undefined;
  if (sequencerFeed === undefined) {
    markToModel = await deployMarkToModel(world, chainlinkOracle, await world.pool.getAddress());
  }
  const marketOracle = markToModel ?? chainlinkOracle;
  const {
    pool: lendingPool,
    vault,
    fund,
    engine,
  } = await deploySluiceCore(deployer, {
    quote: MAINNET.USDC,
    admin,
    curve: { baseRatePerYear: 0n, slope1PerYear: 0n, slope2PerYear: 0n, kink: 8n * 10n ** 17n },
  });
  await (
    await vault.createMarket(MAINNET.WETH9, await lendingPool.getAddress(), await marketOracle.getAddress(), {
      ...SCENARIO_RISK_PARAMS,
    })
  ).wait();
  // Records the first good primary price (the TWAP's anchor); Chainlink's updatePrice is a view.
  if (markToModel !== undefined) await (await markToModel.updatePrice()).wait();

  const lent = options.lentAssets ?? 50_000_000n * USDC_UNIT;
  const lender = world.lender;
  await fundUsdc(world, await lender.getAddress(), lent);
  await (await world.usdc.connect(lender).approve(await lendingPool.getAddress(), lent)).wait();
  await (await lendingPool.connect(lender).deposit(lent, await lender.getAddress())).wait();

  const flash = await new FlashLiquidator__factory(deployer).deploy(
    await engine.getAddress(),
    await vault.getAddress(),
    await world.router.getAddress(),
    keeper,
  );
  const lens = await new PositionLens__factory(deployer).deploy(await vault.getAddress(), await engine.getAddress());
  const network = await world.provider.getNetwork();
  const registry = parseRegistry({
    chainId: network.chainId.toString(),
    network: world.mode === "fork" ? "mainnet-fork" : "mainnet-canonical",
    contracts: {
      MarginVault: await vault.getAddress(),
      LiquidationEngine: await engine.getAddress(),
      InsuranceFund: await fund.getAddress(),
      PositionLens: await lens.getAddress(),
      FlashLiquidator: await flash.getAddress(),
      SwapRouter: await world.router.getAddress(),
      WrappedNative: MAINNET.WETH9,
    },
    markets: [
      {
        id: "1",
        label: "WETH/USDC",
        collateral: MAINNET.WETH9,
        quote: MAINNET.USDC,
        pool: await lendingPool.getAddress(),
        oracle: await marketOracle.getAddress(),
        swapPath: world.swapPath,
      },
    ],
  });
  return {
    registry,
    vault,
    engine,
    lendingPool,
    fund,
    lens,
    flash,
    chainlinkOracle,
    markToModel,
    sequencerFeed,
    marketId: 1n,
  };
}

/** A MarkToModelOracle over `primary` with the TWAP of the USDC/WETH pool at `pool` as its fallback. */
export async function deployMarkToModel(
  world: MainnetWorld,
  primary: ChainlinkOracle,
  pool: string,
): Promise<MarkToModelOracle> {
  return new MarkToModelOracle__factory(world.deployer).deploy(
    await primary.getAddress(),
    pool,
    MAINNET.WETH9,
    MAINNET.USDC,
    TWAP_WINDOW,
    TWAP_MIN_LIQUIDITY,
    TWAP_MAX_DEVIATION,
    TWAP_MAX_ANCHOR_AGE,
  );
}
