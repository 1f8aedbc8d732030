/**
 * Prometheus metrics of the keeper, on a registry of its own (never prom-client's global one, so two keepers or a
 * test and a keeper in one process do not collide), and the small HTTP server that exposes them with a health check.
 *
 * Units are in the metric names: `_seconds`, `_gwei`, `_quote` (human quote units, e.g. 5.5 for 5.5 USDC).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { formatUnits } from "ethers";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** How one liquidation attempt ended. */
export type LiquidationResult = "success" | "reverted" | "skipped" | "raced";

/** Options of {@link KeeperMetrics}. */
export interface KeeperMetricsOptions {
  /** Also collect prom-client's process metrics (CPU, memory, event-loop lag) on this registry; default false. */
  defaultMetrics?: boolean;
  /** Labels added to every series, e.g. `{ chain: "8453" }`. */
  defaultLabels?: Record<string, string>;
}

/** Buckets of `sluice_keeper_scan_seconds` (a scan pages through every market once). */
export const SCAN_SECONDS_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Buckets of `sluice_keeper_tx_confirm_seconds` (from the first broadcast to the receipt). */
export const TX_CONFIRM_SECONDS_BUCKETS: readonly number[] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

/**
 * The keeper's metrics. Market labels are the decimal market id (`marketId.toString()`).
 *
 * @example
 * const metrics = new KeeperMetrics({ defaultMetrics: true });
 * const endScan = metrics.scanSeconds.startTimer();
 * // … scan …
 * endScan();
 * metrics.recordLiquidation(1n, "success", 5_500_000n, 6); // 5.5 USDC profit
 */
export class KeeperMetrics {
  /** The dedicated registry holding every metric below. */
  readonly registry: Registry;
  /** `sluice_keeper_scans_total`: completed scans. */
  readonly scans: Counter;
  /** `sluice_keeper_positions_scanned_total`: positions read during scans. */
  readonly positionsScanned: Counter;
  /** `sluice_keeper_liquidations_total{market,result}`: liquidation attempts by outcome. */
  readonly liquidations: Counter<"market" | "result">;
  /** `sluice_keeper_errors_total{kind}`: errors by kind (e.g. `rpc`, `simulation`, `send`). */
  readonly errors: Counter<"kind">;
  /** `sluice_keeper_rpc_retries_total`: RPC calls retried after a transient error. */
  readonly rpcRetries: Counter;
  /** `sluice_keeper_last_block`: the block number of the last scan. */
  readonly lastBlock: Gauge;
  /** `sluice_keeper_liquidatable_positions{market}`: liquidatable positions found by the last scan. */
  readonly liquidatablePositions: Gauge<"market">;
  /** `sluice_keeper_gas_price_gwei`: the gas price (base fee + tip, or legacy gas price) last seen, in gwei. */
  readonly gasPriceGwei: Gauge;
  /** `sluice_keeper_profit_quote_total{market}`: realised keeper profit in human quote units (a float). */
  readonly profitQuote: Counter<"market">;
  /** `sluice_keeper_scan_seconds`: duration of a scan (s). */
  readonly scanSeconds: Histogram;
  /** `sluice_keeper_tx_confirm_seconds`: time from the first broadcast to the receipt (s). */
  readonly txConfirmSeconds: Histogram;

  constructor(options: KeeperMetricsOptions = {}) {
    const registry = new Registry();
    if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.registry = registry;
    this.scans = new Counter({ name: "sluice_keeper_scans_total", help: "Completed scans.", registers });
    this.positionsScanned = new Counter({
      name: "sluice_keeper_positions_scanned_total",
      help: "Positions read during scans.",
      registers,
    });
    this.liquidations = new Counter({
      name: "sluice_keeper_liquidations_total",
      help: "Liquidation attempts by market and result (success, reverted, skipped, raced).",
      labelNames: ["market", "result"] as const,
      registers,
    });
    this.errors = new Counter({
      name: "sluice_keeper_errors_total",
      help: "Errors by kind.",
      labelNames: ["kind"] as const,
      registers,
    });
    this.rpcRetries = new Counter({
      name: "sluice_keeper_rpc_retries_total",
      help: "RPC calls retried after a transient error.",
      registers,
    });
    this.lastBlock = new Gauge({
      name: "sluice_keeper_last_block",
      help: "Block number of the last scan.",
      registers,
    });
    this.liquidatablePositions = new Gauge({
      name: "sluice_keeper_liquidatable_positions",
      help: "Liquidatable positions found by the last scan, by market.",
      labelNames: ["market"] as const,
      registers,
    });
    this.gasPriceGwei = new Gauge({
      name: "sluice_keeper_gas_price_gwei",
      help: "Gas price last seen (base fee + priority fee, or legacy gas price), in gwei.",
      registers,
    });
    this.profitQuote = new Counter({
      name: "sluice_keeper_profit_quote_total",
      help: "Realised keeper profit by market, in quote units (e.g. 5.5 for 5.5 USDC).",
      labelNames: ["market"] as const,
      registers,
    });
    this.scanSeconds = new Histogram({
      name: "sluice_keeper_scan_seconds",
      help: "Duration of a scan, in seconds.",
      buckets: [...SCAN_SECONDS_BUCKETS],
      registers,
    });
    this.txConfirmSeconds = new Histogram({
      name: "sluice_keeper_tx_confirm_seconds",
      help: "Time from the first broadcast of a transaction to its receipt, in seconds.",
      buckets: [...TX_CONFIRM_SECONDS_BUCKETS],
      registers,
    });
  }

