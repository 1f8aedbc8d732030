import { EventEmitter } from "node:events";

import { expect } from "chai";

import { onShutdown, type ShutdownFailure, type SignalSource } from "../../src/keeper/shutdown.js";

/** A process stand-in: signals are emitted by hand; exit codes are recorded, with a promise of the first. */
class FakeProcess {
  readonly source = new EventEmitter() as SignalSource & EventEmitter;
  readonly exits: number[] = [];
  readonly exited: Promise<number>;
  readonly exit: (code: number) => void;

  constructor() {
    let resolveExit: (code: number) => void = () => undefined;
    this.exited = new Promise<number>((resolve) => (resolveExit = resolve));
    this.exit = (code: number) => {
      this.exits.push(code);
      resolveExit(code);
    };
  }
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("keeper shutdown", function () {
  it("test_onShutdown_runsTheCleanupOnceAndExits0WhenItFinishes", async function () {
    const fake = new FakeProcess();
    const calls: string[] = [];
    onShutdown(
      async (signal) => {
        calls.push(`start ${signal}`);
        await tick(20);
        calls.push("done");
      },
      { source: fake.source, exit: fake.exit, timeoutMs: 1_000 },
    );
    fake.source.emit("SIGTERM", "SIGTERM");
    expect(fake.exits).to.deep.equal([]); // not before the cleanup has finished
    expect(await fake.exited).to.equal(0);
    expect(calls).to.deep.equal(["start SIGTERM", "done"]);
    expect(fake.exits).to.deep.equal([0]);
  });

  it("test_onShutdown_listensToSigintAndSigtermByDefault", async function () {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const fake = new FakeProcess();
      let received: string | undefined;
      onShutdown((got) => void (received = got), { source: fake.source, exit: fake.exit });
      expect(fake.source.listenerCount(signal)).to.equal(1);
      fake.source.emit(signal, signal);
      expect(await fake.exited).to.equal(0);
      expect(received).to.equal(signal);
    }
  });

  it("test_onShutdown_exits1WhenTheCleanupOverrunsTheTimeout", async function () {
    const fake = new FakeProcess();
    const failures: ShutdownFailure[] = [];
    const started = Date.now();
    onShutdown(() => new Promise<void>(() => undefined), {
      source: fake.source,
      exit: fake.exit,
      timeoutMs: 50,
      onFailure: (failure) => failures.push(failure),
    });
    fake.source.emit("SIGINT", "SIGINT");
    expect(await fake.exited).to.equal(1);
    expect(Date.now() - started).to.be.at.least(45);
    expect(failures).to.deep.equal([{ kind: "timeout", timeoutMs: 50 }]);
  });

  it("test_onShutdown_exits1WhenTheCleanupThrows", async function () {
    const fake = new FakeProcess();
    const failures: ShutdownFailure[] = [];
    const error = new Error("could not close");
    onShutdown(
      async () => {
        throw error;
      },
      { source: fake.source, exit: fake.exit, onFailure: (failure) => failures.push(failure) },
    );
    fake.source.emit("SIGTERM", "SIGTERM");
    expect(await fake.exited).to.equal(1);
    expect(failures).to.deep.equal([{ kind: "error", error }]);
  });

  it("test_onShutdown_secondSignalDuringCleanupExits1AtOnce_cleanupRunsOnce", async function () {
    const fake = new FakeProcess();
    let runs = 0;
    const failures: ShutdownFailure[] = [];
    onShutdown(
      async () => {
        runs++;
        await tick(200);
      },
      { source: fake.source, exit: fake.exit, onFailure: (failure) => failures.push(failure) },
    );
    fake.source.emit("SIGINT", "SIGINT");
    fake.source.emit("SIGINT", "SIGINT");
    expect(await fake.exited).to.equal(1);
    expect(failures).to.deep.equal([{ kind: "second-signal", signal: "SIGINT" }]);
    await tick(250); // the cleanup finishing later must not exit a second time
    expect(runs).to.equal(1);
    expect(fake.exits).to.deep.equal([1]);
  });

  it("test_onShutdown_unsubscribeRemovesTheHandlers", async function () {
    const fake = new FakeProcess();
    let runs = 0;
    const unsubscribe = onShutdown(() => void runs++, {
      source: fake.source,
      exit: fake.exit,
      signals: ["SIGTERM", "SIGHUP"],
    });
    expect(fake.source.listenerCount("SIGHUP")).to.equal(1);
    expect(fake.source.listenerCount("SIGINT")).to.equal(0);
    unsubscribe();
    expect(fake.source.listenerCount("SIGTERM")).to.equal(0);
    expect(fake.source.listenerCount("SIGHUP")).to.equal(0);
    fake.source.emit("SIGTERM", "SIGTERM");
    await tick(20);
    expect(runs).to.equal(0);
    expect(fake.exits).to.deep.equal([]);
  });
});
