import { expect } from "chai";
import { network } from "hardhat";

import {
  MAX_BONUS,
  MAX_RATIO,
  ORACLE_PRICE_SCALE,
  TrancheMathError,
  WAD,
  computeTranche,
  validateParams,
  type PositionState,
  type Tranche,
  type TrancheParams,
} from "../../src/sdk/math/index.js";
import type { TrancheMathHarness } from "../../typechain-types/index.js";
import type { TrancheMath as TrancheMathTypes } from "../../typechain-types/test/harness/TrancheMathHarness.js";

import { Rng } from "../helpers/rng.js";

/** One parity case: what both implementations are given. */
interface ParityCase {
  position: PositionState;
  params: TrancheParams;
  windowRemainingAssets: bigint;
  /** Time component of the bonus (WAD). */
  extraBonus: bigint;
  label: string;
}

const DECIMALS = [6n, 8n, 18n] as const;
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT256 = (1n << 256n) - 1n;

/** Valid parameters, as the Solidity fuzz tests draw them, with quote amounts scaled to `quoteDecimals`. */
function randomParams(rng: Rng, quoteDecimals: bigint): TrancheParams {
  const maxBonus = rng.between(0n, MAX_BONUS);
  const minBonus = rng.between(0n, maxBonus);
  const fullLiquidationRatio = rng.between(WAD + maxBonus, 3n * WAD);
  const maintenanceRatio = rng.between(fullLiquidationRatio + 10n ** 15n, 4n * WAD);
  const targetRatio = rng.between(maintenanceRatio + 10n ** 15n, 5n * WAD);
  const unit = 10n ** quoteDecimals;
  const maxTrancheDebt = rng.pick([MAX_UINT256, 250_000n * unit, rng.between(1n, 10n ** 9n * unit)]);
  const minTrancheDebt = rng.pick([0n, 0n, 5_000n * unit, rng.between(0n, 10n ** 6n * unit)]);
  return {
    initialRatio: rng.between(targetRatio, MAX_RATIO),
    targetRatio,
    maintenanceRatio,
    fullLiquidationRatio,
    minBonus,
    maxBonus,
    maxTrancheShare: rng.pick([WAD, WAD / 2n, WAD / 4n, rng.between(1n, WAD)]),
    maxTrancheDebt,
    minTrancheDebt: minTrancheDebt < maxTrancheDebt ? minTrancheDebt : maxTrancheDebt,
    minDebt: rng.pick([0n, 100n * unit, rng.between(0n, 10n ** 6n * unit)]),
  };
}

/** A price: collateral worth `usd` (10^k, k from −9 to 9, times a mantissa) in a quote worth ~1 USD. */
function randomPrice(rng: Rng, collateralDecimals: bigint, quoteDecimals: bigint): bigint {
  const mantissa = rng.between(1_000_000n, 9_999_999n); // 7 significant digits, scaled 1e6
  const exponent = rng.between(0n, 18n) - 9n;
  // price = usd * 10^quoteDecimals / 10^collateralDecimals * 1e36, usd = mantissa / 1e6 * 10^exponent
  let numerator = mantissa * 10n ** quoteDecimals * ORACLE_PRICE_SCALE;
  let denominator = 10n ** 6n * 10n ** collateralDecimals;
  if (exponent >= 0n) numerator *= 10n ** exponent;
  else denominator *= 10n ** -exponent;
  const price = numerator / denominator;
  return price === 0n ? 1n : price;
}

/** Ratios concentrated where the branches change: around 1 + bonus, full, maintenance and target. */
function randomRatio(rng: Rng, params: TrancheParams): bigint {
  const anchors = [WAD + params.maxBonus, params.fullLiquidationRatio, params.maintenanceRatio, params.targetRatio];
  switch (rng.between(0n, 3n)) {
    case 0n:
      return rng.between(10n ** 15n, 3n * WAD);
    case 1n:
      return rng.between(params.fullLiquidationRatio + 1n, params.maintenanceRatio - 1n);
    default: {
      const anchor = rng.pick(anchors);
      const offset = rng.between(0n, 10n ** 12n);
      return rng.between(0n, 1n) === 0n ? anchor + offset : anchor - offset;
    }
  }
}

function randomCase(rng: Rng, index: number): ParityCase {
  const collateralDecimals = rng.pick([...DECIMALS]);
  const quoteDecimals = rng.pick([...DECIMALS]);
  const params = randomParams(rng, quoteDecimals);
  const price = randomPrice(rng, collateralDecimals, quoteDecimals);
  const unit = 10n ** quoteDecimals;
  const debtAssets = rng.pick([
    rng.between(1n, 1000n), // a few units
    rng.between(unit, 10n ** 12n * unit), // 1 to a trillion tokens
    rng.between(MAX_UINT128 / 1000n, MAX_UINT128), // extreme
  ]);
  const ratio = randomRatio(rng, params);
  const collateralAssets = (ratio * debtAssets * WAD) / price;
  const windowRemainingAssets = rng.pick([0n, MAX_UINT256, rng.between(0n, debtAssets * 2n)]);
  const extraBonus = rng.pick([0n, 0n, rng.between(0n, MAX_BONUS), MAX_UINT256]);
  return {
    position: { collateralAssets, debtAssets, price },
    params,
    windowRemainingAssets,
    extraBonus,
    label: `#${index} collateral ${collateralDecimals}d / quote ${quoteDecimals}d`,
  };
}

