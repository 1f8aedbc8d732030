import { expect } from "chai";
import { makeError } from "ethers";
import { network } from "hardhat";

import {
  TimeoutError,
  backoffDelayMs,
  isTransientRpcError,
  withRetry,
  withTimeout,
  type RetryAttempt,
} from "../../src/keeper/retry.js";

/** A sleep that returns at once and records what it was asked to wait. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

/** A call that fails with the given errors in turn, then resolves with "ok". */
function failingThen(errors: unknown[]): { fn: (attempt: number) => Promise<string>; attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    fn: async (attempt: number) => {
      attempts.push(attempt);
      const error = errors[attempts.length - 1];
      if (error !== undefined) throw error;
      return "ok";
    },
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail("expected a rejection");
}

const timeout = () => makeError("request timeout", "TIMEOUT");
const revert = () =>
  makeError("execution reverted", "CALL_EXCEPTION", {
    action: "call",
    data: "0x",
    reason: null,
    transaction: { to: null, data: "0x" },
    invocation: null,
    revert: null,
  });

describe("keeper retry", function () {
  describe("withRetry", function () {
    it("test_withRetry_retriesTransientErrorsThenReturnsTheValue", async function () {
      const { fn, attempts } = failingThen([timeout(), timeout()]);
      const { sleep, waits } = recordingSleep();
      const retries: RetryAttempt[] = [];
      const value = await withRetry(fn, {
        retries: 5,
        baseDelayMs: 100,
        maxDelayMs: 10_000,
        random: () => 0.5,
        sleep,
        onRetry: (attempt) => retries.push(attempt),
      });
      expect(value).to.equal("ok");
      expect(attempts).to.deep.equal([0, 1, 2]);
      // Full jitter with random() = 0.5: half of 100 · 2^0, then half of 100 · 2^1.
      expect(waits).to.deep.equal([50, 100]);
      expect(retries.map((retry) => [retry.retry, retry.delayMs])).to.deep.equal([
        [1, 50],
        [2, 100],
      ]);
      expect((retries[0]?.error as { code: string }).code).to.equal("TIMEOUT");
    });

    it("test_withRetry_backoffDoublesUpToTheMaximum_jitterScalesIt", async function () {
      const { fn } = failingThen([timeout(), timeout(), timeout(), timeout(), timeout()]);
      const { sleep, waits } = recordingSleep();
      await withRetry(fn, { retries: 5, baseDelayMs: 100, maxDelayMs: 250, random: () => 0.999, sleep });
      expect(waits).to.deep.equal([99, 199, 249, 249, 249]);

      expect(backoffDelayMs(1, { baseDelayMs: 100, maxDelayMs: 250, random: () => 0 })).to.equal(0);
      expect(backoffDelayMs(4, { baseDelayMs: 10, maxDelayMs: 1_000, random: () => 0.5 })).to.equal(40);
    });

    it("test_withRetry_jitterDrawsFromTheWholeRange", async function () {
      // With a real random source the 200 waits spread over [0, 1000): not all equal, none out of range.
      const waits: number[] = [];
      for (let i = 0; i < 200; i++) waits.push(backoffDelayMs(5, { baseDelayMs: 100, maxDelayMs: 1_000 }));
      expect(Math.min(...waits)).to.be.at.least(0);
      expect(Math.max(...waits)).to.be.below(1_000);
      expect(new Set(waits).size).to.be.greaterThan(50);
    });

    it("test_withRetry_throwsANonRetryableErrorAtOnce", async function () {
      const error = revert();
      const { fn, attempts } = failingThen([error]);
      const { sleep, waits } = recordingSleep();
      const thrown = await rejectionOf(withRetry(fn, { retries: 5, baseDelayMs: 1, maxDelayMs: 1, sleep }));
      expect(thrown).to.equal(error);
      expect(attempts).to.deep.equal([0]);
      expect(waits).to.deep.equal([]);
    });

    it("test_withRetry_rethrowsTheLastErrorUnwrappedWhenRetriesAreSpent", async function () {
      const errors = [timeout(), timeout(), timeout()];
      const { fn, attempts } = failingThen(errors);
      const { sleep } = recordingSleep();
      const thrown = await rejectionOf(withRetry(fn, { retries: 2, baseDelayMs: 1, maxDelayMs: 1, sleep }));
      expect(thrown).to.equal(errors[2]);
      expect(attempts).to.deep.equal([0, 1, 2]);
    });

    it("test_withRetry_customIsRetryableDecides", async function () {
      const { fn, attempts } = failingThen([new Error("flaky"), new Error("flaky")]);
      const { sleep } = recordingSleep();
      const value = await withRetry(fn, {
        retries: 3,
        baseDelayMs: 1,
        maxDelayMs: 1,
        sleep,
        isRetryable: (error) => (error as Error).message === "flaky",
      });
      expect(value).to.equal("ok");
      expect(attempts).to.have.length(3);
    });

    it("test_withRetry_abortDuringTheWaitRejectsWithTheReasonAndStopsCalling", async function () {
      const { fn, attempts } = failingThen([timeout(), timeout()]);
      const controller = new AbortController();
      const reason = new Error("shutting down");
      setTimeout(() => controller.abort(reason), 20);
      const started = Date.now();
      const thrown = await rejectionOf(
        withRetry(fn, {
          retries: 5,
          baseDelayMs: 5_000,
          maxDelayMs: 5_000,
          random: () => 1,
          signal: controller.signal,
        }),
      );
      expect(thrown).to.equal(reason);
      expect(attempts).to.deep.equal([0]);
      expect(Date.now() - started).to.be.below(2_000);
    });

    it("test_withRetry_alreadyAbortedSignalNeverCalls", async function () {
      const { fn, attempts } = failingThen([]);
      const controller = new AbortController();
      controller.abort(new Error("stop"));
      const thrown = await rejectionOf(
        withRetry(fn, { retries: 1, baseDelayMs: 1, maxDelayMs: 1, signal: controller.signal }),
      );
      expect((thrown as Error).message).to.equal("stop");
      expect(attempts).to.deep.equal([]);
    });

    it("test_withRetry_rejectsInvalidOptions", async function () {
      const { fn } = failingThen([]);
      expect(
        (await rejectionOf(withRetry(fn, { retries: -1, baseDelayMs: 1, maxDelayMs: 1 }))) as Error,
      ).to.be.instanceOf(RangeError);
      expect(
        (await rejectionOf(withRetry(fn, { retries: 1.5, baseDelayMs: 1, maxDelayMs: 1 }))) as Error,
      ).to.be.instanceOf(RangeError);
    });
  });

  describe("withTimeout", function () {
    it("test_withTimeout_rejectsWithATimeoutErrorNamingWhat", async function () {
      const never = new Promise<never>(() => undefined);
      const thrown = await rejectionOf(withTimeout(never, 20, "eth_getTransactionReceipt"));
      expect(thrown).to.be.instanceOf(TimeoutError);
      expect((thrown as TimeoutError).message).to.equal("eth_getTransactionReceipt timed out after 20 ms");
      expect((thrown as TimeoutError).what).to.equal("eth_getTransactionReceipt");
      expect((thrown as TimeoutError).timeoutMs).to.equal(20);
      expect(isTransientRpcError(thrown)).to.equal(true);
    });

    it("test_withTimeout_passesThroughAValueOrAnErrorThatComesInTime", async function () {
      expect(await withTimeout(Promise.resolve(42), 1_000, "fast")).to.equal(42);
      const error = new Error("own failure");
      expect(await rejectionOf(withTimeout(Promise.reject(error), 1_000, "fast"))).to.equal(error);
    });
  });

  describe("isTransientRpcError", function () {
    it("test_isTransientRpcError_retryable_timeoutsNetworkServerErrorsSocketsRateLimits", function () {
      const serverError = (status: number, text: string) =>
        makeError(`server response ${status} ${text}`, "SERVER_ERROR", {
          request: "https://rpc.example",
          info: { responseStatus: `${status} ${text}` },
        });
      const cases: Array<[string, unknown]> = [
        ["ethers TIMEOUT", timeout()],
        ["ethers NETWORK_ERROR", makeError("network error", "NETWORK_ERROR", { event: "x" })],
        ["ethers SERVER_ERROR 503", serverError(503, "Service Unavailable")],
        ["ethers SERVER_ERROR 502", serverError(502, "Bad Gateway")],
        ["ethers SERVER_ERROR 429", serverError(429, "Too Many Requests")],
        ["ethers SERVER_ERROR without status", makeError("exceeded maximum retry limit", "SERVER_ERROR")],
        ["plain 503 status", Object.assign(new Error("oops"), { status: 503 })],
        ["ECONNRESET", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
        [
          "ECONNREFUSED in a cause",
          new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
        ],
        ["socket hang up", new Error("socket hang up")],
        [
          "JSON-RPC -32005 nested by ethers",
          makeError("could not coalesce error", "UNKNOWN_ERROR", {
            error: { code: -32005, message: "limit exceeded" },
          }),
        ],
        [
          "header not found",
          makeError("could not coalesce error", "UNKNOWN_ERROR", {
            error: { code: -32000, message: "header not found" },
          }),
        ],
        ["rate limit message", new Error("Your app has exceeded its compute units per second capacity: rate limit")],
        ["our TimeoutError", new TimeoutError("getFeeData", 10)],
      ];
      for (const [name, error] of cases) expect(isTransientRpcError(error), name).to.equal(true);
    });

    it("test_isTransientRpcError_definitive_revertsNonceFundsClientErrorsAndUnknowns", function () {
      const cases: Array<[string, unknown]> = [
        ["ethers CALL_EXCEPTION", revert()],
        ["revert message", new Error("execution reverted: PositionHealthy(7, 1.3e18)")],
        [
          "revert nested in a server error",
          makeError("x", "UNKNOWN_ERROR", { error: { code: 3, message: "execution reverted" } }),
        ],
        [
          "revert in the body of an HTTP 500",
          makeError("server response 500 Internal Server Error", "SERVER_ERROR", {
            request: "https://rpc.example",
            info: {
              responseStatus: "500 Internal Server Error",
              responseBody: '{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted"}}',
            },
          }),
        ],
        ["ethers INSUFFICIENT_FUNDS", makeError("insufficient funds", "INSUFFICIENT_FUNDS", { transaction: {} })],
        ["ethers NONCE_EXPIRED", makeError("nonce has already been used", "NONCE_EXPIRED", { transaction: {} })],
        ["node nonce message", new Error("Transaction nonce too low. Expected nonce to be at least 1 but got 0.")],
        [
          "ethers SERVER_ERROR 401",
          makeError("server response 401 Unauthorized", "SERVER_ERROR", {
            request: "https://rpc.example",
            info: { responseStatus: "401 Unauthorized" },
          }),
        ],
        ["ethers INVALID_ARGUMENT", makeError("invalid address", "INVALID_ARGUMENT", { argument: "to", value: "0x" })],
        ["plain error", new Error("something else")],
        ["a string", "oops"],
        ["undefined", undefined],
        ["null", null],
      ];
      for (const [name, error] of cases) expect(isTransientRpcError(error), name).to.equal(false);
    });

    it("test_isTransientRpcError_aRealHardhatRevertIsDefinitive", async function () {
      const { ethers } = await network.create();
      const [deployer] = await ethers.getSigners();
      // Runtime code 0x60006000fd: PUSH1 0, PUSH1 0, REVERT. The init code stores it and returns those 5 bytes.
      const deployment = await deployer!.sendTransaction({ data: "0x6460006000fd6000526005601bf3" });
      const receipt = await deployment.wait();
      const reverter = receipt!.contractAddress!;
      expect(await ethers.provider.getCode(reverter)).to.equal("0x60006000fd");
      const thrown = await rejectionOf(ethers.provider.call({ to: reverter, data: "0x" }));
      expect(String((thrown as Error).message)).to.match(/revert/i);
      expect(isTransientRpcError(thrown)).to.equal(false);
    });
  });
});
