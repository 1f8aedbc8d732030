import { expect } from "chai";
import { network } from "hardhat";
import { MaxUint256 } from "ethers";

import {
  addFullRangeLiquidity,
  createPool,
  deployUniswapV3,
  encodePath,
  sqrtPriceX96At,
} from "../../src/devchain/uniswap.js";
import type { FlashLiquidator, MockERC20 } from "../../typechain-types/index.js";
import { USDC, WAD, deploySystem, openPosition, wethPrice } from "../helpers/system.js";

const FEE = 3000n;
const ORACLE_USD = 2300n;
const POSITIONS = 5;

/**
 * L-3 (audit #17): a sandwich around `FlashLiquidator.liquidateMany` on a real Uniswap V3 pool (factory, pool and
 * SwapRouter from the npm artifacts). The attacker sees the keeper's batch in the mempool, sells WETH into the pool
 * first (front-run), lets the batch sell the seized collateral at the depressed price, then buys the WETH back
 * (back-run). Values are marked at the oracle price.
 */
describe("Sandwiched FlashLiquidator.liquidateMany on a real Uniswap V3 pool (L-3)", function () {
  async function setup() {
    const { ethers, networkHelpers } = await network.create();
    const signers = await ethers.getSigners();
    const signer = (i: number) => {
      const s = signers[i];
      if (s === undefined) throw new Error(`no signer ${i}`);
      return s;
    };
    const [admin, borrower, keeper, attacker, arbitrageur] = [signer(0), signer(1), signer(2), signer(3), signer(4)];
    const system = await deploySystem(ethers, 10_000_000n * USDC, [0n, 0n]);
    const { quote, collateral, engine, vault, oracle } = system;
    const [wethAddress, usdcAddress] = [await collateral.getAddress(), await quote.getAddress()];

    // A 0.3 % WETH/USDC pool at the oracle price with 2,000 WETH and 4,600,000 USDC of full-range liquidity.
    const uniswap = await deployUniswapV3(admin);
    const pool = await createPool(uniswap.factory, admin, wethAddress, usdcAddress, FEE, WAD, ORACLE_USD * USDC);
    await collateral.mint(admin.address, 2_000n * WAD);
    await quote.mint(admin.address, 2_000n * ORACLE_USD * USDC);
    await addFullRangeLiquidity(uniswap, admin, collateral, quote, FEE, 2_000n * WAD, 2_000n * ORACLE_USD * USDC);
    const routerAddress = await uniswap.router.getAddress();

    const flash: FlashLiquidator = await ethers.deployContract("FlashLiquidator", [
      await engine.getAddress(),
      await vault.getAddress(),
      routerAddress,
      keeper.address,
    ]);
    const path = encodePath([wethAddress, usdcAddress], [FEE]);

    // Five positions of 10 WETH against 21,000 USDC (ratio 1.43 at 3,000); the oracle falls to 2,300 (ratio 1.095):
    // each is liquidatable by one tranche of 5,250 USDC (25 % of the debt) seizing about 2.4 WETH.
    const ids: bigint[] = [];
    for (let i = 0; i < POSITIONS; ++i) ids.push(await openPosition(system, borrower, 10n * WAD, 21_000n * USDC));
    await oracle.setPrice(wethPrice(ORACLE_USD));
    const maxRepays = ids.map(() => MaxUint256);

    for (const trader of [attacker, arbitrageur]) {
      await collateral.mint(trader.address, 1_000n * WAD);
      await quote.mint(trader.address, 3_000_000n * USDC);
      await collateral.connect(trader).approve(routerAddress, MaxUint256);
      await quote.connect(trader).approve(routerAddress, MaxUint256);
    }

    /** `trader` swaps until the pool's price is `usd` per WETH (selling WETH below it, USDC above it). */
    async function swapPoolTo(trader: typeof attacker, usd: bigint): Promise<void> {
      const limit = sqrtPriceX96At(wethAddress, usdcAddress, WAD, usd * USDC);
      const current = (await pool.slot0()).sqrtPriceX96;
      if (limit === current) return;
      const sellWeth = limit < current === BigInt(wethAddress) < BigInt(usdcAddress);
      const [tokenIn, tokenOut]: MockERC20[] = sellWeth ? [collateral, quote] : [quote, collateral];
      await (
        await uniswap.router.connect(trader).exactInputSingle({
          tokenIn: await tokenIn.getAddress(),
          tokenOut: await tokenOut.getAddress(),
          fee: FEE,
          recipient: trader.address,
          deadline: MaxUint256,
          amountIn: sellWeth ? 1_000n * WAD : 3_000_000n * USDC,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: limit,
        })
      ).wait();
    }

    /** `trader`'s WETH and USDC marked at the oracle price (USDC units). */
    async function markedValue(trader: typeof attacker): Promise<bigint> {
      const weth = await collateral.balanceOf(trader.address);
      return (weth * ORACLE_USD * USDC) / WAD + (await quote.balanceOf(trader.address));
    }

    /** The keeper's batch as it sits in the mempool: every position, no profit floor. */
    const batch = () => flash.connect(keeper).liquidateMany(ids, maxRepays, path, 0n);
    const simulateBatch = () => flash.connect(keeper).liquidateMany.staticCall(ids, maxRepays, path, 0n);

    return {
      networkHelpers,
      keeper,
      attacker,
      arbitrageur,
      system,
      flash,
      ids,
      batch,
      simulateBatch,
      swapPoolTo,
      markedValue,
    };
  }

  it("attack test, passes on current code: the front-run takes the keeper's bonus and the attacker profits", async function () {
    const {
      networkHelpers,
      keeper,
      attacker,
      arbitrageur,
      system,
      ids,
      batch,
      simulateBatch,
      swapPoolTo,
      markedValue,
    } = await setup();
    const { engine, quote } = system;

    // What the keeper expects: its batch alone, then an arbitrageur bringing the pool back to the oracle price.
    const [honestLiquidated, honestProfit] = await simulateBatch();
    expect(honestLiquidated).to.equal(BigInt(POSITIONS));
    const baseline = await networkHelpers.takeSnapshot();
    await batch();
    const arbitrageurBefore = await markedValue(arbitrageur);
    await swapPoolTo(arbitrageur, ORACLE_USD);
    const arbitrageProfit = (await markedValue(arbitrageur)) - arbitrageurBefore;
    await baseline.restore();

    // The searcher: the lowest pool price (whole dollars) at which the batch still liquidates every position, found by
    // simulating the pending batch after each candidate front-run.
    let [low, high] = [1_800n, ORACLE_USD]; // the batch fails at `low`, works at `high`
    while (high - low > 1n) {
      const mid = (low + high) / 2n;
      const trial = await networkHelpers.takeSnapshot();
      await swapPoolTo(attacker, mid);
      const [liquidated] = await simulateBatch();
      await trial.restore();
      if (liquidated === BigInt(POSITIONS)) high = mid;
      else low = mid;
    }
    const frontRunUsd = high;
    expect(frontRunUsd < (ORACLE_USD * 98n) / 100n, "the batch tolerates a pool over 2 % under the oracle").to.equal(
      true,
    );

    const attackerBefore = await markedValue(attacker);
    const keeperBefore = await quote.balanceOf(keeper.address);
    await swapPoolTo(attacker, frontRunUsd); // front-run
    const receipt = await (await batch()).wait(); // the keeper's batch, at the attacker's price
    if (receipt === null) throw new Error("no receipt");
    await swapPoolTo(attacker, ORACLE_USD); // back-run
    const attackerProfit = (await markedValue(attacker)) - attackerBefore;
    const keeperProfit = (await quote.balanceOf(keeper.address)) - keeperBefore;

    const tranches = await engine.queryFilter(engine.filters.TrancheLiquidated, receipt.blockNumber);
    expect(tranches.length).to.equal(POSITIONS, "every swap executed at the bad price");
    // The keeper keeps less than a quarter of what it expected: each swap only had to cover its own `owed` (the last
    // one sells at the lowest price, so it binds; the earlier ones keep a little).
    expect(keeperProfit * 4n < honestProfit, `keeper ${keeperProfit} of ${honestProfit}`).to.equal(true);
    // The attacker made money, more than the arbitrage the keeper's own sales leave to anyone.
    expect(attackerProfit > 0n, `attacker ${attackerProfit}`).to.equal(true);
    expect(attackerProfit > arbitrageProfit, `attacker ${attackerProfit}, arbitrage ${arbitrageProfit}`).to.equal(true);
    for (const id of ids) expect((await engine.trancheState(id)).tranchesExecuted).to.equal(1n);
  });
});
