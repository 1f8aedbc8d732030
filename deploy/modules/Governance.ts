/**
 * Governance: the OpenZeppelin TimelockController that ends up holding every admin role of a Sluice deployment.
 *
 * It is created with a delay of 0 and the deployer as its temporary admin, so that the Sluice module can run one
 * bootstrap batch through it (upkeep routes, then `updateDelay(minDelay)`) before the deployer renounces everything.
 * Deployed on its own it is therefore not finished: deploy it through `Sluice.ts`.
 *
 * Parameters (`Governance`):
 * - `minDelay`: seconds between scheduling and executing an operation once bootstrapped;
 * - `proposers`: accounts that schedule and cancel operations (e.g. the protocol multisig);
 * - `executors`: accounts that execute ready operations (the zero address lets anyone execute).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("Governance", (m) => {
  const deployer = m.getAccount(0);
  const proposers = m.getParameter<string[]>("proposers");
  const executors = m.getParameter<string[]>("executors");
  // Delay 0 until the Sluice module's bootstrap batch sets `minDelay` through the timelock itself.
  const timelock = m.contract("TimelockController", [0n, proposers, executors, deployer]);
  return { timelock };
});
