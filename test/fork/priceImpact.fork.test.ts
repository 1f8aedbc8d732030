import { expect } from "chai";
import { MaxUint256 } from "ethers";

import { fundUsdc, movePoolTo, poolPrice1e36, refreshFeeds, setEthUsd } from "../../src/devchain/mainnetCanonical.js";
import { SCENARIO_RISK_PARAMS } from "../../src/devchain/mainnetSluice.js";
import {
  MODE_LINE,
  WAD,
  announceMode,
  bps,
  debtForRatio,
  openPosition,
  poolSales,
  scenarioFixture,
  startKeeper,
  usdPerEth,
} from "./fixture.js";

/** One sale's effect on the pool: WETH sold, USDC received, spot move (bps) and execution price vs the feed (bps). */
interface Impact {
  wethIn: bigint;
  usdcOut: bigint;
  moveBps: number;
  slippageBps: number;
}

const USDC_PER_WETH_1E36 = (usdcOut: bigint, wethIn: bigint): bigint => (usdcOut * 10n ** 36n) / wethIn;

describe(`Fork suite: one-shot full liquidation vs incremental tranches, price impact on the pool [${MODE_LINE}]`, function () {
  this.timeout(300_000);
  let fixture: Awaited<ReturnType<typeof scenarioFixture>>;

  before(async function () {
    announceMode();
    fixture = await scenarioFixture();
  });

  it("the same position on the same pool state: each tranche moves the pool less than the one-shot sale", async function () {
    const scenario = await fixture.load();
    const { world, sluice, connection } = scenario;
    const collateral = 400n * WAD;
    const id = await openPosition(
      scenario,
      world.borrowers[0]!,
      collateral,
      debtForRatio(collateral, world.startEthUsd, (141n * WAD) / 100n),
    );
    // The keeper reads the markets now (its first scan, in start, finds nothing); it sends only after the snapshot.
    const keeper = await startKeeper(scenario);
    const usd = (world.startEthUsd * 82n) / 100n; // ratio 1.41 -> 1.156
    await setEthUsd(world, usd);
    const [feedPrice] = await sluice.markToModel!.price();
    const snapshot = await connection.networkHelpers.takeSnapshot();

    /** The impact of the sale in the transaction `hash`, from the pool state before it. */
    const measure = async (hash: string, spotBefore: bigint): Promise<Impact> => {
      const sales = await poolSales(world, hash);
      expect(sales.length).to.equal(1);
      const { wethIn, usdcOut } = sales[0]!;
      const spotAfter = poolPrice1e36((await world.pool.slot0()).sqrtPriceX96);
      return {
        wethIn,
        usdcOut,
        moveBps: bps(spotBefore, spotAfter),
        slippageBps: bps(feedPrice, USDC_PER_WETH_1E36(usdcOut, wethIn)),
      };
    };

    // One shot: governance sets the full-liquidation ratio just under maintenance, so this position closes at once.
    await (
      await sluice.vault.setRiskParams(sluice.marketId, {
        ...SCENARIO_RISK_PARAMS,
        fullLiquidationRatio: (119n * WAD) / 100n,
      })
    ).wait();
    const oneShotPreview = await sluice.engine.previewLiquidation(id);
    expect(oneShotPreview.fullClose).to.equal(true);
    // The whole close is too large for the FlashLiquidator (the sale would not cover repay + fee: SwapShortfall), so
    // the keeper pays with its own USDC, takes the collateral, and sells all of it on the pool in one swap.
    const keeperAddress = await world.keeper.getAddress();
    const owed = oneShotPreview.repaidAssets + oneShotPreview.protocolFee;
    await fundUsdc(world, keeperAddress, owed);
    await (await world.usdc.connect(world.keeper).approve(await sluice.engine.getAddress(), owed)).wait();
    await (await sluice.engine.connect(world.keeper).liquidate(id, MaxUint256, keeperAddress, "0x")).wait();
    expect(await world.weth.balanceOf(keeperAddress)).to.equal(oneShotPreview.seizedAssets);
    await (await world.weth.connect(world.keeper).approve(await world.router.getAddress(), MaxUint256)).wait();
    const spot0 = poolPrice1e36((await world.pool.slot0()).sqrtPriceX96);
    const tx = await world.router.connect(world.keeper).exactInputSingle({
      tokenIn: await world.weth.getAddress(),
      tokenOut: await world.usdc.getAddress(),
      fee: 500n,
      recipient: keeperAddress,
      deadline: MaxUint256,
      amountIn: oneShotPreview.seizedAssets,
      amountOutMinimum: 0n,
      sqrtPriceLimitX96: 0n,
    });
    const oneShot = await measure(tx.hash, spot0);
    expect(oneShot.wethIn).to.equal(oneShotPreview.seizedAssets);
    expect(oneShot.usdcOut < owed, "the sale does not even cover what the keeper paid").to.equal(true);
    expect(await sluice.vault.debtAssetsOf(id)).to.equal(0n, "closed in one go");

    // Incremental: same position, same pool, the market's own parameters; the keeper's tranches, each after the grace
    // window, with an arbitrageur restoring the pool to the feed price in between (as the market would).
    await snapshot.restore();
    const tranches: Impact[] = [];
    for (let round = 0; round < 40; round++) {
      const spotBefore = poolPrice1e36((await world.pool.slot0()).sqrtPriceX96);
      const attempts = await keeper.scanOnce();
      const done = attempts.filter((a) => a.result === "success");
      expect(done.length <= 1).to.equal(true);
      if (done.length === 1) tranches.push(await measure(done[0]!.detail!, spotBefore));
      const preview = await sluice.engine.previewLiquidation(id);
      if (preview.reason === 4n || preview.reason === 2n) break; // healthy (or closed)
      await connection.networkHelpers.time.increase(Number(SCENARIO_RISK_PARAMS.trancheCooldown) + 1);
      await refreshFeeds(world);
      await movePoolTo(world, usd);
    }
    expect((await sluice.engine.previewLiquidation(id)).reason).to.equal(4n, "healthy after the tranches");
    expect(tranches.length).to.be.greaterThan(1);

    const worstTrancheMove = Math.min(...tranches.map((t) => t.moveBps));
    const worstTrancheSlippage = Math.min(...tranches.map((t) => t.slippageBps));
    const soldIncrementally = tranches.reduce((sum, t) => sum + t.wethIn, 0n);
    const receivedIncrementally = tranches.reduce((sum, t) => sum + t.usdcOut, 0n);
    const averageIncremental = bps(feedPrice, USDC_PER_WETH_1E36(receivedIncrementally, soldIncrementally));
    const eth = (wei: bigint): string => (Number(wei / 10n ** 14n) / 1e4).toFixed(2);
    console.log(
      `      one shot: ${eth(oneShot.wethIn)} WETH sold at once, pool moved ${oneShot.moveBps.toFixed(2)} bps, ` +
        `execution ${usdPerEth(USDC_PER_WETH_1E36(oneShot.usdcOut, oneShot.wethIn)).toFixed(2)} USD/ETH ` +
        `(${oneShot.slippageBps.toFixed(2)} bps vs the feed's ${usdPerEth(feedPrice).toFixed(2)})`,
    );
    console.log(
      `      incremental: ${tranches.length} tranches, ${eth(soldIncrementally)} WETH in all; per tranche ` +
        tranches.map((t) => `${eth(t.wethIn)} WETH ${t.moveBps.toFixed(2)} bps`).join(", ") +
        `; average execution ${averageIncremental.toFixed(2)} bps vs the feed`,
    );
    // Every tranche moves the pool (and pays) less than the one-shot sale; so does the whole sequence on average.
    expect(worstTrancheMove > oneShot.moveBps, "per-tranche price move smaller than one shot").to.equal(true);
    expect(worstTrancheSlippage > oneShot.slippageBps, "per-tranche execution better than one shot").to.equal(true);
    expect(averageIncremental > oneShot.slippageBps, "average execution better than one shot").to.equal(true);
    expect(soldIncrementally < oneShot.wethIn, "less collateral sold to restore the position").to.equal(true);
  });
});
