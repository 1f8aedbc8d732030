import { expect } from "chai";

import { poolPrice1e36, refreshFeeds, setEthUsd, movePoolTo } from "../../src/devchain/mainnetCanonical.js";
import { LensPositionState, SluiceClient } from "../../src/sdk/client.js";
import type { Keeper } from "../../src/keeper/keeper.js";
import {
  MODE_LINE,
  WAD,
  announceMode,
  debtForRatio,
  openPosition,
  poolSales,
  scenarioFixture,
  usdPerEth,
  startKeeper,
  type ScenarioWorld,
} from "./fixture.js";

/** Ten positions: collateral (whole WETH) and collateral ratio at the start price (per mille). */
const BOOK: ReadonlyArray<readonly [bigint, bigint]> = [
  [40n, 1400n],
  [25n, 1420n],
  [60n, 1450n],
  [15n, 1480n],
  [80n, 1500n],
  [30n, 1520n],
  [120n, 1550n],
  [10n, 1580n],
  [50n, 1700n],
  [200n, 1900n],
];
/** The crash: ETH/USD steps as fractions of the start price (per mille). */
const STEPS = [900n, 800n, 750n] as const;

/** Runs keeper scans until nothing is liquidatable; between scans that only meet grace windows, 301 s pass. */
async function driveKeeper(scenario: ScenarioWorld, keeper: Keeper, client: SluiceClient, usd: bigint) {
  const { world, connection } = scenario;
  let scans = 0;
  for (;;) {
    const attempts = await keeper.scanOnce();
    scans += 1;
    const open = (await client.positionsOfMarket(1n, 0n, 100n)).positions.filter(
      (v) => v.state !== LensPositionState.Healthy && v.state !== LensPositionState.NoDebt,
    );
    if (open.length === 0) return scans;
    if (scans > 60)
      throw new Error(`still liquidatable after 60 scans: ${JSON.stringify(attempts, (_k, v) => String(v))}`);
    if (attempts.every((a) => a.result !== "success")) {
      // Only grace windows left: time passes, the feed heartbeats, an arbitrageur brings the pool back to the feed.
      await connection.networkHelpers.time.increase(301);
      await refreshFeeds(world);
      await movePoolTo(world, usd);
    }
  }
}

