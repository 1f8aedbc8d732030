/**
 * A child process of `simulateInWorkers` (src/demo/parallel.ts) and of the sweep (src/demo/sweep.ts): prepares its
 * own world on `prepare` (closing the previous one's chain: the sweep prepares one world per path and seed), runs one
 * policy from the snapshot per `run`, and exits when the parent disconnects (its last request answered, or the parent
 * gone: a run in progress is abandoned, the in-process chain goes with the process). Not imported: forked.
 */
import type { FromWorker, ToWorker } from "./parallel.js";
import { prepareWorld, runPolicy, type PreparedWorld } from "./simulation.js";

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

let world: PreparedWorld | undefined;
// One message at a time: the parent waits for each answer before sending the next request.
let queue: Promise<void> = Promise.resolve();

async function handle(message: ToWorker): Promise<void> {
  try {
    if (message.type === "prepare") {
      const previous = world;
      world = undefined;
      await previous?.chain.close();
      world = await prepareWorld(message.config);
      send({ type: "ready", book: world.book });
    } else {
      if (world === undefined) throw new Error(`run ${message.policy} before prepare`);
      const run = await runPolicy(world, message.policy, (progress) => send({ type: "progress", progress }));
      send({ type: "done", run });
    }
  } catch (error) {
    send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

if (process.send === undefined) throw new Error("src/demo/worker.ts runs as a child of src/demo/parallel.ts");
process.on("message", (message: ToWorker) => {
  queue = queue.then(() => handle(message));
});
process.on("disconnect", () => process.exit(0));
