import { expect } from "chai";
import { network } from "hardhat";

import Core from "../../deploy/modules/Core.js";
import { deploySluiceCore, type RateCurve } from "../../src/deploy/core.js";
import { DEFAULT_ADMIN_ROLE, GUARDIAN_ROLE, RISK_MANAGER_ROLE } from "../../src/sdk/roles.js";
import {
  InsuranceFund__factory,
  InterestRateModel__factory,
  LendingPool__factory,
  LiquidationEngine__factory,
  MarginVault__factory,
} from "../../typechain-types/index.js";

const CURVE: RateCurve = {
  baseRatePerYear: 10n ** 16n,
  slope1PerYear: 4n * 10n ** 16n,
  slope2PerYear: 6n * 10n ** 17n,
  kink: 8n * 10n ** 17n,
};

interface CoreAddresses {
  irm: string;
  fund: string;
  vault: string;
  pool: string;
  engine: string;
}

/**
 * How a deployed core is wired, with every address replaced by what it is (`vault`, `admin`, `quote`, ...): two
 * deployments that wire alike give equal descriptions whatever their addresses.
 */
async function wiring(
  connection: Awaited<ReturnType<typeof network.create>>,
  core: CoreAddresses,
  quote: string,
  admin: string,
): Promise<Record<string, unknown>> {
  const runner = connection.ethers.provider;
  const names = new Map<string, string>([
    ...Object.entries(core).map(([name, address]) => [address, name] as [string, string]),
    [quote, "quote"],
    [admin, "admin"],
  ]);
  const nameOf = (address: string): string => names.get(address) ?? `unknown ${address}`;
  const pool = LendingPool__factory.connect(core.pool, runner);
  const vault = MarginVault__factory.connect(core.vault, runner);
  const engine = LiquidationEngine__factory.connect(core.engine, runner);
  const fund = InsuranceFund__factory.connect(core.fund, runner);
  const irm = InterestRateModel__factory.connect(core.irm, runner);
  const roles: Record<string, boolean> = {};
  for (const [name, contract] of [
    ["pool", pool],
    ["vault", vault],
    ["engine", engine],
    ["fund", fund],
  ] as const) {
    roles[`${name} admin`] = await contract.hasRole(DEFAULT_ADMIN_ROLE, admin);
  }
  roles["vault risk manager"] = await vault.hasRole(RISK_MANAGER_ROLE, admin);
  roles["vault guardian"] = await vault.hasRole(GUARDIAN_ROLE, admin);
  roles["engine risk manager"] = await engine.hasRole(RISK_MANAGER_ROLE, admin);
  return {
    "pool.asset": nameOf(await pool.asset()),
    "pool.vault": nameOf(await pool.vault()),
    "pool.insuranceFund": nameOf(await pool.insuranceFund()),
    "pool.interestRateModel": nameOf(await pool.interestRateModel()),
    "pool.reserveFactor": await pool.reserveFactor(),
    "pool.name": await pool.name(),
    "pool.symbol": await pool.symbol(),
    "vault.liquidationEngine": nameOf(await vault.liquidationEngine()),
    "engine.vault": nameOf(await engine.vault()),
    "engine.insuranceFund": nameOf(await engine.insuranceFund()),
    "fund.liquidationEngine": nameOf(await fund.liquidationEngine()),
    curve: [await irm.baseRatePerYear(), await irm.slope1PerYear(), await irm.slope2PerYear(), await irm.kink()],
    roles,
  };
}

describe("deploy: the imperative core deployer and the Ignition Core module wire the core alike", function () {
  this.timeout(120_000);

  it("gives the same links, curve, names and roles from deploySluiceCore as from Ignition's Core module", async () => {
    const imperative = await network.create();
    const [signer] = await imperative.ethers.getSigners();
    const admin = await signer!.getAddress();
    const quote = await (await imperative.ethers.deployContract("MockERC20", ["USD Coin", "USDC", 6])).getAddress();
    const core = await deploySluiceCore(signer!, { quote, admin, curve: CURVE });
    const fromImperative = await wiring(
      imperative,
      {
        irm: await core.irm.getAddress(),
        fund: await core.fund.getAddress(),
        vault: await core.vault.getAddress(),
        pool: await core.pool.getAddress(),
        engine: await core.engine.getAddress(),
      },
      quote,
      admin,
    );

    const declarative = await network.create();
    const [deployer] = await declarative.ethers.getSigners();
    const ignitionAdmin = await deployer!.getAddress();
    const ignitionQuote = await (
      await declarative.ethers.deployContract("MockERC20", ["USD Coin", "USDC", 6])
    ).getAddress();
    const deployed = await declarative.ignition.deploy(Core, {
      parameters: {
        Core: {
          quoteToken: ignitionQuote,
          poolName: "Sluice USDC",
          poolSymbol: "slUSDC",
          reserveFactor: 10n ** 17n,
          ...CURVE,
          guardian: ignitionAdmin,
          riskManager: ignitionAdmin,
        },
      },
    });
    const fromIgnition = await wiring(
      declarative,
      {
        irm: await deployed.interestRateModel.getAddress(),
        fund: await deployed.insuranceFund.getAddress(),
        vault: await deployed.vault.getAddress(),
        pool: await deployed.lendingPool.getAddress(),
        engine: await deployed.engine.getAddress(),
      },
      ignitionQuote,
      ignitionAdmin,
    );

    expect(fromImperative["pool.vault"]).to.equal("vault");
    expect(fromImperative["fund.liquidationEngine"]).to.equal("engine");
    expect(fromImperative).to.deep.equal(fromIgnition);
  });
});
