import { expect } from "chai";
import { network } from "hardhat";
import { MaxUint256, ZeroAddress } from "ethers";

import { createPool, deployUniswapV3, sqrtFloor as sqrt } from "../../src/devchain/uniswap.js";

import type {
  ChainlinkOracle,
  MarkToModelOracle,
  MockV3Aggregator,
  MockERC20,
  UniswapV3LiquidityProvider,
} from "../../typechain-types/index.js";

/** `IOracle.PriceStatus`. */
const INVALID = 0n;
const PRIMARY = 1n;
const FALLBACK = 2n;

const ORACLE_PRICE_SCALE = 10n ** 36n;
const Q96 = 2n ** 96n;
const Q192 = 2n ** 192n;
const FEE = 3000n; // 0.3 % pool, tick spacing 60
const FULL_RANGE_LOWER = -887_220n;
const FULL_RANGE_UPPER = 887_220n;
/** Full-range liquidity: at 3000 USDC per WETH about 182 WETH and 548k USDC. */
const LIQUIDITY = 10n ** 16n;
const TWAP_WINDOW = 1800n;
const MAX_DEVIATION = 5n * 10n ** 16n; // 5 %
const MAX_ANCHOR_AGE = 2n * 86_400n; // 2 days, above the USDC/USD heartbeat
const ETH_USD_HEARTBEAT = 3600n;
const USDC_USD_HEARTBEAT = 86_400n;
const WETH = 10n ** 18n;
const USDC = 10n ** 6n;
/** 3000 USDC per WETH, as the 1e36-scaled price of one wei in USDC units. */
const PRICE_3000 = (3000n * USDC * ORACLE_PRICE_SCALE) / WETH;

/** Floor division (towards negative infinity), as the oracle rounds the mean tick. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** 1.0001^tick scaled by 1e36, computed independently of TickMath in 1e60 fixed point (relative error < 1e-55). */
function tickToPrice(tick: bigint, collateralIsToken0: boolean): bigint {
  const one = 10n ** 60n;
  let base = 10_001n * 10n ** 56n;
  let result = one;
  for (let n = tick < 0n ? -tick : tick; n > 0n; n >>= 1n) {
    if (n & 1n) result = (result * base) / one;
    base = (base * base) / one;
  }
  // result = 1.0001^|tick|; the collateral price is 1.0001^tick as token0, 1.0001^-tick as token1.
  const positive = tick >= 0n === collateralIsToken0;
  const scaled = positive ? result : (one * one) / result;
  return scaled / 10n ** 24n;
}

/** The pool's spot price from `sqrtPriceX96`, as the 1e36-scaled price of one collateral unit. */
function spotPrice(sqrtPriceX96: bigint, collateralIsToken0: boolean): bigint {
  const priceX192 = sqrtPriceX96 * sqrtPriceX96;
  return collateralIsToken0 ? (priceX192 * ORACLE_PRICE_SCALE) / Q192 : (Q192 * ORACLE_PRICE_SCALE) / priceX192;
}

/** |a - b| / b in units of 1e-18. */
function relativeDistance(a: bigint, b: bigint): bigint {
  return ((a > b ? a - b : b - a) * 10n ** 18n) / b;
}

