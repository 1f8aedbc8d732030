import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import { FetchRequest, JsonRpcProvider } from "ethers";

import { isTransientRpcError, withRetry } from "../../src/keeper/retry.js";
import { FAULT_JSON_RPC_CODE, startRpcFaultProxy, type RpcFaultProxy } from "../helpers/rpcFaultProxy.js";
import { Rng } from "../helpers/rng.js";

const CHAIN_ID = 31337;

/** A uniform [0, 1) source from the seeded SplitMix64 generator. */
function seededRandom(seed: bigint): () => number {
  const rng = new Rng(seed);
  return () => Number(rng.next64() >> 11n) / 2 ** 53;
}

interface JsonRpcRequest {
  id: number | string | null;
  method: string;
}

/** A tiny JSON-RPC endpoint: eth_chainId, eth_blockNumber (0x10), batches; counts what it answered. */
async function startUpstream(): Promise<{ url: string; served: () => number; close: () => Promise<void> }> {
  let served = 0;
  const answer = (request: JsonRpcRequest) => {
    served++;
    if (request.method === "eth_chainId")
      return { jsonrpc: "2.0", id: request.id, result: `0x${CHAIN_ID.toString(16)}` };
    if (request.method === "eth_blockNumber") return { jsonrpc: "2.0", id: request.id, result: "0x10" };
    return { jsonrpc: "2.0", id: request.id, error: { code: -32601, message: "method not found" } };
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonRpcRequest | JsonRpcRequest[];
      const result = Array.isArray(body) ? body.map(answer) : answer(body);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Posts one JSON-RPC body and tells whether a valid (non-error) answer came back. */
async function call(
  url: string,
  body: unknown,
  timeoutMs = 2_000,
): Promise<"ok" | "rpc-error" | "http-503" | "failed"> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 503) return "http-503";
    const json = (await response.json()) as { error?: unknown } | Array<{ error?: unknown }>;
    const items = Array.isArray(json) ? json : [json];
    return items.some((item) => item.error !== undefined) ? "rpc-error" : "ok";
  } catch {
    return "failed";
  }
}

const blockNumber = (id: number) => ({ jsonrpc: "2.0", id, method: "eth_blockNumber", params: [] });

