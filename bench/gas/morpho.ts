/**
 * Morpho Blue 1.0.0 on the shared world, compiled from the `@morpho-org/morpho-blue` npm source with its own
 * settings (solc 0.8.19, viaIR, optimizer 999,999 runs; `hardhat.bench.config.ts`). One WETH/USDC market with
 * LLTV = 1 / 1.2 (Sluice's maintenance ratio), Morpho's `IrmMock` (a pure function of utilization) and a Chainlink
 * oracle over the same feeds as Sluice (`bench/contracts/MorphoChainlinkOracleBench.sol`).
 */
import { AbiCoder, Contract, MaxUint256, keccak256, type ContractTransactionResponse, type Signer } from "ethers";

import { anchorArtifact, deployArtifact } from "../lib/artifacts.js";
import {
  LENT,
  MAINTENANCE_RATIO,
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
  type UserOp,
} from "./scenario.js";
import { fund, type World } from "./world.js";

/** Morpho's `MarketParams`. */
interface MarketParams {
  loanToken: string;
  collateralToken: string;
  oracle: string;
  irm: string;
  lltv: bigint;
}

/** Morpho Blue deployed on a {@link World}. */
export interface MorphoBench {
  morpho: Contract;
  params: MarketParams;
  marketId: string;
}

/** Morpho's virtual shares and assets (`SharesMathLib`). */
const VIRTUAL_SHARES = 10n ** 6n;
const VIRTUAL_ASSETS = 1n;

type Send = (...args: unknown[]) => Promise<ContractTransactionResponse>;
const send = (morpho: Contract, signer: Signer, method: string): Send =>
  (morpho.connect(signer) as Contract).getFunction(method) as unknown as Send;

/** Deploys Morpho, enables the IRM and LLTV, creates the market and supplies `LENT` USDC from the admin. */
export async function deployMorpho(world: World): Promise<MorphoBench> {
  const { admin } = world;
  const morpho = await deployArtifact<Contract>(
    admin,
    anchorArtifact("@morpho-org/morpho-blue/src/Morpho.sol", "Morpho"),
    [await admin.getAddress()],
  );
  const irm = await deployArtifact(admin, anchorArtifact("@morpho-org/morpho-blue/src/mocks/IrmMock.sol", "IrmMock"));
  const oracle = await deployArtifact(
    admin,
    anchorArtifact("bench/contracts/MorphoChainlinkOracleBench.sol", "MorphoChainlinkOracleBench"),
    [await world.ethUsdFeed.getAddress(), await world.usdcUsdFeed.getAddress(), 18, 6],
  );
  const params: MarketParams = {
    loanToken: await world.usdc.getAddress(),
    collateralToken: await world.weth.getAddress(),
    oracle: await oracle.getAddress(),
    irm: await irm.getAddress(),
    lltv: (WAD * WAD) / MAINTENANCE_RATIO,
  };
  await mined(send(morpho, admin, "enableIrm")(params.irm));
  await mined(send(morpho, admin, "enableLltv")(params.lltv));
  await mined(send(morpho, admin, "createMarket")(params));
  const marketId = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "address", "address", "address", "uint256"],
      [params.loanToken, params.collateralToken, params.oracle, params.irm, params.lltv],
    ),
  );
  const bench = { morpho, params, marketId };
  await fund(world.usdc, admin, admin, await morpho.getAddress(), LENT);
  await mined(send(morpho, admin, "supply")(params, LENT, 0n, await admin.getAddress(), "0x"));
  await fund(world.usdc, admin, world.keeper, await morpho.getAddress(), 1_000_000_000n * USDC);
  return bench;
}

async function openPosition(bench: MorphoBench, world: World, owner: Signer, collateral: bigint, debt: bigint) {
  const ownerAddress = await owner.getAddress();
  await fund(world.weth, world.admin, owner, await bench.morpho.getAddress(), collateral);
  await mined(send(bench.morpho, owner, "supplyCollateral")(bench.params, collateral, ownerAddress, "0x"));
  await mined(send(bench.morpho, owner, "borrow")(bench.params, debt, 0n, ownerAddress, ownerAddress));
}

