/**
 * Aave V3 (`@aave/core-v3` 1.19.3, i.e. V3.0.2) on the shared world, deployed from the package's own compiled
 * artifacts (solc 0.8.10, optimizer 100,000 runs) with the minimum of its system that liquidates: PoolAddressesProvider,
 * ACLManager, Pool behind its proxy (with the SupplyLogic, BorrowLogic, LiquidationLogic, EModeLogic, PoolLogic,
 * BridgeLogic and FlashLoanLogic libraries linked), PoolConfigurator (ConfiguratorLogic linked), AaveOracle over
 * the same feeds as Sluice, DefaultReserveInterestRateStrategy, and AToken / StableDebtToken / VariableDebtToken
 * implementations; WETH and USDC initialized through the configurator. WETH: LTV 75 %, liquidation threshold
 * 83.33 % (1 / 1.2, Sluice's maintenance), bonus 5 %; USDC borrowable at a variable rate.
 */
import { Contract, MaxUint256, ZeroAddress, type ContractTransactionResponse, type Signer } from "ethers";

import { aaveArtifact, deployArtifact } from "../lib/artifacts.js";
import {
  FEED_UNIT,
  LENT,
  POSITION,
  USDC,
  USER_OPS,
  gasOf,
  measured,
  mined,
  type LiquidationGas,
  LIQUIDATION_PLAN,
  VICTIMS,
  type LiquidationKind,
  type UserOp,
} from "./scenario.js";
import { fund, type World } from "./world.js";

/** Aave's rates are rays (1e27). */
const RAY = 10n ** 27n;
/** Aave's variable-rate borrow mode. */
const VARIABLE = 2n;

/** Aave V3 deployed on a {@link World}: the Pool proxy. */
export interface AaveBench {
  pool: Contract;
  /** The AaveOracle's address. */
  oracle: string;
}

type Send = (...args: unknown[]) => Promise<ContractTransactionResponse>;
const send = (contract: Contract, signer: Signer, method: string): Send =>
  (contract.connect(signer) as Contract).getFunction(method) as unknown as Send;

async function deployLibrary(admin: Signer, name: string, libraries: Record<string, string> = {}): Promise<string> {
  const lib = await deployArtifact(admin, aaveArtifact(`protocol/libraries/logic/${name}`), [], libraries);
  return lib.getAddress();
}

