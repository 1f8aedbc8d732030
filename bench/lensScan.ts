/**
 * `npm run bench:lens -- [--sizes 1000,10000] [--full] [--repeat 3] [--out reports/bench/lens-scan.json]`
 * (`--full` adds 50,000 positions: several more minutes, building the book and scanning it). `npm run bench` reuses
 * {@link benchOne} and {@link lensScanTable}; the command line below runs only when this file is the entry point.
 *
 * Scanning through the PositionLens on a real `hardhat node` process over HTTP JSON-RPC, as a keeper or a frontend
 * does it, for books of 1,000 and 10,000 positions:
 * - `positionsOfMarket` (a frontend's page: full views) and `liquidatablePositions` (the keeper's page) over the
 *   whole market in pages of 250: wall time and positions per second (median of `--repeat` scans), and the gas of
 *   one 500-position `eth_call`;
 * - the keeper bot as its own process: after ETH falls 20 % on the feed, the blocks and the wall time from the price
 *   update to the first tranche.
 *
 * The book is built by `BookBuilder` (test/harness), 40 positions per transaction: collateral 0.5..5 WETH, ratios
 * uniform in 1.42..2.5 at $3,000, so about 7.4 % of the book falls below maintenance (1.2) at $2,400. Deterministic.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { JsonRpcProvider, NonceManager, Wallet } from "ethers";

import { deployLocalSluice } from "../src/devchain/deploySluice.js";
import { SluiceClient } from "../src/sdk/client.js";
import { serializeRegistry } from "../src/sdk/registry.js";
import { startHardhatNode } from "../test/helpers/hardhatNode.js";
import { KEYS, startKeeper, waitForStart } from "../test/helpers/keeperProcess.js";
import { BookBuilder__factory, PositionLens__factory } from "../typechain-types/index.js";

const USDC = 10n ** 6n;
const WAD = 10n ** 18n;
/**
 * Positions per lens read. 500 fit a 50 M `eth_call` (geth's default cap) but not the 2^24 cap that Hardhat's EDR
 * applies to `eth_call` since Osaka; 250 fit both.
 */
const PAGE = 250n;
/** Positions per build transaction: stays under the 2^24 per-transaction gas cap (EIP-7825). */
const BATCH = 40;
/** EIP-7825's per-transaction gas cap, 2^24: the gas limit of each build transaction. */
const TX_GAS_CAP = 16_777_216n;
/** Build transactions sent before waiting for their receipts. */
const IN_FLIGHT = 16;

/** Measured figures for one book size. */
export interface LensScanResult {
  positions: number;
  liquidatableAfterDrop: number;
  pageSize: number;
  /**
   * Gas per position of the two lens views, from `eth_estimateGas` of one page.
   */
  gasPerPosition: { positionsOfMarket: number; liquidatablePositions: number };
  /** Median wall time of a whole-market scan (ms) and positions per second. */
  positionsOfMarket: { ms: number; positionsPerSecond: number };
  liquidatablePositions: { ms: number; positionsPerSecond: number };
  keeper: { blocksToFirstTranche: number; msToFirstTranche: number };
  bookBuildSeconds: number;
}

/** A small deterministic PRNG (mulberry32) for the book. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeScan(scan: () => Promise<void>, repeat: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await scan();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Default book sizes, and the one `--full` adds. */
export const DEFAULT_SIZES = [1_000, 10_000] as const;
export const FULL_SIZE = 50_000;

