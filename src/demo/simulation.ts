/**
 * The simulation core: deploys the system on an in-process chain, opens the book, snapshots, then for each policy
 * reverts to the snapshot, sets the policy's risk parameters and replays the price path step by step. Each step:
 * the oracle moves; the arbitrageur trades the Uniswap pool toward the oracle price; the real keeper
 * (src/keeper, in-process) scans once and liquidates through the FlashLiquidator, selling on the pool; owners whose
 * position just lost a tranche top up with a set probability. Everything measured is read from events and state.
 *
 * Units: bigint amounts token-native (USDC 6 decimals, WETH 18); bigint prices 1e36-scaled (quote units per
 * collateral unit, as the oracle returns them); number prices in quote per whole collateral unit (e.g. 3000).
 */
import { Interface, type Log, type Signer } from "ethers";

import { IOracle__factory } from "../../typechain-types/factories/contracts/interfaces/IOracle__factory.js";
import { Keeper, type Attempt } from "../keeper/keeper.js";
import { CONFIG_BOUNDS, CONFIG_DEFAULTS, type KeeperConfig } from "../keeper/config.js";
import { createLogger } from "../keeper/logger.js";
import { KeeperMetrics } from "../keeper/metrics.js";
import { TxSender } from "../keeper/txSender.js";
import { decodeSluiceLogs } from "../sdk/events.js";
import { Arbitrageur, quoteUnits } from "./arbitrageur.js";
import { generateBook, type BookPosition } from "./book.js";
import { openDemoChain, type DemoChain } from "./chain.js";
import { policy as policyFor, type Policy, type PolicyName, type RiskParams } from "./policies.js";
import { sampleSteps, type PricePath, type PricePoint } from "./pricePaths.js";
import { simulateInWorkers } from "./parallel.js";
import { keyedUniform } from "./rng.js";
import { BASE_RISK_PARAMS, deployDemoSystem, openBook, type DemoSystem } from "./world.js";

const WAD = 10n ** 18n;
const PRICE_SCALE = 10n ** 36n;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
/** Gas limit of a feed update (MockV3Aggregator.updateAnswer writes a new round: 103k, estimated 2026-12-08). */
const FEED_UPDATE_GAS = 200_000n;

/** Everything that shapes a run. Same config (and seed) → same results. */
export interface SimulationConfig {
  /** Positions in the book. */
  positions: number;
  seed: number;
  path: PricePath;
  policies: readonly PolicyName[];
  /** 12-second blocks per step of the path: the oracle, the arbitrageur and the keeper act once per step. */
  blocksPerStep: number;
  /** Probability that the owner of a position that just lost a tranche tops it up to the initial ratio (0..1). */
  topUpProbability: number;
  /** WETH in the Uniswap pool, whole units (matched by USDC at the starting price). */
  poolWeth: number;
  /** Arbitrageur capital per block, whole quote units (so per step: × blocksPerStep). */
  arbCapitalPerBlock: number;
  /** Median position collateral, whole WETH (log-normal sizes, sigma {@link SimulationConfig.sizeSigma}). */
  medianCollateral: number;
  sizeSigma: number;
  /** Opening ratios are uniform in [initialRatio, initialRatio + ratioSpread]. */
  ratioSpread: number;
  /** USDC lent to the lending pool, whole units. */
  lentUsdc: number;
  /**
   * Gas price every transaction pays, gwei (the chain's base fee; no priority fee). The keeper skips an attempt whose
   * simulated profit does not cover its gas at this price.
   */
  gasPriceGwei: number;
}

/** Named gas prices for `--gas-price-gwei` (docs/demo.md says where they come from). */
export const GAS_PRICE_PRESETS = { mainnet: 50, l2: 0.01 } as const;

/** A gas price in gwei as wei (to the nearest wei). */
export function gweiToWei(gwei: number): bigint {
  return BigInt(Math.round(gwei * 1e9));
}

/** The defaults of `npm run demo`. */
export const DEFAULT_SIMULATION: Omit<SimulationConfig, "path"> = {
  positions: 200,
  seed: 1,
  policies: ["incremental", "close-factor-50", "full"],
  blocksPerStep: 25,
  topUpProbability: 0.3,
  poolWeth: 4_000,
  arbCapitalPerBlock: 20_000,
  medianCollateral: 8,
  sizeSigma: 0.9,
  ratioSpread: 0.15,
  lentUsdc: 20_000_000,
  gasPriceGwei: GAS_PRICE_PRESETS.mainnet,
};

