/**
 * One world, two modes, the same handles: Ethereum mainnet's WETH, USDC, Chainlink ETH/USD and USDC/USD feeds and
 * Uniswap V3 (factory, SwapRouter, NonfungiblePositionManager, QuoterV2, the USDC/WETH pools) at their mainnet
 * addresses, either
 *
 * - **fork**: read from a mainnet fork (real code, real state, real pool liquidity); the two feeds are replaced by
 *   settable aggregators at their own addresses, started from the real answers (a real feed cannot be moved); USDC
 *   comes from impersonated holders; or
 * - **canonical**: re-created on an empty local chain. Uniswap V3 and WETH9 are deployed from their npm artifacts by
 *   their real mainnet deployers (impersonated) at the nonces that created them, so CREATE lands at the real
 *   addresses with the real constructor arguments, and the factory's CREATE2 puts the pools at their real addresses
 *   (both asserted). USDC is a 6-decimals test stablecoin and the feeds are Chainlink `MockV3Aggregator`s, placed at
 *   the mainnet addresses with `hardhat_setCode` (plus their storage). The 0.05 % pool is seeded with concentrated
 *   liquidity around the price ({@link CANONICAL_LIQUIDITY}), the 1 % pool with a thin full-range position.
 *
 * Works over any ethers JSON-RPC provider of a Hardhat-compatible chain (`hardhat_*` methods): the in-process
 * network wrapped in a `BrowserProvider`, or a `hardhat node`. Node-only (imports JSON artifacts).
 *
 * Units: USDC 6 decimals, WETH 18; feed answers 8 decimals; USD prices in whole dollars unless named `…E8`;
 * `sqrtPriceX96` as Uniswap; liquidity in Uniswap `L` units.
 */
import {
  Contract,
  ContractFactory,
  MaxUint256,
  getAddress,
  getCreateAddress,
  toBeHex,
  zeroPadValue,
  type ContractTransactionResponse,
  type JsonRpcApiProvider,
  JsonRpcSigner,
} from "ethers";

import UniswapV3FactoryArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json" with { type: "json" };
import UniswapV3PoolArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json" with { type: "json" };
import SwapRouterArtifact from "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json" with { type: "json" };
import PositionManagerArtifact from "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json" with { type: "json" };
import QuoterV2Artifact from "@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json" with { type: "json" };
import WETH9Artifact from "@uniswap/v2-periphery/build/WETH9.json" with { type: "json" };

import { MockERC20__factory, MockV3Aggregator__factory, type MockV3Aggregator } from "../../typechain-types/index.js";
import { MAINNET, MAINNET_FORK_BLOCK, UNISWAP_V3_DEPLOYER, USDC_HOLDERS, WETH9_DEPLOYER } from "./mainnetAddresses.js";
import {
  TICK_SPACING,
  encodePath,
  sqrtPriceX96At,
  type PositionManager,
  type QuoterV2,
  type SwapRouter,
  type UniswapV3Factory,
  type UniswapV3Pool,
} from "./uniswap.js";

const USDC_UNIT = 10n ** 6n;
const WAD = 10n ** 18n;
const FEED_UNIT = 10n ** 8n;

/** Which world runs: a mainnet fork, or mainnet's contracts re-created locally. */
export type WorldMode = "fork" | "canonical";

/** An ERC-20 as the scenarios use it. */
export interface Erc20Token {
  getAddress(): Promise<string>;
  connect(runner: JsonRpcSigner): Erc20Token;
  balanceOf(account: string): Promise<bigint>;
  decimals(): Promise<bigint>;
  approve(spender: string, amount: bigint): Promise<ContractTransactionResponse>;
  transfer(to: string, amount: bigint): Promise<ContractTransactionResponse>;
}

/** WETH9: an ERC-20 plus deposit of ether. */
export interface Weth9Token extends Erc20Token {
  connect(runner: JsonRpcSigner): Weth9Token;
  deposit(overrides: { value: bigint }): Promise<ContractTransactionResponse>;
}

/** Uniswap V3 pool reads the scenarios use, beyond {@link UniswapV3Pool}. */
export interface MainnetPool extends UniswapV3Pool {
  fee(): Promise<bigint>;
}

