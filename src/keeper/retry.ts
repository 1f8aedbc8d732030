/**
 * Retries with exponential backoff and full jitter, timeouts, and the classification of RPC errors into transient
 * (worth retrying) and definitive (a revert, a bad argument, a nonce error) for the keeper.
 *
 * Units: every duration is in milliseconds.
 */

/** Thrown by {@link withTimeout} when the promise did not settle in time. */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";

  /**
   * @param what - What was being waited for, e.g. `"eth_getTransactionReceipt"`.
   * @param timeoutMs - How long it was given (ms).
   */
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} timed out after ${timeoutMs} ms`);
  }
}

/** Passed to {@link RetryOptions.onRetry} before each wait. */
export interface RetryAttempt {
  /** The retry about to happen, from 1 (the first retry, i.e. the second call). */
  retry: number;
  /** How long the wait before it is (ms, after jitter). */
  delayMs: number;
  /** What the failed call threw. */
  error: unknown;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Retries after the first call (0 = call once); a non-negative integer. */
  retries: number;
  /** Backoff before the first retry, before jitter (ms); the k-th retry uses `baseDelayMs · 2^(k−1)`. */
  baseDelayMs: number;
  /** Upper bound of the backoff before jitter (ms). */
  maxDelayMs: number;
  /** Whether an error is worth another call; default {@link isTransientRpcError}. Others are thrown at once. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each wait (for logs and the `sluice_keeper_rpc_retries_total` counter). */
  onRetry?: (attempt: RetryAttempt) => void;
  /** Stops retrying: an abort before a call or during a wait rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Uniform random number in [0, 1) used for the jitter; default `Math.random` (inject a seeded one in tests). */
  random?: () => number;
  /** Waits `ms` milliseconds, rejecting with the signal's reason on abort; default a timer (inject in tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Waits `ms` milliseconds; rejects with `signal.reason` if the signal aborts first (the timer is then cleared).
 *
 * @param ms - Duration (ms).
 * @param signal - Optional abort signal.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The wait before retry number `retry` (from 1), with full jitter:
 * `random() · min(maxDelayMs, baseDelayMs · 2^(retry−1))`, rounded down to whole milliseconds.
 *
 * @param retry - Retry number, from 1.
 * @param options - Base and maximum delay (ms) and the random source.
 * @returns The delay (ms).
 */
export function backoffDelayMs(
  retry: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  const random = options.random ?? Math.random;
  return Math.floor(random() * ceiling);
}

/**
 * Calls `fn` until it resolves, an error is not retryable, or `retries` retries are spent, waiting with exponential
 * backoff and full jitter ({@link backoffDelayMs}) between calls. The last error is rethrown as it is (not wrapped),
 * so callers can still classify it.
 *
 * @param fn - The call; receives the attempt number (0 for the first call).
 * @param options - See {@link RetryOptions}.
 * @returns What `fn` resolved to.
 * @throws The last error of `fn`, or the signal's reason when aborted.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  if (!Number.isInteger(options.retries) || options.retries < 0) {
    throw new RangeError(`withRetry: retries must be a non-negative integer, got ${options.retries}`);
  }
  if (!(options.baseDelayMs >= 0) || !(options.maxDelayMs >= 0)) {
    throw new RangeError("withRetry: baseDelayMs and maxDelayMs must be non-negative");
  }
  const isRetryable = options.isRetryable ?? isTransientRpcError;
  const wait = options.sleep ?? sleep;
  const { signal } = options;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.retries || !isRetryable(error) || signal?.aborted) throw error;
      const retry = attempt + 1;
      const delayMs = backoffDelayMs(retry, options);
      options.onRetry?.({ retry, delayMs, error });
      await wait(delayMs, signal);
    }
  }
}

/**
 * Races `promise` against a timer. The timer is cleared when the promise settles; the underlying operation is not
 * cancelled (pass an `AbortSignal` to it for that).
 *
 * @param promise - What to wait for.
 * @param ms - Time allowed (ms).
 * @param what - Named in the error, e.g. `"getFeeData"`.
 * @throws {@link TimeoutError} naming `what` if `ms` elapse first.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** ethers v6 error codes that mean "the endpoint or the network failed", worth another call. */
const TRANSIENT_ETHERS_CODES = new Set(["TIMEOUT", "NETWORK_ERROR", "SERVER_ERROR"]);

/** ethers v6 error codes that a second identical call would repeat. */
const DEFINITIVE_ETHERS_CODES = new Set([
  "CALL_EXCEPTION",
  "INSUFFICIENT_FUNDS",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "TRANSACTION_REPLACED",
  "INVALID_ARGUMENT",
  "MISSING_ARGUMENT",
  "UNEXPECTED_ARGUMENT",
  "NUMERIC_FAULT",
  "BAD_DATA",
  "ACTION_REJECTED",
  "UNSUPPORTED_OPERATION",
  "NOT_IMPLEMENTED",
  "UNCONFIGURED_NAME",
  "VALUE_MISMATCH",
]);

/** Node and undici socket error codes of a failed connection. */
const TRANSIENT_SOCKET_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** JSON-RPC error codes of overloaded nodes: -32005 "limit exceeded" (EIP-1474). */
const TRANSIENT_JSON_RPC_CODES = new Set([-32005]);

const REVERT_MESSAGE = /execution reverted|revert(ed)?\b|invalid opcode|out of gas/i;
const TRANSIENT_MESSAGE =
  /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|fetch failed|network error|timed? ?out|too many requests|rate limit|header not found|service unavailable|bad gateway|gateway time-?out|\b(429|502|503|504)\b/i;
const NONCE_OR_FUNDS_MESSAGE = /nonce|underpriced|insufficient funds|already known/i;

/**
 * Whether an RPC failure is transient and worth retrying: ethers v6 `TIMEOUT`, `NETWORK_ERROR` and `SERVER_ERROR`
 * (except HTTP 4xx other than 429), HTTP 429 and 5xx, socket errors (`ECONNRESET`, `ECONNREFUSED`, "socket hang up",
 * undici's `fetch failed`), JSON-RPC -32005 (limit exceeded), rate-limit and "header not found" messages, and
 * {@link TimeoutError}. Reverts (`CALL_EXCEPTION`, "execution reverted"), nonce and funds errors and bad arguments
 * are definitive (also a revert in the body of an HTTP 500): retrying the same call would fail the same way. Anything
 * else unrecognised is not retried. Looks through `cause`, `error` and `info.error` (where ethers and undici nest the
 * original), at most 5 levels deep.
 *
 * @param error - Anything thrown.
 */
export function isTransientRpcError(error: unknown): boolean {
  return classify(error, 0) === "transient";
}

type Verdict = "transient" | "definitive" | "unknown";

function classify(error: unknown, depth: number): Verdict {
  if (depth > 5 || error === null || error === undefined) return "unknown";
  if (error instanceof TimeoutError) return "transient";
  if (typeof error !== "object") {
    return typeof error === "string" && TRANSIENT_MESSAGE.test(error) ? "transient" : "unknown";
  }
  const record = error as Record<string, unknown>;
  const code = record["code"];
  const message = typeof record["message"] === "string" ? record["message"] : "";
  if (typeof code === "string" && DEFINITIVE_ETHERS_CODES.has(code)) return "definitive";
  if (REVERT_MESSAGE.test(message) || NONCE_OR_FUNDS_MESSAGE.test(message)) return "definitive";
  // Some endpoints answer a revert with HTTP 500; ethers keeps the body in `info.responseBody`.
  const info = record["info"];
  const infoRecord = typeof info === "object" && info !== null ? (info as Record<string, unknown>) : undefined;
  const body = infoRecord?.["responseBody"];
  if (typeof body === "string" && REVERT_MESSAGE.test(body)) return "definitive";

  const status = httpStatus(record);
  if (status !== undefined) {
    if (status === 429 || status >= 500) return "transient";
    if (status >= 400) return "definitive";
  }
  if (typeof code === "string" && (TRANSIENT_ETHERS_CODES.has(code) || TRANSIENT_SOCKET_CODES.has(code))) {
    return "transient";
  }
  if (typeof code === "number" && TRANSIENT_JSON_RPC_CODES.has(code)) return "transient";

  // The original error, as nested by ethers (`error`, `info.error`) and by undici and Node (`cause`).
  const nested = [record["cause"], record["error"], infoRecord?.["error"]];
  let verdict: Verdict = "unknown";
  for (const inner of nested) {
    const innerVerdict = classify(inner, depth + 1);
    if (innerVerdict === "definitive") return "definitive";
    if (innerVerdict === "transient") verdict = "transient";
  }
  if (verdict === "unknown" && TRANSIENT_MESSAGE.test(message)) verdict = "transient";
  return verdict;
}

/** The HTTP status of an ethers `SERVER_ERROR` (`response.statusCode`, `info.responseStatus`) or a plain `status`. */
function httpStatus(record: Record<string, unknown>): number | undefined {
  const direct = record["status"] ?? record["statusCode"];
  if (typeof direct === "number") return direct;
  const response = record["response"];
  if (typeof response === "object" && response !== null) {
    const statusCode = (response as Record<string, unknown>)["statusCode"];
    if (typeof statusCode === "number") return statusCode;
  }
  const info = record["info"];
  if (typeof info === "object" && info !== null) {
    const responseStatus = (info as Record<string, unknown>)["responseStatus"];
    if (typeof responseStatus === "string") {
      const parsed = Number.parseInt(responseStatus, 10);
      if (Number.isInteger(parsed)) return parsed;
    }
  }
  return undefined;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error("aborted");
}