describe(`Fork suite: crash cascade liquidated in tranches by the keeper [${MODE_LINE}]`, function () {
  this.timeout(300_000);
  let fixture: Awaited<ReturnType<typeof scenarioFixture>>;

  before(async function () {
    announceMode();
    fixture = await scenarioFixture();
  });

  it("the keeper (flash strategy) brings every position back above maintenance in the tranches the engine schedules, each sold on the 0.05 % pool", async function () {
    const scenario = await fixture.load();
    const { world, sluice } = scenario;
    const p0 = world.startEthUsd;
    const ids: bigint[] = [];
    for (const [i, [weth, ratio]] of BOOK.entries()) {
      const owner = world.borrowers[i % world.borrowers.length]!;
      const collateral = weth * WAD;
      ids.push(await openPosition(scenario, owner, collateral, debtForRatio(collateral, p0, (ratio * WAD) / 1000n)));
    }
    const client = new SluiceClient(world.provider, sluice.registry);
    const keeper = await startKeeper(scenario);
    const flashAddress = await sluice.flash.getAddress();
    let tranchesTotal = 0;

    for (const step of STEPS) {
      const usd = (p0 * step) / 1000n;
      await setEthUsd(world, usd);
      // The engine's speed measure sees the step, then an hour at this price lets it decay to calm: the schedule
      // below is then the static one, and the tranches follow it exactly (a falling market raises the tranches:
      // test/core/LiquidationEngine.speed.t.sol).
      await (await sluice.engine.recordPriceSpeed(sluice.marketId)).wait();
      await scenario.connection.networkHelpers.time.increase(3_600);
      await refreshFeeds(world);
      await movePoolTo(world, usd);
      const fromBlock = (await world.provider.getBlockNumber()) + 1;
      const [price] = await sluice.markToModel!.price();
      // What the engine says will happen at this price, position by position (interest is frozen).
      const expected = new Map<bigint, Array<{ repaid: bigint; seized: bigint }>>();
      for (const id of ids) {
        const schedule = await sluice.engine.liquidationSchedule(id, price);
        expected.set(
          id,
          schedule.map((t) => ({ repaid: t.repaidAssets, seized: t.seizedAssets })),
        );
      }
      const liquidatable = [...expected.values()].filter((s) => s.length > 0).length;
      const scans = await driveKeeper(scenario, keeper, client, usd);

      const events = await sluice.engine.queryFilter(sluice.engine.filters.TrancheLiquidated, fromBlock);
      for (const id of ids) {
        const executed = events
          .filter((e) => e.args.positionId === id)
          .map((e) => ({ repaid: e.args.repaidAssets, seized: e.args.seizedAssets }));
        expect(executed).to.deep.equal(expected.get(id), `position ${id} at $${usd}: tranches as scheduled`);
      }
      for (const event of events) {
        expect(event.args.keeper).to.equal(flashAddress, "every tranche went through the FlashLiquidator");
        // The seized WETH was sold on the 0.05 % pool in the same transaction: exactly that amount went in.
        const sales = await poolSales(world, event.transactionHash);
        expect(sales.length).to.equal(1, "one swap on the scenario pool per tranche");
        expect(sales[0]!.wethIn).to.equal(event.args.seizedAssets, "the pool received exactly the seized collateral");
      }
      tranchesTotal += events.length;
      const poolAfter = poolPrice1e36((await world.pool.slot0()).sqrtPriceX96);
      console.log(
        `      ETH $${usd}: ${liquidatable} position(s) liquidatable, ${events.length} tranche(s) in ${scans} scan(s); ` +
          `pool after the last sale ${usdPerEth(poolAfter).toFixed(2)} USD/ETH`,
      );
      if (step === STEPS[0]) expect(events.length).to.equal(0, "a 10 % drop leaves every position healthy");
    }

    // Every position is back at or above maintenance (none was closed: no ratio reached the full-liquidation level).
    const views = (await client.positionsOfMarket(1n, 0n, 100n)).positions;
    for (const view of views) {
      expect(view.state).to.equal(LensPositionState.Healthy, `position ${view.id} healthy`);
    }
    expect(tranchesTotal).to.be.greaterThan(BOOK.length, "capped tranches: more tranches than positions");
    expect(await world.usdc.balanceOf(await world.keeper.getAddress())).to.be.greaterThan(0n, "the keeper profited");
  });

  it("the keeper's oracle floor (--max-slippage-bps 200) refuses a sale into a pool pushed 3 % under the feed that would still have paid the tranche, and sells once the pool is back", async function () {
    const scenario = await fixture.load();
    const { world, sluice } = scenario;
    const p0 = world.startEthUsd;
    const owner = world.borrowers[0]!;
    const id = await openPosition(scenario, owner, 40n * WAD, debtForRatio(40n * WAD, p0, (1400n * WAD) / 1000n));
    // Both keepers read the markets while every position is healthy (start() runs a first scan).
    const unguarded = await startKeeper(scenario, { maxSlippageBps: 2_000 });
    const keeper = await startKeeper(scenario, { maxSlippageBps: 200 });
    const usd = (p0 * 779n) / 1000n; // ratio 1.09: a partial tranche at a bonus of about 5.7 %
    await setEthUsd(world, usd);
    // A front-run: the pool pushed 3 % under the feed. The sale still covers repaid + fee (bonus 5.7 % > 3 % + fees),
    // so only the floor (2 % under the oracle value) refuses it.
    await movePoolTo(world, (usd * 97n) / 100n);

    const snapshot = await scenario.connection.networkHelpers.takeSnapshot();
    const sold = await unguarded.scanOnce();
    expect(sold.filter((a) => a.result === "success")).to.have.length(1, "a 20 % floor sells into the pushed pool");
    await snapshot.restore();

    const refused = await keeper.scanOnce();
    expect(refused.filter((a) => a.result === "success")).to.have.length(0, "the 2 % floor refuses it");
    expect((await sluice.engine.trancheState(id)).tranchesExecuted).to.equal(0n);

    await movePoolTo(world, usd);
    const done = await keeper.scanOnce();
    expect(done.filter((a) => a.result === "success")).to.have.length(1, "the pool back at the feed: sold");
    expect((await sluice.engine.trancheState(id)).tranchesExecuted).to.equal(1n);
  });
});