/** Seconds per block on the simulated chain. */
export const BLOCK_SECONDS = 12;

/** One tranche, as the chain recorded it. */
export interface TrancheRecord {
  step: number;
  /** Seconds since the path's start. */
  t: number;
  positionId: bigint;
  /** Index of the position in the book. */
  bookIndex: number;
  /** Oracle price at the tranche, 1e36-scaled. */
  oraclePrice: bigint;
  repaidAssets: bigint;
  seizedAssets: bigint;
  /** Bonus of the tranche, WAD. */
  bonus: bigint;
  protocolFee: bigint;
  ratioBefore: bigint;
  ratioAfter: bigint;
  fullClose: boolean;
  /** Quote received for the seized collateral on the pool (Uniswap `Swap` event). */
  swapOutAssets: bigint;
  /** FlashLiquidator's `LiquidationProfit`: quote paid to the keeper. */
  keeperProfit: bigint;
  badDebtCovered: bigint;
  badDebtSocialized: bigint;
  /** Keeper gas: units used and wei paid (gasUsed × effective gas price). */
  gasUsed: bigint;
  gasCostWei: bigint;
  txHash: string;
}

/** One step of the path, measured after the keeper and the owners acted. */
export interface StepRecord {
  step: number;
  t: number;
  /** Oracle price (quote per collateral unit). */
  oraclePrice: number;
  /** Uniswap pool price after the keeper's sales. */
  poolPrice: number;
  /** Pool price before the arbitrageur traded this step (right after the previous step's sales). */
  poolPriceBeforeArb: number;
  /** Total collateral value / total debt of the book (a number; Infinity with no debt). */
  aggregateRatio: number;
  tranches: number;
  /** Running sum of borrower loss, quote units. */
  borrowerLoss: bigint;
}

/** What one policy's run produced. */
export interface PolicyRun {
  policy: Policy;
  tranches: TrancheRecord[];
  steps: StepRecord[];
  /** Keeper attempts by result (`success`, `error`, `raced`, `unprofitable`, …). */
  attempts: Record<string, number>;
  topUps: number;
  /** Collateral deposited by top-ups, token units. */
  topUpAssets: bigint;
  /** Positions topped up that lost no tranche after their last top-up. */
  positionsSaved: number;
  /** Lending pool assets per share (quote per share unit, as a number) before and after. */
  sharePriceBefore: number;
  sharePriceAfter: number;
  /** Insurance fund balance (quote units) before and after. */
  insuranceBefore: bigint;
  insuranceAfter: bigint;
  /** Keeper's quote balance change over the run (equals the sum of profits). */
  keeperBalanceChange: bigint;
  /** Debt not covered by collateral at the oracle price, summed over positions still open at the end. */
  latentBadDebt: bigint;
  /** Positions still open with debt at the end, and how many of them are below maintenance. */
  openPositions: number;
  openBelowMaintenance: number;
  wallSeconds: number;
}

/** Progress of a run, reported after every step. */
export interface Progress {
  policy: PolicyName;
  step: number;
  steps: number;
  t: number;
  price: number;
  tranches: number;
}

/** The prepared world: system, actors, book and the snapshot every policy starts from. */
export interface PreparedWorld {
  chain: DemoChain;
  system: DemoSystem;
  /** Account #0: deployed everything, keeps no role. */
  admin: Signer;
  /** Guardian and risk manager: sets each policy's risk parameters. */
  governance: Signer;
  keeper: Signer;
  arbitrageur: Arbitrageur;
  borrower: Signer;
  book: BookPosition[];
  positionIds: bigint[];
  steps: PricePoint[];
  stepSeconds: number;
  snapshotId: string;
  /** The clock's time when the snapshot was taken (Unix seconds). */
  snapshotTime: number;
  config: SimulationConfig;
}

