/**
 * Core: the interest-rate model, the quote asset's LendingPool (ERC-4626), the InsuranceFund, the MarginVault and the
 * LiquidationEngine, wired together (the pool takes the vault at construction; vault and fund → engine).
 *
 * The deployer holds the admin role of the pool, the fund, the vault and the engine until the Sluice module hands it
 * to the timelock; the guardian and risk-manager roles go straight to the accounts in the parameters.
 *
 * Parameters (`Core`; WAD = 1e18 = 100 %):
 * - `quoteToken`: the asset lent and borrowed (e.g. USDC);
 * - `poolName`, `poolSymbol`: the lender share token;
 * - `reserveFactor`: share of interest kept for the insurance fund (WAD, at most 0.5e18);
 * - `baseRatePerYear`, `slope1PerYear`, `slope2PerYear`, `kink`: the kinked rate curve (WAD per year; kink WAD);
 * - `guardian`: may pause new borrowing per market; `riskManager`: may change risk parameters and fee routing.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("Core", (m) => {
  const deployer = m.getAccount(0);
  const guardian = m.getParameter<string>("guardian");
  const riskManager = m.getParameter<string>("riskManager");

  const interestRateModel = m.contract("InterestRateModel", [
    m.getParameter<bigint>("baseRatePerYear"),
    m.getParameter<bigint>("slope1PerYear"),
    m.getParameter<bigint>("slope2PerYear"),
    m.getParameter<bigint>("kink"),
  ]);
  const insuranceFund = m.contract("InsuranceFund", [deployer]);
  // The vault first: the pool takes it at construction (its only borrower, immutable).
  const vault = m.contract("MarginVault", [deployer, riskManager, guardian]);
  const lendingPool = m.contract("LendingPool", [
    m.getParameter<string>("quoteToken"),
    m.getParameter<string>("poolName"),
    m.getParameter<string>("poolSymbol"),
    deployer,
    interestRateModel,
    m.getParameter<bigint>("reserveFactor"),
    insuranceFund,
    vault,
  ]);
  const engine = m.contract("LiquidationEngine", [vault, insuranceFund, deployer, riskManager]);

  m.call(vault, "setLiquidationEngine", [engine]);
  m.call(insuranceFund, "setLiquidationEngine", [engine]);

  return { interestRateModel, insuranceFund, lendingPool, vault, engine };
});
