import { expect } from "chai";

import {
  ParameterError,
  readParameterFile,
  validateParameters,
  type SluiceParameters,
} from "../../src/deploy/parameters.js";

const PUBLIC_NETWORKS = ["sepolia", "mainnet", "arbitrum", "base"] as const;
const MULTISIG = "0x1111111111111111111111111111111111111111";
const GUARDIAN = "0x2222222222222222222222222222222222222222";
const RISK_MANAGER = "0x3333333333333333333333333333333333333333";
const KEEPER = "0x4444444444444444444444444444444444444444";

type Json = Record<string, Record<string, unknown>>;

/** A public network's file with its SET_ME governance accounts filled in. */
function filled(networkName: string): Json {
  const json = readParameterFile(`deploy/parameters/${networkName}.json5`) as Json;
  json.Governance = { proposers: [MULTISIG], executors: [MULTISIG] };
  json.Core = { ...json.Core, guardian: GUARDIAN, riskManager: RISK_MANAGER };
  json.Periphery = { ...json.Periphery, keeperOwner: KEEPER };
  return json;
}

/** The problems `validateParameters` reports for `json` (none: an empty list). */
function problems(json: unknown, networkName = "mainnet", file = `deploy/parameters/${networkName}.json5`): string[] {
  try {
    validateParameters(json, { file, network: networkName });
    return [];
  } catch (error) {
    if (error instanceof ParameterError) return [...error.problems];
    throw error;
  }
}

function withRisk(changes: Record<string, unknown>): Json {
  const json = filled("mainnet");
  const market = json.Market as { riskParams: Record<string, unknown> };
  json.Market = { riskParams: { ...market.riskParams, ...changes } };
  return json;
}

