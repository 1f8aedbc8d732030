/**
 * Graceful shutdown on SIGINT/SIGTERM: run the keeper's async cleanup once (stop scanning, let an in-flight
 * transaction settle, close the metrics server), then exit — 0 when the cleanup finished in time, 1 when it failed or
 * overran its time budget. A second signal during cleanup exits 1 at once (the operator pressed Ctrl-C twice).
 */

/** The part of `process` this module uses (inject a plain `EventEmitter` in tests). */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Options of {@link onShutdown}. */
export interface ShutdownOptions {
  /** Signals that start the shutdown; default `["SIGINT", "SIGTERM"]`. */
  signals?: readonly NodeJS.Signals[];
  /** Time allowed for the cleanup (ms) before exiting with 1; default 10 000. */
  timeoutMs?: number;
  /** Where signals come from; default `process`. */
  source?: SignalSource;
  /** Ends the process; default `process.exit`. Called exactly once. */
  exit?: (code: number) => void;
  /** Told why the exit code is 1 (a cleanup error, a timeout, a second signal), e.g. to log it. */
  onFailure?: (reason: ShutdownFailure) => void;
}

/** Why a shutdown exits with 1. */
export type ShutdownFailure =
  | { kind: "error"; error: unknown }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "second-signal"; signal: NodeJS.Signals };

/** Default time allowed for the cleanup (ms). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Installs signal handlers that run `handler` once and then exit.
 *
 * @param handler - The cleanup; receives the signal that started it. May be async.
 * @param options - See {@link ShutdownOptions}.
 * @returns Removes the signal handlers (the timeout of a cleanup already running is kept).
 */
export function onShutdown(
  handler: (signal: NodeJS.Signals) => Promise<void> | void,
  options: ShutdownOptions = {},
): () => void {
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  const timeoutMs = options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const source: SignalSource = options.source ?? process;
  const exitProcess = options.exit ?? ((code: number) => process.exit(code));
  let started = false;
  let exited = false;
  let timer: NodeJS.Timeout | undefined;

  const exit = (code: number, failure?: ShutdownFailure): void => {
    if (exited) return;
    exited = true;
    clearTimeout(timer);
    try {
      if (failure) options.onFailure?.(failure);
    } finally {
      exitProcess(code);
    }
  };

  const listener = (signal: NodeJS.Signals): void => {
    if (started) {
      exit(1, { kind: "second-signal", signal });
      return;
    }
    started = true;
    // Ref'd on purpose: a cleanup that hangs with nothing else on the event loop must still end in exit(1).
    timer = setTimeout(() => exit(1, { kind: "timeout", timeoutMs }), timeoutMs);
    Promise.resolve()
      .then(() => handler(signal))
      .then(
        () => exit(0),
        (error: unknown) => exit(1, { kind: "error", error }),
      );
  };

  for (const signal of signals) source.on(signal, listener);
  return () => {
    for (const signal of signals) source.off(signal, listener);
  };
}
