/**
 * Real Uniswap V3 on a development chain: the factory, SwapRouter, NonfungiblePositionManager and QuoterV2 deployed
 * from their npm artifacts (the bytecode Uniswap published), plus WETH9. Used by tests, the fork suite's offline mode
 * and the demo. Node-only (imports JSON artifacts); not part of the browser SDK.
 */
import {
  Contract,
  ContractFactory,
  MaxUint256,
  type ContractRunner,
  type ContractTransactionResponse,
  type Overrides,
  type Signer,
} from "ethers";

import UniswapV3FactoryArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json" with { type: "json" };
import UniswapV3PoolArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json" with { type: "json" };
import SwapRouterArtifact from "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json" with { type: "json" };
import PositionManagerArtifact from "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json" with { type: "json" };
import QuoterV2Artifact from "@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json" with { type: "json" };
import WETH9Artifact from "@uniswap/v2-periphery/build/WETH9.json" with { type: "json" };

const Q192 = 2n ** 192n;

/** Tick spacing of each standard fee tier (hundredths of a basis point → ticks). */
export const TICK_SPACING: Readonly<Record<number, number>> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

/** An ERC-20 as far as these helpers need it. */
export interface Erc20Like {
  getAddress(): Promise<string>;
  approve(spender: string, amount: bigint): Promise<ContractTransactionResponse>;
}

/** The functions of `UniswapV3Factory` used here. */
export interface UniswapV3Factory {
  getAddress(): Promise<string>;
  createPool(tokenA: string, tokenB: string, fee: bigint): Promise<ContractTransactionResponse>;
  getPool(tokenA: string, tokenB: string, fee: bigint): Promise<string>;
}

/** The functions of `UniswapV3Pool` used here. */
export interface UniswapV3Pool {
  getAddress(): Promise<string>;
  initialize(sqrtPriceX96: bigint): Promise<ContractTransactionResponse>;
  increaseObservationCardinalityNext(observationCardinalityNext: number): Promise<ContractTransactionResponse>;
  slot0(): Promise<{ sqrtPriceX96: bigint; tick: bigint }>;
  liquidity(): Promise<bigint>;
  token0(): Promise<string>;
  token1(): Promise<string>;
  observe(secondsAgos: bigint[]): Promise<[bigint[], bigint[]]>;
}

/** `ISwapRouter.ExactInputSingleParams`. */
export interface ExactInputSingleParams {
  tokenIn: string;
  tokenOut: string;
  fee: bigint;
  recipient: string;
  deadline: bigint;
  amountIn: bigint;
  amountOutMinimum: bigint;
  sqrtPriceLimitX96: bigint;
}

/** The functions of `SwapRouter` used here. */
export interface SwapRouter {
  getAddress(): Promise<string>;
  connect(runner: ContractRunner): SwapRouter;
  exactInputSingle(params: ExactInputSingleParams, overrides?: Overrides): Promise<ContractTransactionResponse>;
}

/** `INonfungiblePositionManager.MintParams`. */
export interface MintParams {
  token0: string;
  token1: string;
  fee: bigint;
  tickLower: bigint;
  tickUpper: bigint;
  amount0Desired: bigint;
  amount1Desired: bigint;
  amount0Min: bigint;
  amount1Min: bigint;
  recipient: string;
  deadline: bigint;
}

/** The functions of `NonfungiblePositionManager` used here. */
export interface PositionManager {
  getAddress(): Promise<string>;
  mint(params: MintParams): Promise<ContractTransactionResponse>;
}

/** `QuoterV2.quoteExactInput`, called statically (the quoter reverts internally to return its answer). */
export interface QuoterV2 {
  getAddress(): Promise<string>;
  quoteExactInput: {
    staticCall(path: string, amountIn: bigint): Promise<[bigint, bigint[], bigint[], bigint]>;
  };
}

/** What `deployUniswapV3` deploys. */
export interface UniswapV3Deployment {
  factory: UniswapV3Factory;
  router: SwapRouter;
  positionManager: PositionManager;
  quoter: QuoterV2;
  weth9: string;
}

/** Deploys WETH9, the V3 factory, SwapRouter, NonfungiblePositionManager (no token descriptor) and QuoterV2. */
export async function deployUniswapV3(deployer: Signer): Promise<UniswapV3Deployment> {
  const weth9 = await new ContractFactory(WETH9Artifact.abi, `0x${WETH9Artifact.bytecode}`, deployer).deploy();
  const weth9Address = await weth9.getAddress();
  const factoryContract = await new ContractFactory(
    UniswapV3FactoryArtifact.abi,
    UniswapV3FactoryArtifact.bytecode,
    deployer,
  ).deploy();
  const factoryAddress = await factoryContract.getAddress();
  const deploy = async (artifact: { abi: unknown[]; bytecode: string }, ...args: string[]): Promise<Contract> => {
    const contract = await new ContractFactory(artifact.abi as never, artifact.bytecode, deployer).deploy(...args);
    await contract.waitForDeployment();
    return contract as Contract;
  };
  const router = await deploy(SwapRouterArtifact, factoryAddress, weth9Address);
  const positionManager = await deploy(PositionManagerArtifact, factoryAddress, weth9Address, weth9Address);
  const quoter = await deploy(QuoterV2Artifact, factoryAddress, weth9Address);
  return {
    factory: factoryContract as unknown as UniswapV3Factory,
    router: router as unknown as SwapRouter,
    positionManager: positionManager as unknown as PositionManager,
    quoter: quoter as unknown as QuoterV2,
    weth9: weth9Address,
  };
}