  /**
   * Counts one liquidation attempt and, for a success with a profit, adds it to `sluice_keeper_profit_quote_total`.
   *
   * @param marketId - The market.
   * @param result - How the attempt ended.
   * @param profitQuoteAssets - Realised profit in quote token units (e.g. 5_500_000n for 5.5 USDC); a loss (negative)
   *   is not added, since a counter only rises.
   * @param quoteDecimals - Decimals of the quote token; required with `profitQuoteAssets`.
   */
  recordLiquidation(
    marketId: bigint,
    result: LiquidationResult,
    profitQuoteAssets?: bigint,
    quoteDecimals?: number,
  ): void {
    const market = marketId.toString();
    this.liquidations.inc({ market, result });
    if (profitQuoteAssets !== undefined && profitQuoteAssets > 0n) {
      if (quoteDecimals === undefined)
        throw new RangeError("recordLiquidation: quoteDecimals is required with a profit");
      this.profitQuote.inc({ market }, Number(formatUnits(profitQuoteAssets, quoteDecimals)));
    }
  }

  /**
   * Sets `sluice_keeper_gas_price_gwei`.
   *
   * @param gasPriceWei - Gas price in wei (base fee + priority fee, or the legacy gas price).
   */
  setGasPrice(gasPriceWei: bigint): void {
    this.gasPriceGwei.set(Number(formatUnits(gasPriceWei, 9)));
  }

  /**
   * Sets `sluice_keeper_liquidatable_positions` for one market.
   *
   * @param marketId - The market.
   * @param count - Liquidatable positions found by the last scan.
   */
  setLiquidatable(marketId: bigint, count: number): void {
    this.liquidatablePositions.set({ market: marketId.toString() }, count);
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link text} (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }
}

/** What `GET /health` reports. */
export interface HealthStatus {
  /** `ok`: scanning; `degraded`: scanning with errors (still answers 200); `down`: not scanning (answers 503). */
  status: "ok" | "degraded" | "down";
  /** Block number of the last scan, or null before the first. */
  lastBlock: number | null;
  /** When the last scan ended (ISO 8601), or null before the first. */
  lastScanAt: string | null;
  /** The last error message, if any (never a secret: callers pass messages, not configs). */
  lastError?: string;
}

/** A running metrics server. */
export interface MetricsServer {
  /** The port actually listened on (the ephemeral port chosen by the OS when 0 was asked). */
  port: number;
  /** Stops listening and closes open (keep-alive) connections. */
  close(): Promise<void>;
}

/**
 * Starts the keeper's HTTP server:
 * - `GET /metrics`: the Prometheus text exposition (`text/plain; version=0.0.4`), 500 if collecting fails;
 * - `GET /health`: `health()` as JSON (`application/json`), 200 when `ok` or `degraded`, 503 when `down` or when
 *   `health()` throws (reported as `down` with its message);
 * - another method on these two paths: 405 with `Allow: GET, HEAD`; any other path: 404.
 * `HEAD` is answered like `GET` without a body.
 *
 * @param port - TCP port; 0 picks an ephemeral one (see {@link MetricsServer.port}).
 * @param host - Interface to bind, e.g. `"127.0.0.1"` (local scrapes only) or `"0.0.0.0"`.
 * @param metrics - The metrics to expose.
 * @param health - Called on each `GET /health`.
 * @returns Once listening.
 */
export async function startHttpServer(
  port: number,
  host: string,
  metrics: KeeperMetrics,
  health: () => HealthStatus,
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    handle(request, response, metrics, health).catch((error: unknown) => {
      if (!response.headersSent) {
        send(response, 500, "text/plain; charset=utf-8", `internal error: ${errorMessage(error)}\n`, false);
      } else {
        response.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  metrics: KeeperMetrics,
  health: () => HealthStatus,
): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path !== "/metrics" && path !== "/health") {
    send(response, 404, "text/plain; charset=utf-8", "not found\n", false);
    return;
  }
  const method = request.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") {
    response.setHeader("Allow", "GET, HEAD");
    send(response, 405, "text/plain; charset=utf-8", "method not allowed\n", false);
    return;
  }
  const headOnly = method === "HEAD";
  if (path === "/metrics") {
    let body: string;
    try {
      body = await metrics.text();
    } catch (error) {
      send(response, 500, "text/plain; charset=utf-8", `could not collect metrics: ${errorMessage(error)}\n`, headOnly);
      return;
    }
    send(response, 200, metrics.contentType, body, headOnly);
    return;
  }
  let status: HealthStatus;
  try {
    status = health();
  } catch (error) {
    status = { status: "down", lastBlock: null, lastScanAt: null, lastError: errorMessage(error) };
  }
  const code = status.status === "down" ? 503 : 200;
  send(response, code, "application/json; charset=utf-8", `${JSON.stringify(status)}\n`, headOnly);
}

function send(response: ServerResponse, code: number, contentType: string, body: string, headOnly: boolean): void {
  response.statusCode = code;
  response.setHeader("Content-Type", contentType);
  response.setHeader("Content-Length", Buffer.byteLength(body));
  response.setHeader("Cache-Control", "no-store");
  response.end(headOnly ? undefined : body);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
