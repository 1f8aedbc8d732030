/**
 * Deploys a whole Sluice system for TypeScript tests: USDC-like quote (6 decimals), WETH-like collateral
 * (18 decimals), a settable oracle, the interest-rate model, pool, vault, insurance fund and engine, with one market.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { DEFAULT_RATE_CURVE, deploySluiceCore } from "../../src/deploy/core.js";
import { DEFAULT_RISK_PARAMS } from "../../src/devchain/deploySluice.js";
import { parseRegistry, type Registry } from "../../src/sdk/registry.js";

import type {
  InsuranceFund,
  LendingPool,
  LiquidationEngine,
  MarginVault,
  MockERC20,
  MockOracle,
} from "../../typechain-types/index.js";

export const USDC = 10n ** 6n;
export const WAD = 10n ** 18n;
export const PRICE_SCALE = 10n ** 36n;

/** Price of one WETH (18 decimals) in USDC (6 decimals), 1e36-scaled. */
export const wethPrice = (usd: bigint): bigint => (usd * USDC * PRICE_SCALE) / 10n ** 18n;

/** The example parameters of ARCHITECTURE.md, in the shape of `IMarginVault.RiskParams` (a fresh copy). */
export function exampleRiskParams(): typeof DEFAULT_RISK_PARAMS {
  return { ...DEFAULT_RISK_PARAMS };
}

export interface SluiceSystem {
  admin: HardhatEthersSigner;
  quote: MockERC20;
  collateral: MockERC20;
  oracle: MockOracle;
  pool: LendingPool;
  vault: MarginVault;
  fund: InsuranceFund;
  engine: LiquidationEngine;
  marketId: bigint;
}

/**
 * Deploys and wires everything; `admin` holds every role and has lent `lentAssets`. `slopes` are the interest-rate
 * model's yearly slope1 and slope2 (WAD); zero slopes freeze interest, for tests that need exact amounts.
 */
export async function deploySystem(
  ethers: HardhatEthers,
  lentAssets: bigint,
  slopes: readonly [bigint, bigint] = [DEFAULT_RATE_CURVE.slope1PerYear, DEFAULT_RATE_CURVE.slope2PerYear],
): Promise<SluiceSystem> {
  const [admin] = await ethers.getSigners();
  if (admin === undefined) throw new Error("no signer");
  const quote = await ethers.deployContract("MockERC20", ["USD Coin", "USDC", 6]);
  const collateral = await ethers.deployContract("MockERC20", ["Wrapped Ether", "WETH", 18]);
  const oracle = await ethers.deployContract("MockOracle", [wethPrice(3000n)]);
  const { pool, vault, fund, engine } = await deploySluiceCore(admin, {
    quote: await quote.getAddress(),
    admin: admin.address,
    curve: { ...DEFAULT_RATE_CURVE, slope1PerYear: slopes[0], slope2PerYear: slopes[1] },
    reserveRecipient: admin.address,
  });
  await vault.createMarket(
    await collateral.getAddress(),
    await pool.getAddress(),
    await oracle.getAddress(),
    exampleRiskParams(),
  );
  await quote.mint(admin.address, lentAssets);
  await quote.approve(await pool.getAddress(), lentAssets);
  await pool.deposit(lentAssets, admin.address);
  return { admin, quote, collateral, oracle, pool, vault, fund, engine, marketId: 1n };
}

/** Opens a position for `owner` with `collateralAssets` of WETH and `debtAssets` of USDC borrowed. */
export async function openPosition(
  system: SluiceSystem,
  owner: HardhatEthersSigner,
  collateralAssets: bigint,
  debtAssets: bigint,
): Promise<bigint> {
  const { vault, collateral, marketId } = system;
  await collateral.mint(owner.address, collateralAssets);
  await collateral.connect(owner).approve(await vault.getAddress(), collateralAssets);
  const id = await vault.nextPositionId();
  await vault.connect(owner).openPosition(marketId);
  await vault.connect(owner).depositCollateral(id, collateralAssets);
  await vault.connect(owner).borrow(id, debtAssets, owner.address);
  return id;
}

/** The address registry of a test system, as `npm run deploy` would write it. */
export async function registryFor(system: SluiceSystem, chainId = 31337n): Promise<Registry> {
  return parseRegistry({
    chainId: chainId.toString(),
    network: "hardhat",
    contracts: {
      MarginVault: await system.vault.getAddress(),
      LiquidationEngine: await system.engine.getAddress(),
      InsuranceFund: await system.fund.getAddress(),
    },
    markets: [
      {
        id: system.marketId.toString(),
        label: "WETH/USDC",
        collateral: await system.collateral.getAddress(),
        quote: await system.quote.getAddress(),
        pool: await system.pool.getAddress(),
        oracle: await system.oracle.getAddress(),
      },
    ],
  });
}
