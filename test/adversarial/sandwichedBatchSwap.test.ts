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
/** The keeper's bound on each sale against the oracle value: 2 % (the pool fee and the batch's own impact fit). */
const MAX_SLIPPAGE = 2n * 10n ** 16n;
/** What the searcher chose against the unguarded batch (minAmountOut 0) on the code before the fix. */
const UNGUARDED_FRONT_RUN_USD = 2_247n;
/** The attacker's profit from that sandwich, marked at the oracle price (USDC units). */
const UNGUARDED_ATTACKER_PROFIT = 391_884_434n;

/**
 * L-3 (audit #17): a sandwich around `FlashLiquidator.liquidateMany` on a real Uniswap V3 pool (factory, pool and
 * SwapRouter from the npm artifacts). The attacker sees the keeper's batch in the mempool, sells WETH into the pool
 * first (front-run), lets the batch sell the seized collateral at the depressed price, then buys the WETH back
 * (back-run). Values are marked at the oracle price.
 *
 * Before the fix (commit "L-3 attack test, passes on current code") the batch swapped with `minAmountOut = 0`: the
 * searcher pushed the pool to 2,247 (2.3 % under the oracle), every sale still covered its tranche, the keeper kept
 * 130.8 of the 761.4 USDC it expected and the attacker made 391.9 USDC (plain arbitrage of the same batch: 82.1). Now
 * each sale must return at least `oracleFloor(seized, oraclePrice, maxSlippage)`.
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
      const [tokenIn, tokenOut]: [MockERC20, MockERC20] = sellWeth ? [collateral, quote] : [quote, collateral];
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

    /** The keeper's batch as it sits in the mempool: every position, 2 % slippage against the oracle, no profit floor. */
    const batch = () => flash.connect(keeper).liquidateMany(ids, maxRepays, path, MAX_SLIPPAGE, 0n);
    const simulateBatch = () => flash.connect(keeper).liquidateMany.staticCall(ids, maxRepays, path, MAX_SLIPPAGE, 0n);

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

  it("the old front-run makes every sale miss its oracle floor: skipped, the attacker loses, the keeper keeps its share", async function () {
    const { keeper, attacker, system, flash, ids, batch, simulateBatch, swapPoolTo, markedValue } = await setup();
    const { engine, quote } = system;
    const [honestLiquidated, honestProfit] = await simulateBatch();
    expect(honestLiquidated).to.equal(BigInt(POSITIONS), "the honest batch fits the 2 % bound");

    const attackerBefore = await markedValue(attacker);
    await swapPoolTo(attacker, UNGUARDED_FRONT_RUN_USD); // front-run
    const receipt = await (await batch()).wait(); // the keeper's batch
    if (receipt === null) throw new Error("no receipt");
    await swapPoolTo(attacker, ORACLE_USD); // back-run
    const attackerProfit = (await markedValue(attacker)) - attackerBefore;

    const skipped = await engine.queryFilter(engine.filters.LiquidationSkipped, receipt.blockNumber);
    const tooLittle = flash.interface.encodeErrorResult("Error(string)", ["Too little received"]);
    expect(skipped.map((e) => e.args.positionId)).to.deep.equal(ids, "every position skipped");
    for (const e of skipped) expect(e.args.reason).to.equal(tooLittle, "the router's slippage check");
    expect(await engine.queryFilter(engine.filters.TrancheLiquidated, receipt.blockNumber)).to.have.length(0);
    expect(await quote.balanceOf(keeper.address)).to.equal(0n, "nothing sold at the attacker's price");
    expect(attackerProfit < 0n, `attacker ${attackerProfit}: the round trip only paid fees`).to.equal(true);

    // Back at the oracle price the same batch pays the keeper exactly what it expected.
    await batch();
    expect(await quote.balanceOf(keeper.address)).to.equal(honestProfit, "the keeper keeps its share");
    for (const id of ids) expect((await engine.trancheState(id)).tranchesExecuted).to.equal(1n);
  });

  it("the best front-run within the bound leaves every sale at or above its floor", async function () {
    const { networkHelpers, keeper, attacker, system, flash, ids, batch, simulateBatch, swapPoolTo, markedValue } =
      await setup();
    const { engine, quote, oracle } = system;
    const [, honestProfit] = await simulateBatch();
    const preview = await engine.previewLiquidation(ids[0]!);
    const [price] = await oracle.price();
    const floorAssets = await flash.oracleFloor(preview.seizedAssets, price, MAX_SLIPPAGE);

    // The searcher as before: the lowest pool price at which the batch still liquidates every position.
    let [low, high] = [1_800n, ORACLE_USD];
    while (high - low > 1n) {
      const mid = (low + high) / 2n;
      const trial = await networkHelpers.takeSnapshot();
      await swapPoolTo(attacker, mid);
      const [liquidated] = await simulateBatch();
      await trial.restore();
      if (liquidated === BigInt(POSITIONS)) high = mid;
      else low = mid;
    }
    expect(high > UNGUARDED_FRONT_RUN_USD, `front-run to ${high}`).to.equal(true);
    expect(high * 100n >= ORACLE_USD * 98n, "the pool can be pushed less than the 2 % bound").to.equal(true);

    const attackerBefore = await markedValue(attacker);
    await swapPoolTo(attacker, high);
    await batch();
    await swapPoolTo(attacker, ORACLE_USD);
    const attackerProfit = (await markedValue(attacker)) - attackerBefore;
    const keeperProfit = await quote.balanceOf(keeper.address);
    // Every sale returned at least its floor, so the keeper keeps at least floor − owed per position.
    const owed = preview.repaidAssets + preview.protocolFee;
    expect(keeperProfit >= BigInt(POSITIONS) * (floorAssets - owed), `keeper ${keeperProfit}`).to.equal(true);
    // What is left to take is the bound less the batch's own impact: the keeper keeps over three quarters (before the
    // fix: under a quarter) and the attacker makes less than half of the unguarded sandwich.
    expect(keeperProfit * 4n > honestProfit * 3n, `keeper ${keeperProfit} of ${honestProfit}`).to.equal(true);
    expect(attackerProfit * 2n < UNGUARDED_ATTACKER_PROFIT, `attacker ${attackerProfit}`).to.equal(true);
  });
});
