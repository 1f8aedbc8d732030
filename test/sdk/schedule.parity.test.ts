import { expect } from "chai";
import { network } from "hardhat";

import {
  CALM_DROP,
  SluiceClient,
  TrancheMathError,
  WAD,
  liquidationSchedule,
  observeSpeed,
  projectedDrop,
  scheduleAlongPath,
} from "../../src/sdk/index.js";
import { Rng } from "../helpers/rng.js";
import { PRICE_SCALE, USDC, deploySystem, exampleRiskParams, registryFor, wethPrice } from "../helpers/system.js";

describe("Tranche schedule TypeScript mirror", function () {
  it("equals the engine's liquidationSchedule on 1,000 random positions, prices and parameters", async function () {
    const { ethers, networkHelpers } = await network.create();
    const [, borrower] = await ethers.getSigners();
    if (borrower === undefined) throw new Error("missing signer");
    const rng = new Rng(0x5c4edn);
    const system = await deploySystem(ethers, 1_000_000_000n * USDC);
    const { vault, engine, oracle, collateral, marketId } = system;
    const client = new SluiceClient(ethers.provider, await registryFor(system));
    await collateral.connect(borrower).approve(await vault.getAddress(), ethers.MaxUint256);

    // Twenty positions from 0.1 to 2,000 WETH at ratios between 1.41 and 2.2.
    const ids: bigint[] = [];
    while (ids.length < 20) {
      const collateralAssets = rng.between(10n ** 17n, 2_000n * WAD);
      const value = (collateralAssets * wethPrice(3000n)) / PRICE_SCALE;
      const debt = (value * WAD) / rng.between(141n * 10n ** 16n, 22n * 10n ** 17n);
      if (debt < 100n * USDC) continue;
      await collateral.mint(borrower.address, collateralAssets);
      const id = await vault.nextPositionId();
      await vault.connect(borrower).openPosition(marketId);
      await vault.connect(borrower).depositCollateral(id, collateralAssets);
      await vault.connect(borrower).borrow(id, debt, borrower.address);
      ids.push(id);
    }

    let compared = 0;
    let tranches = 0;
    let multi = 0;
    let moving = 0; // schedules planned from a measured speed that is not calm
    for (let round = 0; compared < 1_000; round++) {
      if (round % 50 === 0) {
        // New parameters: caps, window and bonuses drawn from realistic ranges.
        await vault.setRiskParams(marketId, {
          ...exampleRiskParams(),
          maxBonus: rng.pick([5n, 6n, 8n]) * 10n ** 16n,
          maxTrancheShare: rng.pick([25n * 10n ** 16n, 5n * 10n ** 17n, WAD]),
          maxTrancheDebt: rng.pick([250_000n, 20_000n, 3_000n]) * USDC,
          windowLimit: rng.pick([2_000_000n, 50_000n, 8_000n]) * USDC,
        });
      }
      if (round % 5 === 0) {
        // The market's speed measure: the oracle falls (or not) 12 s after the last record, and is recorded again.
        const [now] = await oracle.price();
        await networkHelpers.time.increase(Number(rng.pick([12n, 60n, 3_600n])));
        await oracle.setPrice((now * rng.between(85n, 101n)) / 100n);
        await engine.recordPriceSpeed(marketId);
      }
      const id = rng.pick(ids);
      const price = wethPrice(rng.between(900n, 2_600n)) + rng.between(0n, 10n ** 20n);
      const onChain = await client.liquidationScheduleOnChain(id, price);
      const local = await client.liquidationSchedule(id, price);
      expect(local, `position ${id} at ${price}`).to.deep.equal(onChain);
      // The same schedule from the pure function and as a constant price path.
      const position = await vault.position(id);
      const state = { collateralAssets: position.collateralAssets, debtAssets: await vault.debtAssetsOf(id) };
      const params = await client.riskParams(marketId);
      const [at, lastPrice, lastRate] = await engine.priceSpeed(marketId);
      const latest = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const { dropRate } = observeSpeed({ at, price: lastPrice, dropRate: lastRate }, price, latest);
      expect(liquidationSchedule({ ...state, price }, params, dropRate)).to.deep.equal(local);
      if (projectedDrop(dropRate, params.trancheCooldown) >= CALM_DROP) {
        moving++;
      } else {
        // At rest, the schedule is also the constant price path: one price per grace window; a path longer than
        // the schedule adds nothing unless the schedule stopped at its 64-tranche limit.
        const steps = local.length === 64 ? 64 : local.length + 1;
        const path = scheduleAlongPath(state, params, Array(steps).fill(price) as bigint[]);
        expect(path).to.deep.equal(local);
      }
      compared++;
      tranches += onChain.length;
      if (onChain.length > 1) multi++;
    }
    // The random cases reach multi-tranche schedules, not just healthy positions.
    expect(tranches).to.be.greaterThan(1_000);
    expect(multi).to.be.greaterThan(100);
    expect(moving, "schedules from a non-calm measured speed").to.be.greaterThan(100);
  });

  it("checks the parameters once, at the entry, with the contract's named error", function () {
    const params = { ...exampleRiskParams(), targetRatio: exampleRiskParams().maintenanceRatio };
    const position = { collateralAssets: 10n * WAD, debtAssets: 21_000n * USDC, price: wethPrice(2300n) };
    for (const run of [
      () => liquidationSchedule(position, params),
      () => scheduleAlongPath(position, params, [wethPrice(2300n)]),
    ]) {
      expect(run).to.throw(TrancheMathError, "TargetNotAboveMaintenance");
    }
    // With valid parameters the same position schedules tranches.
    expect(liquidationSchedule(position, exampleRiskParams()).length).to.be.greaterThan(0);
  });
});
