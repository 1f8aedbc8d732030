/**
 * The production build behaves as the tested one. The test suite runs on the unoptimized `default` build, while a
 * deployment ships the `production` build (optimizer, and the IR pipeline for every contract but MarginVault): a
 * different compiler pipeline. `npm run gas:check` therefore runs the gas scenario on both builds, each on a fresh
 * chain with the same fixed clock, and requires the same result from each: what every liquidation repaid and seized,
 * and everything the scenario left on chain (`sluiceOutcome`).
 */
import type { GasComparison } from "./compare.js";

/** The differences between two runs of the scenario, one line each (empty when they agree). */
export function buildDifferences(production: GasComparison, test: GasComparison): string[] {
  const lines: string[] = [];
  for (const [kind, measured] of Object.entries(production.liquidations.Sluice)) {
    const other = test.liquidations.Sluice[kind as keyof GasComparison["liquidations"]["Sluice"]];
    if (measured.repaid !== other.repaid || measured.seized !== other.seized) {
      lines.push(
        `liquidation '${kind}': production repaid ${measured.repaid} and seized ${measured.seized}, ` +
          `test build ${other.repaid} and ${other.seized}`,
      );
    }
  }
  const keys = new Set([...Object.keys(production.sluiceOutcome), ...Object.keys(test.sluiceOutcome)]);
  for (const key of keys) {
    const a = production.sluiceOutcome[key];
    const b = test.sluiceOutcome[key];
    if (a !== b) lines.push(`${key}: production '${a ?? "(missing)"}', test build '${b ?? "(missing)"}'`);
  }
  return lines;
}

/** How many figures the comparison checks (liquidations count twice: repaid and seized). */
export function comparedFigures(run: GasComparison): number {
  return Object.keys(run.liquidations.Sluice).length * 2 + Object.keys(run.sluiceOutcome).length;
}