/** Liquidity seeded into the canonical 0.05 % pool: `[lower, upper]` as multiples of the start price, and USD. */
export interface LiquidityRange {
  /** Lower bound as a fraction of the start price (0 = full range). */
  lowerFraction: number;
  /** Upper bound as a multiple of the start price (Infinity = full range). */
  upperMultiple: number;
  /** Value deposited, in whole USD (split about evenly between WETH and USDC by the position manager). */
  usd: bigint;
}

/**
 * The canonical 0.05 % pool's liquidity: about $15M in four positions, concentrated around the price as on mainnet
 * (where the pool holds far more, mostly within a few percent of the price).
 */
export const CANONICAL_LIQUIDITY: readonly LiquidityRange[] = [
  { lowerFraction: 0, upperMultiple: Infinity, usd: 2_000_000n },
  { lowerFraction: 0.5, upperMultiple: 1.5, usd: 6_000_000n },
  { lowerFraction: 0.8, upperMultiple: 1.2, usd: 4_000_000n },
  { lowerFraction: 0.95, upperMultiple: 1.05, usd: 3_000_000n },
];

/** The canonical 1 % pool: one thin full-range position (USD), below the scenarios' TWAP liquidity floor. */
export const CANONICAL_THIN_POOL_USD = 100_000n;

/** ETH/USD at the start of the canonical world (whole dollars). */
export const CANONICAL_ETH_USD = 3_000n;

/** Options of {@link forkOrCanonical}. */
export interface WorldOptions {
  /** The chain is a mainnet fork (the caller connected to a forking network) or an empty local chain. */
  mode: WorldMode;
  /** Funded, unlocked accounts of the node (at least 6): deployer, keeper, lender, trader, liquidity, borrowers. */
  accounts: readonly string[];
}

/** What {@link forkOrCanonical} returns: the same handles in both modes. */
export interface MainnetWorld {
  mode: WorldMode;
  provider: JsonRpcApiProvider;
  /** Named accounts (unlocked signers of the node). */
  deployer: JsonRpcSigner;
  keeper: JsonRpcSigner;
  lender: JsonRpcSigner;
  trader: JsonRpcSigner;
  liquidityProvider: JsonRpcSigner;
  /** The remaining accounts, for borrowers. */
  borrowers: JsonRpcSigner[];
  weth: Weth9Token;
  usdc: Erc20Token;
  /** Settable aggregators at the mainnet feed addresses (8 decimals). */
  ethUsdFeed: MockV3Aggregator;
  usdcUsdFeed: MockV3Aggregator;
  factory: UniswapV3Factory;
  router: SwapRouter;
  positionManager: PositionManager;
  quoter: QuoterV2;
  /** The USDC/WETH 0.05 % pool (the scenarios' pool) and the 1 % pool (thin). */
  pool: MainnetPool;
  thinPool: MainnetPool;
  /** WETH → USDC through the 0.05 % pool, for the FlashLiquidator. */
  swapPath: string;
  /** ETH/USD on the feed when the world was built (whole dollars, rounded down). */
  startEthUsd: bigint;
}

/** Sends a JSON-RPC request and discards its answer. */
async function rpc(provider: JsonRpcApiProvider, method: string, params: unknown[]): Promise<void> {
  await provider.send(method, params);
}

/** Sets `account`'s ether balance (wei). */
export async function setEthBalance(provider: JsonRpcApiProvider, account: string, wei: bigint): Promise<void> {
  await rpc(provider, "hardhat_setBalance", [account, toBeHex(wei)]);
}

/** Runs `body` with `account` impersonated (and given gas money), then stops impersonating. */
export async function asImpersonated<T>(
  provider: JsonRpcApiProvider,
  account: string,
  body: (signer: JsonRpcSigner) => Promise<T>,
): Promise<T> {
  await rpc(provider, "hardhat_impersonateAccount", [account]);
  const balance = await provider.getBalance(account);
  if (balance < 10n ** 18n) await setEthBalance(provider, account, balance + 10n ** 18n);
  try {
    // A signer over the node's eth_sendTransaction (BrowserProvider.getSigner would ask for eth_requestAccounts).
    return await body(new JsonRpcSigner(provider, account));
  } finally {
    await rpc(provider, "hardhat_stopImpersonatingAccount", [account]);
  }
}

