/**
 * The keeper's loop: on each new block (and at least every poll interval) scan the watched markets through the
 * PositionLens, simulate each liquidatable position's tranche, check its profit against the gas it costs, and send
 * it. Every position has its own error boundary; a scan never overlaps another.
 *
 * Units: amounts token-native (quote units for profit and gas cost); prices 1e36-scaled; gas in wei.
 */
import { MaxUint256, type Provider, type Signer } from "ethers";

import { SluiceClient } from "../sdk/client.js";
import { decodeSluiceError, SluiceContractError } from "../sdk/errors.js";
import { decodeSluiceLogs } from "../sdk/events.js";
import type { LiquidationPreview } from "../sdk/liquidation/preview.js";
import type { Registry, RegistryMarket } from "../sdk/registry.js";
import type { KeeperConfig } from "./config.js";
import { parseUnitsStrict } from "./config.js";
import type { KeeperLogger } from "./logger.js";
import { positionLogger } from "./logger.js";
import type { HealthStatus, KeeperMetrics, LiquidationResult } from "./metrics.js";
import { isTransientRpcError, withRetry, withTimeout } from "./retry.js";
import type { TxSender } from "./txSender.js";

/** What the keeper needs to run. */
export interface KeeperDeps {
  config: KeeperConfig;
  provider: Provider;
  /** Null in `--dry-run` without a key. */
  signer: Signer | null;
  sender: TxSender | null;
  registry: Registry;
  logger: KeeperLogger;
  metrics: KeeperMetrics;
}

/** The outcome of one position's attempt in a scan. */
export interface Attempt {
  marketId: bigint;
  positionId: bigint;
  result: LiquidationResult | "dry-run" | "unprofitable" | "error";
  /** Profit in quote units: simulated, or realised when mined. */
  profit?: bigint;
  detail?: string;
}

interface MarketContext {
  market: RegistryMarket;
  quoteDecimals: number;
  minProfit: bigint;
}

/** A CALL_EXCEPTION that carries no revert data (and so no protocol error). */
function isCallWithoutRevertData(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const e = error as { code?: unknown; data?: unknown };
  return e.code === "CALL_EXCEPTION" && (e.data === null || e.data === undefined || e.data === "0x");
}

/**
 * An `eth_call` that ran out of gas: the node's call gas cap is below what the lens page needs. Geth answers a read
 * with 50 M gas by default, but nodes that apply EIP-7825's 2^24 per-transaction cap to `eth_call` (Hardhat's EDR
 * since Osaka) can give a large page too little.
 */