/** Deploys and configures the Aave system, and supplies `LENT` USDC from the admin. */
export async function deployAave(world: World): Promise<AaveBench> {
  const { admin } = world;
  const adminAddress = await admin.getAddress();
  const provider = await deployArtifact<Contract>(admin, aaveArtifact("protocol/configuration/PoolAddressesProvider"), [
    "Sluice bench",
    adminAddress,
  ]);
  const providerAddress = await provider.getAddress();
  await mined(send(provider, admin, "setACLAdmin")(adminAddress));
  const acl = await deployArtifact<Contract>(admin, aaveArtifact("protocol/configuration/ACLManager"), [
    providerAddress,
  ]);
  await mined(send(provider, admin, "setACLManager")(await acl.getAddress()));
  await mined(send(acl, admin, "addPoolAdmin")(adminAddress));

  const borrowLogic = await deployLibrary(admin, "BorrowLogic");
  const libraries = {
    SupplyLogic: await deployLibrary(admin, "SupplyLogic"),
    BorrowLogic: borrowLogic,
    LiquidationLogic: await deployLibrary(admin, "LiquidationLogic"),
    EModeLogic: await deployLibrary(admin, "EModeLogic"),
    PoolLogic: await deployLibrary(admin, "PoolLogic"),
    BridgeLogic: await deployLibrary(admin, "BridgeLogic"),
    FlashLoanLogic: await deployLibrary(admin, "FlashLoanLogic", { BorrowLogic: borrowLogic }),
  };
  const poolImpl = await deployArtifact(admin, aaveArtifact("protocol/pool/Pool"), [providerAddress], libraries);
  await mined(send(provider, admin, "setPoolImpl")(await poolImpl.getAddress()));
  const configuratorImpl = await deployArtifact(admin, aaveArtifact("protocol/pool/PoolConfigurator"), [], {
    ConfiguratorLogic: await deployLibrary(admin, "ConfiguratorLogic"),
  });
  await mined(send(provider, admin, "setPoolConfiguratorImpl")(await configuratorImpl.getAddress()));
  const poolArtifact = aaveArtifact("protocol/pool/Pool");
  const pool = new Contract((await provider.getFunction("getPool")()) as string, poolArtifact.abi, admin);
  const configurator = new Contract(
    (await provider.getFunction("getPoolConfigurator")()) as string,
    aaveArtifact("protocol/pool/PoolConfigurator").abi,
    admin,
  );

  const [weth, usdc] = [await world.weth.getAddress(), await world.usdc.getAddress()];
  const oracle = await deployArtifact(admin, aaveArtifact("misc/AaveOracle"), [
    providerAddress,
    [weth, usdc],
    [await world.ethUsdFeed.getAddress(), await world.usdcUsdFeed.getAddress()],
    ZeroAddress,
    ZeroAddress,
    FEED_UNIT,
  ]);
  await mined(send(provider, admin, "setPriceOracle")(await oracle.getAddress()));

  const poolAddress = await pool.getAddress();
  const aToken = await deployArtifact(admin, aaveArtifact("protocol/tokenization/AToken"), [poolAddress]);
  const stableDebt = await deployArtifact(admin, aaveArtifact("protocol/tokenization/StableDebtToken"), [poolAddress]);
  const variableDebt = await deployArtifact(admin, aaveArtifact("protocol/tokenization/VariableDebtToken"), [
    poolAddress,
  ]);
  // Sluice's curve: 0 base, 4 % up to 80 % utilization, then +60 %; stable borrowing unused.
  const rates = await deployArtifact(admin, aaveArtifact("protocol/pool/DefaultReserveInterestRateStrategy"), [
    providerAddress,
    (8n * RAY) / 10n,
    0n,
    (4n * RAY) / 100n,
    (60n * RAY) / 100n,
    0n,
    0n,
    0n,
    0n,
    (2n * RAY) / 10n,
  ]);
  const reserve = async (asset: string, decimals: number, symbol: string) => ({
    aTokenImpl: await aToken.getAddress(),
    stableDebtTokenImpl: await stableDebt.getAddress(),
    variableDebtTokenImpl: await variableDebt.getAddress(),
    underlyingAssetDecimals: decimals,
    interestRateStrategyAddress: await rates.getAddress(),
    underlyingAsset: asset,
    treasury: adminAddress,
    incentivesController: ZeroAddress,
    aTokenName: `Aave ${symbol}`,
    aTokenSymbol: `a${symbol}`,
    variableDebtTokenName: `Aave variable debt ${symbol}`,
    variableDebtTokenSymbol: `variableDebt${symbol}`,
    stableDebtTokenName: `Aave stable debt ${symbol}`,
    stableDebtTokenSymbol: `stableDebt${symbol}`,
    params: "0x",
  });
  await mined(
    send(configurator, admin, "initReserves")([await reserve(weth, 18, "WETH"), await reserve(usdc, 6, "USDC")]),
  );
  // Basis points: LTV 75 %, threshold 83.33 % (= 1 / 1.2), bonus 5 % (10,500 = 105 % of the repaid value).
  await mined(send(configurator, admin, "configureReserveAsCollateral")(weth, 7_500n, 8_333n, 10_500n));
  await mined(send(configurator, admin, "setReserveBorrowing")(usdc, true));

  const bench = { pool, oracle: await oracle.getAddress() };
  await fund(world.usdc, admin, admin, poolAddress, LENT);
  await mined(send(pool, admin, "supply")(usdc, LENT, adminAddress, 0));
  await fund(world.usdc, admin, world.keeper, poolAddress, 1_000_000_000n * USDC);
  return bench;
}