describe("deploy: parameter files and their validation", () => {
  for (const networkName of PUBLIC_NETWORKS) {
    it(`${networkName}: valid once the governance accounts are filled in`, () => {
      expect(problems(filled(networkName), networkName)).to.deep.equal([]);
    });

    it(`${networkName}: as committed, refused for exactly its SET_ME accounts`, () => {
      const found = problems(readParameterFile(`deploy/parameters/${networkName}.json5`), networkName);
      const fields = found.map((p) => p.split(": ")[1]);
      expect(fields).to.deep.equal([
        "Governance.proposers[0]",
        "Governance.executors[0]",
        "Core.guardian",
        "Core.riskManager",
        "Periphery.keeperOwner",
      ]);
    });
  }

  it("gives real addresses and a sequencer feed on the L2s, and a V1 router where Uniswap has only SwapRouter02", () => {
    const parsed = (networkName: string): SluiceParameters =>
      validateParameters(filled(networkName), { file: networkName, network: networkName });
    expect(parsed("arbitrum").Oracles.sequencerUptimeFeed).to.equal("0xFdB631F5EE196F0ed6FAa767959853A9F217697D");
    expect(parsed("base").Oracles.sequencerUptimeFeed).to.equal("0xBCF85224fc0756B9Fa45aA7892530B47e10b6433");
    expect(parsed("mainnet").Oracles.baseFeed).to.equal("0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419");
    expect(parsed("base").UniswapRouter?.factory).to.equal("0x33128a8fC17869897dcE68Ed026d694621f6FDfD");
    expect(parsed("sepolia").UniswapRouter?.weth9).to.equal("0xfFf9976782d46CC05630D1f6eBAb18b2324d6B14");
    expect(parsed("mainnet").UniswapRouter).to.equal(undefined);
  });

  it("names the file, the module and the field in every problem", () => {
    const found = problems(withRisk({ maintenanceRatio: 10n ** 18n * 2n }), "mainnet", "deploy/parameters/x.json5");
    expect(found.length).to.be.greaterThan(0);
    for (const p of found) expect(p).to.match(/^deploy\/parameters\/x\.json5: (Market|Core|Oracles|Sluice)\./);
  });

  describe("risk parameters mirror the vault's bounds", () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        "maintenance at or below full liquidation",
        { maintenanceRatio: 11n * 10n ** 17n },
        "riskParams.maintenanceRatio",
      ],
      ["target at or below maintenance", { targetRatio: 125n * 10n ** 16n }, "riskParams.targetRatio"],
      ["initial below target", { initialRatio: 129n * 10n ** 16n }, "riskParams.initialRatio"],
      ["initial above 10x", { initialRatio: 11n * 10n ** 18n }, "riskParams.initialRatio"],
      [
        "full liquidation below 1 + maxBonus",
        { fullLiquidationRatio: 105n * 10n ** 16n, maintenanceRatio: 12n * 10n ** 17n },
        "riskParams.fullLiquidationRatio",
      ],
      [
        "maxBonus above 25 %",
        { maxBonus: 26n * 10n ** 16n, fullLiquidationRatio: 124n * 10n ** 16n },
        "riskParams.maxBonus",
      ],
      ["minBonus above maxBonus", { minBonus: 7n * 10n ** 16n }, "riskParams.minBonus"],
      ["keeper share above 100 %", { keeperShare: 10n ** 18n + 1n }, "riskParams.keeperShare"],
      ["tranche share of 0", { maxTrancheShare: 0 }, "riskParams.maxTrancheShare"],
      ["minDebt above maxTrancheDebt", { minDebt: 300_000n * 10n ** 6n }, "riskParams.minDebt"],
      ["cooldown above a day", { trancheCooldown: 86_401 }, "riskParams.trancheCooldown"],
      ["window of 0", { window: 0 }, "riskParams.window"],
      ["window above 7 days", { window: 7 * 86_400 + 1 }, "riskParams.window"],
      ["windowLimit of 0", { windowLimit: 0 }, "riskParams.windowLimit"],
      ["a ratio above uint64", { initialRatio: 2n ** 64n }, "riskParams.initialRatio"],
      ["a fraction", { window: 3600.5 }, "riskParams.window"],
      ["a misspelt field", { maintenanceRatoi: 1 }, "riskParams.maintenanceRatoi"],
    ];
    for (const [what, change, field] of cases) {
      it(`refuses ${what}, naming Market.${field}`, () => {
        const found = problems(withRisk(change));
        expect(
          found.some((p) => p.includes(`Market.${field}:`)),
          found.join("\n"),
        ).to.equal(true);
      });
    }
  });

  describe("oracles, addresses, governance and the swap path", () => {
    const edit = (module: string, changes: Record<string, unknown>, networkName = "mainnet"): string[] => {
      const json = filled(networkName);
      json[module] = { ...json[module], ...changes };
      return problems(json, networkName);
    };
    const expectNamed = (found: string[], field: string): void => {
      expect(
        found.some((p) => p.includes(`${field}:`)),
        `${field} not in:\n${found.join("\n")}`,
      ).to.equal(true);
    };

    it("refuses a heartbeat of 0", () =>
      expectNamed(edit("Oracles", { baseFeedHeartbeat: 0 }), "Oracles.baseFeedHeartbeat"));
    it("refuses an address that is not checksummed", () =>
      expectNamed(edit("Oracles", { baseFeed: "0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419" }), "Oracles.baseFeed"));
    it("refuses something that is not an address", () =>
      expectNamed(edit("Core", { quoteToken: "USDC" }), "Core.quoteToken"));
    it("refuses the zero address for a token", () =>
      expectNamed(
        edit("Oracles", { collateralToken: "0x0000000000000000000000000000000000000000" }),
        "Oracles.collateralToken",
      ));
    it("refuses a grace period without a sequencer feed", () =>
      expectNamed(edit("Oracles", { sequencerGracePeriod: 3600 }), "Oracles.sequencerGracePeriod"));
    it("refuses an L2 without a sequencer feed", () =>
      expectNamed(
        edit(
          "Oracles",
          { sequencerUptimeFeed: "0x0000000000000000000000000000000000000000", sequencerGracePeriod: 0 },
          "arbitrum",
        ),
        "Oracles.sequencerUptimeFeed",
      ));
    it("refuses a TWAP window under 30 minutes", () =>
      expectNamed(edit("Oracles", { twapWindow: 600 }), "Oracles.twapWindow"));
    it("refuses a maximum anchor age under 1 hour or above 7 days", () => {
      expectNamed(edit("Oracles", { maxAnchorAge: 3599 }), "Oracles.maxAnchorAge");
      expectNamed(edit("Oracles", { maxAnchorAge: 7 * 86_400 + 1 }), "Oracles.maxAnchorAge");
      expectNamed(edit("Oracles", { maxAnchorAge: 0 }), "Oracles.maxAnchorAge");
      expect(edit("Oracles", { maxAnchorAge: 7 * 86_400 })).to.deep.equal([]);
    });
    it("refuses a missing maximum anchor age", () => {
      const json = filled("mainnet");
      delete json.Oracles!.maxAnchorAge;
      const found = problems(json);
      expect(found[0]).to.equal("deploy/parameters/mainnet.json5: Oracles.maxAnchorAge: missing");
      for (const p of found) expect(p).to.match(/^deploy\/parameters\/mainnet\.json5: Oracles\.maxAnchorAge: /);
    });
    it("refuses, on a public network, a maximum anchor age at or below a feed's heartbeat", () => {
      // USDC/USD's 25 h heartbeat: a valid answer can be 25 h old, so a 1-day anchor could be too old at once.
      const found = edit("Oracles", { maxAnchorAge: 86_400 });
      expect(found).to.deep.equal([
        "deploy/parameters/mainnet.json5: Oracles.maxAnchorAge: must be above the feeds' longest heartbeat " +
          "(90000 seconds) on mainnet, or the fallback can be refused as soon as the primary goes stale; got 86400",
      ]);
      expectNamed(edit("Oracles", { maxAnchorAge: 90_000 }), "Oracles.maxAnchorAge");
      expectNamed(edit("Oracles", { baseFeedHeartbeat: 172_800 }), "Oracles.maxAnchorAge");
      expect(edit("Oracles", { maxAnchorAge: 90_001 })).to.deep.equal([]);
      // Local chains (one-year mock heartbeats) only need the contract's bounds.
      const json = filled("mainnet");
      json.Oracles = { ...json.Oracles, maxAnchorAge: 3600 };
      expect(problems(json, "localhost").some((p) => p.includes("Oracles.maxAnchorAge"))).to.equal(false);
    });
    it("refuses token decimals above 18", () =>
      expectNamed(edit("Oracles", { quoteDecimals: 19 }), "Oracles.quoteDecimals"));
    it("refuses a reserve factor above 50 %", () =>
      expectNamed(edit("Core", { reserveFactor: 6n * 10n ** 17n }), "Core.reserveFactor"));
    it("refuses a kink of 100 %", () => expectNamed(edit("Core", { kink: 10n ** 18n }), "Core.kink"));
    it("refuses a timelock delay under a day on a public network", () =>
      expectNamed(edit("Sluice", { minDelay: 3600 }), "Sluice.minDelay"));
    it("refuses an upkeep slippage above the FlashLiquidator's 20 %", () =>
      expectNamed(edit("Sluice", { maxSlippage: 2n * 10n ** 17n + 1n }), "Sluice.maxSlippage"));
    it("accepts a short delay on a local network", () => {
      const json = filled("mainnet");
      json.Sluice = { ...json.Sluice, minDelay: 60 };
      expect(problems(json, "localhost").some((p) => p.includes("Sluice.minDelay"))).to.equal(false);
    });
    it("refuses an empty proposer list", () =>
      expectNamed(edit("Governance", { proposers: [] }), "Governance.proposers"));
    it("refuses a swap path that does not start with the collateral", () =>
      expectNamed(
        edit("Sluice", {
          swapPath: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb480001f4c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2",
        }),
        "Sluice.swapPath",
      ));
    it("refuses a swap path with a fee that is not a V3 tier", () =>
      expectNamed(
        edit("Sluice", {
          swapPath: "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc20001f5a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
        }),
        "Sluice.swapPath",
      ));
    it("refuses an unknown module and a missing one", () => {
      const json = filled("mainnet") as Record<string, unknown>;
      json.Periphry = json.Periphery;
      delete json.Periphery;
      const found = problems(json);
      expectNamed(found, "Periphry");
      expectNamed(found, "Periphery");
    });
    it("refuses mock tokens on a public network", () => {
      const json = filled("mainnet");
      json.LocalMocks = {};
      expectNamed(problems(json), "LocalMocks.");
    });
  });
});
