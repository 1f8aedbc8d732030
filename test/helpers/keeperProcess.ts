/**
 * The keeper bot as its own process (Node + tsx running src/keeper/main.ts), for integration tests and benchmarks
 * against a `hardhat node`: start it, read its JSON log lines, stop it with SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** Hardhat's default accounts (the public test mnemonic): deployer, keeper, borrower. */
export const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b69690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
] as const;

/** The keeper bot as its own process, with its JSON log lines. */
export interface KeeperProcess {
  child: ChildProcess;
  lines: () => Array<Record<string, unknown>>;
  /** Everything it printed, JSON or not. */
  output: () => string;
  stop: () => Promise<number | null>;
}

export function startKeeper(
  url: string,
  registryPath: string,
  extra: string[] = [],
  key: string = KEYS[1],
): KeeperProcess {
  // Node itself (not npx) so SIGTERM reaches the keeper's own shutdown handler.
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/keeper/main.ts",
      "--rpc-url",
      url,
      "--chain-id",
      "31337",
      "--registry",
      registryPath,
      "--poll-interval",
      "250",
      "--metrics-port",
      "0",
      ...extra,
    ],
    { env: { ...process.env, SLUICE_PRIVATE_KEY: key }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return {
    child,
    lines: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Waits for the keeper's "keeper started" log line; throws with its log if it exits or takes over a minute. */
export async function waitForStart(keeper: KeeperProcess): Promise<void> {
  const started = Date.now();
  while (!keeper.lines().some((l) => l.msg === "keeper started")) {
    if (keeper.child.exitCode !== null) throw new Error(`keeper exited:\n${keeper.output()}`);
    if (Date.now() - started > 60_000) throw new Error(`keeper did not start:\n${JSON.stringify(keeper.lines())}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
