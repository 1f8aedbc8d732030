import { expect } from "chai";
import { register as globalRegister } from "prom-client";

import { KeeperMetrics, startHttpServer, type HealthStatus, type MetricsServer } from "../../src/keeper/metrics.js";

const METRIC_NAMES = [
  "sluice_keeper_scans_total",
  "sluice_keeper_positions_scanned_total",
  "sluice_keeper_liquidations_total",
  "sluice_keeper_errors_total",
  "sluice_keeper_rpc_retries_total",
  "sluice_keeper_last_block",
  "sluice_keeper_liquidatable_positions",
  "sluice_keeper_gas_price_gwei",
  "sluice_keeper_profit_quote_total",
  "sluice_keeper_scan_seconds",
  "sluice_keeper_tx_confirm_seconds",
];

/** The value of one sample line (`name{labels} value`) of a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("keeper metrics server", function () {
  let metrics: KeeperMetrics;
  let server: MetricsServer;
  let health: HealthStatus;
  let healthThrows: Error | undefined;
  let base: string;

  beforeEach(async function () {
    metrics = new KeeperMetrics();
    health = { status: "ok", lastBlock: 123, lastScanAt: "2026-11-24T10:00:00.000Z" };
    healthThrows = undefined;
    server = await startHttpServer(0, "127.0.0.1", metrics, () => {
      if (healthThrows) throw healthThrows;
      return health;
    });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterEach(async function () {
    await server.close();
  });

  it("test_server_portZeroListensOnTheReportedEphemeralPort", async function () {
    expect(server.port).to.be.greaterThan(0);
    const response = await fetch(`${base}/health`);
    expect(response.status).to.equal(200);
  });

  it("test_metrics_servesEveryMetricAsPrometheusText", async function () {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of METRIC_NAMES) {
      expect(text, name).to.contain(`# HELP ${name} `);
      expect(text, name).to.contain(`# TYPE ${name} `);
    }
    expect(text).to.contain("# TYPE sluice_keeper_scan_seconds histogram");
    expect(text).to.contain("# TYPE sluice_keeper_last_block gauge");
    expect(text).to.contain("# TYPE sluice_keeper_profit_quote_total counter");
  });

  it("test_metrics_reportsRecordedValues", async function () {
    metrics.scans.inc();
    metrics.scans.inc();
    metrics.positionsScanned.inc(1_500);
    metrics.recordLiquidation(1n, "success", 5_500_000n, 6); // 5.5 USDC
    metrics.recordLiquidation(1n, "success", 2_250_000n, 6); // 2.25 USDC
    metrics.recordLiquidation(2n, "raced");
    metrics.recordLiquidation(2n, "reverted", -1n, 6); // a loss: not added to the profit counter
    metrics.errors.inc({ kind: "rpc" });
    metrics.rpcRetries.inc(3);
    metrics.lastBlock.set(19_000_000);
    metrics.setLiquidatable(1n, 4);
    metrics.setGasPrice(25_500_000_000n); // 25.5 gwei
    metrics.scanSeconds.observe(0.3);
    metrics.txConfirmSeconds.observe(12);

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(sample(text, "sluice_keeper_scans_total")).to.equal(2);
    expect(sample(text, "sluice_keeper_positions_scanned_total")).to.equal(1_500);
    expect(sample(text, 'sluice_keeper_liquidations_total{market="1",result="success"}')).to.equal(2);
    expect(sample(text, 'sluice_keeper_liquidations_total{market="2",result="raced"}')).to.equal(1);
    expect(sample(text, 'sluice_keeper_liquidations_total{market="2",result="reverted"}')).to.equal(1);
    expect(sample(text, 'sluice_keeper_profit_quote_total{market="1"}')).to.equal(7.75);
    expect(sample(text, 'sluice_keeper_profit_quote_total{market="2"}')).to.equal(undefined);
    expect(sample(text, 'sluice_keeper_errors_total{kind="rpc"}')).to.equal(1);
    expect(sample(text, "sluice_keeper_rpc_retries_total")).to.equal(3);
    expect(sample(text, "sluice_keeper_last_block")).to.equal(19_000_000);
    expect(sample(text, 'sluice_keeper_liquidatable_positions{market="1"}')).to.equal(4);
    expect(sample(text, "sluice_keeper_gas_price_gwei")).to.equal(25.5);
    expect(sample(text, 'sluice_keeper_scan_seconds_bucket{le="0.25"}')).to.equal(0);
    expect(sample(text, 'sluice_keeper_scan_seconds_bucket{le="0.5"}')).to.equal(1);
    expect(sample(text, "sluice_keeper_scan_seconds_count")).to.equal(1);
    expect(sample(text, 'sluice_keeper_tx_confirm_seconds_bucket{le="10"}')).to.equal(0);
    expect(sample(text, 'sluice_keeper_tx_confirm_seconds_bucket{le="15"}')).to.equal(1);
    expect(sample(text, "sluice_keeper_tx_confirm_seconds_sum")).to.equal(12);
  });

  it("test_metrics_profitNeedsTheQuoteDecimals", function () {
    expect(() => metrics.recordLiquidation(1n, "success", 1n)).to.throw(RangeError, "quoteDecimals");
  });

  it("test_metrics_useADedicatedRegistry_twoInstancesCoexist", async function () {
    const other = new KeeperMetrics({ defaultLabels: { chain: "8453" } });
    other.scans.inc(5);
    expect(await globalRegister.metrics()).not.to.contain("sluice_keeper");
    expect(sample(await metrics.text(), "sluice_keeper_scans_total")).to.equal(0);
    expect(sample(await other.text(), 'sluice_keeper_scans_total{chain="8453"}')).to.equal(5);
  });

  it("test_metrics_defaultProcessMetricsAreOptIn", async function () {
    expect(await metrics.text()).not.to.contain("process_cpu_seconds_total");
    const withDefaults = new KeeperMetrics({ defaultMetrics: true });
    expect(await withDefaults.text()).to.contain("process_cpu_seconds_total");
  });

  it("test_health_okAndDegradedAnswer200WithTheStatusAsJson", async function () {
    let response = await fetch(`${base}/health`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^application\/json/);
    expect(await response.json()).to.deep.equal(health);

    health = { status: "degraded", lastBlock: 124, lastScanAt: null, lastError: "rpc timeout" };
    response = await fetch(`${base}/health`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal(health);
  });

  it("test_health_downAnswers503", async function () {
    health = { status: "down", lastBlock: null, lastScanAt: null, lastError: "no scan for 5 minutes" };
    const response = await fetch(`${base}/health`);
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.equal(health);
  });

  it("test_health_aThrowingCheckIsReportedDownWith503", async function () {
    healthThrows = new Error("state unavailable");
    const response = await fetch(`${base}/health`);
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.equal({
      status: "down",
      lastBlock: null,
      lastScanAt: null,
      lastError: "state unavailable",
    });
  });

  it("test_server_unknownPath404_wrongMethod405_headHasNoBody_queryIgnored", async function () {
    const notFound = await fetch(`${base}/nope`);
    expect(notFound.status).to.equal(404);
    expect((await fetch(`${base}/`)).status).to.equal(404);

    const post = await fetch(`${base}/metrics`, { method: "POST", body: "x" });
    expect(post.status).to.equal(405);
    expect(post.headers.get("allow")).to.equal("GET, HEAD");

    const head = await fetch(`${base}/metrics`, { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(Number(head.headers.get("content-length"))).to.be.greaterThan(0);
    expect(await head.text()).to.equal("");

    expect((await fetch(`${base}/health?verbose=1`)).status).to.equal(200);
  });

  it("test_server_closeStopsListeningEvenWithKeepAliveConnections", async function () {
    // fetch keeps the connection alive: close() must still return.
    expect((await fetch(`${base}/metrics`)).status).to.equal(200);
    const closed = await Promise.race([
      server.close().then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("hung"), 2_000)),
    ]);
    expect(closed).to.equal("closed");
    let failed = false;
    try {
      await fetch(`${base}/metrics`);
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    // afterEach closes again: a second close must not hang either.
    server = { port: 0, close: async () => undefined };
  });

  it("test_server_aTakenPortRejects", async function () {
    let error: unknown;
    try {
      await startHttpServer(server.port, "127.0.0.1", metrics, () => health);
    } catch (caught) {
      error = caught;
    }
    expect((error as { code?: string }).code).to.equal("EADDRINUSE");
  });
});
