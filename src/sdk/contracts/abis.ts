/**
 * The ABIs the SDK decodes with: the protocol's interfaces (ABI only, no bytecode, from the TypeChain bindings) plus
 * the errors that reach callers from libraries and OpenZeppelin. A test checks that every error and event in the
 * deployed contracts' ABIs is covered.
 */
import { Interface, type InterfaceAbi } from "ethers";

import { IFlashLiquidator__factory } from "../../../typechain-types/factories/contracts/interfaces/IFlashLiquidator__factory.js";
import { IInsuranceFund__factory } from "../../../typechain-types/factories/contracts/interfaces/IInsuranceFund__factory.js";
import { ILendingPool__factory } from "../../../typechain-types/factories/contracts/interfaces/ILendingPool__factory.js";
import { ILiquidationEngine__factory } from "../../../typechain-types/factories/contracts/interfaces/ILiquidationEngine__factory.js";
import { ILiquidationUpkeep__factory } from "../../../typechain-types/factories/contracts/interfaces/ILiquidationUpkeep__factory.js";
import { IMarginVault__factory } from "../../../typechain-types/factories/contracts/interfaces/IMarginVault__factory.js";
import { IMarkToModelOracle__factory } from "../../../typechain-types/factories/contracts/interfaces/IMarkToModelOracle__factory.js";
import { IChainlinkOracle__factory } from "../../../typechain-types/factories/contracts/interfaces/IChainlinkOracle__factory.js";
import { IInterestRateModel__factory } from "../../../typechain-types/factories/contracts/interfaces/IInterestRateModel__factory.js";

/** Errors raised by libraries (TransferLib, TrancheMath) and OpenZeppelin code inside the protocol's contracts. */
const LIBRARY_ERRORS = [
  "error TransferAmountMismatch(address token, uint256 expectedAssets, uint256 receivedAssets)",
  "error OwnableUnauthorizedAccount(address account)",
  "error OwnableInvalidOwner(address owner)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error AccessControlBadConfirmation()",
  "error SafeERC20FailedOperation(address token)",
  "error SafeERC20FailedDecreaseAllowance(address spender, uint256 currentAllowance, uint256 requestedDecrease)",
  "error ERC4626ExceededMaxDeposit(address receiver, uint256 assets, uint256 max)",
  "error ERC4626ExceededMaxMint(address receiver, uint256 shares, uint256 max)",
  "error ERC4626ExceededMaxWithdraw(address owner, uint256 assets, uint256 max)",
  "error ERC4626ExceededMaxRedeem(address owner, uint256 shares, uint256 max)",
  "error ReentrancyGuardReentrantCall()",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InvalidSender(address sender)",
  "error ERC20InvalidReceiver(address receiver)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC20InvalidApprover(address approver)",
  "error ERC20InvalidSpender(address spender)",
  "error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)",
  "error MathOverflowedMulDiv()",
  "error FailedCall()",
  "error AddressEmptyCode(address target)",
  "error TargetNotAboveMaintenance(uint256 targetRatio, uint256 maintenanceRatio)",
  "error InitialBelowTarget(uint256 initialRatio, uint256 targetRatio)",
  "error MaintenanceNotAboveFull(uint256 maintenanceRatio, uint256 fullLiquidationRatio)",
  "error FullBelowOnePlusBonus(uint256 fullLiquidationRatio, uint256 maxBonus)",
  "error MinBonusAboveMax(uint256 minBonus, uint256 maxBonus)",
  "error BonusTooHigh(uint256 maxBonus, uint256 limit)",
  "error RatioTooHigh(uint256 initialRatio, uint256 limit)",
  "error InvalidTrancheShare(uint256 maxTrancheShare)",
  "error ZeroTrancheDebt()",
  "error MinTrancheAboveMax(uint256 minTrancheDebt, uint256 maxTrancheDebt)",
  "error ZeroPrice()",
];

/** Events of OpenZeppelin access control inside the protocol's contracts. */
const LIBRARY_EVENTS = [
  "event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)",
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
  "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
  "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)",
  "event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner)",
];

/** The interface ABIs of the protocol's contracts. */
export const PROTOCOL_ABIS: readonly InterfaceAbi[] = [
  IMarginVault__factory.abi,
  ILiquidationEngine__factory.abi,
  ILendingPool__factory.abi,
  IInsuranceFund__factory.abi,
  IInterestRateModel__factory.abi,
  IFlashLiquidator__factory.abi,
  ILiquidationUpkeep__factory.abi,
  IChainlinkOracle__factory.abi,
  IMarkToModelOracle__factory.abi,
];

/** One interface with every event and error of the protocol (duplicates, declared in several interfaces, once). */
export function protocolInterface(): Interface {
  const seen = new Set<string>();
  const fragments: string[] = [];
  const add = (signature: string): void => {
    if (!seen.has(signature)) {
      seen.add(signature);
      fragments.push(signature);
    }
  };
  for (const abi of PROTOCOL_ABIS) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment.type === "error" || fragment.type === "event") add(fragment.format("full"));
    }
  }
  for (const signature of [...LIBRARY_ERRORS, ...LIBRARY_EVENTS])
    add(new Interface([signature]).fragments[0]?.format("full") ?? signature);
  return new Interface(fragments);
}