/** Places `source`'s runtime code at `target` and copies storage slots `0..slots-1`. */
async function cloneAt(provider: JsonRpcApiProvider, source: string, target: string, slots: number): Promise<void> {
  const code = await provider.getCode(source);
  if (code === "0x") throw new Error(`cloneAt: no code at ${source}`);
  await rpc(provider, "hardhat_setCode", [target, code]);
  for (let slot = 0; slot < slots; slot++) {
    const value = await provider.getStorage(source, slot);
    await rpc(provider, "hardhat_setStorageAt", [target, toBeHex(slot, 32), value]);
  }
}

const ERC20_ABI = [
  "function balanceOf(address) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "function approve(address,uint256) returns (bool)",
  "function transfer(address,uint256) returns (bool)",
] as const;
const WETH9_ABI = [...ERC20_ABI, "function deposit() payable"] as const;

/**
 * Deploys `artifact` from `deployer` (impersonated) at `nonce`, after checking that CREATE from there gives `expected`
 * (the mainnet address). Nonces only go up: call in increasing order of nonce per deployer.
 */
async function deployAtMainnetAddress(
  provider: JsonRpcApiProvider,
  deployer: string,
  nonce: number,
  expected: string,
  artifact: { abi: unknown[]; bytecode: string },
  args: string[],
): Promise<void> {
  const predicted = getCreateAddress({ from: deployer, nonce });
  if (predicted !== getAddress(expected)) {
    throw new Error(`deployAtMainnetAddress: ${deployer} at nonce ${nonce} creates ${predicted}, not ${expected}`);
  }
  if ((await provider.getCode(expected)) !== "0x") throw new Error(`deployAtMainnetAddress: ${expected} has code`);
  await asImpersonated(provider, deployer, async (signer) => {
    const current = await provider.getTransactionCount(deployer);
    if (current > nonce) throw new Error(`deployAtMainnetAddress: ${deployer} is past nonce ${nonce} (${current})`);
    if (current < nonce) await rpc(provider, "hardhat_setNonce", [deployer, toBeHex(nonce)]);
    const bytecode = artifact.bytecode.startsWith("0x") ? artifact.bytecode : `0x${artifact.bytecode}`;
    const contract = await new ContractFactory(artifact.abi as never, bytecode, signer).deploy(...args);
    await contract.waitForDeployment();
    const deployed = await contract.getAddress();
    if (deployed !== getAddress(expected)) throw new Error(`deployAtMainnetAddress: landed at ${deployed}`);
  });
}

/** The nearest usable tick (at `fee`'s spacing, rounded down) to the price `usd` USDC per WETH. */
export function tickAtUsdPrice(usd: number, wethIsToken0: boolean, fee: bigint): bigint {
  const spacing = TICK_SPACING[Number(fee)];
  if (spacing === undefined) throw new Error(`tickAtUsdPrice: no tick spacing for fee ${fee}`);
  if (!(usd > 0) || !Number.isFinite(usd)) throw new Error(`tickAtUsdPrice: price ${usd} must be positive`);
  // token1 raw units per token0 raw unit: WETH has 18 decimals, USDC 6.
  const raw = wethIsToken0 ? (usd * 1e6) / 1e18 : 1e18 / (usd * 1e6);
  const tick = Math.floor(Math.log(raw) / Math.log(1.0001));
  const max = Math.floor(887_272 / spacing) * spacing;
  return BigInt(Math.max(-max, Math.min(max, Math.floor(tick / spacing) * spacing)));
}

/** The pool at `address` with the scenario's reads. */
function poolAt(address: string, provider: JsonRpcApiProvider): MainnetPool {
  return new Contract(address, UniswapV3PoolArtifact.abi, provider) as unknown as MainnetPool;
}

