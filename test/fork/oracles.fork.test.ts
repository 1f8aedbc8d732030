import { expect } from "chai";
import { MaxUint256 } from "ethers";

import { MAINNET } from "../../src/devchain/mainnetAddresses.js";
import { fundWeth, movePoolTo, refreshFeeds, setEthUsd } from "../../src/devchain/mainnetCanonical.js";
import {
  SCENARIO_RISK_PARAMS,
  SEQUENCER_GRACE_PERIOD,
  TWAP_MIN_LIQUIDITY,
  TWAP_WINDOW,
  deployMarkToModel,
} from "../../src/devchain/mainnetSluice.js";
import {
  MODE_LINE,
  PRICE_SCALE,
  WAD,
  announceMode,
  debtForRatio,
  openPosition,
  scenarioFixture,
  startKeeper,
  usdPerEth,
  type ScenarioWorld,
} from "./fixture.js";

/** `IOracle.PriceStatus`. */
const INVALID = 0n;
const PRIMARY = 1n;
const FALLBACK = 2n;

/** Floor division (towards negative infinity), as the oracle rounds the mean tick. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * The 1e36-scaled price of one WETH wei in USDC units at pool tick `tick`, from 1.0001^tick in 1e50 fixed point
 * (square and multiply; independent of TickMath). USDC is token0 of the mainnet pools, so WETH's price is 1.0001^-tick.
 */
function wethPriceAtTick(tick: bigint): bigint {
  const one = 10n ** 50n;
  let base = 10_001n * 10n ** 46n;
  let power = one;
  for (let n = tick < 0n ? -tick : tick; n > 0n; n >>= 1n) {
    if (n & 1n) power = (power * base) / one;
    base = (base * base) / one;
  }
  const wethIsToken0 = BigInt(MAINNET.WETH9) < BigInt(MAINNET.USDC);
  const token1PerToken0 = tick >= 0n ? power : (one * one) / power; // 1.0001^tick, 1e50-scaled
  return wethIsToken0 ? (token1PerToken0 * PRICE_SCALE) / one : (one * PRICE_SCALE) / token1PerToken0;
}

/** Opens a 10 WETH position at a 1.45 ratio on the start price and drops ETH 20 % (feed and pool). */
async function positionThenDrop(scenario: ScenarioWorld): Promise<{ id: bigint; usd: bigint }> {
  const { world } = scenario;
  const collateral = 10n * WAD;
  const id = await openPosition(
    scenario,
    world.borrowers[0]!,
    collateral,
    debtForRatio(collateral, world.startEthUsd, 145n * 10n ** 16n),
  );
  const usd = (world.startEthUsd * 8n) / 10n;
  await setEthUsd(world, usd);
  return { id, usd };
}

