import { expect } from "chai";
import { network } from "hardhat";
import { MaxUint256 } from "ethers";

import {
  addFullRangeLiquidity,
  createPool,
  deployUniswapV3,
  encodePath,
  sqrtPriceX96At,
  type UniswapV3Deployment,
} from "../../src/devchain/uniswap.js";
import type { FlashLiquidator, LiquidationUpkeep } from "../../typechain-types/index.js";
import { USDC, WAD, deploySystem, openPosition, wethPrice } from "../helpers/system.js";

const FEE = 3000n;
const MAINTENANCE = 12n * 10n ** 17n;

/**
 * The liquidation callback on real Uniswap V3 (factory, pool, SwapRouter and QuoterV2 from the npm artifacts): the
 * FlashLiquidator sells each tranche's seized collateral on the pool before the engine pulls payment.
 */
describe("FlashLiquidator on a real Uniswap V3 pool", function () {
  async function setup() {
    const { ethers, networkHelpers } = await network.create();
    const signers = await ethers.getSigners();
    const signer = (i: number) => {
      const s = signers[i];
      if (s === undefined) throw new Error(`no signer ${i}`);
      return s;
    };
    const [admin, borrower, keeper, trader] = [signer(0), signer(1), signer(2), signer(3)];
    // Interest frozen: a preview read one block before the liquidation then gives its exact amounts.
    const system = await deploySystem(ethers, 10_000_000n * USDC, [0n, 0n]);
    const { quote, collateral, engine, vault } = system;
    const [wethAddress, usdcAddress] = [await collateral.getAddress(), await quote.getAddress()];

    // A 0.3 % WETH/USDC pool at 3,000 with 2,000 WETH and 6,000,000 USDC of full-range liquidity.
    const uniswap: UniswapV3Deployment = await deployUniswapV3(admin);
    const pool = await createPool(uniswap.factory, admin, wethAddress, usdcAddress, FEE, WAD, 3000n * USDC);
    await collateral.mint(admin.address, 2_000n * WAD);
    await quote.mint(admin.address, 6_000_000n * USDC);
    await addFullRangeLiquidity(uniswap, admin, collateral, quote, FEE, 2_000n * WAD, 6_000_000n * USDC);

    const flash: FlashLiquidator = await ethers.deployContract("FlashLiquidator", [
      await engine.getAddress(),
      await vault.getAddress(),
      await uniswap.router.getAddress(),
      keeper.address,
    ]);
    const path = encodePath([wethAddress, usdcAddress], [FEE]);

    /** An arbitrageur with deep pockets moves the pool's price to `usd` per WETH, selling WETH or USDC. */
    async function movePoolTo(usd: bigint): Promise<void> {
      const limit = sqrtPriceX96At(wethAddress, usdcAddress, WAD, usd * USDC);
      const current = (await pool.slot0()).sqrtPriceX96;
      if (limit === current) return;
      // The WETH price falls as sqrtPrice falls when WETH is token0, and as it rises when WETH is token1.
      const sellWeth = limit < current === BigInt(wethAddress) < BigInt(usdcAddress);
      const [tokenIn, tokenOut] = sellWeth ? [collateral, quote] : [quote, collateral];
      const amountIn = sellWeth ? 10_000n * WAD : 30_000_000n * USDC;
      await tokenIn.mint(trader.address, amountIn);
      await tokenIn.connect(trader).approve(await uniswap.router.getAddress(), MaxUint256);
      await (
        await uniswap.router.connect(trader).exactInputSingle({
          tokenIn: await tokenIn.getAddress(),
          tokenOut: await tokenOut.getAddress(),
          fee: FEE,
          recipient: trader.address,
          deadline: MaxUint256,
          amountIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: limit,
        })
      ).wait();
    }

    // The Automation upkeep, an operator of the keeper's FlashLiquidator, selling along the same path.
    const upkeep: LiquidationUpkeep = await ethers.deployContract("LiquidationUpkeep", [
      await engine.getAddress(),
      await vault.getAddress(),
      await flash.getAddress(),
      keeper.address,
    ]);
    await flash.connect(keeper).setOperator(await upkeep.getAddress(), true);
    // Each sale may fall at most 2 % under the oracle value (pool fee and the batch's own price impact included).
    await upkeep.connect(keeper).setRoute(system.marketId, path, 2n * 10n ** 16n, 0n);

    return { ethers, networkHelpers, borrower, keeper, system, uniswap, pool, flash, upkeep, path, movePoolTo };
  }

  it("sells each tranche on the pool and pays the owner exactly the quoted proceeds less repayment and fee", async function () {
    const { networkHelpers, borrower, keeper, system, uniswap, pool, flash, path, movePoolTo } = await setup();
    const { vault, engine, oracle, quote, collateral } = system;
    // 20 WETH at 3,000 against 42,000 USDC: ratio 1.43. Then oracle and pool fall to 2,300: ratio 1.095.
    const id = await openPosition(system, borrower, 20n * WAD, 42_000n * USDC);
    await oracle.setPrice(wethPrice(2300n));
    await movePoolTo(2300n);

    const poolAddress = await pool.getAddress();
    let tranches = 0;
    let totalProfit = 0n;
    for (;;) {
      const preview = await engine.previewLiquidation(id);
      if (preview.reason === 4n) break; // Reason.Healthy: back above maintenance
      if (preview.reason === 5n /* Reason.GracePeriod */) {
        // The grace window: arbitrage brings the pool back to the oracle price after the last sale.
        await movePoolTo(2300n);
        await networkHelpers.time.increaseTo(preview.nextEligibleAt);
        continue;
      }
      expect(preview.reason).to.equal(0n, "liquidatable");
      // What the real pool pays for the seized collateral, asked of Uniswap's own QuoterV2 before the call.
      const [quotedOut] = await uniswap.quoter.quoteExactInput.staticCall(path, preview.seizedAssets);
      const owed = preview.repaidAssets + preview.protocolFee;
      const poolWethBefore = await collateral.balanceOf(poolAddress);
      const ownerBefore = await quote.balanceOf(keeper.address);
      const debtBefore = await vault.debtAssetsOf(id);

      // The keeper's slippage guard is the quote itself: nothing else trades in between, so it is met exactly.
      await flash.connect(keeper).liquidate(id, MaxUint256, path, quotedOut, quotedOut - owed);

      expect(await collateral.balanceOf(poolAddress)).to.equal(poolWethBefore + preview.seizedAssets, "sold on pool");
      expect(await quote.balanceOf(keeper.address)).to.equal(ownerBefore + quotedOut - owed, "profit");
      expect(await vault.debtAssetsOf(id)).to.equal(debtBefore - preview.repaidAssets, "repaid");
      expect(await quote.balanceOf(await flash.getAddress())).to.equal(0n);
      expect(await collateral.balanceOf(await flash.getAddress())).to.equal(0n);
      totalProfit += quotedOut - owed;
      tranches += 1;
      if (tranches > 10) throw new Error("too many tranches");
    }
    expect(tranches).to.be.greaterThan(1, "capped tranches: more than one");
    expect(totalProfit).to.be.greaterThan(0n);
    const health = await vault.positionHealth(id);
    expect(health.ratio >= MAINTENANCE, "the position is back above maintenance").to.equal(true);
    expect(health.debtAssets).to.be.greaterThan(0n, "and was not closed");
  });

  it("reverts with the exact shortfall when the pool pays less than the tranche costs, and nothing moves", async function () {
    const { borrower, keeper, system, uniswap, flash, path, movePoolTo } = await setup();
    const { vault, engine, oracle } = system;
    const id = await openPosition(system, borrower, 100n * WAD, 210_000n * USDC);
    await oracle.setPrice(wethPrice(2300n));
    await movePoolTo(2150n); // the pool trades 6.5 % under the oracle: more than the bonus
    const preview = await engine.previewLiquidation(id);
    expect(preview.reason).to.equal(0n);
    const [quotedOut] = await uniswap.quoter.quoteExactInput.staticCall(path, preview.seizedAssets);
    const owed = preview.repaidAssets + preview.protocolFee;
    expect(quotedOut < owed).to.equal(true);
    await expect(flash.connect(keeper).liquidate(id, MaxUint256, path, 0n, 0n))
      .to.be.revertedWithCustomError(flash, "SwapShortfall")
      .withArgs(id, quotedOut, owed);
    expect(await vault.debtAssetsOf(id)).to.equal(210_000n * USDC);
    expect((await engine.trancheState(id)).tranchesExecuted).to.equal(0n);
  });

  it("LiquidationUpkeep finds the liquidatable positions and liquidates them through the pool", async function () {
    const { ethers, borrower, keeper, system, pool, upkeep, movePoolTo } = await setup();
    const { vault, engine, oracle, quote, collateral, marketId } = system;
    // Five positions of 4 WETH: three at 8,400 USDC (ratio 1.095 at 2,300), two at 6,000 (1.53: healthy).
    const ids: bigint[] = [];
    for (const debt of [8_400n, 6_000n, 8_400n, 6_000n, 8_400n]) {
      ids.push(await openPosition(system, borrower, 4n * WAD, debt * USDC));
    }
    const checkData = ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256", "uint256"], [marketId, 0n, 100n]);
    const [idle] = await upkeep.checkUpkeep(checkData);
    expect(idle).to.equal(false, "nothing to do at 3,000");

    await oracle.setPrice(wethPrice(2300n));
    await movePoolTo(2300n);
    const [needed, performData] = await upkeep.checkUpkeep(checkData);
    expect(needed).to.equal(true);
    const [, found] = ethers.AbiCoder.defaultAbiCoder().decode(["uint256", "uint256[]"], performData) as unknown as [
      bigint,
      bigint[],
    ];
    expect([...found]).to.deep.equal([ids[0], ids[2], ids[4]], "exactly the three below maintenance");

    const poolWethBefore = await collateral.balanceOf(await pool.getAddress());
    const receipt = await (await upkeep.performUpkeep(performData)).wait();
    if (receipt === null) throw new Error("no receipt");
    const tranches = await engine.queryFilter(engine.filters.TrancheLiquidated, receipt.blockNumber);
    expect(tranches.length).to.equal(3);
    const seized = tranches.reduce((sum, e) => sum + e.args.seizedAssets, 0n);
    expect(await collateral.balanceOf(await pool.getAddress())).to.equal(poolWethBefore + seized, "all sold on pool");
    const [performed] = await upkeep.queryFilter(upkeep.filters.UpkeepPerformed, receipt.blockNumber);
    if (performed === undefined) throw new Error("no UpkeepPerformed");
    expect(performed.args.liquidated).to.equal(3n);
    expect(performed.args.profit).to.be.greaterThan(0n);
    expect(await quote.balanceOf(keeper.address)).to.equal(performed.args.profit, "profit to the owner");
    for (const id of [ids[0], ids[2], ids[4]]) {
      expect((await engine.trancheState(id!)).tranchesExecuted).to.equal(1n);
    }
    expect((await vault.position(ids[1]!)).collateralAssets).to.equal(4n * WAD, "healthy ones untouched");
  });
});