function isOutOfGasCall(error: unknown): boolean {
  const message = error instanceof Error ? error.message : "";
  const body = JSON.stringify(error, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  return /out of gas|gas required exceeds|exceeds transaction gas cap/i.test(`${message} ${body ?? ""}`);
}

/**
 * The most gas one transaction may use (EIP-7825, from Osaka: 2^24; nodes refuse an `eth_call` asking for more). A
 * break-even at or above it is not tested with a capped call: the estimate decides.
 */
const TX_GAS_CAP = 2n ** 24n;
/** Reverts that mean another keeper (or the owner) got there first, or the state moved: not our error. */
const RACE_ERRORS = new Set(["InGracePeriod", "PositionHealthy", "NoDebt", "UnknownPosition", "WindowExhausted"]);

export class Keeper {
  readonly #deps: KeeperDeps;
  readonly #client: SluiceClient;
  #markets: MarketContext[] = [];
  #running = false;
  #scanning: Promise<void> | undefined;
  #rescan = false;
  #timer: NodeJS.Timeout | undefined;
  #lastBlock: number | null = null;
  #lastScanAt: string | null = null;
  #lastError: string | undefined;
  /** Positions per lens read: `--page-size`, halved for good when a page runs out of call gas. */
  #pageSize: bigint;
  #consecutiveFailures = 0;
  readonly #onBlock = (): void => void this.trigger();

  constructor(deps: KeeperDeps) {
    this.#deps = deps;
    this.#client = new SluiceClient(deps.provider, deps.registry);
    this.#pageSize = BigInt(deps.config.pageSize);
  }

  /** Reads the watched markets' tokens, then scans on every block and every poll interval until {@link stop}. */
  async start(): Promise<void> {
    const { config, provider, logger } = this.#deps;
    await this.init();
    this.#running = true;
    await provider.on("block", this.#onBlock);
    const tick = (): void => {
      if (!this.#running) return;
      void this.trigger();
      this.#timer = setTimeout(tick, config.pollIntervalMs);
    };
    tick();
    logger.info({ markets: this.#markets.map((m) => m.market.label), strategy: config.strategy }, "keeper started");
  }

  /**
   * Reads the watched markets' tokens (and, for own capital, approves the engine) without starting the loop: after
   * it, {@link scanOnce} can be driven by the caller (the demo runs the keeper in-process, one scan per step).
   */
  async init(): Promise<void> {
    const { config, registry } = this.#deps;
    const ids = config.marketIds;
    const wanted = ids === "all" ? registry.markets : registry.markets.filter((m) => ids.includes(m.id));
    const missing = ids === "all" ? [] : ids.filter((id) => !registry.markets.some((m) => m.id === id));
    if (missing.length > 0) throw new Error(`--markets: market(s) ${missing.join(", ")} are not in the registry`);
    if (config.strategy === "flash" && registry.contracts.FlashLiquidator === undefined) {
      throw new Error("--strategy flash needs contracts.FlashLiquidator in the registry");
    }
    this.#markets = await Promise.all(
      wanted.map(async (market) => {
        const decimals = await this.#client.token(market.quote).decimals();
        return { market, quoteDecimals: decimals, minProfit: parseUnitsStrict(config.minProfitQuote, decimals) };
      }),
    );
    if (config.strategy === "own-capital") await this.#approveQuote();
  }

  /**
   * Own capital: the engine pulls `repaid + fee` in each market's quote token from the keeper, so the keeper approves
   * the engine once per quote token (unlimited) when the allowance is below half the range.
   */
  async #approveQuote(): Promise<void> {
    const { signer, sender, registry, logger } = this.#deps;
    if (signer === null || sender === null) return;
    const owner = await signer.getAddress();
    const engine = registry.contracts.LiquidationEngine;
    for (const quote of new Set(this.#markets.map((m) => m.market.quote))) {
      const token = this.#client.token(quote);
      const allowance = await token.allowance(owner, engine);
      if (allowance >= MaxUint256 / 2n) continue;
      const data = token.encodeApprove(engine, MaxUint256);
      const result = await sender.send({ to: quote, data });
      if (result.status !== "mined") throw new Error(`approving the engine for ${quote} failed: ${result.status}`);
      logger.info({ token: quote, spender: engine }, "approved the engine to pull the quote token");
    }
  }

  /** Stops scanning and waits for the scan in progress. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#deps.provider.off("block", this.#onBlock);
    await this.#scanning;
  }

  /** Health for `/health`: down before the first scan or after three failed scans in a row. */
  health(): HealthStatus {
    const status =
      this.#lastScanAt === null || this.#consecutiveFailures >= 3
        ? "down"
        : this.#lastError !== undefined && this.#consecutiveFailures > 0
          ? "degraded"
          : "ok";
    return {
      status,
      lastBlock: this.#lastBlock,
      lastScanAt: this.#lastScanAt,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  /** Asks for a scan: starts one now, or one more right after the scan in progress. */
  trigger(): Promise<void> {
    if (this.#scanning !== undefined) {
      this.#rescan = true;
      return this.#scanning;
    }
    this.#scanning = (async () => {
      do {
        this.#rescan = false;
        try {
          await this.scanOnce();
          this.#consecutiveFailures = 0;
          this.#lastError = undefined;
        } catch (error) {
          this.#consecutiveFailures += 1;
          this.#lastError = error instanceof Error ? error.message : String(error);
          this.#deps.metrics.errors.inc({ kind: "scan" });
          this.#deps.logger.error({ err: this.#lastError }, "scan failed");
        }
      } while (this.#rescan && this.#running);
    })().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }

  /** One pass over every watched market; returns what was tried. */
  async scanOnce(): Promise<Attempt[]> {
    const { metrics, logger } = this.#deps;
    const started = Date.now();
    const block = await this.#rpc("block number", () => this.#deps.provider.getBlockNumber());
    const attempts: Attempt[] = [];
    for (const context of this.#markets) {
      const candidates: Array<{ id: bigint; preview: LiquidationPreview }> = [];
      for (let offset = 0n; ;) {
        const page = this.#pageSize;
        let result: Awaited<ReturnType<SluiceClient["liquidatablePositions"]>>;
        try {
          result = await this.#rpc(
            "lens page",
            () => this.#client.liquidatablePositions(context.market.id, offset, page),
            isOutOfGasCall,
          );
        } catch (error) {
          if (!isOutOfGasCall(error) || page === 1n) throw error;
          this.#pageSize = page / 2n;
          logger.warn({ from: Number(page), to: Number(this.#pageSize) }, "lens page ran out of call gas; page halved");
          continue;
        }
        metrics.positionsScanned.inc(Number(result.total - offset < page ? result.total - offset : page));
        candidates.push(...result.positions);
        offset += page;
        if (offset >= result.total) break;
      }
      metrics.setLiquidatable(context.market.id, candidates.length);
      for (const candidate of candidates) {
        attempts.push(await this.#attempt(context, candidate.id, candidate.preview));
      }
    }
    metrics.scans.inc();
    metrics.lastBlock.set(block);
    metrics.scanSeconds.observe((Date.now() - started) / 1000);
    this.#lastBlock = block;
    this.#lastScanAt = new Date().toISOString();
    return attempts;
  }

  /** One position, in its own error boundary: simulate, check profit against gas, send. */
  async #attempt(context: MarketContext, positionId: bigint, preview: LiquidationPreview): Promise<Attempt> {
    const { config, metrics } = this.#deps;
    const marketId = context.market.id;
    const log = positionLogger(this.#deps.logger, { marketId, positionId });
    const done = (attempt: Omit<Attempt, "marketId" | "positionId">): Attempt => {
      const full = { marketId, positionId, ...attempt };
      if (
        full.result === "success" ||
        full.result === "reverted" ||
        full.result === "skipped" ||
        full.result === "raced"
      ) {
        metrics.recordLiquidation(
          marketId,
          full.result,
          full.result === "success" ? full.profit : undefined,
          context.quoteDecimals,
        );
      }
      log.info({ result: full.result, profit: full.profit?.toString(), detail: full.detail }, "attempt");
      return full;
    };
    try {
      const gasPrice = await this.#gasPrice();
      if (config.maxGasPriceWei !== undefined && gasPrice > config.maxGasPriceWei) {
        const gwei = (wei: bigint): string => (Number(wei) / 1e9).toFixed(2);
        return done({
          result: "skipped",
          detail: `gas price ${gwei(gasPrice)} gwei above the cap ${gwei(config.maxGasPriceWei)}`,
        });
      }
      const plan = await this.#simulate(context, positionId, preview);
      if ("race" in plan) return done({ result: "raced", detail: plan.race });
      const priced = await this.#gasIfProfitable(context, plan, gasPrice);
      if (priced.unprofitable !== undefined) {
        return done({ result: "unprofitable", profit: plan.profit, detail: priced.unprofitable });
      }
      const gas = priced.gas;
      if (config.dryRun || this.#deps.sender === null) return done({ result: "dry-run", profit: plan.profit });
      const sent = await this.#deps.sender.send(
        { to: plan.to, data: plan.data, gasLimit: (gas * 13n) / 10n },
        config.maxGasPriceWei === undefined ? {} : { maxFeePerGasCap: config.maxGasPriceWei },
      );
      switch (sent.status) {
        case "mined": {
          const events = decodeSluiceLogs(sent.receipt.logs, this.#deps.registry);
          const paid = events.find((e) => e.contract === "FlashLiquidator" && e.name === "LiquidationProfit");
          const profit =
            paid?.contract === "FlashLiquidator" && paid.name === "LiquidationProfit" ? paid.args.profit : plan.profit;
          return done({ result: "success", profit, detail: sent.receipt.hash });
        }
        case "reverted":
          return done({ result: "reverted", detail: sent.receipt.hash });
        case "dropped":
          return done({ result: "skipped", detail: `dropped: ${sent.reason}` });
        case "gas-too-high":
          return done({
            result: "skipped",
            detail: `gas price ${sent.gasPriceGwei} gwei above the cap ${sent.capGwei}`,
          });
      }
    } catch (error) {
      const decoded = decodeSluiceError(error);
      if (decoded !== undefined && RACE_ERRORS.has(decoded.errorName))
        return done({ result: "raced", detail: decoded.message });
      metrics.errors.inc({ kind: isTransientRpcError(error) ? "rpc" : "attempt" });
      const message = decoded?.message ?? (error instanceof Error ? error.message : String(error));
      return done({ result: "error", detail: message });
    }
  }

  /**
   * The gas `plan`'s transaction needs, if its profit covers the market's minimum plus that gas at `gasPrice`
   * (`#gasCostQuote`); otherwise why not. Cheapest first: the largest gas the profit could pay for (the break-even),
   * then one call capped at that gas, and only if it succeeds the estimate (`eth_estimateGas`, several executions:
   * most of an attempt's time) for the transaction's limit. `eth_estimateGas` is the least limit a call succeeds
   * with, so "the capped call runs out of gas" is "the estimate is above the break-even": the same decision as
   * comparing the profit with the estimate's cost, without the estimate for attempts that do not pay.
   */
  async #gasIfProfitable(
    context: MarketContext,
    plan: { to: string; data: string; profit: bigint },
    gasPrice: bigint,
  ): Promise<{ gas: bigint; unprofitable?: undefined } | { unprofitable: string }> {
    const { provider, signer } = this.#deps;
    const from = signer === null ? undefined : await signer.getAddress();
    const budget = plan.profit - context.minProfit;
    const perGas = await this.#gasCostQuote(context, 10n ** 36n, gasPrice); // quote units per gas, 1e36-scaled
    if (perGas > 0n) {
      if (budget < 0n) return { unprofitable: `profit ${plan.profit} < min ${context.minProfit} (quote units)` };
      // The most gas g whose cost floor(g * perGas / 1e36) the budget covers.
      const breakEven = ((budget + 1n) * 10n ** 36n - 1n) / perGas;
      if (breakEven < TX_GAS_CAP) {
        const fits = await this.#rpc(
          "capped simulation",
          () => provider.call({ to: plan.to, data: plan.data, from, gasLimit: breakEven }).then(() => true),
          () => true,
        ).catch(() => false);
        if (!fits) {
          return {
            unprofitable:
              `profit ${plan.profit} < min ${context.minProfit} + gas: it needs more than ${breakEven} gas, ` +
              `which would cost more than ${budget} (quote units)`,
          };
        }
      }
    }
    const gas = await this.#rpc("estimate", () => provider.estimateGas({ to: plan.to, data: plan.data, from }));
    const gasCost = await this.#gasCostQuote(context, gas, gasPrice);
    if (plan.profit < context.minProfit + gasCost) {
      return { unprofitable: `profit ${plan.profit} < min ${context.minProfit} + gas ${gasCost} (quote units)` };
    }
    return { gas };
  }

  /** Simulates the tranche from the keeper's address; returns the transaction and its profit (its gas is priced apart). */
  async #simulate(
    context: MarketContext,
    positionId: bigint,
    preview: LiquidationPreview,
  ): Promise<{ to: string; data: string; profit: bigint } | { race: string }> {
    const { config, registry, provider, signer } = this.#deps;
    const from = signer === null ? undefined : await signer.getAddress();
    try {
      if (config.strategy === "flash") {
        const flash = this.#client.flashLiquidator;
        if (flash === undefined) throw new Error("the registry has no FlashLiquidator (contracts.FlashLiquidator)");
        // The sale must return at least the oracle value of the collateral less --max-slippage-bps (the contract's
        // own `oracleFloor`, so the rule lives in one place): a sandwich can take no more than that.
        const { price } = await this.#rpc("oracle", () => this.#client.oraclePrice(context.market.oracle));
        const slippageWad = BigInt(config.maxSlippageBps) * 10n ** 14n;
        const minAmountOut = await this.#rpc("oracle", () =>
          flash.oracleFloor(preview.seizedAssets, price, slippageWad),
        );
        const args = [positionId, MaxUint256, context.market.swapPath, minAmountOut, 0n] as const;
        const data = flash.interface.encodeFunctionData("liquidate", [...args]);
        const to = await flash.getAddress();
        const profit = await this.#rpc("simulate", () => flash.liquidate.staticCall(...args, { from }));
        return { to, data, profit };
      }
      // Own capital: the keeper pays repaid + fee in quote and receives the collateral, valued at the oracle price.
      const engine = this.#client.engine;
      const receiver = from ?? registry.contracts.LiquidationEngine;
      const args = [positionId, MaxUint256, receiver, "0x"] as const;
      const data = engine.interface.encodeFunctionData("liquidate", [...args]);
      const [repaid, seized] = await this.#rpc("simulate", () => engine.liquidate.staticCall(...args, { from }));
      const { price } = await this.#rpc("oracle", () => this.#client.oraclePrice(context.market.oracle));
      const profit = (seized * price) / 10n ** 36n - repaid - preview.protocolFee;
      return { to: registry.contracts.LiquidationEngine, data, profit };
    } catch (error) {
      const decoded = decodeSluiceError(error);
      if (decoded instanceof SluiceContractError && RACE_ERRORS.has(decoded.errorName))
        return { race: decoded.message };
      throw error;
    }
  }

  /** The gas price a transaction pays now (wei): latest base fee plus the suggested tip, or the legacy gas price. */
  async #gasPrice(): Promise<bigint> {
    const { provider, metrics } = this.#deps;
    const [fees, block] = await Promise.all([
      this.#rpc("fee data", () => provider.getFeeData()),
      this.#rpc("latest block", () => provider.getBlock("latest")),
    ]);
    const base = block?.baseFeePerGas;
    const price =
      base === null || base === undefined ? (fees.gasPrice ?? 0n) : base + (fees.maxPriorityFeePerGas ?? 0n);
    metrics.setGasPrice(price);
    return price;
  }

  /**
   * Gas cost in quote units: gas × gas price, valued with the market's own oracle when its collateral is the chain's
   * wrapped native token (`contracts.WrappedNative` in the registry); 0 otherwise (the gas-price cap still applies).
   */
  async #gasCostQuote(context: MarketContext, gas: bigint, gasPrice: bigint): Promise<bigint> {
    const { registry } = this.#deps;
    const wrapped = registry.contracts.WrappedNative;
    if (wrapped === undefined || wrapped.toLowerCase() !== context.market.collateral.toLowerCase()) return 0n;
    const { price } = await this.#rpc("oracle price", () => this.#client.oraclePrice(context.market.oracle));
    return (gas * gasPrice * price) / 10n ** 36n;
  }

  /** An RPC read with a timeout and retries on transient errors (counted in `sluice_keeper_rpc_retries_total`). */
  #rpc<T>(what: string, call: () => Promise<T>, isFinal: (error: unknown) => boolean = () => false): Promise<T> {
    return withRetry(() => withTimeout(call(), 10_000, what), {
      retries: 4,
      // A read that fails without revert data is an RPC fault more often than a real revert (rate limits answer
      // eth_call with an error that ethers reports as CALL_EXCEPTION); reads are safe to repeat. `isFinal` names
      // failures that repeating cannot fix.
      isRetryable: (error) => !isFinal(error) && (isTransientRpcError(error) || isCallWithoutRevertData(error)),
      baseDelayMs: 200,
      maxDelayMs: 3_000,
      onRetry: ({ retry, error }) => {
        this.#deps.metrics.rpcRetries.inc();
        this.#deps.logger.warn(
          { what, retry, err: error instanceof Error ? error.message : String(error) },
          "rpc retry",
        );
      },
    });
  }
}
