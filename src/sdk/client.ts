/**
 * A typed client over the deployed contracts (TypeChain bindings of the interfaces: ABI only, so it bundles small
 * for browsers). Reads positions, health and liquidation previews; builds the state the TypeScript mirrors need.
 *
 * Units: amounts token-native (collateral units, quote units); ratios and bonuses WAD (1e18 = 100 %); prices quote
 * units per collateral unit × 1e36; times Unix seconds.
 */
import { Interface, ZeroAddress, type ContractRunner } from "ethers";

import { IFlashLiquidator__factory } from "../../typechain-types/factories/contracts/interfaces/IFlashLiquidator__factory.js";
import { IMarginVault__factory } from "../../typechain-types/factories/contracts/interfaces/IMarginVault__factory.js";
import { ILiquidationEngine__factory } from "../../typechain-types/factories/contracts/interfaces/ILiquidationEngine__factory.js";
import { IOracle__factory } from "../../typechain-types/factories/contracts/interfaces/IOracle__factory.js";
import { IPositionLens__factory } from "../../typechain-types/factories/contracts/interfaces/IPositionLens__factory.js";
import type { IFlashLiquidator } from "../../typechain-types/contracts/interfaces/IFlashLiquidator.js";
import type { IPositionLens } from "../../typechain-types/contracts/interfaces/IPositionLens.js";
import type { ILiquidationEngine } from "../../typechain-types/contracts/interfaces/ILiquidationEngine.js";
import type { IMarginVault } from "../../typechain-types/contracts/interfaces/IMarginVault.js";
import { erc20, type Erc20 } from "./contracts/erc20.js";
import { LiquidationReason, type LiquidationPreview, type LiquidationState } from "./liquidation/preview.js";
import { liquidationSchedule, scheduleAlongPath, type ScheduledTranche } from "./liquidation/schedule.js";
import { observeSpeed } from "./liquidation/speed.js";
import type { MarketRiskParams } from "./math/riskParams.js";
import type { TrancheKind } from "./math/trancheMath.js";
import type { Registry } from "./registry.js";

/** `IOracle.PriceStatus`. */
export enum PriceStatus {
  Invalid = 0,
  Primary = 1,
  Fallback = 2,
}

/** `IPositionLens.PositionState`: what a position is waiting for, as the lens decides it. */
export enum LensPositionState {
  /** Ratio at or above maintenance. */
  Healthy = 0,
  /** A partial tranche can run now. */
  Liquidatable = 1,
  /** Can be liquidated now and the tranche repays the whole debt (full ratio, bad debt or dust). */
  FullCloseable = 2,
  /** Inside the grace window after a tranche. */
  GracePeriod = 3,
  /** Past its grace window but the market's rolling window is used up. */
  WindowExhausted = 4,
  /** The oracle has no valid price. */
  NoPrice = 5,
  /** Nothing owed. */
  NoDebt = 6,
}

/** One position as the PositionLens reports it (a page of these comes from one `eth_call`). */
export interface PositionView {
  /** Position id (the vault's, from 1). */
  id: bigint;
  /** Owner's address (checksummed). */
  owner: string;
  /** The vault's market id. */
  marketId: bigint;
  /** Collateral units. */
  collateralAssets: bigint;
  /** Quote units, interest as of now, rounded up. */
  debtAssets: bigint;
  /** WAD, rounded down. */
  ratio: bigint;
  /** Lowest 1e36-scaled price at which the position is not liquidatable (rounded up). */
  liquidationPriceUp: bigint;
  /** What a keeper can do with it now. */
  state: LensPositionState;
  /** Unix seconds; 0 without a tranche. */
  nextEligibleAt: bigint;
  /** Unix seconds since which the position has been flagged liquidatable without recovering; 0 when not flagged. */
  liquidatableSince: bigint;
  /** Tranches executed on it since it was last flagged. */
  tranchesExecuted: bigint;
  /** What `liquidate` would do now. */
  preview: LiquidationPreview;
}

function toPositionView(v: IPositionLens.PositionViewStructOutput): PositionView {
  return {
    id: v.id,
    owner: v.owner,
    marketId: v.marketId,
    collateralAssets: v.collateralAssets,
    debtAssets: v.debtAssets,
    ratio: v.ratio,
    liquidationPriceUp: v.liquidationPriceUp,
    state: Number(v.state) as LensPositionState,
    nextEligibleAt: v.nextEligibleAt,
    liquidatableSince: v.liquidatableSince,
    tranchesExecuted: v.tranchesExecuted,
    preview: toPreview(v.preview),
  };
}

