import { expect } from "chai";
import { network } from "hardhat";

import {
  CALM_DROP,
  WAD,
  observeSpeed,
  previewLiquidation,
  projectedDrop,
  trancheRoom,
  type LiquidationState,
  type RiskParams,
} from "../../src/sdk/index.js";

import { Rng } from "../helpers/rng.js";
import { PRICE_SCALE, USDC, deploySystem, wethPrice as price } from "../helpers/system.js";

/** Parameters as MarginVault stores them, in the shape of `IMarginVault.RiskParams`. */
function riskParams(rng: Rng, minRng: Rng): RiskParams & { borrowCap: bigint; collateralCap: bigint } {
  const maxBonus = rng.pick([6n * 10n ** 16n, 8n * 10n ** 16n, 5n * 10n ** 16n]);
  const params = {
    initialRatio: 14n * 10n ** 17n,
    targetRatio: 125n * 10n ** 16n,
    maintenanceRatio: 12n * 10n ** 17n,
    fullLiquidationRatio: 108n * 10n ** 16n,
    minBonus: 2n * 10n ** 16n,
    maxBonus,
    keeperShare: rng.pick([7n * 10n ** 17n, 5n * 10n ** 17n, WAD]),
    maxTrancheShare: rng.pick([25n * 10n ** 16n, 5n * 10n ** 17n, WAD]),
    maxTrancheDebt: rng.pick([250_000n * USDC, 3_000n * USDC]),
    minTrancheDebt: 0n,
    minDebt: 100n * USDC,
    windowLimit: rng.pick([2_000_000n * USDC, 8_000n * USDC]),
    window: 3600n,
    trancheCooldown: rng.pick([300n, 0n, 900n]),
    borrowCap: 10n ** 30n,
    collateralCap: 10n ** 30n,
  };
  // From its own stream, so the other draws are those of the parameters before the minimum existed.
  const minTrancheDebt = minRng.pick([0n, 0n, 200n * USDC, 1_000n * USDC]);
  return { ...params, minTrancheDebt: minTrancheDebt < params.maxTrancheDebt ? minTrancheDebt : params.maxTrancheDebt };
}

/** How a sequencer outage bears on a state's grace window (to show the random states reach each case). */
function outageCase(state: LiquidationState): string {
  const last = state.lastTrancheAt;
  if (last === 0n || state.outageResumedAt <= last) return "none";
  const pausedFrom = state.outageDownAt > last ? state.outageDownAt : last;
  if (last + state.params.trancheCooldown <= pausedFrom) return "window ran out first";
  if (state.outageResumedAt === (1n << 256n) - 1n) return "down";
  return state.outageDownAt > last ? "known start" : "unknown start";
}