/** Hand-picked extremes: no debt, no collateral, 1-unit amounts, the largest debt, the tiniest and largest prices. */
function extremeCases(rng: Rng): ParityCase[] {
  const params = randomParams(rng, 6n);
  const cases: Array<[bigint, bigint, bigint]> = [
    [1n, 0n, 1n],
    [0n, 1n, 1n],
    [0n, MAX_UINT128, 10n ** 36n],
    [1n, 1n, 10n ** 36n],
    [1n, 1n, 2n * 10n ** 36n],
    [MAX_UINT128, MAX_UINT128, 10n ** 36n],
    [MAX_UINT128, MAX_UINT128, 1n],
    [MAX_UINT128, 1n, 1n],
    [1n, MAX_UINT128, 10n ** 60n],
    [10n ** 30n, 12n * 10n ** 29n, 10n ** 36n],
    [12n * 10n ** 17n, 10n ** 18n, 10n ** 36n],
  ];
  return cases.map(([collateralAssets, debtAssets, price], i) => ({
    position: { collateralAssets, debtAssets, price },
    params,
    windowRemainingAssets: i % 2 === 0 ? MAX_UINT256 : 0n,
    extraBonus: 0n,
    label: `extreme #${i}`,
  }));
}

function toSolidity(c: ParityCase): TrancheMathHarness.CaseStruct {
  return {
    position: c.position,
    params: c.params,
    windowRemainingAssets: c.windowRemainingAssets,
    extraBonus: c.extraBonus,
  };
}

function fromSolidity(t: TrancheMathTypes.TrancheStructOutput): Tranche {
  return {
    kind: Number(t.kind),
    ratioBefore: t.ratioBefore,
    bonus: t.bonus,
    repaidAssets: t.repaidAssets,
    seizedAssets: t.seizedAssets,
    badDebtAssets: t.badDebtAssets,
  };
}

describe("TrancheMath TypeScript mirror", function () {
  const CASES = 2_400;
  const BATCH = 150;
  let harness: TrancheMathHarness;

  before(async function () {
    const { ethers } = await network.create();
    harness = await ethers.deployContract("TrancheMathHarness");
  });

  it(`returns the same tranche as the contract on ${CASES} random cases across 6/8/18-decimal pairs and extremes`, async function () {
    const rng = new Rng(0x5111ce_2026n);
    const cases = [...extremeCases(rng)];
    for (let i = cases.length; i < CASES; i++) cases.push(randomCase(rng, i));

    const kinds = new Map<number, number>();
    let compared = 0;
    for (let start = 0; start < cases.length; start += BATCH) {
      const batch = cases.slice(start, start + BATCH);
      const onChain = await harness.computeTranches(batch.map(toSolidity));
      batch.forEach((c, i) => {
        const expected = computeTranche(c.position, c.params, c.windowRemainingAssets, c.extraBonus);
        const actual = onChain[i];
        expect(actual, c.label).to.not.equal(undefined);
        expect(fromSolidity(actual!), c.label).to.deep.equal(expected);
        kinds.set(expected.kind, (kinds.get(expected.kind) ?? 0) + 1);
        compared++;
      });
    }
    expect(compared).to.equal(CASES);
    // The cases reach every kind of tranche, so the parity covers every branch.
    expect([...kinds.keys()].sort()).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it("validateParams throws the same named error the contract's reverts with, for each invalid parameter", async function () {
    const rng = new Rng(7n);
    const valid = randomParams(rng, 6n);
    const position: PositionState = { collateralAssets: 10n ** 18n, debtAssets: 10n ** 9n, price: 10n ** 30n };
    const broken: Array<[string, Partial<TrancheParams>]> = [
      ["RatioTooHigh", { initialRatio: MAX_RATIO + 1n }],
      ["InitialBelowTarget", { initialRatio: valid.targetRatio - 1n }],
      ["TargetNotAboveMaintenance", { targetRatio: valid.maintenanceRatio }],
      ["MaintenanceNotAboveFull", { fullLiquidationRatio: valid.maintenanceRatio }],
      ["BonusTooHigh", { maxBonus: MAX_BONUS + 1n }],
      ["MinBonusAboveMax", { minBonus: valid.maxBonus + 1n }],
      ["FullBelowOnePlusBonus", { fullLiquidationRatio: WAD + valid.maxBonus - 1n }],
      ["InvalidTrancheShare", { maxTrancheShare: 0n }],
      ["InvalidTrancheShare", { maxTrancheShare: WAD + 1n }],
      ["ZeroTrancheDebt", { maxTrancheDebt: 0n }],
      ["MinTrancheAboveMax", { maxTrancheDebt: 5n, minTrancheDebt: 6n }],
    ];
    for (const [errorName, change] of broken) {
      const params = { ...valid, ...change };
      let thrown: unknown;
      try {
        validateParams(params);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, errorName).to.be.instanceOf(TrancheMathError);
      const mirrorError = thrown as TrancheMathError;
      expect(mirrorError.errorName).to.equal(errorName);
      await expect(harness.validateParams(params))
        .to.be.revertedWithCustomError(harness, errorName)
        .withArgs(...mirrorError.args);
    }

    const zeroPrice = { ...position, price: 0n };
    expect(() => computeTranche(zeroPrice, valid, 0n)).to.throw(TrancheMathError, "ZeroPrice");
    await expect(harness.computeTranche(zeroPrice, valid, 0n)).to.be.revertedWithCustomError(harness, "ZeroPrice");
  });
});