/** Re-creates WETH9, USDC, the feeds and Uniswap V3 at their mainnet addresses on an empty chain, and seeds pools. */
async function buildCanonical(
  provider: JsonRpcApiProvider,
  deployer: JsonRpcSigner,
  liquidityProvider: JsonRpcSigner,
): Promise<void> {
  await deployAtMainnetAddress(
    provider,
    WETH9_DEPLOYER.address,
    WETH9_DEPLOYER.nonce,
    MAINNET.WETH9,
    WETH9Artifact,
    [],
  );
  const { address: uni, nonces } = UNISWAP_V3_DEPLOYER;
  await deployAtMainnetAddress(provider, uni, nonces.factory, MAINNET.UNISWAP_V3_FACTORY, UniswapV3FactoryArtifact, []);
  const [factory, weth] = [MAINNET.UNISWAP_V3_FACTORY, MAINNET.WETH9];
  await deployAtMainnetAddress(provider, uni, nonces.swapRouter, MAINNET.SWAP_ROUTER, SwapRouterArtifact, [
    factory,
    weth,
  ]);
  await deployAtMainnetAddress(
    provider,
    uni,
    nonces.positionManager,
    MAINNET.POSITION_MANAGER,
    PositionManagerArtifact,
    [factory, weth, MAINNET.POSITION_DESCRIPTOR],
  );
  await deployAtMainnetAddress(provider, uni, nonces.quoterV2, MAINNET.QUOTER_V2, QuoterV2Artifact, [factory, weth]);
  // Mainnet governance enabled the 0.01 % tier later; the deployer is still the owner here.
  await asImpersonated(provider, uni, async (signer) => {
    const owned = new Contract(factory, UniswapV3FactoryArtifact.abi, signer);
    await ((await owned.getFunction("enableFeeAmount")(100, 1)) as ContractTransactionResponse).wait();
  });

  // USDC: a test stablecoin's code (decimals are an immutable in it) and storage (name, symbol) at USDC's address.
  const template = await new MockERC20__factory(deployer).deploy("USD Coin", "USDC", 6);
  await cloneAt(provider, await template.getAddress(), MAINNET.USDC, 5);
  await (await MockERC20__factory.connect(MAINNET.USDC, deployer).mint(USDC_HOLDERS[0], 10n ** 9n * USDC_UNIT)).wait();

  // Feeds: MockV3Aggregator code at the feed addresses, with its decimals slot; answers set below.
  const feedTemplate = await new MockV3Aggregator__factory(deployer).deploy(8, 1n);
  for (const feed of [MAINNET.CHAINLINK_ETH_USD, MAINNET.CHAINLINK_USDC_USD]) {
    await cloneAt(provider, await feedTemplate.getAddress(), feed, 1);
  }
  await (
    await MockV3Aggregator__factory.connect(MAINNET.CHAINLINK_ETH_USD, deployer).updateAnswer(
      CANONICAL_ETH_USD * FEED_UNIT,
    )
  ).wait();
  await (await MockV3Aggregator__factory.connect(MAINNET.CHAINLINK_USDC_USD, deployer).updateAnswer(FEED_UNIT)).wait();

  // Pools, created and initialised at the feed price; each must land at its mainnet address.
  const factoryContract = new Contract(factory, UniswapV3FactoryArtifact.abi, deployer) as unknown as UniswapV3Factory;
  const sqrtPrice = sqrtPriceX96At(MAINNET.WETH9, MAINNET.USDC, WAD, CANONICAL_ETH_USD * USDC_UNIT);
  for (const [fee, expected] of [
    [500n, MAINNET.POOL_USDC_WETH_500],
    [3000n, MAINNET.POOL_USDC_WETH_3000],
    [10000n, MAINNET.POOL_USDC_WETH_10000],
  ] as const) {
    await (await factoryContract.createPool(MAINNET.WETH9, MAINNET.USDC, fee)).wait();
    const created = await factoryContract.getPool(MAINNET.WETH9, MAINNET.USDC, fee);
    if (created !== getAddress(expected)) throw new Error(`pool ${fee} created at ${created}, not at ${expected}`);
    const pool = new Contract(created, UniswapV3PoolArtifact.abi, deployer) as unknown as UniswapV3Pool;
    await (await pool.initialize(sqrtPrice)).wait();
    await (await pool.increaseObservationCardinalityNext(200)).wait();
  }
  await seedLiquidity(provider, liquidityProvider, 500n, CANONICAL_LIQUIDITY);
  await seedLiquidity(provider, liquidityProvider, 10000n, [
    { lowerFraction: 0, upperMultiple: Infinity, usd: CANONICAL_THIN_POOL_USD },
  ]);
}

