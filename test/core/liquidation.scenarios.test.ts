import { expect } from "chai";
import { network } from "hardhat";

import { atSpeed, graceSkipped, projectedDrop, repayToTargetUp } from "../../src/sdk/index.js";
import {
  USDC,
  WAD,
  deploySystem,
  exampleRiskParams,
  openPosition,
  wethPrice,
  type SluiceSystem,
} from "../helpers/system.js";

const TARGET = 125n * 10n ** 16n;
const MAINTENANCE = 12n * 10n ** 17n;

describe("Incremental liquidation scenarios", function () {
  async function setup(frozenInterest = false) {
    const { ethers, networkHelpers } = await network.create();
    const [, borrower, keeper] = await ethers.getSigners();
    if (borrower === undefined || keeper === undefined) throw new Error("missing signers");
    const system: SluiceSystem = await deploySystem(ethers, 50_000_000n * USDC, frozenInterest ? [0n, 0n] : undefined);
    await system.quote.mint(keeper.address, 10n ** 12n * USDC);
    await system.quote.connect(keeper).approve(await system.engine.getAddress(), ethers.MaxUint256);
    return { ethers, networkHelpers, borrower, keeper, system };
  }

  it("a 40 % drop in steps on a 1,000,000-USDC position gives several tranches, each back at the target the measured speed asks, grace windows apart unless the fall skips one", async function () {
    const { networkHelpers, borrower, keeper, system } = await setup();
    const { vault, engine, oracle } = system;
    // 500 WETH at 3,000 = 1,500,000 USDC against 1,000,000: ratio 1.5.
    const id = await openPosition(system, borrower, 500n * WAD, 1_000_000n * USDC);
    const lenderAssetsBefore = await system.pool.totalAssets();
    const tranches: Array<{
      at: number;
      ratioAfter: bigint;
      repaid: bigint;
      capped: boolean;
      target: bigint;
      speedSkippedGrace: boolean;
    }> = [];
    const params = exampleRiskParams(); // the market's (deploySystem lists it with them)
    for (let step = 1; step <= 40; step++) {
      await oracle.setPrice(wethPrice(3000n - 30n * BigInt(step))); // -1 % of the start price a step, to 1,800
      await networkHelpers.time.increase(60);
      const preview = await engine.previewLiquidation(id);
      if (preview.reason !== 0n) continue;
      const before = await vault.position(id);
      const debtBefore = await vault.debtAssetsOf(id);
      await engine.connect(keeper).liquidate(id, 2n ** 255n, keeper.address, "0x");
      const repaid = preview.repaidAssets;
      // The target at the speed the engine measured (-1 % a minute: the target rises to T / (1 - d)); the
      // tranche's own block is a second later, when the measure has decayed a little, so its target is at most this.
      const rate = await engine.dropRate(system.marketId);
      const drop = projectedDrop(rate, params.trancheCooldown);
      const now = BigInt(await networkHelpers.time.latest());
      // Inside the grace window of a capped tranche, the measured fall may skip the rest of it (the SDK's rule).
      const speedSkippedGrace = graceSkipped(
        preview.ratioBefore,
        rate,
        preview.nextEligibleAt,
        params.trancheCooldown,
        params,
        now,
      );
      const target = atSpeed(params, preview.ratioBefore, drop).targetRatio;
      // Capped when the repayment is below what the target needs (a cap bound it).
      const [price] = await oracle.price();
      const needed = repayToTargetUp(before.collateralAssets, price, debtBefore, target, preview.bonus);
      const capped = repaid + 1n < needed;
      if ((await vault.debtAssetsOf(id)) === 0n) continue; // a closing tranche (dust or full): no ratio left
      const health = await vault.positionHealth(id);
      tranches.push({
        at: await networkHelpers.time.latest(),
        ratioAfter: health.ratio,
        repaid,
        capped,
        target,
        speedSkippedGrace,
      });
    }
    expect(tranches.length).to.be.greaterThan(2, "several tranches");
    expect(
      tranches.some((t) => !t.capped),
      "at least one tranche sized by the target",
    ).to.equal(true);
    for (const t of tranches) {
      if (!t.capped) {
        expect(t.ratioAfter >= TARGET, "uncapped tranche restores the target").to.equal(true);
        expect(t.ratioAfter < t.target + 10n ** 15n, "just above the raised target, not more").to.equal(true);
      }
    }
    // The first tranche is the market's first observation (at rest); later ones see the fall and raise the target.
    expect(
      tranches.some((t) => t.target > TARGET),
      "the measured fall raised the target",
    ).to.equal(true);
    for (let i = 1; i < tranches.length; i++) {
      if (tranches[i]!.speedSkippedGrace) continue;
      expect(tranches[i]!.at - tranches[i - 1]!.at).to.be.at.least(300, "grace window between tranches");
    }
    expect(await system.pool.totalAssets()).to.be.greaterThanOrEqual(lenderAssetsBefore, "no bad debt for lenders");
  });

  it("a top-up inside the grace window ends the liquidation", async function () {
    const { networkHelpers, borrower, keeper, system } = await setup();
    const { vault, engine, oracle, collateral } = system;
    const id = await openPosition(system, borrower, 500n * WAD, 1_000_000n * USDC);
    await oracle.setPrice(wethPrice(2300n)); // ratio 1.15: capped tranche, still below maintenance
    await engine.connect(keeper).liquidate(id, 2n ** 255n, keeper.address, "0x");
    expect((await vault.positionHealth(id)).ratio < MAINTENANCE).to.equal(true);
    await collateral.mint(borrower.address, 200n * WAD);
    await collateral.connect(borrower).approve(await vault.getAddress(), 200n * WAD);
    await vault.connect(borrower).depositCollateral(id, 200n * WAD);
    await networkHelpers.time.increase(300);
    const preview = await engine.previewLiquidation(id);
    expect(preview.reason).to.equal(4n, "Healthy");
    await expect(engine.connect(keeper).liquidate(id, 2n ** 255n, keeper.address, "0x")).to.be.revertedWithCustomError(
      engine,
      "PositionHealthy",
    );
  });

  it("a crash straight below the full-liquidation ratio closes the whole position at once", async function () {
    const { borrower, keeper, system } = await setup();
    const { vault, engine, oracle } = system;
    const id = await openPosition(system, borrower, 500n * WAD, 1_000_000n * USDC);
    await oracle.setPrice(wethPrice(2140n)); // ratio 1.07
    const debt = await vault.debtAssetsOf(id);
    await expect(engine.connect(keeper).liquidate(id, 2n ** 255n, keeper.address, "0x")).to.emit(
      engine,
      "TrancheLiquidated",
    );
    expect(await vault.debtAssetsOf(id)).to.equal(0n);
    expect((await engine.trancheState(id)).tranchesExecuted).to.equal(1n);
    expect(debt > 250_000n * USDC, "above the absolute cap: the caps were lifted").to.equal(true);
  });

  it("bad debt is covered by the insurance fund first, then by lenders", async function () {
    const { ethers, borrower, keeper, system } = await setup(true);
    const { vault, engine, oracle, pool, fund, quote } = system;
    const id = await openPosition(system, borrower, 500n * WAD, 1_000_000n * USDC);
    await quote.mint(await fund.getAddress(), 20_000n * USDC);
    await oracle.setPrice(wethPrice(1800n)); // 900,000 of collateral against 1,000,000
    const lenderAssetsBefore = await pool.totalAssets();
    const tx = engine.connect(keeper).liquidate(id, 2n ** 255n, keeper.address, "0x");
    await expect(tx).to.emit(engine, "BadDebtRealized");
    expect(await vault.debtAssetsOf(id)).to.equal(0n);
    const closed = await vault.position(id);
    expect(closed.owner).to.equal(ethers.ZeroAddress, "the position is closed");
    expect(closed.collateralAssets).to.equal(0n);
    await expect(tx).to.emit(vault, "ClosePosition").withArgs(id, ethers.ZeroAddress, 0n);
    expect(await quote.balanceOf(await fund.getAddress())).to.equal(0n, "the fund paid all it held");
    const lenderLoss = lenderAssetsBefore - (await pool.totalAssets());
    // Repaid by the keeper: 900,000 / 1.06; covered: 20,000 + the fee; lenders lose the rest.
    const repaid = (900_000n * USDC * WAD + 106n * 10n ** 16n - 1n) / (106n * 10n ** 16n);
    const fee = (repaid * 6n * 10n ** 16n * 3n * 10n ** 17n + WAD * WAD - 1n) / (WAD * WAD);
    expect(lenderLoss).to.equal(1_000_000n * USDC - repaid - 20_000n * USDC - fee);
  });
});
