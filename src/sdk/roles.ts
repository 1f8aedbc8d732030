/**
 * Role identifiers of the AccessControl contracts a Sluice deployment holds (OpenZeppelin's `keccak256(name)`, the
 * admin role 0x00), shared by the Ignition modules, the deploy script, the tests and integrators who check roles.
 */
import { ZeroHash, id } from "ethers";

/** `DEFAULT_ADMIN_ROLE` of every AccessControl contract (and of the TimelockController). */
export const DEFAULT_ADMIN_ROLE = ZeroHash;
/** MarginVault and LiquidationEngine: may change risk parameters / fee routing. */
export const RISK_MANAGER_ROLE = id("RISK_MANAGER_ROLE");
/** MarginVault: may pause new borrowing per market. */
export const GUARDIAN_ROLE = id("GUARDIAN_ROLE");
/** TimelockController: schedules operations. */
export const PROPOSER_ROLE = id("PROPOSER_ROLE");
/** TimelockController: executes ready operations. */
export const EXECUTOR_ROLE = id("EXECUTOR_ROLE");
/** TimelockController: cancels scheduled operations. */
export const CANCELLER_ROLE = id("CANCELLER_ROLE");
/** Salt of the one bootstrap batch the deployment runs through the timelock. */
export const BOOTSTRAP_SALT = id("sluice.deploy.bootstrap");
