import { expect } from "chai";
import { network } from "hardhat";

import { deploySluiceIgnition, type SluiceIgnitionDeployment } from "../../src/deploy/ignition.js";
import { ParameterError, readParameterFile } from "../../src/deploy/parameters.js";
import {
  CANCELLER_ROLE,
  DEFAULT_ADMIN_ROLE,
  EXECUTOR_ROLE,
  GUARDIAN_ROLE,
  PROPOSER_ROLE,
  RISK_MANAGER_ROLE,
} from "../../src/sdk/roles.js";
import {
  ChainlinkOracle__factory,
  FlashLiquidator__factory,
  InsuranceFund__factory,
  LendingPool__factory,
  LiquidationEngine__factory,
  LiquidationUpkeep__factory,
  MarginVault__factory,
  MarkToModelOracle__factory,
  PositionLens__factory,
  TimelockController__factory,
} from "../../typechain-types/index.js";

const FILE = "deploy/parameters/localhost.json5";

describe("deploy: the Sluice Ignition module on the in-process network (localhost parameters)", function () {
  this.timeout(120_000);
  let deployment: SluiceIgnitionDeployment;
  let connection: Awaited<ReturnType<typeof network.create>>;
  let deployer: string;

  before(async () => {
    connection = await network.create();
    deployer = await (await connection.ethers.getSigners())[0]!.getAddress();
    deployment = await deploySluiceIgnition(connection, readParameterFile(FILE), { file: FILE, network: "localhost" });
  });

  it("wires pool → vault → engine → fund and lists the market with the file's risk parameters", async () => {
    const { ethers } = connection;
    const a = deployment.addresses;
    // Liquidation fees wait in the pool's reserves and are swept to the pool's fund; the engine's fund covers bad
    // debt: they must be the same fund.
    const engine = LiquidationEngine__factory.connect(a.engine!, ethers.provider);
    expect(await engine.insuranceFund()).to.equal(a.insuranceFund);
    const vault = MarginVault__factory.connect(a.vault!, ethers.provider);
    const pool = LendingPool__factory.connect(a.lendingPool!, ethers.provider);
    const fund = InsuranceFund__factory.connect(a.insuranceFund!, ethers.provider);
    expect(await pool.vault()).to.equal(a.vault);
    expect(await pool.insuranceFund()).to.equal(a.insuranceFund);
    expect(await pool.interestRateModel()).to.equal(a.interestRateModel);
    expect(await vault.liquidationEngine()).to.equal(a.engine);
    expect(await fund.liquidationEngine()).to.equal(a.engine);
    expect(await vault.marketCount()).to.equal(1n);
    const market = await vault.market(1n);
    expect(market.collateralToken).to.equal(deployment.mocks!.weth);
    expect(market.pool).to.equal(a.lendingPool);
    expect(market.oracle).to.equal(a.markToModelOracle);
    const onChain = await vault.riskParams(1n);
    const expected = deployment.parameters.Market.riskParams;
    for (const [field, value] of Object.entries(expected)) {
      expect(onChain[field as keyof typeof onChain], field).to.equal(value);
    }
  });

  it("prices the market through MarkToModel over Chainlink feeds (3,000 USDC per WETH)", async () => {
    const { ethers } = connection;
    const a = deployment.addresses;
    const m2m = MarkToModelOracle__factory.connect(a.markToModelOracle!, ethers.provider);
    expect(await m2m.PRIMARY()).to.equal(a.chainlinkOracle);
    expect(await m2m.POOL()).to.equal(deployment.mocks!.uniswapPool);
    expect(await m2m.MAX_DEVIATION()).to.equal(deployment.parameters.Oracles.maxDeviation);
    expect(await m2m.MAX_ANCHOR_AGE()).to.equal(deployment.parameters.Oracles.maxAnchorAge);
    expect(await m2m.MAX_ANCHOR_AGE()).to.equal(604_800n); // the localhost file's 7 days
    const chainlink = ChainlinkOracle__factory.connect(a.chainlinkOracle!, ethers.provider);
    expect(await chainlink.BASE_FEED()).to.equal(deployment.mocks!.ethUsdFeed);
    const [price, status] = await m2m.price();
    expect(status).to.equal(1n); // Primary
    expect(price).to.equal(3000n * 10n ** 6n * 10n ** 18n); // quote units per collateral unit, 1e36-scaled
  });

  it("gives the periphery its engine, vault, router, owners and the upkeep its route through the timelock", async () => {
    const { ethers } = connection;
    const a = deployment.addresses;
    const flash = FlashLiquidator__factory.connect(a.flashLiquidator!, ethers.provider);
    expect(await flash.engine()).to.equal(a.engine);
    expect(await flash.router()).to.equal(deployment.mocks!.swapRouter);
    expect(await flash.owner()).to.equal(deployment.parameters.Periphery.keeperOwner);
    const upkeep = LiquidationUpkeep__factory.connect(a.upkeep!, ethers.provider);
    expect(await upkeep.owner()).to.equal(a.timelock);
    expect(await upkeep.flashLiquidator()).to.equal(a.flashLiquidator);
    const route = await upkeep.route(1n);
    expect(route.path).to.equal(deployment.parameters.Sluice.swapPath);
    expect(route.maxSlippage).to.equal(deployment.parameters.Sluice.maxSlippage);
    expect(route.minProfit).to.equal(deployment.parameters.Sluice.minProfit);
    const lens = PositionLens__factory.connect(a.positionLens!, ethers.provider);
    expect((await lens.marketSummary(1n)).pool).to.equal(a.lendingPool);
    const timelock = TimelockController__factory.connect(a.timelock!, ethers.provider);
    expect(await timelock.getMinDelay()).to.equal(deployment.parameters.Sluice.minDelay);
  });

  it("leaves every admin role with the timelock and the guardian and risk-manager roles with the parameters' accounts", async () => {
    const { ethers } = connection;
    const a = deployment.addresses;
    const p = deployment.parameters;
    for (const name of ["vault", "lendingPool", "insuranceFund", "engine"]) {
      const contract = MarginVault__factory.connect(a[name]!, ethers.provider); // AccessControl's hasRole
      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, a.timelock!), `${name} admin`).to.equal(true);
    }
    const vault = MarginVault__factory.connect(a.vault!, ethers.provider);
    expect(await vault.hasRole(GUARDIAN_ROLE, p.Core.guardian)).to.equal(true);
    expect(await vault.hasRole(RISK_MANAGER_ROLE, p.Core.riskManager)).to.equal(true);
    const engine = LiquidationEngine__factory.connect(a.engine!, ethers.provider);
    expect(await engine.hasRole(RISK_MANAGER_ROLE, p.Core.riskManager)).to.equal(true);
    const timelock = TimelockController__factory.connect(a.timelock!, ethers.provider);
    expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, a.timelock!)).to.equal(true);
    for (const proposer of p.Governance.proposers) {
      expect(await timelock.hasRole(PROPOSER_ROLE, proposer)).to.equal(true);
      expect(await timelock.hasRole(CANCELLER_ROLE, proposer)).to.equal(true);
    }
    for (const executor of p.Governance.executors)
      expect(await timelock.hasRole(EXECUTOR_ROLE, executor)).to.equal(true);
  });

  it("leaves the deployer no role and no ownership on any contract", async () => {
    const { ethers } = connection;
    const a = deployment.addresses;
    const roles = [DEFAULT_ADMIN_ROLE, RISK_MANAGER_ROLE, GUARDIAN_ROLE, PROPOSER_ROLE, EXECUTOR_ROLE, CANCELLER_ROLE];
    for (const name of ["vault", "lendingPool", "insuranceFund", "engine", "timelock"]) {
      const contract = TimelockController__factory.connect(a[name]!, ethers.provider); // any AccessControl
      for (const role of roles) expect(await contract.hasRole(role, deployer), `${name} ${role}`).to.equal(false);
    }
    for (const name of ["flashLiquidator", "upkeep"]) {
      const owned = FlashLiquidator__factory.connect(a[name]!, ethers.provider);
      expect(await owned.owner(), name).to.not.equal(deployer);
      expect(await owned.pendingOwner(), name).to.not.equal(deployer);
    }
  });

  it("returns a registry the SDK parses, with the market, the swap path and the timelock", () => {
    const r = deployment.registry;
    expect(r.chainId).to.equal(31337n);
    expect(r.contracts.TimelockController).to.equal(deployment.addresses.timelock);
    expect(r.contracts.WrappedNative).to.equal(deployment.mocks!.weth);
    expect(r.markets).to.have.length(1);
    expect(r.markets[0]!.label).to.equal("WETH/USDC");
    expect(r.markets[0]!.swapPath).to.equal(deployment.parameters.Sluice.swapPath);
  });

  it("refuses to deploy when a parameter would give the deployer a role, naming the field", async () => {
    const json = readParameterFile(FILE) as Record<string, Record<string, unknown>>;
    json.Core = { ...json.Core, guardian: deployer };
    const fresh = await network.create();
    let error: unknown;
    try {
      await deploySluiceIgnition(fresh, json, { file: FILE, network: "localhost" });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ParameterError);
    expect((error as ParameterError).problems).to.deep.equal([
      `${FILE}: Core.guardian: is the deployer ${deployer}, which must keep no role`,
    ]);
  });
});
