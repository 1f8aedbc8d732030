/**
 * A JSON-RPC HTTP proxy that injects faults, for testing how the keeper's RPC layer copes with a flaky endpoint.
 * Requests are forwarded to `target` with the global `fetch`; a `faultRate` share of them (drawn from an injectable,
 * seedable random source) instead gets one of the configured faults:
 * - `drop`: the connection is destroyed without an answer (the client sees "socket hang up" / ECONNRESET);
 * - `delay`: the answer is held for `delayMs` (set it beyond the client's timeout), then forwarded;
 * - `error`: a JSON-RPC error (-32005 "limit exceeded", one per request of a batch) or an HTTP 503, half each.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A fault the proxy can inject. */
export type RpcFault = "drop" | "delay" | "error";

/** Options of {@link startRpcFaultProxy}. */
export interface RpcFaultProxyOptions {
  /** URL of the real JSON-RPC endpoint. */
  target: string;
  /** Port to listen on (127.0.0.1); default 0 = ephemeral. */
  port?: number;
  /** Share of requests that get a fault, in [0, 1]. */
  faultRate: number;
  /** Faults to choose from (uniformly); must not be empty when `faultRate > 0`. */
  faults: readonly RpcFault[];
  /** How long a `delay` fault holds the answer (ms). */
  delayMs: number;
  /** Uniform random number in [0, 1); default `Math.random`. Pass a seeded one for reproducible runs. */
  random?: () => number;
}

/** Counters of a proxy, since it started. */
export interface RpcFaultProxyStats {
  /** HTTP requests received (a batch counts once). */
  requests: number;
  /** Requests forwarded without a fault. */
  forwarded: number;
  /** Requests that got a fault. */
  faulted: number;
  /** Faulted requests by fault (`error` counts JSON-RPC errors and 503s together). */
  byFault: Record<RpcFault, number>;
}

/** A running proxy. */
export interface RpcFaultProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** A snapshot of the counters. */
  stats(): RpcFaultProxyStats;
  /** Changes the fault rate from the next request on (0 stops faults). */
  setFaultRate(rate: number): void;
  /** Stops listening, drops open connections and pending delays. */
  close(): Promise<void>;
}

/** JSON-RPC error code answered by the `error` fault (EIP-1474 "limit exceeded"). */
export const FAULT_JSON_RPC_CODE = -32005;

/**
 * Starts the proxy.
 *
 * @param options - See {@link RpcFaultProxyOptions}.
 * @returns Once listening.
 */
export async function startRpcFaultProxy(options: RpcFaultProxyOptions): Promise<RpcFaultProxy> {
  checkRate(options.faultRate);
  const random = options.random ?? Math.random;
  let faultRate = options.faultRate;
  const stats: RpcFaultProxyStats = { requests: 0, forwarded: 0, faulted: 0, byFault: { drop: 0, delay: 0, error: 0 } };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const forward = async (body: string, response: ServerResponse): Promise<void> => {
    let upstream: Response;
    try {
      upstream = await fetch(options.target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    } catch (error) {
      reply(response, 502, "text/plain", `upstream unreachable: ${(error as Error).message}`);
      return;
    }
    const text = await upstream.text();
    reply(response, upstream.status, upstream.headers.get("content-type") ?? "application/json", text);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "POST") {
      reply(response, 405, "text/plain", "only POST");
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      stats.requests++;
      const fault = faultRate > 0 && random() < faultRate ? pickFault(options.faults, random) : undefined;
      if (fault === undefined) {
        stats.forwarded++;
        void forward(body, response);
        return;
      }
      stats.faulted++;
      stats.byFault[fault]++;
      switch (fault) {
        case "drop":
          request.socket.destroy();
          return;
        case "delay": {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!response.destroyed) void forward(body, response);
          }, options.delayMs);
          timers.add(timer);
          return;
        }
        case "error":
          if (random() < 0.5) reply(response, 503, "text/plain", "service unavailable");
          else reply(response, 200, "application/json", JSON.stringify(jsonRpcErrors(body)));
          return;
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ ...stats, byFault: { ...stats.byFault } }),
    setFaultRate: (rate: number) => {
      checkRate(rate);
      faultRate = rate;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function pickFault(faults: readonly RpcFault[], random: () => number): RpcFault {
  const fault = faults[Math.floor(random() * faults.length)];
  if (fault === undefined) throw new RangeError("rpcFaultProxy: faults must not be empty when faultRate > 0");
  return fault;
}

/** A JSON-RPC error answer to `body`: one error object, or one per request of a batch, with the requests' ids. */
function jsonRpcErrors(body: string): unknown {
  const error = { code: FAULT_JSON_RPC_CODE, message: "limit exceeded (injected fault)" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } };
  }
  const idOf = (request: unknown): unknown =>
    typeof request === "object" && request !== null ? ((request as { id?: unknown }).id ?? null) : null;
  return Array.isArray(parsed)
    ? parsed.map((request) => ({ jsonrpc: "2.0", id: idOf(request), error }))
    : { jsonrpc: "2.0", id: idOf(parsed), error };
}

function reply(response: ServerResponse, status: number, contentType: string, body: string): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  response.end(body);
}

function checkRate(rate: number): void {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rpcFaultProxy: faultRate must be in [0, 1], got ${rate}`);
}