/** A position with its health now. */
export interface PositionInfo {
  /** Position id (the vault's, from 1). */
  id: bigint;
  /** Owner's address (checksummed). */
  owner: string;
  /** The vault's market id. */
  marketId: bigint;
  /** Collateral units. */
  collateralAssets: bigint;
  /** Quote units, interest included as of now, rounded up. */
  debtAssets: bigint;
  /** Collateral value at the oracle price (quote units, rounded down). */
  collateralValue: bigint;
  /** Collateral ratio (WAD, rounded down); `2^256 - 1` without debt. */
  ratio: bigint;
  /** Oracle price at which the ratio reaches maintenance (1e36-scaled); 0 without debt. */
  liquidationPrice: bigint;
  /** Oracle price now (1e36-scaled) and its status. */
  price: bigint;
  /** Whether `price` comes from the primary feed, the fallback, or is invalid. */
  priceStatus: PriceStatus;
}

function toRiskParams(p: IMarginVault.RiskParamsStructOutput): MarketRiskParams {
  return {
    initialRatio: p.initialRatio,
    targetRatio: p.targetRatio,
    maintenanceRatio: p.maintenanceRatio,
    fullLiquidationRatio: p.fullLiquidationRatio,
    minBonus: p.minBonus,
    maxBonus: p.maxBonus,
    keeperShare: p.keeperShare,
    maxTrancheShare: p.maxTrancheShare,
    maxTrancheDebt: p.maxTrancheDebt,
    minTrancheDebt: p.minTrancheDebt,
    minDebt: p.minDebt,
    windowLimit: p.windowLimit,
    window: p.window,
    trancheCooldown: p.trancheCooldown,
    borrowCap: p.borrowCap,
    collateralCap: p.collateralCap,
  };
}

function toPreview(p: ILiquidationEngine.PreviewStructOutput): LiquidationPreview {
  return {
    reason: Number(p.reason) as LiquidationReason,
    kind: Number(p.kind) as TrancheKind,
    ratioBefore: p.ratioBefore,
    bonus: p.bonus,
    repaidAssets: p.repaidAssets,
    seizedAssets: p.seizedAssets,
    protocolFee: p.protocolFee,
    badDebtAssets: p.badDebtAssets,
    fullClose: p.fullClose,
    nextEligibleAt: p.nextEligibleAt,
  };
}

/** Reads Sluice through any ethers runner (a provider for reads; a signer to also send through the bindings). */
export class SluiceClient {
  /** The deployment this client reads. */
  readonly registry: Registry;
  /** Typed binding of the MarginVault. */
  readonly vault: IMarginVault;
  /** Typed binding of the LiquidationEngine. */
  readonly engine: ILiquidationEngine;
  /** The ethers provider or signer every binding uses. */
  readonly runner: ContractRunner;
  /** The PositionLens, when the registry has one. */
  readonly lens: IPositionLens | undefined;
  /** The FlashLiquidator (capital-free liquidation through a swap), when the registry has one. */
  readonly flashLiquidator: IFlashLiquidator | undefined;

  constructor(runner: ContractRunner, registry: Registry) {
    this.runner = runner;
    this.registry = registry;
    this.vault = IMarginVault__factory.connect(registry.contracts.MarginVault, runner);
    this.engine = ILiquidationEngine__factory.connect(registry.contracts.LiquidationEngine, runner);
    const lens = registry.contracts.PositionLens;
    this.lens = lens === undefined ? undefined : IPositionLens__factory.connect(lens, runner);
    const flash = registry.contracts.FlashLiquidator;
    this.flashLiquidator = flash === undefined ? undefined : IFlashLiquidator__factory.connect(flash, runner);
  }

  /** A market's token (its collateral or quote), typed: decimals, balances, allowances, approve calldata. */
  token(address: string): Erc20 {
    return erc20(address, this.runner);
  }

  /**
   * The price of a market's oracle now: one collateral unit in quote units, 1e36-scaled, and whether it comes from
   * the primary feed, the fallback, or is invalid (`IOracle.price`).
   * @param oracle - The oracle's address (`RegistryMarket.oracle`).
   */
  async oraclePrice(oracle: string): Promise<{ price: bigint; status: PriceStatus }> {
    const [price, status] = await IOracle__factory.connect(oracle, this.runner).price();
    return { price, status: Number(status) as PriceStatus };
  }