describe(`Fork suite: stale Chainlink feed, TWAP fallback, thin pool [${MODE_LINE}]`, function () {
  this.timeout(300_000);
  let fixture: Awaited<ReturnType<typeof scenarioFixture>>;

  before(async function () {
    announceMode();
    fixture = await scenarioFixture();
  });

  it("prices at the 0.05 % pool's 30-minute TWAP when ETH/USD is stale, and the keeper liquidates at that price", async function () {
    const scenario = await fixture.load();
    const { world, sluice, connection } = scenario;
    const oracle = sluice.markToModel!;
    const keeper = await startKeeper(scenario); // its first scan (in start) finds nothing yet
    const { id } = await positionThenDrop(scenario);
    await (await oracle.updatePrice()).wait(); // a keeper's poke: the new primary price becomes the TWAP's anchor
    const [anchor, anchorStatus] = await oracle.price();
    expect(anchorStatus).to.equal(PRIMARY);

    // An hour and a second without a new round: ETH/USD is past its 3,600 s heartbeat (USDC/USD is not).
    await connection.networkHelpers.time.increase(3_601);
    const [primaryPrice, primaryStatus] = await sluice.chainlinkOracle.price();
    expect([primaryPrice, primaryStatus]).to.deep.equal([0n, INVALID], "Chainlink refuses a stale answer");

    const [twapPrice, status] = await oracle.price();
    expect(status).to.equal(FALLBACK);
    // Expected: the pool's own cumulative ticks over the window, mean tick rounded down, priced independently.
    const [cumulatives] = await world.pool.observe([TWAP_WINDOW, 0n]);
    const meanTick = floorDiv(cumulatives[1]! - cumulatives[0]!, TWAP_WINDOW);
    const expected = wethPriceAtTick(meanTick);
    const relative = ((twapPrice > expected ? twapPrice - expected : expected - twapPrice) * 10n ** 18n) / expected;
    expect(relative <= 1_000_000n, `TWAP ${twapPrice} vs ${expected}: within 1e-12`).to.equal(true);
    // The pool sat at the new price for the whole window: the TWAP is within one tick (1 bp) of the anchor.
    const distance = twapPrice > anchor ? twapPrice - anchor : anchor - twapPrice;
    expect((distance * 10_000n) / anchor <= 1n, "TWAP within 1 bp of the last good price").to.equal(true);

    // The keeper's tranche runs at the fallback price: the engine's updatePrice sourced it from the TWAP.
    const preview = await sluice.engine.previewLiquidation(id);
    const attempts = await keeper.scanOnce();
    expect(attempts.map((a) => a.result)).to.deep.equal(["success"]);
    const [tranche] = await sluice.engine.queryFilter(sluice.engine.filters.TrancheLiquidated, -1);
    expect(tranche!.args.repaidAssets).to.equal(preview.repaidAssets);
    expect(tranche!.args.seizedAssets).to.equal(preview.seizedAssets);
    const [sourced] = await oracle.queryFilter(oracle.filters.PriceSourced, tranche!.blockNumber);
    expect([sourced!.args.status, sourced!.args.price]).to.deep.equal([FALLBACK, twapPrice]);
    console.log(
      `      stale feed: TWAP ${usdPerEth(twapPrice).toFixed(4)} USD/ETH (mean tick ${meanTick}), anchor ` +
        `${usdPerEth(anchor).toFixed(4)}; tranche repaid ${tranche!.args.repaidAssets} USDC units at the TWAP`,
    );
  });

  it("refuses the TWAP of a thin pool (the 1 % pool): the oracle reports Invalid and liquidation reverts InvalidPrice", async function () {
    const scenario = await fixture.load();
    const { world, sluice, connection } = scenario;
    const thinOracle = await deployMarkToModel(world, sluice.chainlinkOracle, await world.thinPool.getAddress());
    // A second market, same vault and lenders, priced through the thin pool's TWAP when Chainlink fails.
    await (
      await sluice.vault.createMarket(
        MAINNET.WETH9,
        await sluice.lendingPool.getAddress(),
        await thinOracle.getAddress(),
        SCENARIO_RISK_PARAMS,
      )
    ).wait();
    const marketId = 2n;
    const owner = world.borrowers[1]!;
    const collateral = 10n * WAD;
    await fundWeth(world, await owner.getAddress(), collateral);
    const vault = sluice.vault.connect(owner);
    await (await world.weth.connect(owner).approve(await vault.getAddress(), MaxUint256)).wait();
    const id = await vault.nextPositionId();
    await (await vault.openPosition(marketId)).wait();
    await (await vault.depositCollateral(id, collateral)).wait();
    await (
      await vault.borrow(id, debtForRatio(collateral, world.startEthUsd, 145n * 10n ** 16n), await owner.getAddress())
    ).wait();

    const usd = (world.startEthUsd * 8n) / 10n;
    await setEthUsd(world, usd);
    await movePoolTo(world, usd, world.thinPool); // the thin pool follows the market too: only its depth differs
    await (await thinOracle.updatePrice()).wait();
    await (await sluice.markToModel!.updatePrice()).wait();
    await connection.networkHelpers.time.increase(3_601);

    const thinLiquidity = await world.thinPool.liquidity();
    const deepLiquidity = await world.pool.liquidity();
    expect(thinLiquidity < TWAP_MIN_LIQUIDITY, `1 % pool liquidity ${thinLiquidity} below the floor`).to.equal(true);
    expect(deepLiquidity >= TWAP_MIN_LIQUIDITY, `0.05 % pool liquidity ${deepLiquidity} above it`).to.equal(true);
    expect(await thinOracle.price()).to.deep.equal([0n, INVALID]);
    const [, deepStatus] = await sluice.markToModel!.price();
    expect(deepStatus).to.equal(FALLBACK, "the same stale feed with the deep pool still prices");

    const preview = await sluice.engine.previewLiquidation(id);
    expect(preview.reason).to.equal(3n, "Reason.InvalidPrice");
    await expect(
      sluice.flash.connect(world.keeper).liquidate(id, MaxUint256, world.swapPath, 0n, 0n),
    ).to.be.revertedWithCustomError(sluice.engine, "InvalidPrice");
    await expect(sluice.engine.connect(world.keeper).liquidate(id, MaxUint256, await world.keeper.getAddress(), "0x"))
      .to.be.revertedWithCustomError(sluice.engine, "InvalidPrice")
      .withArgs(marketId);
    console.log(
      `      in-range liquidity: 1 % pool ${thinLiquidity}, 0.05 % pool ${deepLiquidity}, floor ${TWAP_MIN_LIQUIDITY}`,
    );
  });
});

