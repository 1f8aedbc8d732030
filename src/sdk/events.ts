/**
 * Protocol events decoded into typed objects. Logs are attributed to a contract by address when a registry is given
 * (two contracts share some event signatures, e.g. `SetLiquidationEngine`), otherwise by signature alone.
 * Units as emitted: amounts token-native, ratios and bonuses WAD, times in seconds.
 */
import { Interface, type InterfaceAbi, type Log } from "ethers";

import { IFlashLiquidator__factory } from "../../typechain-types/factories/contracts/interfaces/IFlashLiquidator__factory.js";
import { IInsuranceFund__factory } from "../../typechain-types/factories/contracts/interfaces/IInsuranceFund__factory.js";
import { ILendingPool__factory } from "../../typechain-types/factories/contracts/interfaces/ILendingPool__factory.js";
import { ILiquidationEngine__factory } from "../../typechain-types/factories/contracts/interfaces/ILiquidationEngine__factory.js";
import { ILiquidationUpkeep__factory } from "../../typechain-types/factories/contracts/interfaces/ILiquidationUpkeep__factory.js";
import { IMarginVault__factory } from "../../typechain-types/factories/contracts/interfaces/IMarginVault__factory.js";
import type * as Engine from "../../typechain-types/contracts/interfaces/ILiquidationEngine.js";
import type * as Flash from "../../typechain-types/contracts/interfaces/IFlashLiquidator.js";
import type * as Fund from "../../typechain-types/contracts/interfaces/IInsuranceFund.js";
import type * as Pool from "../../typechain-types/contracts/interfaces/ILendingPool.js";
import type * as Upkeep from "../../typechain-types/contracts/interfaces/ILiquidationUpkeep.js";
import type * as Vault from "../../typechain-types/contracts/interfaces/IMarginVault.js";
import type { Registry } from "./registry.js";

/** Event arguments by contract and event name (TypeChain's output objects; units as in each event's NatSpec in `contracts/interfaces/`). */
export interface SluiceEventArgs {
  LiquidationEngine: {
    TrancheLiquidated: Engine.TrancheLiquidatedEvent.OutputObject;
    BadDebtRealized: Engine.BadDebtRealizedEvent.OutputObject;
    LiquidationSkipped: Engine.LiquidationSkippedEvent.OutputObject;
    FlagLiquidatable: Engine.FlagLiquidatableEvent.OutputObject;
    SetTimeBonus: Engine.SetTimeBonusEvent.OutputObject;
    SetFeeConfig: Engine.SetFeeConfigEvent.OutputObject;
  };
  MarginVault: {
    CreateMarket: Vault.CreateMarketEvent.OutputObject;
    SetRiskParams: Vault.SetRiskParamsEvent.OutputObject;
    SetBorrowPaused: Vault.SetBorrowPausedEvent.OutputObject;
    SetLiquidationEngine: Vault.SetLiquidationEngineEvent.OutputObject;
    SetOperator: Vault.SetOperatorEvent.OutputObject;
    OpenPosition: Vault.OpenPositionEvent.OutputObject;
    DepositCollateral: Vault.DepositCollateralEvent.OutputObject;
    WithdrawCollateral: Vault.WithdrawCollateralEvent.OutputObject;
    Borrow: Vault.BorrowEvent.OutputObject;
    Repay: Vault.RepayEvent.OutputObject;
    ClosePosition: Vault.ClosePositionEvent.OutputObject;
    CloseBadDebt: Vault.CloseBadDebtEvent.OutputObject;
  };
  LendingPool: {
    AccrueInterest: Pool.AccrueInterestEvent.OutputObject;
    Deposit: Pool.DepositEvent.OutputObject;
    Withdraw: Pool.WithdrawEvent.OutputObject;
    Donate: Pool.DonateEvent.OutputObject;
    WriteOff: Pool.WriteOffEvent.OutputObject;
    SweepReserves: Pool.SweepReservesEvent.OutputObject;
    Transfer: Pool.TransferEvent.OutputObject;
    Approval: Pool.ApprovalEvent.OutputObject;
    SetInsuranceFund: Pool.SetInsuranceFundEvent.OutputObject;
    SetInterestRateModel: Pool.SetInterestRateModelEvent.OutputObject;
    SetReserveFactor: Pool.SetReserveFactorEvent.OutputObject;
  };
  InsuranceFund: {
    CoverBadDebt: Fund.CoverBadDebtEvent.OutputObject;
    SetLiquidationEngine: Fund.SetLiquidationEngineEvent.OutputObject;
    Withdraw: Fund.WithdrawEvent.OutputObject;
  };
  FlashLiquidator: {
    LiquidationProfit: Flash.LiquidationProfitEvent.OutputObject;
    SetOperator: Flash.SetOperatorEvent.OutputObject;
  };
  LiquidationUpkeep: {
    SetRoute: Upkeep.SetRouteEvent.OutputObject;
    SetForwarder: Upkeep.SetForwarderEvent.OutputObject;
    UpkeepPerformed: Upkeep.UpkeepPerformedEvent.OutputObject;
  };
}

