/**
 * Sluice on the shared world, deployed from the `production` build (optimizer on, 10,000 runs, the IR pipeline but
 * for MarginVault; or from the test build, to check that both builds do the same): the real
 * ChainlinkOracle over the shared feeds, InterestRateModel, LendingPool, MarginVault, InsuranceFund,
 * LiquidationEngine and PositionLens, with the example risk parameters of ARCHITECTURE.md (maintenance 1.2,
 * target 1.25, full close at 1.08, bonus 2–6 %, 25 % of the debt per tranche at most).
 */
import { MaxUint256, ZeroAddress, type BaseContract } from "ethers";

import { DEFAULT_RISK_PARAMS } from "../../src/devchain/deploySluice.js";
import {
  ChainlinkOracle__factory,
  PositionLens__factory,
  type ChainlinkOracle,
  type LendingPool,
  type LiquidationEngine,
  type MarginVault,
  type PositionLens,
} from "../../typechain-types/index.js";
import { TEST_BUILD_FACTORIES, deploySluiceCore } from "../../src/deploy/core.js";
import { PRODUCTION_CORE_FACTORIES, deployArtifact, sluiceArtifact } from "../lib/artifacts.js";
import {
  LENT,
  POSITION,
  USDC,
  USER_OPS,
  WAD,
  gasOf,
  measured,
  mined,
  type LiquidationGas,
  LIQUIDATION_PLAN,
  VICTIMS,
  type LiquidationKind,
  type Victim,
  type UserOp,
} from "./scenario.js";
import { fund, type World } from "./world.js";

const MARKET = 1n;
/** Feeds never go stale on the benchmark chain. */
const HEARTBEAT = 86_400n * 365n;

/** Sluice deployed on a {@link World}, with the ids of the positions the benchmark opened. */
export interface SluiceBench {
  vault: MarginVault;
  pool: LendingPool;
  engine: LiquidationEngine;
  lens: PositionLens;
  victims: Record<Victim, bigint>;
}

/**
 * Which compiled Sluice to deploy: `production` (artifacts-production/, what a deployment ships and what the gas
 * figures measure) or `test` (the unoptimized build the test suite runs on, through TypeChain).
 */
export type SluiceBuild = "production" | "test";

/**
 * Deploys contract `name` of `source` from `build`: the production artifact with `args`, or the test build through
 * `testBuild` (its TypeChain factory); returns it once deployed.
 */
async function deployFrom<T extends BaseContract>(
  world: World,
  build: SluiceBuild,
  source: string,
  name: string,
  testBuild: () => Promise<T>,
  args: unknown[],
): Promise<T> {
  const contract =
    build === "production"
      ? await deployArtifact<T>(world.admin, sluiceArtifact(source, name), args)
      : await testBuild();
  await contract.waitForDeployment();
  return contract;
}

/**
 * Deploys Sluice with one WETH/USDC market and `LENT` USDC lent by the admin; the keeper may spend its USDC. The
 * `production` build unless `build` says otherwise.
 */