describe("LiquidationEngine.previewLiquidation TypeScript mirror", function () {
  it("equals the contract's preview on 2,000 random states (prices and their speed, grace windows, open remainders, market windows, time bonus)", async function () {
    const { ethers, networkHelpers } = await network.create();
    const [, borrower, keeper] = await ethers.getSigners();
    if (borrower === undefined || keeper === undefined) throw new Error("missing signers");
    const rng = new Rng(0x9e57n);

    const { quote, collateral, oracle, vault, engine, marketId } = await deploySystem(ethers, 100_000_000n * USDC);
    const minRng = new Rng(0x5n);
    let params = riskParams(rng, minRng);
    await vault.setRiskParams(marketId, params).catch(() => undefined); // NoChange is fine
    await quote.mint(keeper.address, 10n ** 15n * USDC);
    await quote.connect(keeper).approve(await engine.getAddress(), ethers.MaxUint256);
    await collateral.connect(borrower).approve(await vault.getAddress(), ethers.MaxUint256);

    // Ten positions from 0.2 to 300 WETH, each at a ratio between 1.41 and 1.9 at `at` (a 1e36-scaled price).
    const open = async (collateralAssets: bigint, ratio: bigint, at: bigint): Promise<bigint> => {
      const debt = (((collateralAssets * at) / PRICE_SCALE) * WAD) / ratio;
      await collateral.mint(borrower.address, collateralAssets);
      const id = await vault.nextPositionId();
      await vault.connect(borrower).openPosition(marketId);
      await vault.connect(borrower).depositCollateral(id, collateralAssets);
      await vault.connect(borrower).borrow(id, debt, borrower.address);
      return id;
    };
    const ids: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const collateralAssets = rng.between(2n * 10n ** 17n, 300n * 10n ** 18n);
      const ratio = rng.between(141n * 10n ** 16n, 19n * 10n ** 17n);
      if ((((collateralAssets * price(3000n)) / PRICE_SCALE) * WAD) / ratio < 100n * USDC) continue;
      ids.push(await open(collateralAssets, ratio, price(3000n)));
    }
    ids.push(999n); // an unknown position

    const reasons = new Map<number, number>();
    let openRemainders = 0; // states whose tranche is bounded by the open remainder of an incomplete one
    let movingStates = 0; // states planned at a measured speed that is not calm
    const outageCases = new Map<string, number>();
    let states = 0;
    for (let round = 0; states < 2_000; round++) {
      // Move the world: price, time, sometimes the parameters, the time bonus, a flag or a tranche.
      await oracle.setPrice(price(rng.between(1_700n, 3_200n)));
      await oracle.setStatus(rng.between(0n, 19n) === 0n ? 0 : rng.between(0n, 4n) === 0n ? 2 : 1);
      const elapsed = Number(rng.pick([0n, 1n, 60n, 299n, 300n, 1_000n, 4_000n]));
      if (elapsed > 0) await networkHelpers.time.increase(elapsed);
      if (round % 17 === 5) {
        params = riskParams(rng, minRng);
        await vault.setRiskParams(marketId, params).catch(() => undefined); // NoChange is fine
      }
      if (round % 3 === 2) {
        // An L2 sequencer outage around now or a position's last tranche: none, down, resumed with a known or
        // unknown start, or long past.
        const t = BigInt(await networkHelpers.time.latest());
        let anchor = 0n; // the latest tranche of any position, so the outage can stop its window
        for (const id of ids) {
          const { lastTrancheAt } = await engine.trancheState(id);
          if (lastTrancheAt > anchor) anchor = lastTrancheAt;
        }
        if (anchor === 0n) anchor = t;
        const inWindow = anchor + rng.between(1n, params.trancheCooldown > 1n ? params.trancheCooldown - 1n : 1n);
        const downAt = rng.pick([0n, inWindow, inWindow]);
        const later = t + rng.between(0n, 600n);
        const resumedAt = rng.pick([0n, ethers.MaxUint256, later, later, t - rng.between(0n, 300n)]);
        await oracle.setOutage(resumedAt === 0n ? 0n : downAt, resumedAt);
      }
      if (round % 11 === 3) await engine.setTimeBonus(marketId, rng.between(0n, 10n ** 16n / 3600n));
      if (round % 5 === 1) await engine.recordPriceSpeed(marketId).catch(() => undefined); // InvalidPrice is fine
      const target = rng.pick(ids);
      if (rng.between(0n, 2n) === 0n) await engine.flagLiquidatable(target).catch(() => undefined);
      if (rng.between(0n, 2n) === 0n) {
        // Complete tranches, and incomplete ones (a part of the sized tranche) that leave the rest open.
        const sized = (await engine.previewLiquidation(target)).repaidAssets;
        // (A piece repays at least the minimum tranche: the engine refuses less.)
        const floor = params.minTrancheDebt > 0n ? params.minTrancheDebt : 1n;
        const maxRepay =
          rng.between(0n, 2n) === 0n && sized > floor ? rng.between(floor, sized - 1n) : ethers.MaxUint256;
        await engine
          .connect(keeper)
          .liquidate(target, maxRepay, keeper.address, "0x")
          .catch(() => undefined);
      }
      await networkHelpers.mine();

      const now = BigInt(await networkHelpers.time.latest());
      const onChainParams = await vault.riskParams(marketId);
      const [oraclePrice, status] = await oracle.price();
      const windowStart = await engine.windowStart(marketId);
      const windowLiquidated = await engine.windowLiquidatedAssets(marketId);
      const timeBonus = await engine.timeBonusPerSecond(marketId);
      const [outageDownAt, outageResumedAt] = await oracle.lastOutage();
      const [speedAt, speedPrice, speedRate] = await engine.priceSpeed(marketId);
      const speed = { at: speedAt, price: speedPrice, dropRate: speedRate };
      if (projectedDrop(observeSpeed(speed, oraclePrice, now).dropRate, onChainParams.trancheCooldown) >= CALM_DROP) {
        movingStates += ids.length;
      }
      for (const id of ids) {
        const position = await vault.position(id);
        const trancheState = await engine.trancheState(id);
        const state: LiquidationState = {
          exists: position.owner !== ethers.ZeroAddress,
          collateralAssets: position.collateralAssets,
          debtAssets: position.owner === ethers.ZeroAddress ? 0n : await vault.debtAssetsOf(id),
          price: oraclePrice,
          priceValid: status !== 0n,
          params: {
            initialRatio: onChainParams.initialRatio,
            targetRatio: onChainParams.targetRatio,
            maintenanceRatio: onChainParams.maintenanceRatio,
            fullLiquidationRatio: onChainParams.fullLiquidationRatio,
            minBonus: onChainParams.minBonus,
            maxBonus: onChainParams.maxBonus,
            keeperShare: onChainParams.keeperShare,
            maxTrancheShare: onChainParams.maxTrancheShare,
            maxTrancheDebt: onChainParams.maxTrancheDebt,
            minTrancheDebt: onChainParams.minTrancheDebt,
            minDebt: onChainParams.minDebt,
            windowLimit: onChainParams.windowLimit,
            window: onChainParams.window,
            trancheCooldown: onChainParams.trancheCooldown,
          },
          liquidatableSince: trancheState.liquidatableSince,
          lastTrancheAt: trancheState.lastTrancheAt,
          openTrancheAt: trancheState.openTrancheAt,
          openTrancheAssets: trancheState.openTrancheAssets,
          windowStart,
          windowLiquidatedAssets: windowLiquidated,
          timeBonusPerSecond: timeBonus,
          speed,
          outageDownAt,
          outageResumedAt,
          now,
        };
        const expected = previewLiquidation(state);
        const actual = await engine.previewLiquidation(id);
        const label = `round ${round}, position ${id}`;
        expect(
          {
            reason: Number(actual.reason),
            kind: Number(actual.kind),
            ratioBefore: actual.ratioBefore,
            bonus: actual.bonus,
            repaidAssets: actual.repaidAssets,
            seizedAssets: actual.seizedAssets,
            protocolFee: actual.protocolFee,
            badDebtAssets: actual.badDebtAssets,
            fullClose: actual.fullClose,
            nextEligibleAt: actual.nextEligibleAt,
          },
          label,
        ).to.deep.equal(expected);
        reasons.set(expected.reason, (reasons.get(expected.reason) ?? 0) + 1);
        if (state.openTrancheAssets > 0n && trancheRoom(state) === state.openTrancheAssets) openRemainders++;
        const case_ = outageCase(state);
        outageCases.set(case_, (outageCases.get(case_) ?? 0) + 1);
        states++;
      }
    }
    expect(states).to.be.at.least(2_000);
    // ... and grace windows stopped by a sequencer outage, with a known or unknown start, or still down.
    for (const case_ of ["known start", "unknown start", "down"]) {
      expect(outageCases.get(case_) ?? 0, `outage: ${case_}`).to.be.at.least(10);
    }
    console.log(`      open remainders: ${openRemainders}; states at a non-calm measured speed: ${movingStates}`);
    expect(movingStates, "states planned at a non-calm price speed").to.be.at.least(50);
    expect(openRemainders, "states bounded by an open remainder").to.be.at.least(10);
    // The states reach liquidatable, healthy, grace-window, invalid-price and unknown-position previews.
    for (const reason of [0, 1, 3, 4, 5]) expect(reasons.get(reason) ?? 0, `reason ${reason}`).to.be.greaterThan(0);
  });
});