/** A contract whose events the SDK decodes. */
export type SluiceContractName = keyof SluiceEventArgs;

/** One decoded event: discriminate on `contract` and `name` to get typed `args`. */
export type SluiceEvent = {
  [C in SluiceContractName]: {
    [E in keyof SluiceEventArgs[C]]: {
      contract: C;
      name: E;
      args: SluiceEventArgs[C][E];
      address: string;
      blockNumber: number;
      transactionHash: string;
      logIndex: number;
    };
  }[keyof SluiceEventArgs[C]];
}[SluiceContractName];

const ABIS: Readonly<Record<SluiceContractName, InterfaceAbi>> = {
  LiquidationEngine: ILiquidationEngine__factory.abi,
  MarginVault: IMarginVault__factory.abi,
  LendingPool: ILendingPool__factory.abi,
  InsuranceFund: IInsuranceFund__factory.abi,
  FlashLiquidator: IFlashLiquidator__factory.abi,
  LiquidationUpkeep: ILiquidationUpkeep__factory.abi,
};
const INTERFACES = Object.fromEntries(Object.entries(ABIS).map(([name, abi]) => [name, new Interface(abi)])) as Record<
  SluiceContractName,
  Interface
>;

/** Which contract each registry address is. */
function contractsByAddress(registry: Registry): Map<string, SluiceContractName> {
  const byAddress = new Map<string, SluiceContractName>();
  const { contracts } = registry;
  byAddress.set(contracts.MarginVault.toLowerCase(), "MarginVault");
  byAddress.set(contracts.LiquidationEngine.toLowerCase(), "LiquidationEngine");
  byAddress.set(contracts.InsuranceFund.toLowerCase(), "InsuranceFund");
  if (contracts.FlashLiquidator !== undefined)
    byAddress.set(contracts.FlashLiquidator.toLowerCase(), "FlashLiquidator");
  if (contracts.LiquidationUpkeep !== undefined) {
    byAddress.set(contracts.LiquidationUpkeep.toLowerCase(), "LiquidationUpkeep");
  }
  for (const market of registry.markets) byAddress.set(market.pool.toLowerCase(), "LendingPool");
  return byAddress;
}

/**
 * Decodes the protocol's events among `logs` (others are skipped).
 * @param registry attributes logs by address; without it, a log is matched by signature against each contract in
 * turn (the engine's, then the vault's, …), which can name the wrong contract for shared signatures.
 */
export function decodeSluiceLogs(logs: readonly Log[], registry?: Registry): SluiceEvent[] {
  const byAddress = registry === undefined ? undefined : contractsByAddress(registry);
  const events: SluiceEvent[] = [];
  for (const log of logs) {
    const known = byAddress?.get(log.address.toLowerCase());
    if (byAddress !== undefined && known === undefined) continue;
    const candidates = known !== undefined ? [known] : (Object.keys(INTERFACES) as SluiceContractName[]);
    for (const contract of candidates) {
      const parsed = INTERFACES[contract].parseLog({ topics: [...log.topics], data: log.data });
      if (parsed === null) continue;
      events.push({
        contract,
        name: parsed.name,
        args: parsed.args.toObject(true),
        address: log.address,
        blockNumber: log.blockNumber,
        transactionHash: log.transactionHash,
        logIndex: log.index,
      } as SluiceEvent);
      break;
    }
  }
  return events;
}
