import { expect } from "chai";

import { DEFAULT_ADMIN_ROLE, GUARDIAN_ROLE, RISK_MANAGER_ROLE } from "../../src/sdk/roles.js";
import { poolPrice } from "../../src/demo/arbitrageur.js";
import { DEFAULT_SIMULATION, prepareWorld, type PreparedWorld } from "../../src/demo/simulation.js";
import { BASE_RISK_PARAMS } from "../../src/demo/world.js";
import { FlashLiquidator__factory, MarkToModelOracle__factory } from "../../typechain-types/index.js";

describe("demo world: deployed through the Ignition modules", function () {
  this.timeout(60_000);
  let world: PreparedWorld;

  before(async function () {
    world = await prepareWorld({
      ...DEFAULT_SIMULATION,
      positions: 3,
      path: { name: "flat", points: [{ t: 0, price: 2500 }] },
    });
  });

  after(async function () {
    await world?.chain.close();
  });

  it("gives governance, not the deployer, the risk-manager and guardian roles; the timelock holds admin", async function () {
    const { vault, registry } = world.system;
    const [deployer, governance] = [await world.admin.getAddress(), await world.governance.getAddress()];
    expect(governance).to.not.equal(deployer);
    expect(await vault.hasRole(RISK_MANAGER_ROLE, governance)).to.equal(true);
    expect(await vault.hasRole(GUARDIAN_ROLE, governance)).to.equal(true);
    for (const role of [DEFAULT_ADMIN_ROLE, RISK_MANAGER_ROLE, GUARDIAN_ROLE]) {
      expect(await vault.hasRole(role, deployer), role).to.equal(false);
    }
    expect(await vault.hasRole(DEFAULT_ADMIN_ROLE, registry.contracts.TimelockController!)).to.equal(true);
    const flash = FlashLiquidator__factory.connect(registry.contracts.FlashLiquidator!, world.chain.provider);
    expect(await flash.owner()).to.equal(await world.keeper.getAddress());
  });

  it("prices the market with the MarkToModelOracle at the feed's price, lists it with the base parameters", async function () {
    const { vault, registry, marketId } = world.system;
    const oracle = MarkToModelOracle__factory.connect(registry.markets[0]!.oracle, world.chain.provider);
    const [price] = await oracle.price();
    expect(price).to.equal(2500n * 10n ** 6n * 10n ** 18n); // 2,500 USDC per WETH, 1e36-scaled per unit
    const params = await vault.riskParams(marketId);
    for (const [field, value] of Object.entries(BASE_RISK_PARAMS)) {
      expect(params[field as keyof typeof params], field).to.equal(value);
    }
  });

  it("initializes LocalMocks' pool at the start price, fills it, and lends the lender's USDC", async function () {
    const { system } = world;
    const { sqrtPriceX96 } = await system.uniswapPool.slot0();
    const wethIsToken0 = BigInt(await system.weth.getAddress()) < BigInt(await system.usdc.getAddress());
    // Within a cent of 2,500 USDC per WETH (sqrtPriceX96 is rounded down).
    expect(Math.abs(poolPrice(sqrtPriceX96, wethIsToken0, 12) - 2500)).to.be.below(0.01);
    expect(await system.weth.balanceOf(system.uniswapPoolAddress)).to.be.closeTo(
      BigInt(DEFAULT_SIMULATION.poolWeth) * 10n ** 18n,
      10n ** 12n,
    );
    expect(await system.lendingPool.totalAssets()).to.equal(BigInt(DEFAULT_SIMULATION.lentUsdc) * 10n ** 6n);
  });
});