/** Mints the positions of `ranges` in the USDC/WETH `fee` pool from `owner` (funded here), at {@link CANONICAL_ETH_USD}. */
async function seedLiquidity(
  provider: JsonRpcApiProvider,
  owner: JsonRpcSigner,
  fee: bigint,
  ranges: readonly LiquidityRange[],
): Promise<void> {
  const address = await owner.getAddress();
  const weth = new Contract(MAINNET.WETH9, WETH9_ABI, owner) as unknown as Weth9Token;
  const usdc = new Contract(MAINNET.USDC, ERC20_ABI, owner) as unknown as Erc20Token;
  const manager = new Contract(
    MAINNET.POSITION_MANAGER,
    PositionManagerArtifact.abi,
    owner,
  ) as unknown as PositionManager;
  await (await weth.approve(MAINNET.POSITION_MANAGER, MaxUint256)).wait();
  await (await usdc.approve(MAINNET.POSITION_MANAGER, MaxUint256)).wait();
  const wethIsToken0 = BigInt(MAINNET.WETH9) < BigInt(MAINNET.USDC);
  const price = Number(CANONICAL_ETH_USD);
  for (const range of ranges) {
    const halfUsd = range.usd / 2n;
    const wethAmount = (halfUsd * WAD) / CANONICAL_ETH_USD;
    const usdcAmount = halfUsd * USDC_UNIT;
    await fundWethTo(provider, owner, address, wethAmount);
    await fundUsdcTo(provider, address, usdcAmount);
    const full = range.lowerFraction === 0;
    const spacing = BigInt(TICK_SPACING[Number(fee)] ?? 0);
    const maxTick = (887_272n / spacing) * spacing;
    // Raising the USD price lowers the tick when WETH is token1.
    const atLow = tickAtUsdPrice(price * range.lowerFraction || 1, wethIsToken0, fee);
    const atHigh = tickAtUsdPrice(price * (full ? 1 : range.upperMultiple), wethIsToken0, fee);
    const [tickLower, tickUpper] = full ? [-maxTick, maxTick] : atLow < atHigh ? [atLow, atHigh] : [atHigh, atLow];
    await (
      await manager.mint({
        token0: wethIsToken0 ? MAINNET.WETH9 : MAINNET.USDC,
        token1: wethIsToken0 ? MAINNET.USDC : MAINNET.WETH9,
        fee,
        tickLower,
        tickUpper,
        amount0Desired: wethIsToken0 ? wethAmount : usdcAmount,
        amount1Desired: wethIsToken0 ? usdcAmount : wethAmount,
        amount0Min: 0n,
        amount1Min: 0n,
        recipient: address,
        deadline: MaxUint256,
      })
    ).wait();
  }
}

/** Wraps `amount` wei of fresh ether into WETH from `funder` (given the ether) and sends it to `to`. */
async function fundWethTo(
  provider: JsonRpcApiProvider,
  funder: JsonRpcSigner,
  to: string,
  amount: bigint,
): Promise<void> {
  const from = await funder.getAddress();
  await setEthBalance(provider, from, (await provider.getBalance(from)) + amount + 10n ** 18n);
  const weth = new Contract(MAINNET.WETH9, WETH9_ABI, funder) as unknown as Weth9Token;
  await (await weth.deposit({ value: amount })).wait();
  if (getAddress(to) !== getAddress(from)) await (await weth.transfer(to, amount)).wait();
}

/** Sends `amount` USDC to `to` from the first holder in {@link USDC_HOLDERS} that has it (impersonated). */
async function fundUsdcTo(provider: JsonRpcApiProvider, to: string, amount: bigint): Promise<void> {
  const reader = new Contract(MAINNET.USDC, ERC20_ABI, provider) as unknown as Erc20Token;
  for (const holder of USDC_HOLDERS) {
    if ((await reader.balanceOf(holder)) < amount) continue;
    await asImpersonated(provider, holder, async (signer) => {
      await (await reader.connect(signer).transfer(to, amount)).wait();
    });
    return;
  }
  throw new Error(
    `fundUsdc: no holder in ${USDC_HOLDERS.join(", ")} has ${amount} USDC units at this block; add one to USDC_HOLDERS`,
  );
}

/**
 * Fork mode: replaces each Chainlink feed by a settable aggregator at the same address, started from the real feed's
 * latest round (round id, answer, startedAt, updatedAt) and decimals.
 */
