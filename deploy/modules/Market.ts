/**
 * Market: lists the collateral against the Core pool in the MarginVault, priced by the Oracles module's
 * MarkToModelOracle, with the risk parameters of the parameter file. Runs while the deployer still holds the vault's
 * admin role (the Sluice module hands it over afterwards).
 *
 * Parameters (`Market`):
 * - `riskParams`: `IMarginVault.RiskParams` (ratios and bonuses WAD; debts and caps in quote units; `window` and
 *   `trancheCooldown` in seconds), checked off-chain by `src/deploy/validate.ts` and on-chain by the vault.
 *
 * The collateral token is the one the oracle prices (`COLLATERAL_TOKEN`), so the two cannot disagree.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import Core from "./Core.js";
import Oracles from "./Oracles.js";

export default buildModule("Market", (m) => {
  const { vault, lendingPool } = m.useModule(Core);
  const { markToModelOracle } = m.useModule(Oracles);
  const collateralToken = m.staticCall(markToModelOracle, "COLLATERAL_TOKEN", []);
  // After Core's wiring: the vault checks that the pool lends to it.
  m.call(vault, "createMarket", [collateralToken, lendingPool, markToModelOracle, m.getParameter("riskParams")], {
    after: [Core],
  });
  return { markToModelOracle };
});