describe("rpcFaultProxy (test helper)", function () {
  this.timeout(30_000);
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  const proxies: RpcFaultProxy[] = [];

  async function proxy(options: Partial<Parameters<typeof startRpcFaultProxy>[0]>): Promise<RpcFaultProxy> {
    const started = await startRpcFaultProxy({
      target: upstream.url,
      faultRate: 0,
      faults: ["error"],
      delayMs: 1_000,
      ...options,
    });
    proxies.push(started);
    return started;
  }

  beforeEach(async function () {
    upstream = await startUpstream();
  });

  afterEach(async function () {
    for (const started of proxies.splice(0)) await started.close();
    await upstream.close();
  });

  it("test_proxy_forwardsSingleAndBatchedRequestsUnchanged", async function () {
    const started = await proxy({ faultRate: 0 });
    const single = await fetch(started.url, { method: "POST", body: JSON.stringify(blockNumber(1)) });
    expect(await single.json()).to.deep.equal({ jsonrpc: "2.0", id: 1, result: "0x10" });
    const batch = await fetch(started.url, {
      method: "POST",
      body: JSON.stringify([blockNumber(2), { jsonrpc: "2.0", id: 3, method: "eth_chainId", params: [] }]),
    });
    expect(await batch.json()).to.deep.equal([
      { jsonrpc: "2.0", id: 2, result: "0x10" },
      { jsonrpc: "2.0", id: 3, result: "0x7a69" },
    ]);
    expect(started.stats()).to.deep.equal({
      requests: 2,
      forwarded: 2,
      faulted: 0,
      byFault: { drop: 0, delay: 0, error: 0 },
    });
    expect(upstream.served()).to.equal(3);
  });

  it("test_proxy_faultRateIsRoughlyHonoured_andReproducibleWithASeed", async function () {
    const requests = 400;
    const run = async (seed: bigint) => {
      const started = await proxy({ faultRate: 0.3, faults: ["error"], random: seededRandom(seed) });
      let failures = 0;
      for (let i = 0; i < requests; i++) if ((await call(started.url, blockNumber(i))) !== "ok") failures++;
      return { failures, stats: started.stats() };
    };
    const first = await run(7n);
    expect(first.stats.requests).to.equal(requests);
    expect(first.stats.forwarded + first.stats.faulted).to.equal(requests);
    expect(first.failures).to.equal(first.stats.faulted); // every fault reached the client, nothing else failed
    expect(first.stats.faulted / requests).to.be.within(0.24, 0.36);
    expect(upstream.served()).to.equal(first.stats.forwarded);

    const again = await run(7n);
    expect(again.stats.faulted).to.equal(first.stats.faulted);
  });

  it("test_proxy_setFaultRateZeroStopsFaults", async function () {
    const started = await proxy({ faultRate: 1, faults: ["error"], random: seededRandom(1n) });
    expect(await call(started.url, blockNumber(1))).not.to.equal("ok");
    started.setFaultRate(0);
    const faultedBefore = started.stats().faulted;
    for (let i = 0; i < 100; i++) expect(await call(started.url, blockNumber(i))).to.equal("ok");
    expect(started.stats().faulted).to.equal(faultedBefore);
    expect(() => started.setFaultRate(1.5)).to.throw(RangeError);
  });

  it("test_proxy_errorFaultAnswersJsonRpcErrorsPerBatchItemOrHttp503", async function () {
    const started = await proxy({ faultRate: 1, faults: ["error"], random: seededRandom(3n) });
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const response = await fetch(started.url, {
        method: "POST",
        body: JSON.stringify([blockNumber(10 * i), blockNumber(10 * i + 1)]),
      });
      if (response.status === 503) {
        seen.add("503");
        continue;
      }
      seen.add("rpc-error");
      const body = (await response.json()) as Array<{ id: number; error: { code: number } }>;
      expect(body.map((item) => item.id)).to.deep.equal([10 * i, 10 * i + 1]);
      expect(body.map((item) => item.error.code)).to.deep.equal([FAULT_JSON_RPC_CODE, FAULT_JSON_RPC_CODE]);
    }
    expect([...seen].sort()).to.deep.equal(["503", "rpc-error"]);
    expect(upstream.served()).to.equal(0);
    expect(started.stats().byFault.error).to.equal(40);
  });

  it("test_proxy_dropClosesTheConnectionWithoutAnAnswer", async function () {
    const started = await proxy({ faultRate: 1, faults: ["drop"] });
    expect(await call(started.url, blockNumber(1))).to.equal("failed");
    expect(started.stats().byFault.drop).to.equal(1);
    expect(upstream.served()).to.equal(0);
  });

  it("test_proxy_delayHoldsTheAnswerBeyondTheClientTimeout", async function () {
    const started = await proxy({ faultRate: 1, faults: ["delay"], delayMs: 600 });
    const before = Date.now();
    expect(await call(started.url, blockNumber(1), 100)).to.equal("failed");
    expect(Date.now() - before).to.be.below(500);
    expect(started.stats().byFault.delay).to.equal(1);
    // A patient client gets the (late) answer.
    expect(await call(started.url, blockNumber(2), 5_000)).to.equal("ok");
  });

  describe("with ethers and the keeper's retry", function () {
    function ethersProvider(url: string, timeoutMs: number): JsonRpcProvider {
      const request = new FetchRequest(url);
      request.timeout = timeoutMs;
      return new JsonRpcProvider(request, CHAIN_ID, { staticNetwork: true, batchMaxCount: 1 });
    }

    async function errorOf(provider: JsonRpcProvider): Promise<unknown> {
      try {
        await provider.send("eth_blockNumber", []);
      } catch (error) {
        return error;
      }
      expect.fail("expected the call to fail");
    }

    it("test_ethersErrorsOfEveryFaultAreClassifiedTransient", async function () {
      const codes = new Set<string>();
      for (const fault of ["drop", "delay", "error"] as const) {
        // The error fault alternates between 503 and a JSON-RPC error: try several to see both.
        for (let i = 0; i < (fault === "error" ? 6 : 1); i++) {
          const started = await proxy({
            faultRate: 1,
            faults: [fault],
            delayMs: 1_000,
            random: seededRandom(BigInt(i)),
          });
          const provider = ethersProvider(started.url, 200);
          const error = await errorOf(provider);
          provider.destroy();
          codes.add(`${fault}:${String((error as { code?: unknown }).code)}`);
          expect(isTransientRpcError(error), `${fault}: ${String((error as Error).message)}`).to.equal(true);
        }
      }
      // What ethers v6 makes of each fault: a socket hang up, its own timeout, HTTP 503, JSON-RPC -32005.
      expect([...codes].sort()).to.deep.equal([
        "delay:TIMEOUT",
        "drop:ECONNRESET",
        "error:SERVER_ERROR",
        "error:UNKNOWN_ERROR",
      ]);
    });

    it("test_withRetry_getsEveryAnswerThroughAFlakyEndpoint", async function () {
      const started = await proxy({
        faultRate: 0.4,
        faults: ["drop", "delay", "error"],
        delayMs: 500,
        random: seededRandom(11n),
      });
      const provider = ethersProvider(started.url, 150);
      let retries = 0;
      try {
        for (let i = 0; i < 15; i++) {
          const value = await withRetry(() => provider.send("eth_blockNumber", []) as Promise<string>, {
            retries: 10,
            baseDelayMs: 1,
            maxDelayMs: 5,
            onRetry: () => retries++,
          });
          expect(value).to.equal("0x10");
        }
      } finally {
        provider.destroy();
      }
      expect(started.stats().faulted).to.be.greaterThan(0);
      expect(retries).to.equal(started.stats().faulted);
    });
  });
});