/** Both token orders: the collateral (18-decimal WETH) as the pool's token0, then as its token1. */
for (const collateralIsToken0 of [true, false]) {
  describe(`MarkToModelOracle on a real Uniswap V3 pool (collateral is token${collateralIsToken0 ? 0 : 1})`, function () {
    async function deploy() {
      const { ethers, networkHelpers } = await network.create();
      const [signer] = await ethers.getSigners();
      if (signer === undefined) throw new Error("no signer");
      const deployer = signer;

      // Tokens: redeploy the collateral until the address order gives the wanted token order.
      const usdc: MockERC20 = await ethers.deployContract("MockERC20", ["USD Coin", "USDC", 6]);
      let weth: MockERC20 = await ethers.deployContract("MockERC20", ["Wrapped Ether", "WETH", 18]);
      while (BigInt(await weth.getAddress()) < BigInt(await usdc.getAddress()) !== collateralIsToken0) {
        weth = await ethers.deployContract("MockERC20", ["Wrapped Ether", "WETH", 18]);
      }
      const wethAddress = await weth.getAddress();
      const usdcAddress = await usdc.getAddress();

      // Uniswap V3 from the npm artifacts: factory, a 0.3 % WETH/USDC pool at 3000 USDC per WETH, 64 observations.
      const { factory, router } = await deployUniswapV3(deployer);
      const pool = await createPool(factory, deployer, wethAddress, usdcAddress, FEE, WETH, 3000n * USDC, 64);

      const provider: UniswapV3LiquidityProvider = await ethers.deployContract("UniswapV3LiquidityProvider");
      await (await weth.mint(deployer.address, 100_000n * WETH)).wait();
      await (await usdc.mint(deployer.address, 1_000_000_000n * USDC)).wait();
      await (await weth.approve(await provider.getAddress(), MaxUint256)).wait();
      await (await usdc.approve(await provider.getAddress(), MaxUint256)).wait();
      await (await provider.mint(await pool.getAddress(), FULL_RANGE_LOWER, FULL_RANGE_UPPER, LIQUIDITY)).wait();

      await (await weth.approve(await router.getAddress(), MaxUint256)).wait();
      await (await usdc.approve(await router.getAddress(), MaxUint256)).wait();

      // Primary: ETH/USD and USDC/USD, 8 decimals, on L1 (no sequencer feed).
      const ethUsd: MockV3Aggregator = await ethers.deployContract("MockV3Aggregator", [8, 3000n * 10n ** 8n]);
      const usdcUsd: MockV3Aggregator = await ethers.deployContract("MockV3Aggregator", [8, 10n ** 8n]);
      const chainlink: ChainlinkOracle = await ethers.deployContract("ChainlinkOracle", [
        await ethUsd.getAddress(),
        ETH_USD_HEARTBEAT,
        await usdcUsd.getAddress(),
        USDC_USD_HEARTBEAT,
        18,
        6,
        ZeroAddress,
        0,
      ]);
      const deployOracle = (minLiquidity: bigint): Promise<MarkToModelOracle> =>
        pool
          .getAddress()
          .then((poolAddress) =>
            ethers.deployContract("MarkToModelOracle", [
              chainlink,
              poolAddress,
              wethAddress,
              usdcAddress,
              TWAP_WINDOW,
              minLiquidity,
              MAX_DEVIATION,
              MAX_ANCHOR_AGE,
            ]),
          );
      const oracle = await deployOracle(LIQUIDITY / 2n);

      /** Sells `amountIn` of `tokenIn` for the other token through the SwapRouter; returns the pool tick after it. */
      async function swap(tokenIn: MockERC20, amountIn: bigint): Promise<bigint> {
        const tokenInAddress = await tokenIn.getAddress();
        await (
          await router.exactInputSingle({
            tokenIn: tokenInAddress,
            tokenOut: tokenInAddress === wethAddress ? usdcAddress : wethAddress,
            fee: FEE,
            recipient: deployer.address,
            deadline: MaxUint256,
            amountIn,
            amountOutMinimum: 0n,
            sqrtPriceLimitX96: 0n,
          })
        ).wait();
        return (await pool.slot0()).tick;
      }

      /** Sends `updatePrice()` and returns the `PriceSourced` event's arguments and the block time. */
      async function updatePrice(o: MarkToModelOracle): Promise<{ status: bigint; price: bigint; time: bigint }> {
        const receipt = await (await o.updatePrice()).wait();
        if (receipt === null) throw new Error("no receipt");
        const events = await o.queryFilter(o.filters.PriceSourced, receipt.blockNumber, receipt.blockNumber);
        const event = events[0];
        if (events.length !== 1 || event === undefined) throw new Error("expected one PriceSourced event");
        const block = await ethers.provider.getBlock(receipt.blockNumber);
        if (block === null) throw new Error("no block");
        return { status: event.args.status, price: event.args.price, time: BigInt(block.timestamp) };
      }

      return {
        ethers,
        networkHelpers,
        pool,
        weth,
        usdc,
        ethUsd,
        usdcUsd,
        chainlink,
        oracle,
        deployOracle,
        swap,
        updatePrice,
      };
    }

    it("prices from the Chainlink primary while it is fresh, and records it", async function () {
      const { oracle, updatePrice } = await deploy();
      const [price, status] = await oracle.price();
      expect(status).to.equal(PRIMARY);
      expect(price).to.equal(PRICE_3000);
      const sourced = await updatePrice(oracle);
      expect(sourced.status).to.equal(PRIMARY);
      expect(sourced.price).to.equal(PRICE_3000);
      expect(await oracle.lastGoodPrice()).to.equal(PRICE_3000);
      expect(await oracle.lastGoodPriceAt()).to.equal(sourced.time);
    });

    it("falls back to the pool TWAP, within one tick of the pool price, once the primary is stale", async function () {
      const { networkHelpers, pool, weth, chainlink, oracle, swap, updatePrice } = await deploy();
      const recorded = await updatePrice(oracle);

      // Move the pool about 2 % down, then let the ETH/USD feed go stale (heartbeat 1 h) for 2 h.
      const tick = await swap(weth, 2n * WETH);
      await networkHelpers.time.increase(7200);
      const [, primaryStatus] = await chainlink.price();
      expect(primaryStatus).to.equal(INVALID);

      const [price, status] = await oracle.price();
      expect(status).to.equal(FALLBACK);
      const spot = spotPrice((await pool.slot0()).sqrtPriceX96, collateralIsToken0);
      // The pool's price moved by ~2 %: the fallback follows it, not the recorded primary price.
      expect(relativeDistance(spot, PRICE_3000)).to.be.greaterThan(10n ** 16n);
      // The mean tick is the current tick floored, so the TWAP sits within one tick (1 bp) of the pool's price...
      expect(relativeDistance(price, spot)).to.be.lessThanOrEqual(10n ** 14n);
      // ...and is 1.0001^tick to within TickMath's own precision (1e-15 here).
      expect(relativeDistance(price, tickToPrice(tick, collateralIsToken0))).to.be.lessThanOrEqual(1000n);

      const sourced = await updatePrice(oracle);
      expect(sourced.status).to.equal(FALLBACK);
      expect(sourced.price).to.equal(price);
      // A fallback price is never recorded as a good primary price.
      expect(await oracle.lastGoodPrice()).to.equal(PRICE_3000);
      expect(await oracle.lastGoodPriceAt()).to.equal(recorded.time);
    });

    it("weights each pool price by the time it held over the window", async function () {
      const { networkHelpers, weth, oracle, swap, updatePrice } = await deploy();
      const recorded = await updatePrice(oracle);

      // Swap at S1 (tick A holds 600 s), again at S1 + 600 (tick B holds 1200 s), read at S1 + 1800: the window is
      // exactly [S1, S1 + 1800]. By then the primary is stale.
      const s1 = recorded.time + 7200n;
      await networkHelpers.time.setNextBlockTimestamp(s1);
      const tickA = await swap(weth, WETH);
      await networkHelpers.time.setNextBlockTimestamp(s1 + 600n);
      const tickB = await swap(weth, 2n * WETH);
      expect(tickB).to.not.equal(tickA);
      await networkHelpers.time.setNextBlockTimestamp(s1 + TWAP_WINDOW);
      const sourced = await updatePrice(oracle);

      expect(sourced.time).to.equal(s1 + TWAP_WINDOW);
      expect(sourced.status).to.equal(FALLBACK);
      const meanTick = floorDiv(tickA * 600n + tickB * 1200n, TWAP_WINDOW);
      expect(relativeDistance(sourced.price, tickToPrice(meanTick, collateralIsToken0))).to.be.lessThanOrEqual(1000n);
      // A time-weighted mean, not the price of either tick alone.
      expect(meanTick).to.not.equal(tickA);
      expect(meanTick).to.not.equal(tickB);
    });

    it("returns to the primary and records its new price when the feed updates again", async function () {
      const { networkHelpers, weth, ethUsd, oracle, swap, updatePrice } = await deploy();
      await updatePrice(oracle);
      await swap(weth, WETH);
      await networkHelpers.time.increase(7200);
      expect((await updatePrice(oracle)).status).to.equal(FALLBACK);

      await (await ethUsd.updateAnswer(3100n * 10n ** 8n)).wait();
      const sourced = await updatePrice(oracle);
      expect(sourced.status).to.equal(PRIMARY);
      expect(sourced.price).to.equal((3100n * USDC * ORACLE_PRICE_SCALE) / WETH);
      expect(await oracle.lastGoodPrice()).to.equal(sourced.price);
      expect(await oracle.lastGoodPriceAt()).to.equal(sourced.time);
    });

    it("is invalid when the TWAP moved beyond the maximum deviation from the last good primary price", async function () {
      const { networkHelpers, pool, weth, oracle, swap, updatePrice } = await deploy();
      await updatePrice(oracle);
      // Sell 20 WETH into ~182 WETH of virtual reserves: the price falls ~20 %.
      await swap(weth, 20n * WETH);
      await networkHelpers.time.increase(7200);
      const spot = spotPrice((await pool.slot0()).sqrtPriceX96, collateralIsToken0);
      expect(relativeDistance(spot, PRICE_3000)).to.be.greaterThan(MAX_DEVIATION);

      const sourced = await updatePrice(oracle);
      expect(sourced.status).to.equal(INVALID);
      expect(sourced.price).to.equal(0n);
    });

    it("is invalid when the pool's in-range liquidity is below the minimum", async function () {
      const { networkHelpers, pool, weth, oracle, deployOracle, swap, updatePrice } = await deploy();
      expect(await pool.liquidity()).to.equal(LIQUIDITY);
      const demanding = await deployOracle(LIQUIDITY + 1n);
      await updatePrice(oracle);
      await updatePrice(demanding);
      await swap(weth, WETH);
      await networkHelpers.time.increase(7200);

      expect((await updatePrice(oracle)).status).to.equal(FALLBACK);
      const sourced = await updatePrice(demanding);
      expect(sourced.status).to.equal(INVALID);
      expect(sourced.price).to.equal(0n);
    });

    it("is invalid while the pool has less history than the window (observe reverts OLD)", async function () {
      const { networkHelpers, pool, weth, oracle, swap, updatePrice } = await deploy();
      await updatePrice(oracle);
      await networkHelpers.time.increase(7200);
      // Fill the ring buffer (64 observations, one per block with a swap) so the oldest is only 64 s old.
      for (let i = 0; i < 64; i++) {
        await swap(weth, WETH / 100n);
      }
      await expect(pool.observe([TWAP_WINDOW, 0n])).to.be.revertedWith("OLD");

      const sourced = await updatePrice(oracle);
      expect(sourced.status).to.equal(INVALID);
      expect(sourced.price).to.equal(0n);

      // Once the window is covered again, the fallback is back.
      await networkHelpers.time.increase(Number(TWAP_WINDOW));
      expect((await updatePrice(oracle)).status).to.equal(FALLBACK);
    });

    it("anchors on Chainlink's latest answer without any updatePrice, and refuses it once older than MAX_ANCHOR_AGE", async function () {
      const { networkHelpers, weth, ethUsd, usdcUsd, oracle, swap, updatePrice } = await deploy();
      await updatePrice(oracle); // records 3000
      // ETH/USD publishes 2,940 (-2 %) and nobody calls updatePrice: the anchor follows the feed anyway.
      await (await ethUsd.updateAnswer(2940n * 10n ** 8n)).wait();
      const price2940 = (2940n * USDC * ORACLE_PRICE_SCALE) / WETH;
      const ethUpdatedAt = (await ethUsd.latestRoundData())[3];
      const usdcUpdatedAt = (await usdcUsd.latestRoundData())[3];
      expect(usdcUpdatedAt < ethUpdatedAt, "USDC/USD answered at deployment, before ETH/USD's new round").to.equal(
        true,
      );
      const anchorAt = usdcUpdatedAt; // the older of the two answers
      expect(await oracle.latestAnswer()).to.deep.equal([price2940, anchorAt]);
      expect(await oracle.lastGoodPrice()).to.equal(PRICE_3000, "not recorded");

      await swap(weth, 2n * WETH); // the pool follows the market about 2 % down
      // At exactly MAX_ANCHOR_AGE after the older feed's answer the TWAP still prices; one second later it does not.
      await networkHelpers.time.setNextBlockTimestamp(anchorAt + MAX_ANCHOR_AGE);
      expect((await updatePrice(oracle)).status).to.equal(FALLBACK);
      await networkHelpers.time.setNextBlockTimestamp(anchorAt + MAX_ANCHOR_AGE + 1n);
      const sourced = await updatePrice(oracle);
      expect(sourced.status).to.equal(INVALID);
      expect(sourced.price).to.equal(0n);
    });
  });
}