async function takeOverFeeds(provider: JsonRpcApiProvider, deployer: JsonRpcSigner): Promise<void> {
  const feedTemplate = await new MockV3Aggregator__factory(deployer).deploy(8, 1n);
  for (const feed of [MAINNET.CHAINLINK_ETH_USD, MAINNET.CHAINLINK_USDC_USD]) {
    const real = MockV3Aggregator__factory.connect(feed, provider);
    const decimals = await real.decimals();
    const [roundId, answer, startedAt, updatedAt] = await real.latestRoundData();
    await rpc(provider, "hardhat_setCode", [feed, await provider.getCode(await feedTemplate.getAddress())]);
    await rpc(provider, "hardhat_setStorageAt", [feed, toBeHex(0, 32), zeroPadValue(toBeHex(decimals), 32)]);
    await (
      await MockV3Aggregator__factory.connect(feed, deployer).updateRoundData(roundId, answer, updatedAt, startedAt)
    ).wait();
  }
}

/**
 * Builds the world (see the module comment) on the chain behind `provider`, which must already be a mainnet fork in
 * `"fork"` mode and an empty chain in `"canonical"` mode. Ends with both feeds fresh (updated in the last block) and,
 * in canonical mode, an hour of constant-price pool history (enough for a 30-minute TWAP).
 */
export async function forkOrCanonical(provider: JsonRpcApiProvider, options: WorldOptions): Promise<MainnetWorld> {
  const { mode, accounts } = options;
  if (accounts.length < 6) throw new Error(`forkOrCanonical: need at least 6 accounts, got ${accounts.length}`);
  const signers = await Promise.all(accounts.map((a) => provider.getSigner(a)));
  const [deployer, keeper, lender, trader, liquidityProvider, ...borrowers] = signers as [
    JsonRpcSigner,
    JsonRpcSigner,
    JsonRpcSigner,
    JsonRpcSigner,
    JsonRpcSigner,
    ...JsonRpcSigner[],
  ];
  const hasWeth = (await provider.getCode(MAINNET.WETH9)) !== "0x";
  if (mode === "fork" && !hasWeth) throw new Error("forkOrCanonical: fork mode, but WETH9 has no code (not a fork?)");
  if (mode === "canonical" && hasWeth) throw new Error("forkOrCanonical: canonical mode needs an empty chain");

  if (mode === "canonical") {
    await buildCanonical(provider, deployer, liquidityProvider);
    await rpc(provider, "evm_increaseTime", [3_600]);
    await rpc(provider, "evm_mine", []);
  } else {
    await takeOverFeeds(provider, deployer);
  }

  const ethUsdFeed = MockV3Aggregator__factory.connect(MAINNET.CHAINLINK_ETH_USD, deployer);
  const usdcUsdFeed = MockV3Aggregator__factory.connect(MAINNET.CHAINLINK_USDC_USD, deployer);
  const [, ethAnswer] = await ethUsdFeed.latestRoundData();
  const [, usdcAnswer] = await usdcUsdFeed.latestRoundData();
  await (await ethUsdFeed.updateAnswer(ethAnswer)).wait();
  await (await usdcUsdFeed.updateAnswer(usdcAnswer)).wait();

  const pool = poolAt(MAINNET.POOL_USDC_WETH_500, provider);
  const thinPool = poolAt(MAINNET.POOL_USDC_WETH_10000, provider);
  for (const [p, fee] of [
    [pool, 500n],
    [thinPool, 10000n],
  ] as const) {
    if ((await p.fee()) !== fee) throw new Error(`forkOrCanonical: the pool at ${await p.getAddress()} is not ${fee}`);
  }
  return {
    mode,
    provider,
    deployer,
    keeper,
    lender,
    trader,
    liquidityProvider,
    borrowers,
    weth: new Contract(MAINNET.WETH9, WETH9_ABI, deployer) as unknown as Weth9Token,
    usdc: new Contract(MAINNET.USDC, ERC20_ABI, deployer) as unknown as Erc20Token,
    ethUsdFeed,
    usdcUsdFeed,
    factory: new Contract(
      MAINNET.UNISWAP_V3_FACTORY,
      UniswapV3FactoryArtifact.abi,
      deployer,
    ) as unknown as UniswapV3Factory,
    router: new Contract(MAINNET.SWAP_ROUTER, SwapRouterArtifact.abi, deployer) as unknown as SwapRouter,
    positionManager: new Contract(
      MAINNET.POSITION_MANAGER,
      PositionManagerArtifact.abi,
      deployer,
    ) as unknown as PositionManager,
    quoter: new Contract(MAINNET.QUOTER_V2, QuoterV2Artifact.abi, deployer) as unknown as QuoterV2,
    pool,
    thinPool,
    swapPath: encodePath([MAINNET.WETH9, MAINNET.USDC], [500n]),
    startEthUsd: BigInt(ethAnswer) / FEED_UNIT,
  };
}