/** Builds a book of `size` positions on a fresh `hardhat node`, scans it `repeat` times, and times the keeper. */
export async function benchOne(size: number, repeat: number): Promise<LensScanResult> {
  const node = await startHardhatNode();
  const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, pollingInterval: 100 });
  try {
    const deployer = new NonceManager(new Wallet(KEYS[0], provider));
    const keeperAddress = new Wallet(KEYS[1]).address;
    const local = await deployLocalSluice(deployer, { keeperOwner: keeperAddress, lentAssets: 500_000_000n * USDC });
    const registryPath = join(mkdtempSync(join(tmpdir(), "sluice-bench-")), "registry.json");
    writeFileSync(registryPath, serializeRegistry(local.registry));
    const vaultAddress = local.registry.contracts.MarginVault;
    const builder = await new BookBuilder__factory(deployer).deploy(vaultAddress);

    // The book: collateral 0.5..5 WETH, ratio 1.42..2.5 at $3,000.
    const random = prng(size);
    const collateral: bigint[] = [];
    const debt: bigint[] = [];
    let liquidatableAfterDrop = 0;
    for (let i = 0; i < size; i++) {
      const coll = (BigInt(Math.floor((0.5 + 4.5 * random()) * 1e6)) * WAD) / 1_000_000n;
      const ratioBps = BigInt(Math.floor(14_200 + 10_800 * random()));
      collateral.push(coll);
      debt.push((coll * 3_000n * USDC * 10_000n) / (ratioBps * WAD));
      if ((ratioBps * 8n) / 10n < 12_000n) liquidatableAfterDrop++;
    }
    const started = performance.now();
    await (
      await local.weth.connect(deployer).mint(
        await builder.getAddress(),
        collateral.reduce((a, b) => a + b),
      )
    ).wait();
    const receiver = await deployer.getAddress();
    // Sent with a fixed gas limit (no `eth_estimateGas`, which would execute each batch twice) and up to
    // IN_FLIGHT at a time; each is still mined alone in its own block, and a revert fails the wait.
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < size; i += BATCH) {
      const tx = await builder.build(1n, collateral.slice(i, i + BATCH), debt.slice(i, i + BATCH), receiver, {
        gasLimit: TX_GAS_CAP,
      });
      pending.push(tx.wait());
      if (pending.length >= IN_FLIGHT) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const bookBuildSeconds = (performance.now() - started) / 1000;

    const client = new SluiceClient(provider, local.registry);
    const total = await client.vault.marketPositionCount(1n);
    if (total !== BigInt(size)) throw new Error(`book has ${total} positions, expected ${size}`);
    const lensAddress = local.registry.contracts.PositionLens!;
    const lens = PositionLens__factory.connect(lensAddress, provider);
    const gasOf = async (data: string): Promise<number> =>
      Number(await provider.estimateGas({ to: lensAddress, data }));
    const sample = PAGE;
    const gasPerPosition = {
      positionsOfMarket: Math.round(
        (await gasOf(lens.interface.encodeFunctionData("positionsOfMarket", [1n, 0n, sample]))) / Number(sample),
      ),
      liquidatablePositions: Math.round(
        (await gasOf(lens.interface.encodeFunctionData("liquidatablePositions", [1n, 0n, sample]))) / Number(sample),
      ),
    };
    const viewsMs = await timeScan(async () => {
      for (let offset = 0n; offset < total; offset += PAGE) await client.positionsOfMarket(1n, offset, PAGE);
    }, repeat);
    const liquidatableMs = await timeScan(async () => {
      for (let offset = 0n; offset < total; offset += PAGE) await client.liquidatablePositions(1n, offset, PAGE);
    }, repeat);

    // The keeper as its own process, own capital: gas money and quote.
    await (await deployer.sendTransaction({ to: keeperAddress, value: 10n ** 20n })).wait();
    await (await local.usdc.connect(deployer).mint(keeperAddress, 100_000_000n * USDC)).wait();
    const keeper = startKeeper(node.url, registryPath, ["--strategy", "own-capital"]);
    let keeperResult: LensScanResult["keeper"];
    try {
      await waitForStart(keeper);
      const updateStarted = performance.now();
      const receipt = await (await local.ethUsdFeed.connect(deployer).updateAnswer(2_400n * 10n ** 8n)).wait();
      const updateBlock = receipt!.blockNumber;
      const deadline = Date.now() + 600_000;
      for (;;) {
        const tranches = await client.engine.queryFilter(client.engine.filters.TrancheLiquidated, updateBlock);
        if (tranches.length > 0) {
          keeperResult = {
            blocksToFirstTranche: tranches[0]!.blockNumber - updateBlock,
            msToFirstTranche: Math.round(performance.now() - updateStarted),
          };
          break;
        }
        if (Date.now() > deadline)
          throw new Error(`no tranche within 10 min; keeper log tail:\n${JSON.stringify(keeper.lines().slice(-5))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await keeper.stop();
    }
    const perSecond = (ms: number): number => Math.round((size / ms) * 1000);
    return {
      positions: size,
      liquidatableAfterDrop,
      pageSize: Number(PAGE),
      gasPerPosition,
      positionsOfMarket: { ms: Math.round(viewsMs), positionsPerSecond: perSecond(viewsMs) },
      liquidatablePositions: { ms: Math.round(liquidatableMs), positionsPerSecond: perSecond(liquidatableMs) },
      keeper: keeperResult,
      bookBuildSeconds: Math.round(bookBuildSeconds),
    };
  } finally {
    provider.destroy();
    await node.stop();
  }
}

/** The results as a Markdown table. */
export function lensScanTable(results: LensScanResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.positions.toLocaleString("en-US")} | ${r.positionsOfMarket.ms.toLocaleString("en-US")} ms | ${r.positionsOfMarket.positionsPerSecond.toLocaleString("en-US")} | ${r.liquidatablePositions.ms.toLocaleString("en-US")} ms | ${r.liquidatablePositions.positionsPerSecond.toLocaleString("en-US")} | ${r.keeper.blocksToFirstTranche} | ${r.keeper.msToFirstTranche.toLocaleString("en-US")} ms |`,
  );
  return [
    "| positions | positionsOfMarket scan | positions/s | liquidatablePositions scan | positions/s | blocks to first tranche | time to first tranche |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: DEFAULT_SIZES.join(",") },
      full: { type: "boolean", default: false },
      repeat: { type: "string", default: "3" },
      out: { type: "string", default: "reports/bench/lens-scan.json" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    console.log(
      "usage: npm run bench:lens -- [--sizes 1000,10000] [--full] [--repeat 3] [--out reports/bench/lens-scan.json]",
    );
    return;
  }
  const sizes = values.sizes.split(",").map((s) => Number(s.trim()));
  if (values.full === true && !sizes.includes(FULL_SIZE)) sizes.push(FULL_SIZE);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 100_000)) {
    console.error(`bench:lens: --sizes must be integers in 1..100000, got '${values.sizes}'`);
    process.exit(2);
  }
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
    console.error(`bench:lens: --repeat must be an integer in 1..20, got '${values.repeat}'`);
    process.exit(2);
  }
  const results: LensScanResult[] = [];
  for (const size of sizes) {
    console.log(`bench:lens: ${size} positions...`);
    const result = await benchOne(size, repeat);
    console.log(JSON.stringify(result));
    results.push(result);
  }
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
  console.log(`\n${lensScanTable(results)}\n\nwritten to ${values.out}`);
}

// The command line runs only when this file is executed, not when `npm run bench` imports it.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