describe(`Fork suite: L2 configuration, sequencer down then restarting [${MODE_LINE}]`, function () {
  this.timeout(300_000);
  let fixture: Awaited<ReturnType<typeof scenarioFixture>>;

  before(async function () {
    announceMode();
    fixture = await scenarioFixture({ l2: true });
  });

  it("refuses liquidations while the sequencer is down and during its grace period, then the keeper proceeds", async function () {
    const scenario = await fixture.load();
    const { world, sluice, connection } = scenario;
    const sequencer = sluice.sequencerFeed!;
    const keeper = await startKeeper(scenario); // its first scan (in start) finds nothing yet
    const { id } = await positionThenDrop(scenario);
    const liquidate = () => sluice.engine.connect(world.keeper).liquidate(id, MaxUint256, world.keeper, "0x");
    expect((await sluice.engine.previewLiquidation(id)).reason).to.equal(0n, "liquidatable while the sequencer is up");

    // Down (answer 1) from now on.
    const downAt = BigInt(await connection.networkHelpers.time.latest()) + 1n;
    await (await sequencer.updateRoundData(3n, 1n, downAt, downAt)).wait();
    await expect(liquidate()).to.be.revertedWithCustomError(sluice.engine, "InvalidPrice").withArgs(sluice.marketId);
    expect(await sluice.engine.nextEligibleAt(id)).to.equal(0n, "no tranche yet, so no window to stop");
    const [, status] = await sluice.chainlinkOracle.price();
    expect(status).to.equal(INVALID);

    // Up again after ten minutes: prices stay invalid for the grace period, so owners can top up first.
    await connection.networkHelpers.time.increase(600);
    const upAt = BigInt(await connection.networkHelpers.time.latest()) + 1n;
    await (await sequencer.updateRoundData(4n, 0n, upAt, upAt)).wait();
    await refreshFeeds(world);
    await expect(liquidate()).to.be.revertedWithCustomError(sluice.engine, "InvalidPrice").withArgs(sluice.marketId);
    expect(await sluice.chainlinkOracle.lastOutage()).to.deep.equal([downAt, upAt + SEQUENCER_GRACE_PERIOD]);
    // A minute before the grace period ends (block times also follow the wall clock, hence the margin): still refused.
    await connection.networkHelpers.time.increaseTo(upAt + SEQUENCER_GRACE_PERIOD - 60n);
    await refreshFeeds(world);
    await expect(liquidate()).to.be.revertedWithCustomError(sluice.engine, "InvalidPrice").withArgs(sluice.marketId);

    // Grace over: the keeper's scan liquidates the position's first tranche, exactly as previewed.
    await connection.networkHelpers.time.increaseTo(upAt + SEQUENCER_GRACE_PERIOD);
    await refreshFeeds(world);
    const preview = await sluice.engine.previewLiquidation(id);
    expect(preview.reason).to.equal(0n);
    expect((await keeper.scanOnce()).map((a) => a.result)).to.deep.equal(["success"]);
    const [tranche] = await sluice.engine.queryFilter(sluice.engine.filters.TrancheLiquidated, -1);
    expect(tranche!.args.repaidAssets).to.equal(preview.repaidAssets);
    expect(tranche!.args.seizedAssets).to.equal(preview.seizedAssets);
    expect(tranche!.blockNumber).to.equal(await world.provider.getBlockNumber());
  });
});
