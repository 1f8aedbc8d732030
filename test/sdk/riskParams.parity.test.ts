import { expect } from "chai";
import { network } from "hardhat";

import {
  MAX_BONUS,
  MAX_RATIO,
  MAX_TRANCHE_COOLDOWN,
  MAX_WINDOW,
  RISK_PARAM_RULES,
  WAD,
  riskParamProblems,
  validateRiskParams,
  type MarketRiskParams,
} from "../../src/sdk/index.js";

import { USDC, deploySystem, exampleRiskParams, type SluiceSystem } from "../helpers/system.js";

/** Each bound the vault checks, broken once on top of valid parameters, with the error it reverts with. */
const BROKEN: Array<[string, Partial<MarketRiskParams>]> = [
  ["RatioTooHigh", { initialRatio: MAX_RATIO + 1n }],
  ["InitialBelowTarget", { initialRatio: 125n * 10n ** 16n - 1n }],
  ["TargetNotAboveMaintenance", { targetRatio: 12n * 10n ** 17n }],
  ["MaintenanceNotAboveFull", { fullLiquidationRatio: 12n * 10n ** 17n }],
  ["BonusTooHigh", { maxBonus: MAX_BONUS + 1n, fullLiquidationRatio: 119n * 10n ** 16n }],
  ["MinBonusAboveMax", { minBonus: 6n * 10n ** 16n + 1n }],
  ["FullBelowOnePlusBonus", { fullLiquidationRatio: WAD + 6n * 10n ** 16n - 1n }],
  ["InvalidTrancheShare", { maxTrancheShare: 0n }],
  ["InvalidTrancheShare", { maxTrancheShare: WAD + 1n }],
  ["ZeroTrancheDebt", { maxTrancheDebt: 0n, minDebt: 0n }],
  ["MinTrancheAboveMax", { minTrancheDebt: 250_000n * USDC + 1n }],
  ["MinDebtAboveTrancheDebt", { minDebt: 250_000n * USDC + 1n }],
  ["KeeperShareTooHigh", { keeperShare: WAD + 1n }],
  ["TrancheCooldownTooLong", { trancheCooldown: MAX_TRANCHE_COOLDOWN + 1n }],
  ["InvalidWindow", { window: 0n }],
  ["InvalidWindow", { window: MAX_WINDOW + 1n }],
  ["ZeroWindowLimit", { windowLimit: 0n }],
];

describe("SDK risk parameters: the same bounds as MarginVault.setRiskParams", function () {
  let system: SluiceSystem;

  before(async function () {
    const { ethers } = await network.create();
    system = await deploySystem(ethers, 1_000n * USDC);
  });

  it("has the vault's limits", async function () {
    expect(await system.vault.MAX_TRANCHE_COOLDOWN()).to.equal(MAX_TRANCHE_COOLDOWN);
    expect(await system.vault.MAX_WINDOW()).to.equal(MAX_WINDOW);
  });

  it("accepts what the vault accepts: the example parameters and the edges of each bound", async function () {
    // The example parameters are the market's own (createMarket took them); each edge below is a change.
    expect(riskParamProblems(exampleRiskParams())).to.deep.equal([]);
    const edges: Array<Partial<MarketRiskParams>> = [
      { trancheCooldown: 0n },
      { keeperShare: WAD, trancheCooldown: MAX_TRANCHE_COOLDOWN, window: MAX_WINDOW, windowLimit: 1n },
      { minDebt: 250_000n * USDC, maxTrancheShare: WAD },
      { minTrancheDebt: 250_000n * USDC },
      { fullLiquidationRatio: WAD + 6n * 10n ** 16n, minBonus: 6n * 10n ** 16n },
    ];
    for (const change of edges) {
      const params = { ...exampleRiskParams(), ...change };
      expect(
        riskParamProblems(params),
        JSON.stringify(change, (_k, v: unknown) => String(v)),
      ).to.deep.equal([]);
      await (await system.vault.setRiskParams(system.marketId, params)).wait();
    }
  });

  it("throws the custom error, with its arguments, that setRiskParams reverts with, for each broken bound", async function () {
    const seen = new Set<string>();
    for (const [errorName, change] of BROKEN) {
      const params = { ...exampleRiskParams(), ...change };
      let thrown: unknown;
      try {
        validateRiskParams(params);
      } catch (error) {
        thrown = error;
      }
      const mirror = thrown as { errorName?: string; args?: readonly bigint[] } | undefined;
      expect(mirror?.errorName, errorName).to.equal(errorName);
      const problems = riskParamProblems(params);
      expect(problems[0]?.error.errorName, `${errorName}: first problem`).to.equal(errorName);
      await expect(system.vault.setRiskParams(system.marketId, params))
        .to.be.revertedWithCustomError(system.vault, errorName)
        .withArgs(...(mirror?.args ?? []));
      seen.add(errorName);
    }
    // Every rule of the list was broken at least once, so the parity covers each bound.
    const ruleErrors = new Set(RISK_PARAM_RULES.map((rule) => rule.error(exampleRiskParams()).errorName));
    expect([...seen].sort()).to.deep.equal([...ruleErrors].sort());
  });

  it("lists every broken bound at once, naming each parameter, for a parameter file's messages", function () {
    const params = { ...exampleRiskParams(), keeperShare: WAD + 1n, windowLimit: 0n, maxTrancheShare: 0n };
    expect(riskParamProblems(params).map((p) => p.field)).to.deep.equal([
      "maxTrancheShare",
      "keeperShare",
      "windowLimit",
    ]);
  });
});
