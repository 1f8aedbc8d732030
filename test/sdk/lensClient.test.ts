import { expect } from "chai";
import { network } from "hardhat";

import { deployLocalSluice } from "../../src/devchain/deploySluice.js";
import { LensPositionState, LiquidationReason, SluiceClient } from "../../src/sdk/index.js";
import { MarginVault__factory } from "../../typechain-types/index.js";

const USDC = 10n ** 6n;
const WAD = 10n ** 18n;

describe("SDK over the PositionLens, on the full local deployment", function () {
  it("pages a market, finds the liquidatable positions and an owner's positions", async function () {
    const { ethers } = await network.create();
    const [deployer, alice, bob] = await ethers.getSigners();
    if (deployer === undefined || alice === undefined || bob === undefined) throw new Error("missing signers");
    const local = await deployLocalSluice(deployer);
    const client = new SluiceClient(ethers.provider, local.registry);
    const vault = MarginVault__factory.connect(local.registry.contracts.MarginVault, ethers.provider);

    // Alice: 1 WETH against 2,100 and 1,500 USDC; Bob: 1 WETH against 2,000 USDC. ETH at 3,000.
    const open = async (owner: typeof alice, debt: bigint): Promise<bigint> => {
      await (await local.weth.mint(owner.address, WAD)).wait();
      await (await local.weth.connect(owner).approve(await vault.getAddress(), WAD)).wait();
      const id = await vault.nextPositionId();
      await (await vault.connect(owner).openPosition(1n)).wait();
      await (await vault.connect(owner).depositCollateral(id, WAD)).wait();
      await (await vault.connect(owner).borrow(id, debt * USDC, owner.address)).wait();
      return id;
    };
    const a1 = await open(alice, 2_100n);
    const a2 = await open(alice, 1_500n);
    const b1 = await open(bob, 2_000n);

    const healthy = await client.positionsOfMarket(1n, 0n, 500n);
    expect(healthy.total).to.equal(3n);
    expect(healthy.positions.map((p) => p.state)).to.deep.equal([
      LensPositionState.Healthy,
      LensPositionState.Healthy,
      LensPositionState.Healthy,
    ]);
    expect((await client.liquidatablePositions(1n, 0n, 500n)).positions).to.deep.equal([]);

    // ETH falls to 2,300 on the Chainlink feed: 2,300 / 2,100 = 1.095 and 2,300 / 2,000 = 1.15 are below 1.2.
    await (await local.ethUsdFeed.updateAnswer(2_300n * 10n ** 8n)).wait();
    const { positions } = await client.liquidatablePositions(1n, 0n, 500n);
    expect(positions.map((p) => p.id)).to.deep.equal([a1, b1]);
    for (const p of positions) {
      expect(p.preview.reason).to.equal(LiquidationReason.None);
      expect(p.preview).to.deep.equal(await client.previewLiquidation(p.id), "lens preview equals the engine's");
    }
    const mine = await client.positionsOf(alice.address, 2n);
    expect(mine.map((p) => p.id)).to.deep.equal([a1, a2]);
    expect(mine[0]?.state).to.equal(LensPositionState.Liquidatable);
    expect(mine[1]?.state).to.equal(LensPositionState.Healthy);
    expect(mine[0]?.debtAssets).to.equal(2_100n * USDC);
  });
});
