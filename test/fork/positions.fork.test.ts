import { expect } from "chai";
import { MaxUint256 } from "ethers";

import { fundUsdc, fundWeth, setEthUsd } from "../../src/devchain/mainnetCanonical.js";
import { SCENARIO_RISK_PARAMS } from "../../src/devchain/mainnetSluice.js";
import {
  MODE_LINE,
  USDC,
  WAD,
  announceMode,
  debtForRatio,
  openPosition,
  scenarioFixture,
  startKeeper,
} from "./fixture.js";

const PRICE_SCALE = 10n ** 36n;

describe(`Fork suite: grace window top-up and bad debt [${MODE_LINE}]`, function () {
  this.timeout(300_000);
  let fixture: Awaited<ReturnType<typeof scenarioFixture>>;

  before(async function () {
    announceMode();
    fixture = await scenarioFixture();
  });

  it("an owner tops up during the grace window after a tranche: no second tranche, the position stays healthy", async function () {
    const scenario = await fixture.load();
    const { world, sluice, connection } = scenario;
    const owner = world.borrowers[0]!;
    const keeper = await startKeeper(scenario);
    const collateral = 20n * WAD;
    const id = await openPosition(
      scenario,
      owner,
      collateral,
      debtForRatio(collateral, world.startEthUsd, (142n * WAD) / 100n),
    );
    await setEthUsd(world, (world.startEthUsd * 80n) / 100n); // ratio 1.42 -> 1.136

    const debtBefore = await sluice.vault.debtAssetsOf(id);
    const first = await sluice.engine.previewLiquidation(id);
    expect((await keeper.scanOnce()).map((a) => a.result)).to.deep.equal(["success"]);
    const [tranche] = await sluice.engine.queryFilter(sluice.engine.filters.TrancheLiquidated, -1);
    expect([tranche!.args.repaidAssets, tranche!.args.seizedAssets]).to.deep.equal([
      first.repaidAssets,
      first.seizedAssets,
    ]);
    // The tranche was capped at 25 % of the debt, so the position is still below maintenance, inside its window.
    // Capped at 25 % of the debt, rounded up (the protocol's side).
    const cap = (debtBefore * SCENARIO_RISK_PARAMS.maxTrancheShare + WAD - 1n) / WAD;
    expect(first.repaidAssets).to.equal(cap);
    const after = await sluice.engine.previewLiquidation(id);
    expect(after.ratioBefore < SCENARIO_RISK_PARAMS.maintenanceRatio, "still below maintenance").to.equal(true);
    const lastTrancheAt = BigInt((await world.provider.getBlock(tranche!.blockNumber))!.timestamp);
    expect(after.reason).to.equal(5n, "Reason.GracePeriod");
    expect(after.nextEligibleAt).to.equal(lastTrancheAt + SCENARIO_RISK_PARAMS.trancheCooldown);
    await expect(
      sluice.flash.connect(world.keeper).liquidate(id, MaxUint256, world.swapPath, 0n, 0n),
    ).to.be.revertedWithCustomError(sluice.engine, "InGracePeriod");
    const scan = await keeper.scanOnce();
    expect(scan.map((a) => a.result)).to.deep.equal([], "the lens lists no eligible position inside the window");

    // The owner tops up inside the window: enough WETH for the target ratio (1.25) at the oracle price, rounded up.
    const [price] = await sluice.markToModel!.price();
    const debt = await sluice.vault.debtAssetsOf(id);
    const held = (await sluice.vault.position(id)).collateralAssets;
    const needed = (debt * SCENARIO_RISK_PARAMS.targetRatio * PRICE_SCALE) / WAD / price + 1n - held;
    await fundWeth(world, await owner.getAddress(), needed);
    await (await world.weth.connect(owner).approve(await sluice.vault.getAddress(), needed)).wait();
    await (await sluice.vault.connect(owner).depositCollateral(id, needed)).wait();
    const health = await sluice.vault.position(id);
    expect(health.collateralAssets).to.equal(held + needed);
    const ratio = ((((held + needed) * price) / PRICE_SCALE) * WAD) / debt;
    expect(ratio >= SCENARIO_RISK_PARAMS.targetRatio - 10n ** 12n, `ratio ${ratio} back at the target`).to.equal(true);

    // The window passes: the position is healthy, nothing to liquidate, and a direct attempt says why.
    await connection.networkHelpers.time.increase(Number(SCENARIO_RISK_PARAMS.trancheCooldown) + 1);
    expect((await sluice.engine.previewLiquidation(id)).reason).to.equal(4n, "Reason.Healthy");
    expect(await keeper.scanOnce()).to.deep.equal([]);
    await expect(
      sluice.flash.connect(world.keeper).liquidate(id, MaxUint256, world.swapPath, 0n, 0n),
    ).to.be.revertedWithCustomError(sluice.engine, "PositionHealthy");
    const tranches = await sluice.engine.queryFilter(sluice.engine.filters.TrancheLiquidated, 0);
    expect(tranches.length).to.equal(1, "one tranche in all");
  });

  it("a crash below 1 + bonus closes the position: the insurance fund covers the shortfall first, lenders the rest", async function () {
    const scenario = await fixture.load();
    const { world, sluice } = scenario;
    const keeper = await startKeeper(scenario);
    const collateral = 100n * WAD;
    const id = await openPosition(
      scenario,
      world.borrowers[1]!,
      collateral,
      debtForRatio(collateral, world.startEthUsd, (140n * WAD) / 100n),
    );
    const fundSeed = 5_000n * USDC;
    await fundUsdc(world, await sluice.fund.getAddress(), fundSeed);
    await setEthUsd(world, (world.startEthUsd * 70n) / 100n); // ratio 1.40 -> 0.98

    const preview = await sluice.engine.previewLiquidation(id);
    expect(preview.fullClose).to.equal(true);
    expect(preview.seizedAssets).to.equal(collateral, "all collateral is seized");
    expect(preview.badDebtAssets > fundSeed, "a shortfall larger than the fund").to.equal(true);
    const lender = await world.lender.getAddress();
    const lenderShares = await sluice.lendingPool.balanceOf(lender);
    const [assetsBefore, lenderAssetsBefore] = [
      await sluice.lendingPool.totalAssets(),
      await sluice.lendingPool.convertToAssets(lenderShares),
    ];

    expect((await keeper.scanOnce()).map((a) => a.result)).to.deep.equal(["success"]);
    const [tranche] = await sluice.engine.queryFilter(sluice.engine.filters.TrancheLiquidated, -1);
    const [bad] = await sluice.engine.queryFilter(sluice.engine.filters.BadDebtRealized, -1);
    expect([tranche!.args.repaidAssets, tranche!.args.seizedAssets, tranche!.args.fullClose]).to.deep.equal([
      preview.repaidAssets,
      preview.seizedAssets,
      true,
    ]);
    // The fund pays its seed, all it has; the pool writes off the rest. The protocol fee arrived with the repayment
    // as the pool's reserves (interest is frozen, so they hold nothing else), which absorb the write-off first.
    const shortfall = preview.badDebtAssets;
    const covered = fundSeed;
    expect([bad!.args.coveredByInsurance, bad!.args.socialized]).to.deep.equal([covered, shortfall - covered]);
    expect(await world.usdc.balanceOf(await sluice.fund.getAddress())).to.equal(0n, "the fund is empty");
    expect(await sluice.lendingPool.reserveAssets()).to.equal(0n, "the reserves absorbed the fee");
    const lenderPart = shortfall - covered - preview.protocolFee;
    const assetsAfter = await sluice.lendingPool.totalAssets();
    expect(assetsBefore - assetsAfter).to.equal(lenderPart);
    const lenderLoss = lenderAssetsBefore - (await sluice.lendingPool.convertToAssets(lenderShares));
    expect(lenderLoss >= lenderPart - 1n && lenderLoss <= lenderPart).to.equal(
      true,
      `lender's loss ${lenderLoss} equals the socialized ${lenderPart} less the reserves (virtual shares take < 1 unit)`,
    );
    expect(await sluice.vault.debtAssetsOf(id)).to.equal(0n);
    expect((await sluice.vault.position(id)).collateralAssets).to.equal(0n);
    console.log(
      `      bad debt ${shortfall} USDC units: insurance ${covered}, reserves (the fee) ${preview.protocolFee}, ` +
        `lenders ${lenderPart}`,
    );
  });
});
