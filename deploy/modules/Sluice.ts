/**
 * Sluice: the whole system on one chain, ending with governance in the timelock and nothing left to the deployer.
 *
 * Order: Core (wired) → Oracles → Market (listed with the file's risk parameters) → Periphery → Governance, then the
 * handover:
 * 1. the deployer, temporary admin of the timelock (delay 0), makes itself proposer and executor and runs one batch
 *    through the timelock: the upkeep's route and forwarder, then `updateDelay(minDelay)`;
 * 2. the timelock gets `DEFAULT_ADMIN_ROLE` on the pool, the fund, the vault and the engine, and the deployer renounces
 *    it there;
 * 3. the deployer renounces its proposer, executor and admin roles on the timelock.
 * Guardian and risk manager come from the `Core` parameters; the FlashLiquidator's owner from `Periphery`.
 *
 * Parameters (`Sluice`):
 * - `minDelay`: the timelock's delay once bootstrapped (seconds);
 * - `swapPath`: Uniswap V3 path selling the market's collateral for the quote asset (hex: token, fee, token);
 * - `maxSlippage`: the upkeep's bound on each sale against the oracle value of what it sells (WAD, at most the
 *   FlashLiquidator's `MAX_SLIPPAGE`, 20 %);
 * - `minProfit`: the upkeep's minimum profit per perform (quote units);
 * - `upkeepForwarder`: the Chainlink Automation forwarder allowed to perform (zero address: anyone).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ZeroHash } from "ethers";

import { BOOTSTRAP_SALT, DEFAULT_ADMIN_ROLE, EXECUTOR_ROLE, PROPOSER_ROLE } from "../../src/sdk/roles.js";
import Core from "./Core.js";
import Governance from "./Governance.js";
import Market from "./Market.js";
import Oracles from "./Oracles.js";
import Periphery from "./Periphery.js";

export default buildModule("Sluice", (m) => {
  const deployer = m.getAccount(0);
  const { interestRateModel, insuranceFund, lendingPool, vault, engine } = m.useModule(Core);
  const { chainlinkOracle, markToModelOracle } = m.useModule(Oracles);
  m.useModule(Market);
  const { positionLens, flashLiquidator, upkeep } = m.useModule(Periphery);
  const { timelock } = m.useModule(Governance);

  // 1. Bootstrap batch through the timelock (delay 0 until its last call sets minDelay).
  const marketId = m.staticCall(vault, "marketCount", [], 0, { after: [Market] });
  const grantProposer = m.call(timelock, "grantRole", [PROPOSER_ROLE, deployer], { id: "Timelock_grantProposer" });
  const grantExecutor = m.call(timelock, "grantRole", [EXECUTOR_ROLE, deployer], { id: "Timelock_grantExecutor" });
  const targets = [upkeep, upkeep, timelock];
  const values = [0n, 0n, 0n];
  const payloads = [
    m.encodeFunctionCall(upkeep, "setRoute", [
      marketId,
      m.getParameter<string>("swapPath"),
      m.getParameter<bigint>("maxSlippage"),
      m.getParameter<bigint>("minProfit"),
    ]),
    m.encodeFunctionCall(upkeep, "setForwarder", [m.getParameter<string>("upkeepForwarder")]),
    m.encodeFunctionCall(timelock, "updateDelay", [m.getParameter<bigint>("minDelay")]),
  ];
  const schedule = m.call(timelock, "scheduleBatch", [targets, values, payloads, ZeroHash, BOOTSTRAP_SALT, 0n], {
    after: [grantProposer],
  });
  const execute = m.call(timelock, "executeBatch", [targets, values, payloads, ZeroHash, BOOTSTRAP_SALT], {
    after: [schedule, grantExecutor],
  });

  // 2. Admin roles of the core contracts to the timelock, after the deployer's last admin call (Core's wiring and
  // Market's listing).
  const handed = [
    ["LendingPool", lendingPool],
    ["InsuranceFund", insuranceFund],
    ["MarginVault", vault],
    ["LiquidationEngine", engine],
  ] as const;
  const renounced = handed.map(([name, contract]) => {
    const grant = m.call(contract, "grantRole", [DEFAULT_ADMIN_ROLE, timelock], {
      id: `${name}_grantAdminToTimelock`,
      after: [Core, Market],
    });
    return m.call(contract, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], {
      id: `${name}_renounceAdmin`,
      after: [grant],
    });
  });

  // 3. The deployer leaves the timelock.
  for (const [name, role] of [
    ["Proposer", PROPOSER_ROLE],
    ["Executor", EXECUTOR_ROLE],
    ["Admin", DEFAULT_ADMIN_ROLE],
  ] as const) {
    m.call(timelock, "renounceRole", [role, deployer], {
      id: `Timelock_renounce${name}`,
      after: [execute, ...renounced],
    });
  }

  return {
    interestRateModel,
    insuranceFund,
    lendingPool,
    vault,
    engine,
    chainlinkOracle,
    markToModelOracle,
    positionLens,
    flashLiquidator,
    upkeep,
    timelock,
  };
});
