import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { JsonRpcProvider, NonceManager, Wallet } from "ethers";

import { LensPositionState, PriceStatus, SluiceClient } from "../../src/sdk/client.js";
import { parseRegistry, type Registry } from "../../src/sdk/registry.js";
import { LendingPool__factory, MarginVault__factory, MockERC20__factory } from "../../typechain-types/index.js";
import { freePort, startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";

/** Hardhat's public test keys: #2 lends and borrows here (#0 deploys, #1 is the local keeper owner). */
const BORROWER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const KEEPER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b69690d";
const USDC = 10n ** 6n;
const WAD = 10n ** 18n;

/** Runs a command to its end; resolves with its exit code and output. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("deploy: npm run deploy against a hardhat node, then the SDK and the keeper read the registry", function () {
  this.timeout(240_000);
  let node: HardhatNode;
  let dir: string;
  let registryPath: string;
  let registry: Registry;
  let deployOutput = "";
  const deploymentId = `e2e-${process.pid}-${Date.now()}`;

  before(async () => {
    node = await startHardhatNode();
    dir = mkdtempSync(join(tmpdir(), "sluice-deploy-"));
    registryPath = join(dir, "31337.json");
    // The node's URL through SLUICE_LOCALHOST_URL (the localhost network's URL is fixed at 127.0.0.1:8545); the test
    // build (`--build-profile default`) because the node allows unlimited contract size and a production build takes
    // minutes.
    const started = Date.now();
    const result = await run(
      "npm",
      [
        "run",
        "--silent",
        "deploy",
        "--",
        "--network",
        "localhost",
        "--build-profile",
        "default",
        "--deployment-id",
        deploymentId,
        "--registry",
        registryPath,
      ],
      { ...process.env, SLUICE_LOCALHOST_URL: node.url, FORCE_COLOR: "0" },
    );
    deployOutput = result.output;
    console.log(`      (npm run deploy took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    expect(result.code, deployOutput).to.equal(0);
  });

  after(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join("deploy", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("writes a registry the SDK's parser accepts, with every contract and the market", () => {
    expect(deployOutput).to.include(`registry written to ${registryPath}`);
    registry = parseRegistry(JSON.parse(readFileSync(registryPath, "utf8")));
    expect(registry.chainId).to.equal(31337n);
    expect(registry.network).to.equal("localhost");
    for (const name of [
      "PositionLens",
      "FlashLiquidator",
      "LiquidationUpkeep",
      "TimelockController",
      "SwapRouter",
    ] as const) {
      expect(registry.contracts[name], name).to.match(/^0x[0-9a-fA-F]{40}$/);
    }
    expect(registry.markets.map((m) => m.label)).to.deep.equal(["WETH/USDC"]);
  });

  it("lets the SDK read a position opened on the deployed system", async () => {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const borrower = new NonceManager(new Wallet(BORROWER_KEY, provider));
      const market = registry.markets[0]!;
      const usdc = MockERC20__factory.connect(market.quote, borrower);
      const weth = MockERC20__factory.connect(market.collateral, borrower);
      const pool = LendingPool__factory.connect(market.pool, borrower);
      const vault = MarginVault__factory.connect(registry.contracts.MarginVault, borrower);
      const me = await borrower.getAddress();
      await (await usdc.mint(me, 100_000n * USDC)).wait();
      await (await usdc.approve(market.pool, 100_000n * USDC)).wait();
      await (await pool.deposit(100_000n * USDC, me)).wait();
      await (await weth.mint(me, 2n * WAD)).wait();
      await (await weth.approve(registry.contracts.MarginVault, 2n * WAD)).wait();
      const id = await vault.nextPositionId();
      await (await vault.openPosition(market.id)).wait();
      await (await vault.depositCollateral(id, 2n * WAD)).wait();
      await (await vault.borrow(id, 4_000n * USDC, me)).wait();

      const client = new SluiceClient(provider, registry);
      const position = await client.position(id);
      expect(position.owner).to.equal(me);
      expect(position.debtAssets).to.be.greaterThanOrEqual(4_000n * USDC);
      expect(position.priceStatus).to.equal(PriceStatus.Primary);
      expect(position.ratio).to.equal((6_000n * USDC * WAD) / position.debtAssets); // 2 WETH at 3,000 over the debt
      const page = await client.positionsOfMarket(market.id, 0n, 10n);
      expect(page.positions.map((p) => p.id)).to.deep.equal([id]);
      expect(page.positions[0]!.state).to.equal(LensPositionState.Healthy);
    } finally {
      provider.destroy();
    }
  });

  it("starts the keeper on that registry in --dry-run, and it scans the market", async () => {
    const metricsPort = await freePort();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/keeper/main.ts",
        "--rpc-url",
        node.url,
        "--chain-id",
        "31337",
        "--registry",
        registryPath,
        "--dry-run",
        "--poll-interval",
        "250",
        "--metrics-port",
        String(metricsPort),
      ],
      { env: { ...process.env, SLUICE_PRIVATE_KEY: KEEPER_KEY }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const lines = (): Array<Record<string, unknown>> =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    try {
      let scans = 0;
      const deadline = Date.now() + 60_000;
      while (scans < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (child.exitCode !== null) throw new Error(`keeper exited with ${child.exitCode}:\n${out}`);
        if (!lines().some((l) => l.msg === "metrics and health server")) continue;
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
        scans = Number(/^sluice_keeper_scans_total (\d+)/m.exec(metrics)?.[1] ?? 0);
      }
      expect(scans, out).to.be.greaterThanOrEqual(2);
      const started = lines().find((l) => l.msg === "keeper started");
      expect(started?.markets, out).to.deep.equal(["WETH/USDC"]);
      expect(
        lines().filter((l) => l.level === 50),
        out,
      ).to.deep.equal([]); // no error logged
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    }
  });
});