  private requireLens(): IPositionLens {
    if (this.lens === undefined) throw new Error("the registry has no PositionLens (contracts.PositionLens)");
    return this.lens;
  }

  /**
   * A page of a market's positions with health, state and preview, in one call (pages of up to about 500 fit an
   * `eth_call` gas cap of 50 M). Pages are entries `[offset, offset + limit)` of the vault's market list (every
   * position ever opened there, in opening order); closed positions are left out, so a page may hold fewer.
   * @returns the page's open positions and the number of entries in the list (closed ones included), to page on.
   */
  async positionsOfMarket(
    marketId: bigint,
    offset: bigint,
    limit: bigint,
  ): Promise<{ positions: PositionView[]; total: bigint }> {
    const [views, total] = await this.requireLens().positionsOfMarket(marketId, offset, limit);
    return { positions: views.map(toPositionView), total };
  }

  /** The positions of a page that a keeper can liquidate now (`Liquidatable` or `FullCloseable`), with previews. */
  async liquidatablePositions(
    marketId: bigint,
    offset: bigint,
    limit: bigint,
  ): Promise<{ positions: Array<{ id: bigint; preview: LiquidationPreview }>; total: bigint }> {
    const [ids, previews, total] = await this.requireLens().liquidatablePositions(marketId, offset, limit);
    return { positions: ids.map((id, i) => ({ id, preview: toPreview(previews[i]!) })), total };
  }

  /** Every open position of `owner`, scanning position ids `pageSize` at a time. */
  async positionsOf(owner: string, pageSize = 500n): Promise<PositionView[]> {
    const lens = this.requireLens();
    const end = await this.vault.nextPositionId();
    const found: PositionView[] = [];
    for (let from = 1n; from < end;) {
      const [views, next] = await lens.positionsOf(owner, from, pageSize);
      found.push(...views.map(toPositionView));
      if (next <= from) break;
      from = next;
    }
    return found;
  }

  /** A market's risk parameters. */
  async riskParams(marketId: bigint): Promise<MarketRiskParams> {
    return toRiskParams(await this.vault.riskParams(marketId));
  }

  /**
   * A position and its health now.
   * @throws {Error} naming the id when the position does not exist.
   */
  async position(positionId: bigint): Promise<PositionInfo> {
    const p = await this.vault.position(positionId);
    if (p.owner === ZeroAddress) throw new Error(`position ${positionId} does not exist`);
    const health = await this.vault.positionHealth(positionId);
    return {
      id: positionId,
      owner: p.owner,
      marketId: p.marketId,
      collateralAssets: health.collateralAssets,
      debtAssets: health.debtAssets,
      collateralValue: health.collateralValue,
      ratio: health.ratio,
      liquidationPrice: health.liquidationPrice,
      price: health.price,
      priceStatus: Number(health.priceStatus) as PriceStatus,
    };
  }

  /** The oracle price (1e36-scaled) at which the position reaches its maintenance ratio; 0 without debt. */
  async liquidationPrice(positionId: bigint): Promise<bigint> {
    return (await this.vault.positionHealth(positionId)).liquidationPrice;
  }

  /** What `liquidate(positionId, max, …)` would do now, read from the engine. */
  async previewLiquidation(positionId: bigint): Promise<LiquidationPreview> {
    return toPreview(await this.engine.previewLiquidation(positionId));
  }

  /** The engine's own schedule at a constant price (1e36-scaled). */
  async liquidationScheduleOnChain(positionId: bigint, price: bigint): Promise<ScheduledTranche[]> {
    const position = await this.vault.position(positionId);
    const tranches = await this.engine.liquidationSchedule(positionId, price);
    let collateral = position.collateralAssets;
    let debt = await this.vault.debtAssetsOf(positionId);
    return tranches.map((t) => {
      collateral -= t.seizedAssets;
      debt -= t.repaidAssets + t.badDebtAssets;
      return {
        kind: Number(t.kind) as TrancheKind,
        ratioBefore: t.ratioBefore,
        bonus: t.bonus,
        repaidAssets: t.repaidAssets,
        seizedAssets: t.seizedAssets,
        badDebtAssets: t.badDebtAssets,
        price,
        collateralAfter: collateral,
        debtAfter: debt,
      };
    });
  }