/** Integer square root (floor). */
export function sqrtFloor(value: bigint): bigint {
  if (value < 0n) throw new Error(`sqrtFloor: negative input ${value}`);
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + value / x) / 2n;
  }
  return x;
}

/** The pool's `sqrtPriceX96` when `amount0` raw units of token0 are worth `amount1` raw units of token1. */
export function encodeSqrtPriceX96(amount1: bigint, amount0: bigint): bigint {
  if (amount0 <= 0n || amount1 <= 0n) throw new Error(`encodeSqrtPriceX96: amounts must be positive`);
  return sqrtFloor((amount1 * Q192) / amount0);
}

/** The `sqrtPriceX96` of the pool of `tokenA` and `tokenB` at which `amountA` of `tokenA` is worth `amountB` of `tokenB`. */
export function sqrtPriceX96At(tokenA: string, tokenB: string, amountA: bigint, amountB: bigint): bigint {
  return BigInt(tokenA) < BigInt(tokenB) ? encodeSqrtPriceX96(amountB, amountA) : encodeSqrtPriceX96(amountA, amountB);
}

/** The widest range a position can cover at `fee`'s tick spacing. */
export function fullRangeTicks(fee: bigint): { tickLower: bigint; tickUpper: bigint } {
  const spacing = TICK_SPACING[Number(fee)];
  if (spacing === undefined) throw new Error(`fullRangeTicks: no standard tick spacing for fee ${fee}`);
  const max = (887_272n / BigInt(spacing)) * BigInt(spacing);
  return { tickLower: -max, tickUpper: max };
}

/** A Uniswap V3 `exactInput` path: token, fee (3 bytes), token, … as one hex string. */
export function encodePath(tokens: readonly string[], fees: readonly bigint[]): string {
  if (tokens.length < 2 || fees.length !== tokens.length - 1) {
    throw new Error(`encodePath: need n tokens and n-1 fees, got ${tokens.length} tokens and ${fees.length} fees`);
  }
  let hex = "0x";
  tokens.forEach((token, i) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(token)) throw new Error(`encodePath: ${token} is not an address`);
    hex += token.slice(2).toLowerCase();
    const fee = fees[i];
    if (fee !== undefined) {
      if (fee < 0n || fee >= 2n ** 24n) throw new Error(`encodePath: fee ${fee} does not fit 3 bytes`);
      hex += fee.toString(16).padStart(6, "0");
    }
  });
  return hex;
}

/**
 * Creates and initialises the `fee` pool of two tokens at a price where `amountA` raw units of `tokenA` are worth
 * `amountB` raw units of `tokenB`, with room for `observations` TWAP observations.
 */
export async function createPool(
  factory: UniswapV3Factory,
  signer: Signer,
  tokenA: string,
  tokenB: string,
  fee: bigint,
  amountA: bigint,
  amountB: bigint,
  observations = 1,
): Promise<UniswapV3Pool> {
  await (await factory.createPool(tokenA, tokenB, fee)).wait();
  const pool = new Contract(
    await factory.getPool(tokenA, tokenB, fee),
    UniswapV3PoolArtifact.abi,
    signer,
  ) as unknown as UniswapV3Pool;
  await (await pool.initialize(sqrtPriceX96At(tokenA, tokenB, amountA, amountB))).wait();
  if (observations > 1) await (await pool.increaseObservationCardinalityNext(observations)).wait();
  return pool;
}

/**
 * Adds full-range liquidity from `owner`'s balances through the position manager: up to `amountA` of `tokenA` and
 * `amountB` of `tokenB` (the pool takes them in its current ratio). The tokens must be connected to `owner`.
 */
export async function addFullRangeLiquidity(
  uniswap: UniswapV3Deployment,
  owner: Signer,
  tokenA: Erc20Like,
  tokenB: Erc20Like,
  fee: bigint,
  amountA: bigint,
  amountB: bigint,
): Promise<void> {
  const manager = await uniswap.positionManager.getAddress();
  const positionManager = new Contract(manager, PositionManagerArtifact.abi, owner) as unknown as PositionManager;
  await (await tokenA.approve(manager, MaxUint256)).wait();
  await (await tokenB.approve(manager, MaxUint256)).wait();
  const [a, b] = [await tokenA.getAddress(), await tokenB.getAddress()];
  const aIsToken0 = BigInt(a) < BigInt(b);
  await (
    await positionManager.mint({
      token0: aIsToken0 ? a : b,
      token1: aIsToken0 ? b : a,
      fee,
      ...fullRangeTicks(fee),
      amount0Desired: aIsToken0 ? amountA : amountB,
      amount1Desired: aIsToken0 ? amountB : amountA,
      amount0Min: 0n,
      amount1Min: 0n,
      recipient: await owner.getAddress(),
      deadline: MaxUint256,
    })
  ).wait();
}