/** The same user operations as Sluice's (Morpho has no separate "open": a position exists once it holds assets). */
export async function morphoUserOps(bench: MorphoBench, world: World): Promise<Partial<Record<UserOp, number>>> {
  const { morpho, params } = bench;
  const morphoAddress = await morpho.getAddress();
  const lenderAddress = await world.lender.getAddress();
  await fund(world.usdc, world.admin, world.lender, morphoAddress, 100_000n * USDC);
  const supply = await gasOf(send(morpho, world.lender, "supply")(params, 100_000n * USDC, 0n, lenderAddress, "0x"));

  await openPosition(bench, world, world.warmUp, POSITION.collateral, POSITION.debt);
  const borrower = world.borrower;
  const borrowerAddress = await borrower.getAddress();
  await fund(world.weth, world.admin, borrower, morphoAddress, POSITION.collateral);
  await mined(world.usdc.connect(borrower).approve(morphoAddress, MaxUint256));
  const depositCollateral = await gasOf(
    send(morpho, borrower, "supplyCollateral")(params, POSITION.collateral, borrowerAddress, "0x"),
  );
  const borrow = await gasOf(
    send(morpho, borrower, "borrow")(params, POSITION.debt, 0n, borrowerAddress, borrowerAddress),
  );
  const repay = await gasOf(send(morpho, borrower, "repay")(params, USER_OPS.repay, 0n, borrowerAddress, "0x"));
  const withdrawCollateral = await gasOf(
    send(morpho, borrower, "withdrawCollateral")(params, USER_OPS.withdrawCollateral, borrowerAddress, borrowerAddress),
  );
  return { supply, depositCollateral, borrow, repay, withdrawCollateral };
}

/** Opens the liquidation positions (10 WETH against 21,000 USDC each). */
export async function morphoOpenVictims(bench: MorphoBench, world: World): Promise<void> {
  for (const kind of VICTIMS) {
    await openPosition(bench, world, world.victims[kind], POSITION.collateral, POSITION.debt);
  }
}

/**
 * Liquidates the `kind` position: for a tranche, the borrow shares worth `sluiceRepaid` (what Sluice's same
 * tranche repaid); for a full close, all borrow shares; for bad debt, all collateral (Morpho then realizes the rest of the
 * debt as bad debt, as Sluice does).
 */
export async function morphoLiquidate(
  bench: MorphoBench,
  world: World,
  kind: LiquidationKind,
  sluiceRepaid: bigint,
): Promise<LiquidationGas> {
  const { morpho, params, marketId } = bench;
  const { victim: owner, size } = LIQUIDATION_PLAN[kind];
  const victim = await world.victims[owner].getAddress();
  const [, borrowShares, collateral] = (await morpho.getFunction("position")(marketId, victim)) as [
    bigint,
    bigint,
    bigint,
  ];
  const market = (await morpho.getFunction("market")(marketId)) as bigint[];
  const [totalBorrowAssets, totalBorrowShares] = [market[2]!, market[3]!];
  let seizedAssets = 0n;
  let repaidShares = 0n;
  if (size === "tranche") {
    repaidShares = (sluiceRepaid * (totalBorrowShares + VIRTUAL_SHARES)) / (totalBorrowAssets + VIRTUAL_ASSETS);
  } else if (size === "fullClose") {
    repaidShares = borrowShares;
  } else {
    seizedAssets = collateral;
  }
  const liquidate = send(morpho, world.keeper, "liquidate");
  const [seized, repaid] = (await (morpho.connect(world.keeper) as Contract)
    .getFunction("liquidate")
    .staticCall(params, victim, seizedAssets, repaidShares, "0x")) as [bigint, bigint];
  const { gas, hash } = await measured(liquidate(params, victim, seizedAssets, repaidShares, "0x"));
  return { gas, hash, repaid, seized };
}