async function openPosition(bench: AaveBench, world: World, owner: Signer, collateral: bigint, debt: bigint) {
  const ownerAddress = await owner.getAddress();
  await fund(world.weth, world.admin, owner, await bench.pool.getAddress(), collateral);
  await mined(send(bench.pool, owner, "supply")(await world.weth.getAddress(), collateral, ownerAddress, 0));
  await mined(send(bench.pool, owner, "borrow")(await world.usdc.getAddress(), debt, VARIABLE, 0, ownerAddress));
}

/** The same user operations as Sluice's (Aave has no "open": the first supply enables the asset as collateral). */
export async function aaveUserOps(bench: AaveBench, world: World): Promise<Partial<Record<UserOp, number>>> {
  const { pool } = bench;
  const poolAddress = await pool.getAddress();
  const [weth, usdc] = [await world.weth.getAddress(), await world.usdc.getAddress()];
  const lenderAddress = await world.lender.getAddress();
  await fund(world.usdc, world.admin, world.lender, poolAddress, 100_000n * USDC);
  const supply = await gasOf(send(pool, world.lender, "supply")(usdc, 100_000n * USDC, lenderAddress, 0));

  await openPosition(bench, world, world.warmUp, POSITION.collateral, POSITION.debt);
  const borrower = world.borrower;
  const borrowerAddress = await borrower.getAddress();
  await fund(world.weth, world.admin, borrower, poolAddress, POSITION.collateral);
  await mined(world.usdc.connect(borrower).approve(poolAddress, MaxUint256));
  const depositCollateral = await gasOf(send(pool, borrower, "supply")(weth, POSITION.collateral, borrowerAddress, 0));
  const borrow = await gasOf(send(pool, borrower, "borrow")(usdc, POSITION.debt, VARIABLE, 0, borrowerAddress));
  const repay = await gasOf(send(pool, borrower, "repay")(usdc, USER_OPS.repay, VARIABLE, borrowerAddress));
  const withdrawCollateral = await gasOf(
    send(pool, borrower, "withdraw")(weth, USER_OPS.withdrawCollateral, borrowerAddress),
  );
  return { supply, depositCollateral, borrow, repay, withdrawCollateral };
}

/** Opens the liquidation positions (10 WETH against 21,000 USDC each). */
export async function aaveOpenVictims(bench: AaveBench, world: World): Promise<void> {
  for (const kind of VICTIMS) {
    await openPosition(bench, world, world.victims[kind], POSITION.collateral, POSITION.debt);
  }
}

/**
 * `liquidationCall` on the `kind` position, receiving WETH (not aTokens): for a tranche, `debtToCover` is what
 * Sluice's same tranche repaid; otherwise the whole debt (`type(uint256).max`; the health factor is below 0.95, so the
 * close factor is 100 %). Aave V3.0 has no bad-debt accounting: with too little collateral it seizes all of it and
 * the rest of the debt stays on the account.
 */
export async function aaveLiquidate(
  bench: AaveBench,
  world: World,
  kind: LiquidationKind,
  sluiceRepaid: bigint,
): Promise<LiquidationGas> {
  const { pool } = bench;
  const [weth, usdc] = [await world.weth.getAddress(), await world.usdc.getAddress()];
  const { victim: owner, size } = LIQUIDATION_PLAN[kind];
  const victim = await world.victims[owner].getAddress();
  const keeperAddress = await world.keeper.getAddress();
  const debtToCover = size === "tranche" ? sluiceRepaid : MaxUint256;
  const [usdcBefore, wethBefore] = [
    await world.usdc.balanceOf(keeperAddress),
    await world.weth.balanceOf(keeperAddress),
  ];
  const { gas, hash } = await measured(
    send(pool, world.keeper, "liquidationCall")(weth, usdc, victim, debtToCover, false),
  );
  const [usdcAfter, wethAfter] = [await world.usdc.balanceOf(keeperAddress), await world.weth.balanceOf(keeperAddress)];
  return { gas, hash, repaid: usdcBefore - usdcAfter, seized: wethAfter - wethBefore };
}