export async function deploySluice(world: World, build: SluiceBuild = "production"): Promise<SluiceBench> {
  const { admin } = world;
  const adminAddress = await admin.getAddress();
  const oracleArgs = [
    await world.ethUsdFeed.getAddress(),
    HEARTBEAT,
    await world.usdcUsdFeed.getAddress(),
    HEARTBEAT,
    18,
    6,
    ZeroAddress,
    0,
  ] as const;
  const oracle = await deployFrom<ChainlinkOracle>(
    world,
    build,
    "contracts/oracles/ChainlinkOracle.sol",
    "ChainlinkOracle",
    () => new ChainlinkOracle__factory(admin).deploy(...oracleArgs),
    [...oracleArgs],
  );
  // Reserves to the admin, as before the shared deployer: the measured transactions are unchanged.
  const { pool, vault, engine } = await deploySluiceCore(admin, {
    quote: await world.usdc.getAddress(),
    admin: adminAddress,
    reserveRecipient: adminAddress,
    factories: build === "production" ? PRODUCTION_CORE_FACTORIES : TEST_BUILD_FACTORIES,
  });
  const lensArgs = [await vault.getAddress(), await engine.getAddress()] as const;
  const lens = await deployFrom<PositionLens>(
    world,
    build,
    "contracts/periphery/PositionLens.sol",
    "PositionLens",
    () => new PositionLens__factory(admin).deploy(...lensArgs),
    [...lensArgs],
  );
  await mined(
    vault
      .connect(admin)
      .createMarket(
        await world.weth.getAddress(),
        await pool.getAddress(),
        await oracle.getAddress(),
        DEFAULT_RISK_PARAMS,
      ),
  );
  await fund(world.usdc, admin, admin, await pool.getAddress(), LENT);
  await mined(pool.connect(admin).deposit(LENT, adminAddress));
  await fund(world.usdc, admin, world.keeper, await engine.getAddress(), 1_000_000_000n * USDC);
  return { vault, pool, engine, lens, victims: { warmUp: 0n, tranche: 0n, fullClose: 0n, badDebt: 0n } };
}

/** Opens a position of `owner` with `collateral` WETH and `debt` USDC (not measured); returns its id. */
async function openPosition(
  sluice: SluiceBench,
  world: World,
  owner: World["admin"],
  collateral: bigint,
  debt: bigint,
) {
  const vaultAddress = await sluice.vault.getAddress();
  await fund(world.weth, world.admin, owner, vaultAddress, collateral);
  const id = await sluice.vault.nextPositionId();
  await mined(sluice.vault.connect(owner).openPosition(MARKET));
  await mined(sluice.vault.connect(owner).depositCollateral(id, collateral));
  await mined(sluice.vault.connect(owner).borrow(id, debt, await owner.getAddress()));
  return id;
}

/**
 * The user operations: a lender's supply of 100,000 USDC; then, after a warm-up position, the measured borrower
 * opens a position, deposits 10 WETH, borrows 21,000 USDC, repays 1,000 and withdraws 0.1 WETH. Then the same
 * borrower opens a second position, deposits 10 WETH and borrows 21,000 USDC in one `multicall` (the position id
 * predicted with `nextPositionId`, as a frontend would).
 */
export async function sluiceUserOps(sluice: SluiceBench, world: World): Promise<Record<UserOp, number>> {
  const { vault, pool } = sluice;
  const lenderAddress = await world.lender.getAddress();
  await fund(world.usdc, world.admin, world.lender, await pool.getAddress(), 100_000n * USDC);
  const supply = await gasOf(pool.connect(world.lender).deposit(100_000n * USDC, lenderAddress));

  await openPosition(sluice, world, world.warmUp, POSITION.collateral, POSITION.debt);
  const borrower = world.borrower;
  const vaultAddress = await vault.getAddress();
  await fund(world.weth, world.admin, borrower, vaultAddress, POSITION.collateral);
  await mined(world.usdc.connect(borrower).approve(vaultAddress, MaxUint256));
  const id = await vault.nextPositionId();
  const open = await gasOf(vault.connect(borrower).openPosition(MARKET));
  const depositCollateral = await gasOf(vault.connect(borrower).depositCollateral(id, POSITION.collateral));
  const borrow = await gasOf(vault.connect(borrower).borrow(id, POSITION.debt, await borrower.getAddress()));
  const repay = await gasOf(vault.connect(borrower).repay(id, USER_OPS.repay));
  const withdrawCollateral = await gasOf(
    vault.connect(borrower).withdrawCollateral(id, USER_OPS.withdrawCollateral, await borrower.getAddress()),
  );
  await fund(world.weth, world.admin, borrower, vaultAddress, POSITION.collateral);
  const next = await vault.nextPositionId();
  const borrowerAddress = await borrower.getAddress();
  const openDepositBorrowInOneCall = await gasOf(
    vault
      .connect(borrower)
      .multicall([
        vault.interface.encodeFunctionData("openPosition", [MARKET]),
        vault.interface.encodeFunctionData("depositCollateral", [next, POSITION.collateral]),
        vault.interface.encodeFunctionData("borrow", [next, POSITION.debt, borrowerAddress]),
      ]),
  );
  return { supply, open, depositCollateral, borrow, repay, withdrawCollateral, openDepositBorrowInOneCall };
}