/** Gives `to` `amount` wei of WETH (fresh ether wrapped by the deployer). */
export async function fundWeth(world: MainnetWorld, to: string, amount: bigint): Promise<void> {
  await fundWethTo(world.provider, world.deployer, to, amount);
}

/** Gives `to` `amount` USDC units from an impersonated holder (both modes; see {@link USDC_HOLDERS}). */
export async function fundUsdc(world: MainnetWorld, to: string, amount: bigint): Promise<void> {
  await fundUsdcTo(world.provider, to, amount);
}

/** The pool's spot price as USDC units per WETH wei, scaled by 1e36 (the oracle convention), from `sqrtPriceX96`. */
export function poolPrice1e36(sqrtPriceX96: bigint): bigint {
  const wethIsToken0 = BigInt(MAINNET.WETH9) < BigInt(MAINNET.USDC);
  const q192 = 2n ** 192n;
  const priceX192 = sqrtPriceX96 * sqrtPriceX96;
  return wethIsToken0 ? (priceX192 * 10n ** 36n) / q192 : (q192 * 10n ** 36n) / priceX192;
}

/**
 * Moves the 0.05 % pool to `usd` per WETH (an arbitrageur with ether to wrap sells WETH, or buys it with USDC from a
 * holder), with `sqrtPriceLimitX96` so it stops exactly there.
 */
export async function movePoolTo(world: MainnetWorld, usd: bigint, pool: MainnetPool = world.pool): Promise<void> {
  const limit = sqrtPriceX96At(MAINNET.WETH9, MAINNET.USDC, WAD, usd * USDC_UNIT);
  const current = (await pool.slot0()).sqrtPriceX96;
  if (current === limit) return;
  const wethIsToken0 = BigInt(MAINNET.WETH9) < BigInt(MAINNET.USDC);
  // The WETH price falls as sqrtPrice falls when WETH is token0, and as it rises when WETH is token1.
  const sellWeth = limit < current === wethIsToken0;
  const trader = world.trader;
  const traderAddress = await trader.getAddress();
  const amountIn = sellWeth ? 200_000n * WAD : 50_000_000n * USDC_UNIT;
  if (sellWeth) await fundWeth(world, traderAddress, amountIn);
  else await fundUsdc(world, traderAddress, amountIn);
  const tokenIn = sellWeth ? world.weth : world.usdc;
  const router = await world.router.getAddress();
  await (await tokenIn.connect(trader).approve(router, MaxUint256)).wait();
  await (
    await world.router.connect(trader).exactInputSingle({
      tokenIn: sellWeth ? MAINNET.WETH9 : MAINNET.USDC,
      tokenOut: sellWeth ? MAINNET.USDC : MAINNET.WETH9,
      fee: await pool.fee(),
      recipient: traderAddress,
      deadline: MaxUint256,
      amountIn,
      amountOutMinimum: 0n,
      sqrtPriceLimitX96: limit,
    })
  ).wait();
}

/** Sets ETH/USD on the feed (whole dollars) and moves the 0.05 % pool to the same price. */
export async function setEthUsd(world: MainnetWorld, usd: bigint): Promise<void> {
  await movePoolTo(world, usd);
  await (await world.ethUsdFeed.updateAnswer(usd * FEED_UNIT)).wait();
}

/** Re-publishes both feeds' latest answers now (what Chainlink does on every heartbeat). */
export async function refreshFeeds(world: MainnetWorld): Promise<void> {
  for (const feed of [world.ethUsdFeed, world.usdcUsdFeed]) {
    const [, answer] = await feed.latestRoundData();
    await (await feed.updateAnswer(answer)).wait();
  }
}

/** The pinned fork block, re-exported for reports. */
export { MAINNET_FORK_BLOCK };
