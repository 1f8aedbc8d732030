/**
 * Policy runs in parallel: the policies are independent (each starts from the same deployed world and book), so
 * `npm run demo` runs them in child processes, one in-process chain each, up to one per core. Every child deploys and
 * opens the same book from the same seed and the same deterministic clock, so its chain is block for block the one a
 * sequential run would have reverted to: the runs, down to the transaction hashes, are the same (test/demo checks it).
 *
 * Messages are Node IPC with `serialization: "advanced"` (structured clone: bigints, Infinity).
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

import type { BookPosition } from "./book.js";
import type { PolicyName } from "./policies.js";
import type { PolicyRun, Progress, SimulationConfig } from "./simulation.js";

/** Parent → child. */
export type ToWorker = { type: "prepare"; config: SimulationConfig } | { type: "run"; policy: PolicyName };

/** Child → parent. */
export type FromWorker =
  | { type: "ready"; book: BookPosition[] }
  | { type: "progress"; progress: Progress }
  | { type: "done"; run: PolicyRun }
  | { type: "error"; message: string };

const WORKER_PATH = fileURLToPath(new URL("./worker.ts", import.meta.url));

/** A child process running src/demo/worker.ts (TypeScript through tsx's loader); `--sweep` drives it too. */
export class WorkerProcess {
  readonly #child: ChildProcess;
  #pending: { resolve: (message: FromWorker) => void; reject: (error: Error) => void } | undefined;
  #onProgress: (progress: Progress) => void;
  #exited: Error | undefined;

  constructor(onProgress: (progress: Progress) => void) {
    this.#onProgress = onProgress;
    this.#child = fork(WORKER_PATH, [], { execArgv: ["--import", "tsx"], serialization: "advanced" });
    this.#child.on("message", (message: FromWorker) => {
      if (message.type === "progress") {
        this.#onProgress(message.progress);
        return;
      }
      const pending = this.#pending;
      this.#pending = undefined;
      if (message.type === "error") pending?.reject(new Error(`demo worker: ${message.message}`));
      else pending?.resolve(message);
    });
    this.#child.on("exit", (code, signal) => {
      this.#exited = new Error(`demo worker exited (code ${code}, signal ${signal}) before answering`);
      this.#pending?.reject(this.#exited);
      this.#pending = undefined;
    });
  }

  /** Sends `message` and waits for the child's answer (`ready` or `done`). */
  request(message: ToWorker): Promise<FromWorker> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#child.send(message);
    });
  }

  /** Ends the child: disconnecting lets it close its chain and exit. */
  close(): void {
    if (this.#child.connected) this.#child.disconnect();
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill();
  }
}

/**
 * Runs `config.policies` on `workers` child processes (at least 2), each taking the next policy when it is free;
 * returns the book and the runs in `config.policies` order.
 */
export async function simulateInWorkers(
  config: SimulationConfig,
  workers: number,
  onProgress: (progress: Progress) => void = () => {},
): Promise<{ book: BookPosition[]; runs: PolicyRun[] }> {
  const count = Math.min(workers, config.policies.length);
  const pool = Array.from({ length: count }, () => new WorkerProcess(onProgress));
  const queue = [...config.policies.entries()];
  const runs: PolicyRun[] = new Array<PolicyRun>(config.policies.length);
  let book: BookPosition[] = [];
  try {
    await Promise.all(
      pool.map(async (worker) => {
        const ready = await worker.request({ type: "prepare", config });
        if (ready.type === "ready") book = ready.book;
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const [index, policy] = next;
          const done = await worker.request({ type: "run", policy });
          if (done.type !== "done") throw new Error(`demo worker answered ${done.type} to run ${policy}`);
          runs[index] = done.run;
        }
        worker.close();
      }),
    );
  } catch (error) {
    for (const worker of pool) worker.kill();
    throw error;
  }
  return { book, runs };
}