/** Opens the liquidation positions (10 WETH against 21,000 USDC each). */
export async function sluiceOpenVictims(sluice: SluiceBench, world: World): Promise<void> {
  for (const kind of VICTIMS) {
    sluice.victims[kind] = await openPosition(sluice, world, world.victims[kind], POSITION.collateral, POSITION.debt);
  }
}

/** The keeper liquidates the `kind` position with no cap (`maxRepay` = max): what the engine decides. */
export async function sluiceLiquidate(
  sluice: SluiceBench,
  world: World,
  kind: LiquidationKind,
): Promise<LiquidationGas> {
  const id = sluice.victims[LIQUIDATION_PLAN[kind].victim];
  const engine = sluice.engine.connect(world.keeper);
  const keeperAddress = await world.keeper.getAddress();
  const [repaid, seized] = await engine.liquidate.staticCall(id, MaxUint256, keeperAddress, "0x");
  const { gas, hash } = await measured(engine.liquidate(id, MaxUint256, keeperAddress, "0x"));
  return { gas, hash, repaid, seized };
}

/** Opens `count` positions of 1 WETH against 2,100 USDC for `liquidateMany` (at the starting price). */
export async function sluiceOpenBatch(sluice: SluiceBench, world: World, count: number): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) ids.push(await openPosition(sluice, world, world.batchOwner, WAD, 2_100n * USDC));
  return ids;
}

/** `liquidateMany` over `ids` (each uncapped): the transaction's gas; fails unless every position was liquidated. */
export async function sluiceLiquidateMany(sluice: SluiceBench, world: World, ids: bigint[]): Promise<number> {
  const engine = sluice.engine.connect(world.keeper);
  const keeperAddress = await world.keeper.getAddress();
  const maxRepays = ids.map(() => MaxUint256);
  const liquidated = await engine.liquidateMany.staticCall(ids, maxRepays, keeperAddress, "0x");
  if (liquidated !== BigInt(ids.length))
    throw new Error(`liquidateMany would liquidate ${liquidated} of ${ids.length}`);
  return gasOf(engine.liquidateMany(ids, maxRepays, keeperAddress, "0x"));
}

/**
 * What the scenario left on chain, as comparable text: every position's collateral, debt shares and tranche state,
 * the market's and the pool's totals, the market's liquidation window and the insurance fund's balance. Two builds
 * that behave alike leave the same outcome (gas aside).
 */
export async function sluiceOutcome(sluice: SluiceBench, world: World): Promise<Record<string, string>> {
  const { vault, pool, engine } = sluice;
  const outcome: Record<string, string> = {};
  const next = await vault.nextPositionId();
  for (let id = 1n; id < next; id++) {
    const p = await vault.position(id);
    outcome[`position ${id}`] =
      `owner ${p.owner}, collateral ${p.collateralAssets}, debt shares ${p.debtShares}, engine state ${p.engineState}`;
  }
  const m = await vault.market(MARKET);
  outcome.market = `collateral ${m.totalCollateralAssets}, debt shares ${m.totalDebtShares}`;
  const [cash, borrowAssets, borrowShares, reserves] = await Promise.all([
    pool.cashAssets(),
    pool.totalBorrowAssets(),
    pool.totalBorrowShares(),
    pool.reserveAssets(),
  ]);
  outcome.pool = `cash ${cash}, borrowed ${borrowAssets}, borrow shares ${borrowShares}, reserves ${reserves}`;
  outcome.window = `start ${await engine.windowStart(MARKET)}, liquidated ${await engine.windowLiquidatedAssets(MARKET)}`;
  outcome["insurance fund"] = `${await world.usdc.balanceOf(await engine.insuranceFund())} USDC units`;
  return outcome;
}
