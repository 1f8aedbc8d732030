import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { JsonRpcProvider, MaxUint256, NonceManager, Wallet } from "ethers";

import { deployLocalSluice, type LocalSluice } from "../../src/devchain/deploySluice.js";
import { sqrtPriceX96At } from "../../src/devchain/uniswap.js";
import { LensPositionState, SluiceClient } from "../../src/sdk/client.js";
import { serializeRegistry } from "../../src/sdk/registry.js";
import { MarginVault__factory } from "../../typechain-types/index.js";
import { startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";

/** Hardhat's default accounts (the public test mnemonic): deployer, keeper, borrower. */
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b69690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const;
const USDC = 10n ** 6n;
const WAD = 10n ** 18n;
const MAINTENANCE = 12n * 10n ** 17n;

/** The keeper bot as its own process, with its JSON log lines. */
interface KeeperProcess {
  child: ChildProcess;
  lines: () => Array<Record<string, unknown>>;
  stop: () => Promise<number | null>;
}

function startKeeper(url: string, registryPath: string, extra: string[] = []): KeeperProcess {
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
    { env: { ...process.env, SLUICE_PRIVATE_KEY: KEYS[1] }, stdio: ["ignore", "pipe", "pipe"] },
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
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      return exited;
    },
  };
}

describe("Keeper bot against a hardhat node (separate processes, JSON-RPC over HTTP)", function () {
  this.timeout(300_000);
  let node: HardhatNode | undefined;
  let keeper: KeeperProcess | undefined;

  before(async function () {
    node = await startHardhatNode();
  });
  after(async function () {
    await keeper?.stop();
    await node?.stop();
  });

  it("brings every liquidatable position back above maintenance, in tranches, after a price drop", async function () {
    if (node === undefined) throw new Error("no node");
    const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, pollingInterval: 100 });
    const deployer = new NonceManager(new Wallet(KEYS[0], provider));
    const keeperAddress = new Wallet(KEYS[1]).address;
    const borrower = new NonceManager(new Wallet(KEYS[2], provider));
    const local: LocalSluice = await deployLocalSluice(deployer, { keeperOwner: keeperAddress });
    // Gas money for the keeper's account.
    await (await deployer.sendTransaction({ to: keeperAddress, value: 10n ** 20n })).wait();
    const dir = mkdtempSync(join(tmpdir(), "sluice-keeper-"));
    const registryPath = join(dir, "registry.json");
    writeFileSync(registryPath, serializeRegistry(local.registry));
    const client = new SluiceClient(provider, local.registry);
    const vault = MarginVault__factory.connect(local.registry.contracts.MarginVault, borrower);

    // Six positions of 2 WETH at 3,000 with ratios from 1.41 to 1.5 (debts 4,000 to 4,250 USDC).
    await (await local.weth.connect(deployer).mint(await borrower.getAddress(), 12n * WAD)).wait();
    await (await local.weth.connect(borrower).approve(await vault.getAddress(), MaxUint256)).wait();
    const ids: bigint[] = [];
    for (let i = 0n; i < 6n; i++) {
      const id = await vault.nextPositionId();
      await (await vault.openPosition(1n)).wait();
      await (await vault.depositCollateral(id, 2n * WAD)).wait();
      await (await vault.borrow(id, (4_000n + 50n * i) * USDC, await borrower.getAddress())).wait();
      ids.push(id);
    }

    keeper = startKeeper(node.url, registryPath);
    // The keeper scans the healthy book without acting.
    const started = Date.now();
    while (!keeper.lines().some((l) => l.msg === "keeper started")) {
      if (Date.now() - started > 60_000) throw new Error(`keeper did not start:\n${JSON.stringify(keeper.lines())}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // An arbitrageur keeps the Uniswap pool at the oracle price (selling WETH or USDC up to a price limit).
    const router = local.uniswap.router.connect(deployer);
    const [wethAddress, usdcAddress] = [await local.weth.getAddress(), await local.usdc.getAddress()];
    await (await local.weth.connect(deployer).approve(await router.getAddress(), MaxUint256)).wait();
    await (await local.usdc.connect(deployer).approve(await router.getAddress(), MaxUint256)).wait();
    const arbitrage = async (usd: bigint): Promise<void> => {
      const limit = sqrtPriceX96At(wethAddress, usdcAddress, WAD, usd * USDC);
      const pool = new JsonRpcProvider(node!.url, 31337, { staticNetwork: true });
      const slot0 = await pool.call({ to: local.poolAddress, data: "0x3850c7bd" });
      pool.destroy();
      const current = BigInt(`0x${slot0.slice(2, 66)}`);
      if (current === limit) return;
      const sellWeth = limit < current === BigInt(wethAddress) < BigInt(usdcAddress);
      const tokenIn = sellWeth ? local.weth : local.usdc;
      const amountIn = sellWeth ? 1_000n * WAD : 3_000_000n * USDC;
      await (await tokenIn.connect(deployer).mint(await deployer.getAddress(), amountIn)).wait();
      await (
        await router.exactInputSingle({
          tokenIn: sellWeth ? wethAddress : usdcAddress,
          tokenOut: sellWeth ? usdcAddress : wethAddress,
          fee: 3000n,
          recipient: await deployer.getAddress(),
          deadline: MaxUint256,
          amountIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: limit,
        })
      ).wait();
    };

    // ETH falls to 2,300 on the feed and in the pool: every ratio is now 1.08..1.15, below maintenance.
    await arbitrage(2_300n);
    const priceTx = await (await local.ethUsdFeed.connect(deployer).updateAnswer(2_300n * 10n ** 8n)).wait();
    const priceBlock = priceTx!.blockNumber;
    const liquidatable = await client.liquidatablePositions(1n, 0n, 100n);
    expect(liquidatable.positions.length).to.equal(6, "all six are liquidatable after the drop");

    // Let the keeper work; when only grace windows remain, let time pass (and arbitrage restore the pool).
    let firstTrancheBlock: number | undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const views = (await client.positionsOfMarket(1n, 0n, 100n)).positions;
      const tranches = await client.engine.queryFilter(client.engine.filters.TrancheLiquidated, priceBlock);
      if (firstTrancheBlock === undefined && tranches.length > 0) firstTrancheBlock = tranches[0]!.blockNumber;
      const open = views.filter((v) => v.state !== LensPositionState.Healthy && v.state !== LensPositionState.NoDebt);
      if (open.length === 0) break;
      if (Date.now() > deadline) {
        const log = keeper
          .lines()
          .slice(-15)
          .map((l) => JSON.stringify(l))
          .join("\n");
        throw new Error(
          `positions still below maintenance: ${open.map((v) => `${v.id}:${v.state}`).join(", ")}\n${log}`,
        );
      }
      if (open.every((v) => v.state === LensPositionState.GracePeriod)) {
        await arbitrage(2_300n);
        await provider.send("evm_increaseTime", [301]);
        await provider.send("evm_mine", []);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    for (const id of ids) {
      const health = await client.position(id).catch(() => undefined);
      if (health !== undefined && health.debtAssets > 0n) {
        expect(health.ratio >= MAINTENANCE, `position ${id} back above maintenance`).to.equal(true);
      }
    }
    const tranches = await client.engine.queryFilter(client.engine.filters.TrancheLiquidated, priceBlock);
    expect(tranches.length).to.be.greaterThan(6, "capped tranches: more than one per position");
    expect(tranches.every((t) => t.args.keeper === local.registry.contracts.FlashLiquidator)).to.equal(true);
    const successes = keeper.lines().filter((l) => l.msg === "attempt" && l.result === "success");
    expect(successes.length).to.equal(tranches.length, "every tranche is one the keeper reported");
    const usdcOfOwner = await local.usdc.balanceOf(keeperAddress);
    expect(usdcOfOwner).to.be.greaterThan(0n, "the flash liquidator's profit reached the keeper");
    console.log(
      `      ${tranches.length} tranches; first tranche ${firstTrancheBlock! - priceBlock} block(s) after the price update`,
    );

    expect(await keeper.stop()).to.equal(0, "graceful shutdown on SIGTERM");
    expect(keeper.lines().some((l) => l.msg === "stopped")).to.equal(true);
    provider.destroy();
  });
});
