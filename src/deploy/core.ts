/**
 * The one imperative deployer of Sluice's core: the interest-rate model, the insurance fund, the vault, the lending
 * pool over the quote token (which takes the vault at construction) and the liquidation engine, wired (vault → engine,
 * fund → engine), with `admin` holding every role. The devchain (`deployLocalSluice`, the canonical mainnet world),
 * the gas benchmark and the TypeScript test fixtures all deploy through it; the Ignition `Core` module
 * (deploy/modules/Core.ts) is its declarative twin for `npm run deploy` and the demo, wiring the same way (a test
 * compares the two). Markets are left to the caller.
 *
 * Units: WAD = 1e18 = 100 %; rates per year.
 */
import type { ContractFactory, Signer } from "ethers";

import {
  InsuranceFund__factory,
  InterestRateModel__factory,
  LendingPool__factory,
  LiquidationEngine__factory,
  MarginVault__factory,
  type InsuranceFund,
  type InterestRateModel,
  type LendingPool,
  type LiquidationEngine,
  type MarginVault,
} from "../../typechain-types/index.js";

/** The interest-rate model's curve (`InterestRateModel` constructor): rates per year and the kink, WAD. */
export interface RateCurve {
  baseRatePerYear: bigint;
  slope1PerYear: bigint;
  slope2PerYear: bigint;
  kink: bigint;
}

/** The example curve (deploy/parameters/localhost.json5): 0 % base, 4 % a year at the 80 % kink, +60 % above it. */
export const DEFAULT_RATE_CURVE: RateCurve = {
  baseRatePerYear: 0n,
  slope1PerYear: 4n * 10n ** 16n,
  slope2PerYear: 6n * 10n ** 17n,
  kink: 8n * 10n ** 17n,
};

/** The contracts {@link deploySluiceCore} creates. */
export type CoreContract = "InterestRateModel" | "InsuranceFund" | "MarginVault" | "LendingPool" | "LiquidationEngine";

/**
 * Where the core's bytecode comes from: a factory per contract, connected to the deployer. The default is the test
 * build's TypeChain factories; the gas benchmark passes the production build's artifacts (same ABI).
 */
export type CoreFactories = (name: CoreContract, deployer: Signer) => ContractFactory;

/** The test build (TypeChain factories of `artifacts/`). */
export const TEST_BUILD_FACTORIES: CoreFactories = (name, deployer) => {
  switch (name) {
    case "InterestRateModel":
      return new InterestRateModel__factory(deployer);
    case "InsuranceFund":
      return new InsuranceFund__factory(deployer);
    case "MarginVault":
      return new MarginVault__factory(deployer);
    case "LendingPool":
      return new LendingPool__factory(deployer);
    case "LiquidationEngine":
      return new LiquidationEngine__factory(deployer);
  }
};

/** What {@link deploySluiceCore} deploys and how. */
export interface CoreOptions {
  /** The asset lent and borrowed (e.g. USDC). */
  quote: string;
  /** Holder of every role (admin, risk manager, guardian) of the pool, the fund, the vault and the engine. */
  admin: string;
  /** The rate curve; default {@link DEFAULT_RATE_CURVE}. */
  curve?: RateCurve;
  /** Share of interest kept as reserves (WAD); default 10 %. */
  reserveFactor?: bigint;
  /** Where the pool sweeps its reserves; default the insurance fund. */
  reserveRecipient?: string;
  /** The lender share token's name and symbol; default "Sluice USDC", "slUSDC". */
  poolName?: string;
  poolSymbol?: string;
  /** Which build to deploy; default {@link TEST_BUILD_FACTORIES}. */
  factories?: CoreFactories;
}

/** The core contracts of one quote asset, wired together. */
export interface SluiceCore {
  irm: InterestRateModel;
  pool: LendingPool;
  vault: MarginVault;
  fund: InsuranceFund;
  engine: LiquidationEngine;
}

/** Deploys and wires the core (see the module's description); every transaction is mined before it returns. */
export async function deploySluiceCore(deployer: Signer, options: CoreOptions): Promise<SluiceCore> {
  const factories = options.factories ?? TEST_BUILD_FACTORIES;
  const deploy = async <T>(name: CoreContract, args: unknown[]): Promise<T> => {
    const contract = await factories(name, deployer).deploy(...args);
    await contract.waitForDeployment();
    return contract as unknown as T;
  };
  const { admin } = options;
  const curve = options.curve ?? DEFAULT_RATE_CURVE;
  const irm = await deploy<InterestRateModel>("InterestRateModel", [
    curve.baseRatePerYear,
    curve.slope1PerYear,
    curve.slope2PerYear,
    curve.kink,
  ]);
  const fund = await deploy<InsuranceFund>("InsuranceFund", [admin]);
  // The vault first: the pool takes it at construction (its only borrower, immutable).
  const vault = await deploy<MarginVault>("MarginVault", [admin, admin, admin]);
  const pool = await deploy<LendingPool>("LendingPool", [
    options.quote,
    options.poolName ?? "Sluice USDC",
    options.poolSymbol ?? "slUSDC",
    admin,
    await irm.getAddress(),
    options.reserveFactor ?? 10n ** 17n,
    options.reserveRecipient ?? (await fund.getAddress()),
    await vault.getAddress(),
  ]);
  const engine = await deploy<LiquidationEngine>("LiquidationEngine", [
    await vault.getAddress(),
    await fund.getAddress(),
    admin,
    admin,
  ]);
  await (await vault.connect(deployer).setLiquidationEngine(await engine.getAddress())).wait();
  await (await fund.connect(deployer).setLiquidationEngine(await engine.getAddress())).wait();
  return { irm, pool, vault, fund, engine };
}