/** Checks the config; throws a RangeError naming the bad field. */
export function checkConfig(config: SimulationConfig): void {
  const positive = (name: keyof SimulationConfig, value: number): void => {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be positive, got ${value}`);
  };
  if (!Number.isInteger(config.blocksPerStep) || config.blocksPerStep < 1 || config.blocksPerStep > 300) {
    throw new RangeError(`blocksPerStep must be an integer in 1..300, got ${config.blocksPerStep}`);
  }
  if (!(config.topUpProbability >= 0 && config.topUpProbability <= 1)) {
    throw new RangeError(`topUpProbability must be in [0, 1], got ${config.topUpProbability}`);
  }
  if (config.policies.length === 0) throw new RangeError("policies must name at least one policy");
  positive("poolWeth", config.poolWeth);
  positive("arbCapitalPerBlock", config.arbCapitalPerBlock);
  positive("medianCollateral", config.medianCollateral);
  positive("lentUsdc", config.lentUsdc);
  if (!(config.sizeSigma >= 0)) throw new RangeError(`sizeSigma must be non-negative, got ${config.sizeSigma}`);
  positive("ratioSpread", config.ratioSpread);
  if (!(config.gasPriceGwei >= MIN_GAS_PRICE_GWEI && config.gasPriceGwei <= MAX_GAS_PRICE_GWEI)) {
    throw new RangeError(
      `gasPriceGwei must be in [${MIN_GAS_PRICE_GWEI}, ${MAX_GAS_PRICE_GWEI}], got ${config.gasPriceGwei}`,
    );
  }
}

/** Bounds of the gas price: one wei, and 1,000 gwei (what the demo's funded accounts can pay for). */
export const MIN_GAS_PRICE_GWEI = 1e-9;
export const MAX_GAS_PRICE_GWEI = 1_000;

const WHOLE_WETH = 10n ** 18n;
const WHOLE_USDC = 10n ** 6n;

/** Deploys, funds the actors, opens the book and takes the snapshot every policy run starts from. */
export async function prepareWorld(config: SimulationConfig): Promise<PreparedWorld> {
  checkConfig(config);
  const stepSeconds = config.blocksPerStep * BLOCK_SECONDS;
  const steps = sampleSteps(config.path, stepSeconds);
  const startPrice = steps[0]?.price;
  if (startPrice === undefined) throw new RangeError(`path ${config.path.name} has no points`);
  const chain = await openDemoChain(gweiToWei(config.gasPriceGwei));
  const [admin, keeper, arbSigner, borrower, governance, lender] = chain.signers as [
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
  ];
  const system = await deployDemoSystem(
    chain.connection,
    admin,
    { governance, lender, keeper },
    {
      ethUsd: BigInt(Math.max(1, Math.round(startPrice))),
      poolWeth: BigInt(Math.round(config.poolWeth)),
      lentAssets: BigInt(Math.round(config.lentUsdc)) * WHOLE_USDC,
    },
  );
  // The feed at the path's exact starting price (the deployment takes whole dollars).
  await (await system.ethUsdFeed.updateAnswer(quoteUnits(startPrice, 8))).wait();
  const book = generateBook({
    positions: config.positions,
    seed: config.seed,
    price: startPrice,
    initialRatio: Number(BASE_RISK_PARAMS.initialRatio) / 1e18,
    ratioSpread: config.ratioSpread,
    medianCollateral: config.medianCollateral,
    sizeSigma: config.sizeSigma,
    maxCollateral: config.medianCollateral * 30,
    collateralDecimals: 18,
    quoteDecimals: 6,
  });
  const positionIds = await openBook(system, borrower, book);
  // Owners' reserve for top-ups: as much collateral again as the book holds.
  const bookCollateral = book.reduce((sum, p) => sum + p.collateralAssets, 0n);
  await (await system.weth.mint(await borrower.getAddress(), bookCollateral)).wait();
  const capitalPerStep = BigInt(Math.round(config.arbCapitalPerBlock)) * BigInt(config.blocksPerStep) * WHOLE_USDC;
  const arbitrageur = new Arbitrageur(system, arbSigner, capitalPerStep, chain.fees.overrides);
  await arbitrageur.fund(1_000_000n * WHOLE_WETH, 10n ** 12n * WHOLE_USDC);
  const snapshotTime = chain.clock.now;
  const snapshotId = await chain.snapshot();
  return {
    chain,
    system,
    admin,
    governance,
    keeper,
    arbitrageur,
    borrower,
    book,
    positionIds,
    steps,
    stepSeconds,
    snapshotId,
    snapshotTime,
    config,
  };
}

const SWAP_EVENT = new Interface([
  "event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)",
]);

/** Quote received from the pool in a transaction: minus the quote side of its `Swap` events. */
function quoteOutOfSwaps(logs: readonly Log[], poolAddress: string, quoteIsToken0: boolean): bigint {
  let out = 0n;
  for (const log of logs) {
    if (log.address.toLowerCase() !== poolAddress.toLowerCase()) continue;
    const parsed = SWAP_EVENT.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed === null) continue;
    const delta = (quoteIsToken0 ? parsed.args.amount0 : parsed.args.amount1) as bigint;
    out -= delta; // negative delta = quote left the pool
  }
  return out;
}

function sameParams(a: RiskParams, b: Record<keyof RiskParams, bigint>): boolean {
  return (Object.keys(a) as (keyof RiskParams)[]).every((key) => a[key] === b[key]);
}

/** Runs one policy from the snapshot; leaves the chain in the run's end state (the next run reverts it). */
export async function runPolicy(
  world: PreparedWorld,
  name: PolicyName,
  onProgress: (progress: Progress) => void = () => {},
): Promise<PolicyRun> {
  const started = Date.now();
  const { chain, system, config, steps, stepSeconds } = world;
  // evm_revert consumes the snapshot: take it again right away for the next run.
  await chain.revert(world.snapshotId);
  world.snapshotId = await chain.snapshot();
  chain.clock.reset(world.snapshotTime);
  const runStart = world.snapshotTime + 60;

  const policy = policyFor(name, BASE_RISK_PARAMS);
  const current = await system.vault.riskParams(system.marketId);
  if (!sameParams(policy.params, current)) {
    await (await system.vault.connect(world.governance).setRiskParams(system.marketId, policy.params)).wait();
  }

  const { registry } = system;
  const keeperAddress = await world.keeper.getAddress();
  const logger = createLogger("silent");
  const metrics = new KeeperMetrics();
  const keeperConfig: KeeperConfig = {
    help: false,
    rpcUrl: "in-process",
    chainId: BigInt(registry.chainId),
    signer: { kind: "none" },
    marketIds: "all",
    strategy: "flash",
    minProfitQuote: "0",
    // The loosest oracle floor (the keeper's default): the simulation has no searcher to sandwich the keeper, and a
    // tight floor refuses the baselines' large sales for their own price impact (measured with 200 bps:
    // close-factor-50 and full left 74,647 and 175,815 USDC of bad debt on crash-40), which would flatter incremental.
    maxSlippageBps: CONFIG_BOUNDS.maxSlippageBps,
    maxGasPriceWei: undefined,
    pollIntervalMs: CONFIG_DEFAULTS.pollIntervalMs,
    pageSize: CONFIG_DEFAULTS.pageSize,
    metricsPort: 0,
    metricsHost: CONFIG_DEFAULTS.metricsHost,
    registryPath: undefined,
    logLevel: "silent",
    dryRun: false,
  };
  const sender = new TxSender(world.keeper, chain.provider, { logger, metrics, receiptPollMs: 5 });
  const keeper = new Keeper({
    config: keeperConfig,
    provider: chain.provider,
    signer: world.keeper,
    sender,
    registry,
    logger,
    metrics,
  });
  await keeper.init();
  await world.arbitrageur.init();

  const oracle = IOracle__factory.connect(registry.markets[0]!.oracle, chain.provider);
  const quoteIsToken0 = BigInt(await system.usdc.getAddress()) < BigInt(await system.weth.getAddress());
  const bookIndexOf = new Map(world.positionIds.map((id, index) => [id, index]));
  const borrowerVault = system.vault.connect(world.borrower);

  const sharePrice = async (): Promise<number> => {
    const decimals = await system.lendingPool.decimals();
    const assets = await system.lendingPool.convertToAssets(10n ** (decimals + 12n));
    return Number(assets) / 1e18; // quote units (6 decimals) per 1e12 whole shares → quote per whole share
  };
  const fundBalance = (): Promise<bigint> => system.usdc.balanceOf(registry.contracts.InsuranceFund);
  const sharePriceBefore = await sharePrice();
  const insuranceBefore = await fundBalance();
  const keeperBalanceBefore = await system.usdc.balanceOf(keeperAddress);

  const tranches: TrancheRecord[] = [];
  const stepRecords: StepRecord[] = [];
  const attempts: Record<string, number> = {};
  const lastTrancheStep = new Map<bigint, number>();
  const lastTopUpStep = new Map<bigint, number>();
  let topUps = 0;
  let topUpAssets = 0n;
  let borrowerLoss = 0n;

  // The feed's answer as last set (the snapshot's: the path's start). A step whose price is the same sends no update:
  // a flat stretch at block resolution (gap-down's 50 minutes) would otherwise cost a transaction a block.
  let feedAnswer = quoteUnits(steps[0]?.price ?? 0, 8);
  for (const [step, point] of steps.entries()) {
    chain.clock.jumpTo(runStart + point.t);
    const answer = quoteUnits(point.price, 8);
    if (answer !== feedAnswer) {
      // A fixed gas limit: the update's cost is not measured, and estimating it took a call per step.
      await (
        await system.ethUsdFeed.updateAnswer(answer, { gasLimit: FEED_UPDATE_GAS, ...chain.fees.overrides })
      ).wait();
      feedAnswer = answer;
    }
    const [price] = await oracle.price();
    const { priceBefore: poolPriceBeforeArb } = await world.arbitrageur.step(point.price);

    const stepAttempts: Attempt[] = await keeper.scanOnce();
    const liquidatedNow: bigint[] = [];
    for (const attempt of stepAttempts) {
      attempts[attempt.result] = (attempts[attempt.result] ?? 0) + 1;
      if (attempt.result === "error") {
        // The decoded revert's name (e.g. SwapShortfall: the pool could not pay repaid + fee), counted apart.
        const kind = `error:${/^\w+/.exec(attempt.detail ?? "")?.[0] ?? "unknown"}`;
        attempts[kind] = (attempts[kind] ?? 0) + 1;
      }
      if (attempt.result !== "success" || attempt.detail === undefined) continue;
      const receipt = await chain.provider.getTransactionReceipt(attempt.detail);
      if (receipt === null) throw new Error(`no receipt for the keeper's transaction ${attempt.detail}`);
      const events = decodeSluiceLogs(receipt.logs, registry);
      const record: TrancheRecord = {
        step,
        t: point.t,
        positionId: attempt.positionId,
        bookIndex: bookIndexOf.get(attempt.positionId) ?? -1,
        oraclePrice: price,
        repaidAssets: 0n,
        seizedAssets: 0n,
        bonus: 0n,
        protocolFee: 0n,
        ratioBefore: 0n,
        ratioAfter: 0n,
        fullClose: false,
        swapOutAssets: quoteOutOfSwaps(receipt.logs, system.uniswapPoolAddress, quoteIsToken0),
        keeperProfit: 0n,
        badDebtCovered: 0n,
        badDebtSocialized: 0n,
        gasUsed: receipt.gasUsed,
        gasCostWei: receipt.gasUsed * receipt.gasPrice,
        txHash: receipt.hash,
      };
      for (const event of events) {
        if (event.contract === "LiquidationEngine" && event.name === "TrancheLiquidated") {
          const a = event.args;
          Object.assign(record, {
            repaidAssets: a.repaidAssets,
            seizedAssets: a.seizedAssets,
            bonus: a.bonus,
            protocolFee: a.protocolFee,
            ratioBefore: a.ratioBefore,
            ratioAfter: a.ratioAfter,
            fullClose: a.fullClose,
          });
        } else if (event.contract === "LiquidationEngine" && event.name === "BadDebtRealized") {
          record.badDebtCovered += event.args.coveredByInsurance;
          record.badDebtSocialized += event.args.socialized;
        } else if (event.contract === "FlashLiquidator" && event.name === "LiquidationProfit") {
          record.keeperProfit += event.args.profit;
        }
      }
      tranches.push(record);
      borrowerLoss += (record.seizedAssets * price) / PRICE_SCALE - record.repaidAssets;
      lastTrancheStep.set(record.positionId, step);
      if (!record.fullClose && record.badDebtCovered + record.badDebtSocialized === 0n) {
        liquidatedNow.push(record.positionId);
      }
    }

    // Owners who just lost a tranche may top up during the grace window, back to the initial ratio.
    for (const id of liquidatedNow) {
      const bookIndex = bookIndexOf.get(id) ?? 0;
      if (keyedUniform(config.seed, bookIndex, step) >= config.topUpProbability) continue;
      if ((await system.vault.position(id)).owner === ZERO_ADDRESS) continue;
      const health = await system.vault.positionHealth(id);
      if (health.debtAssets === 0n) continue;
      const initial = policy.params.initialRatio;
      const needed = (health.debtAssets * initial * PRICE_SCALE) / (WAD * price) + 1n;
      if (needed <= health.collateralAssets) continue;
      const amount = needed - health.collateralAssets;
      await (await borrowerVault.depositCollateral(id, amount)).wait();
      topUps += 1;
      topUpAssets += amount;
      lastTopUpStep.set(id, step);
    }

    const state = await system.vault.marketState(system.marketId);
    const aggregateRatio =
      state.totalDebtAssets === 0n
        ? Number.POSITIVE_INFINITY
        : Number((state.totalCollateralAssets * price * 10_000n) / (PRICE_SCALE * state.totalDebtAssets)) / 10_000;
    stepRecords.push({
      step,
      t: point.t,
      oraclePrice: point.price,
      poolPrice: await world.arbitrageur.poolPrice(),
      poolPriceBeforeArb,
      aggregateRatio,
      tranches: tranches.length,
      borrowerLoss,
    });
    onProgress({ policy: name, step, steps: steps.length, t: point.t, price: point.price, tranches: tranches.length });
  }

  // End state: what is still open, and what of it is under water.
  const [finalPrice] = await oracle.price();
  let latentBadDebt = 0n;
  let openPositions = 0;
  let openBelowMaintenance = 0;
  for (const id of world.positionIds) {
    // A closed position is deleted (owner zero): positionHealth would revert with UnknownPosition.
    if ((await system.vault.position(id)).owner === ZERO_ADDRESS) continue;
    const health = await system.vault.positionHealth(id);
    if (health.debtAssets === 0n) continue;
    openPositions += 1;
    if (health.ratio < policy.params.maintenanceRatio) openBelowMaintenance += 1;
    const value = (health.collateralAssets * finalPrice) / PRICE_SCALE;
    if (value < health.debtAssets) latentBadDebt += health.debtAssets - value;
  }
  let positionsSaved = 0;
  for (const [id, topUpStep] of lastTopUpStep) {
    if ((lastTrancheStep.get(id) ?? -1) <= topUpStep) positionsSaved += 1;
  }

  return {
    policy,
    tranches,
    steps: stepRecords,
    attempts,
    topUps,
    topUpAssets,
    positionsSaved,
    sharePriceBefore,
    sharePriceAfter: await sharePrice(),
    insuranceBefore,
    insuranceAfter: await fundBalance(),
    keeperBalanceChange: (await system.usdc.balanceOf(keeperAddress)) - keeperBalanceBefore,
    latentBadDebt,
    openPositions,
    openBelowMaintenance,
    wallSeconds: (Date.now() - started) / 1000,
  };
}

/**
 * Runs every configured policy from the same deployed world and book. With `workers` ≤ 1 (or one policy): on one
 * chain, reverting to the snapshot before each policy. With more: in that many child processes at most (one policy
 * each at a time, src/demo/parallel.ts), each on its own chain built the same way, so the runs are the same.
 * Returns the book and the runs in `config.policies` order.
 */
export async function simulate(
  config: SimulationConfig,
  onProgress?: (progress: Progress) => void,
  workers = 1,
): Promise<{ book: BookPosition[]; runs: PolicyRun[] }> {
  checkConfig(config);
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (workers > 1 && config.policies.length > 1) return simulateInWorkers(config, workers, onProgress);
  const world = await prepareWorld(config);
  try {
    const runs: PolicyRun[] = [];
    for (const name of config.policies) runs.push(await runPolicy(world, name, onProgress));
    return { book: world.book, runs };
  } finally {
    await world.chain.close();
  }
}
