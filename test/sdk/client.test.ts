import { expect } from "chai";
import { network } from "hardhat";

import {
  InGracePeriodError,
  LiquidationReason,
  PositionHealthyError,
  RegistryError,
  SluiceClient,
  SluiceContractError,
  decodeSluiceError,
  decodeSluiceLogs,
  parseRegistry,
  previewLiquidation,
  sluiceInterface,
} from "../../src/sdk/index.js";
import {
  ChainlinkOracle__factory,
  FlashLiquidator__factory,
  InsuranceFund__factory,
  InterestRateModel__factory,
  LendingPool__factory,
  LiquidationEngine__factory,
  LiquidationUpkeep__factory,
  MarginVault__factory,
  MarkToModelOracle__factory,
} from "../../typechain-types/index.js";
import { USDC, WAD, deploySystem, openPosition, registryFor, wethPrice } from "../helpers/system.js";

describe("SDK client, registry, errors and events", function () {
  async function setup() {
    const { ethers, networkHelpers } = await network.create();
    const [, borrower, keeper] = await ethers.getSigners();
    if (borrower === undefined || keeper === undefined) throw new Error("missing signers");
    const system = await deploySystem(ethers, 1_000_000n * USDC, [0n, 0n]);
    await system.quote.mint(keeper.address, 10n ** 9n * USDC);
    await system.quote.connect(keeper).approve(await system.engine.getAddress(), ethers.MaxUint256);
    const registry = await registryFor(system);
    const client = new SluiceClient(ethers.provider, registry);
    // 10 WETH at 3,000 against 21,000 USDC: ratio 1.4286.
    const id = await openPosition(system, borrower, 10n * WAD, 21_000n * USDC);
    return { ethers, networkHelpers, borrower, keeper, system, registry, client, id };
  }

  it("parses a registry and names every bad field", function () {
    const good = {
      chainId: 42161,
      network: "arbitrum",
      contracts: {
        MarginVault: "0x00000000000000000000000000000000000000a1",
        LiquidationEngine: "0x00000000000000000000000000000000000000a2",
        InsuranceFund: "0x00000000000000000000000000000000000000a3",
      },
      markets: [],
    };
    const registry = parseRegistry(good);
    expect(registry.chainId).to.equal(42161n);
    expect(registry.contracts.MarginVault).to.equal("0x00000000000000000000000000000000000000A1");
    try {
      parseRegistry({ ...good, chainId: "abc", contracts: { MarginVault: "0x12" }, markets: [{ id: 0 }] });
      expect.fail("should throw");
    } catch (e) {
      expect(e).to.be.instanceOf(RegistryError);
      const problems = (e as RegistryError).problems.join("\n");
      for (const field of [
        "chainId",
        "contracts.MarginVault",
        "contracts.LiquidationEngine",
        "contracts.InsuranceFund",
        "markets[0].id",
        "markets[0].collateral",
      ]) {
        expect(problems).to.contain(field);
      }
    }
  });

  it("reads a position's health and liquidation price", async function () {
    const { client, id, borrower } = await setup();
    const info = await client.position(id);
    expect(info.owner).to.equal(borrower.address);
    expect(info.collateralAssets).to.equal(10n * WAD);
    expect(info.debtAssets).to.equal(21_000n * USDC);
    expect(info.ratio).to.equal((30_000n * WAD) / 21_000n);
    // Maintenance 1.2: 21,000 * 1.2 / 10 WETH = 2,520 USDC per WETH.
    expect(await client.liquidationPrice(id)).to.equal(wethPrice(2520n));
    await client.position(999n).then(
      () => expect.fail("should throw"),
      (e: Error) => expect(e.message).to.contain("position 999 does not exist"),
    );
  });

  it("previews locally from the chain's state exactly as the engine does", async function () {
    const { client, system, id } = await setup();
    await system.oracle.setPrice(wethPrice(2300n));
    const onChain = await client.previewLiquidation(id);
    const local = previewLiquidation(await client.liquidationState(id));
    expect(local).to.deep.equal(onChain);
    expect(onChain.reason).to.equal(LiquidationReason.None);
    expect(onChain.repaidAssets).to.equal(5_250n * USDC);
  });

  it("decodes reverts into typed errors with named fields", async function () {
    const { networkHelpers, system, keeper, id } = await setup();
    const { engine, oracle } = system;
    const healthy = await engine
      .connect(keeper)
      .liquidate(id, 1n, keeper.address, "0x")
      .then(
        () => undefined,
        (e: unknown) => decodeSluiceError(e),
      );
    expect(healthy).to.be.instanceOf(PositionHealthyError);
    expect((healthy as PositionHealthyError).maintenanceRatio).to.equal(12n * 10n ** 17n);

    await oracle.setPrice(wethPrice(2300n));
    await engine.connect(keeper).liquidate(id, 2n ** 255n, keeper.address, "0x");
    const at = BigInt(await networkHelpers.time.latest());
    const grace = await engine
      .connect(keeper)
      .liquidate(id, 2n ** 255n, keeper.address, "0x")
      .then(
        () => undefined,
        (e: unknown) => decodeSluiceError(e),
      );
    expect(grace).to.be.instanceOf(InGracePeriodError);
    expect((grace as InGracePeriodError).positionId).to.equal(id);
    expect((grace as InGracePeriodError).nextEligibleAt).to.equal(at + 300n);
    expect(grace?.errorName).to.equal("InGracePeriod");
    expect(decodeSluiceError("0xdeadbeef")).to.equal(undefined, "unknown selector");
    expect(decodeSluiceError(new Error("no data"))).to.equal(undefined);
  });

  it("knows every error and event of the deployed contracts", function () {
    const iface = sluiceInterface();
    const concrete = [
      MarginVault__factory,
      LiquidationEngine__factory,
      LendingPool__factory,
      InsuranceFund__factory,
      InterestRateModel__factory,
      ChainlinkOracle__factory,
      MarkToModelOracle__factory,
      FlashLiquidator__factory,
      LiquidationUpkeep__factory,
    ];
    const missing: string[] = [];
    for (const factory of concrete) {
      for (const fragment of factory.createInterface().fragments) {
        if (fragment.type !== "error" && fragment.type !== "event") continue;
        const signature = fragment.format("sighash");
        const known =
          fragment.type === "error" ? iface.getError(signature) !== null : iface.getEvent(signature) !== null;
        if (!known) missing.push(`${fragment.type} ${signature}`);
      }
    }
    expect(missing).to.deep.equal([]);
    expect(new SluiceContractError("X", {}, [], "0x12345678", "0x12345678").message).to.equal("X()");
  });

  it("decodes a liquidation's logs into typed events", async function () {
    const { system, keeper, registry, id } = await setup();
    await system.oracle.setPrice(wethPrice(2300n));
    const sharesBefore = (await system.vault.position(id)).debtShares;
    const tx = await system.engine.connect(keeper).liquidate(id, 2n ** 255n, keeper.address, "0x");
    const receipt = await tx.wait();
    if (receipt === null) throw new Error("no receipt");
    const events = decodeSluiceLogs(receipt.logs, registry);
    const names = events.map((e) => `${e.contract}.${String(e.name)}`);
    expect(names).to.include("LiquidationEngine.TrancheLiquidated");
    // A tranche is recorded by the engine's event alone: no vault Repay, no pool fee event.
    expect(names).to.not.include("MarginVault.Repay");
    expect(names.filter((n) => n.startsWith("LendingPool.") && n !== "LendingPool.AccrueInterest")).to.deep.equal([]);
    const tranche = events.find((e) => e.contract === "LiquidationEngine" && e.name === "TrancheLiquidated");
    if (tranche?.contract !== "LiquidationEngine" || tranche.name !== "TrancheLiquidated") {
      throw new Error("no TrancheLiquidated");
    }
    expect(tranche.args.positionId).to.equal(id);
    expect(tranche.args.keeper).to.equal(keeper.address);
    expect(tranche.args.repaidAssets).to.equal(5_250n * USDC);
    expect(tranche.args.repaidShares).to.equal(sharesBefore - (await system.vault.position(id)).debtShares);
    expect(tranche.args.repaidShares > 0n).to.equal(true);
    expect(tranche.args.fullClose).to.equal(false);
    expect(tranche.blockNumber).to.equal(receipt.blockNumber);
  });
});
