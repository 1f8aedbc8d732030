import { expect } from "chai";

import { buildDifferences, comparedFigures } from "../../bench/gas/buildParity.js";
import type { GasComparison } from "../../bench/gas/compare.js";
import type { LiquidationGas } from "../../bench/gas/scenario.js";

/** A comparison with only the parts the build check reads. */
function run(seized: bigint, outcome: Record<string, string>): GasComparison {
  const liquidation = (gas: number): LiquidationGas => ({ gas, hash: "0x", repaid: 1_000n, seized });
  return {
    userOps: { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} },
    liquidations: {
      Sluice: {
        freshMarketTranche: liquidation(1),
        tranche: liquidation(2),
        repeatTranche: liquidation(3),
        fullClose: liquidation(4),
        badDebt: liquidation(5),
      },
    } as GasComparison["liquidations"],
    breakdowns: { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} },
    batches: [],
    lens: { page: 100, positionsOfMarket: 0, liquidatablePositions: 0 },
    sluiceOutcome: outcome,
  };
}

/** `npm run gas:check`'s second half: the production build must do exactly what the tested build does. */
describe("production build against the test build", function () {
  const outcome = { "position 1": "collateral 5, debt shares 7", pool: "cash 9" };

  it("finds no difference between equal runs, gas aside", function () {
    const production = run(10n, outcome);
    const test = run(10n, { ...outcome });
    test.liquidations.Sluice.tranche.gas = 999_999;
    expect(buildDifferences(production, test)).to.deep.equal([]);
    expect(comparedFigures(production)).to.equal(5 * 2 + 2);
  });

  it("names each liquidation that seized a different amount", function () {
    const differences = buildDifferences(run(10n, outcome), run(11n, outcome));
    expect(differences).to.have.length(5);
    expect(differences[1]).to.equal(
      "liquidation 'tranche': production repaid 1000 and seized 10, test build 1000 and 11",
    );
  });

  it("names a state that differs and one that only one build left", function () {
    const differences = buildDifferences(
      run(10n, outcome),
      run(10n, { "position 1": "collateral 5, debt shares 8", pool: "cash 9", "position 2": "collateral 1" }),
    );
    expect(differences).to.deep.equal([
      "position 1: production 'collateral 5, debt shares 7', test build 'collateral 5, debt shares 8'",
      "position 2: production '(missing)', test build 'collateral 1'",
    ]);
  });
});