  /**
   * Everything the TypeScript preview mirror reads, as of the latest block (or `blockTag`): pass the result to
   * `previewLiquidation` from the SDK to preview without another call, or change `price`/`now` to ask "what if".
   */
  async liquidationState(positionId: bigint, blockTag: bigint | "latest" = "latest"): Promise<LiquidationState> {
    const overrides = { blockTag: blockTag === "latest" ? "latest" : Number(blockTag) };
    const p = await this.vault.position(positionId, overrides);
    const exists = p.owner !== ZeroAddress;
    const marketId = exists ? p.marketId : 1n;
    const market = await this.vault.market(marketId, overrides);
    const oracle = IOracle__factory.connect(market.oracle, this.runner);
    const provider = this.runner.provider;
    if (provider === null || provider === undefined) throw new Error("the runner has no provider");
    const [params, debtAssets, [price, status], state, windowStart, windowLiquidated, timeBonus, outage, speed, block] =
      await Promise.all([
        this.vault.riskParams(marketId, overrides),
        exists ? this.vault.debtAssetsOf(positionId, overrides) : Promise.resolve(0n),
        oracle.price(overrides),
        this.engine.trancheState(positionId, overrides),
        this.engineView("windowStart", marketId, overrides.blockTag),
        this.engineView("windowLiquidatedAssets", marketId, overrides.blockTag),
        this.engine.timeBonusPerSecond(marketId, overrides),
        oracle.lastOutage(overrides),
        this.engine.priceSpeed(marketId, overrides),
        provider.getBlock(overrides.blockTag),
      ]);
    if (block === null) throw new Error(`block ${String(blockTag)} not found`);
    return {
      exists,
      collateralAssets: p.collateralAssets,
      debtAssets,
      price,
      priceValid: Number(status) !== PriceStatus.Invalid,
      params: toRiskParams(params),
      liquidatableSince: state.liquidatableSince,
      lastTrancheAt: state.lastTrancheAt,
      openTrancheAt: state.openTrancheAt,
      openTrancheAssets: state.openTrancheAssets,
      windowStart,
      windowLiquidatedAssets: windowLiquidated,
      timeBonusPerSecond: timeBonus,
      // By position: an ethers `Result` is an array, whose `at` is `Array.prototype.at`.
      speed: { at: speed[0], price: speed[1], dropRate: speed[2] },
      outageDownAt: outage.downAt,
      outageResumedAt: outage.resumedAt,
      now: BigInt(block.timestamp),
    };
  }

  /** The tranches along a price path (one tranche per grace window), from the position's current state. */
  async scheduleAlongPath(positionId: bigint, prices: readonly bigint[]): Promise<ScheduledTranche[]> {
    const position = await this.vault.position(positionId);
    const [params, debtAssets] = await Promise.all([
      this.riskParams(position.marketId),
      this.vault.debtAssetsOf(positionId),
    ]);
    return scheduleAlongPath({ collateralAssets: position.collateralAssets, debtAssets }, params, prices);
  }

  /**
   * The schedule at a constant price, computed locally with the TrancheMath mirror, from the market's speed measure
   * observed at that price now (as `LiquidationEngine.liquidationSchedule`).
   */
  async liquidationSchedule(positionId: bigint, price: bigint): Promise<ScheduledTranche[]> {
    const position = await this.vault.position(positionId);
    const provider = this.runner.provider;
    if (provider === null || provider === undefined) throw new Error("the runner has no provider");
    const [params, debtAssets, speed, block] = await Promise.all([
      this.riskParams(position.marketId),
      this.vault.debtAssetsOf(positionId),
      this.engine.priceSpeed(position.marketId),
      provider.getBlock("latest"),
    ]);
    if (block === null) throw new Error("no latest block");
    const last = { at: speed[0], price: speed[1], dropRate: speed[2] }; // by position: `Result.at` is an array method
    const { dropRate } = observeSpeed(last, price, BigInt(block.timestamp));
    return liquidationSchedule({ collateralAssets: position.collateralAssets, debtAssets, price }, params, dropRate);
  }

  /** Market-window bookkeeping the interface does not declare (public getters of the engine). */
  private async engineView(
    name: "windowStart" | "windowLiquidatedAssets",
    marketId: bigint,
    blockTag: string | number,
  ): Promise<bigint> {
    const provider = this.runner.provider;
    if (provider === null || provider === undefined) throw new Error("the runner has no provider");
    const iface = new Interface([`function ${name}(uint256) view returns (uint256)`]);
    const result = await provider.call({
      to: this.registry.contracts.LiquidationEngine,
      data: iface.encodeFunctionData(name, [marketId]),
      blockTag,
    });
    return iface.decodeFunctionResult(name, result)[0] as bigint;
  }
}
