import { expect } from "chai";
import { MaxUint256 } from "ethers";

import { network } from "hardhat";

import { deployLocalSluice } from "../../src/devchain/deploySluice.js";
import { parseKeeperConfig } from "../../src/keeper/cli.js";
import type { KeeperConfig } from "../../src/keeper/config.js";
import { Keeper } from "../../src/keeper/keeper.js";
import { createLogger } from "../../src/keeper/logger.js";
import { KeeperMetrics } from "../../src/keeper/metrics.js";
import {
  BookBuilder__factory,
  FlashLiquidator__factory,
  IOracle__factory,
  PositionLens__factory,
} from "../../typechain-types/index.js";

const USDC = 10n ** 6n;
const WAD = 10n ** 18n;

/**
 * The keeper decides whether an attempt pays for its gas with a call capped at the break-even gas instead of an
 * estimate for every attempt (`#gasIfProfitable`). Its decisions must be those of the rule it replaced: simulated
 * profit against `eth_estimateGas` × gas price, valued at the oracle.
 */
describe("Keeper profitability at a gas price", function () {
  this.timeout(180_000);

  it("test_scan_skipsExactlyTheAttemptsWhoseEstimatedGasCostsMoreThanTheirProfit", async function () {
    const { ethers } = await network.create();
    const provider = ethers.provider;
    const [deployer] = await ethers.getSigners();
    const local = await deployLocalSluice(deployer!);
    const builder = await new BookBuilder__factory(deployer).deploy(local.registry.contracts.MarginVault);
    // Nine positions from 0.05 to 64 WETH, each at a ratio of 1.41 at $3,000: all liquidatable at $2,500, with
    // tranches (and profits) growing with their size. The largest one's break-even gas is above the 2^24 a
    // transaction may use, where the estimate decides.
    const collateral = [5n, 10n, 20n, 40n, 80n, 160n, 320n, 640n, 6_400n].map((c) => (c * WAD) / 100n);
    const debt = collateral.map((c) => (c * 2_127n * USDC) / WAD);
    await (
      await local.weth.mint(
        await builder.getAddress(),
        collateral.reduce((a, b) => a + b),
      )
    ).wait();
    await (await builder.build(1n, collateral, debt, await deployer!.getAddress())).wait();
    await (await local.ethUsdFeed.updateAnswer(2_500n * 10n ** 8n)).wait();

    const config = parseKeeperConfig(
      ["--rpc-url", "http://127.0.0.1:1", "--chain-id", "31337", "--dry-run"],
      {},
    ) as KeeperConfig;
    const { contracts, markets } = local.registry;
    const flash = FlashLiquidator__factory.connect(contracts.FlashLiquidator!, deployer);
    const lens = PositionLens__factory.connect(contracts.PositionLens!, provider);
    const [price] = await IOracle__factory.connect(markets[0]!.oracle, provider).price();
    const swapPath = local.swapPath;
    const slippageWad = BigInt(config.maxSlippageBps) * 10n ** 14n;

    // The replaced rule, computed here on its own: profit and estimate of the same transaction per position.
    const [ids, previews] = await lens.liquidatablePositions(1n, 0n, 100n);
    expect(ids.length).to.equal(9);
    const from = await deployer!.getAddress();
    const measured: Array<{ id: bigint; profit: bigint; gas: bigint }> = [];
    for (const [i, id] of ids.entries()) {
      const minOut = await flash.oracleFloor(previews[i]!.seizedAssets, price, slippageWad);
      const args = [id, MaxUint256, swapPath, minOut, 0n] as const;
      const profit = await flash.liquidate.staticCall(...args, { from });
      const data = flash.interface.encodeFunctionData("liquidate", [...args]);
      const gas = await provider.estimateGas({ to: await flash.getAddress(), data, from });
      measured.push({ id, profit, gas });
    }
    // A gas price between the break-evens of the second-smallest and the middle positions: some attempts pay, some
    // do not. Break-even price (wei per gas) = profit / (gas * price / 1e36).
    const breakEven = measured.map((m) => (m.profit * 10n ** 36n) / (m.gas * price)).sort((a, b) => (a < b ? -1 : 1));
    const tip = BigInt((await provider.send("eth_maxPriorityFeePerGas", [])) as string);
    const gasPrice = (breakEven[1]! + breakEven[4]!) / 2n;
    expect(gasPrice > tip, "the gas price covers the tip").to.equal(true);
    await provider.send("hardhat_setNextBlockBaseFeePerGas", [`0x${(gasPrice - tip).toString(16)}`]);
    await provider.send("evm_mine", []);
    const largest = measured[measured.length - 1]!;
    expect((largest.profit * 10n ** 36n) / (gasPrice * price) > 2n ** 24n, "a break-even above 2^24").to.equal(true);
    const expected = new Map(
      measured.map((m) => [m.id, m.profit < (m.gas * gasPrice * price) / 10n ** 36n ? "unprofitable" : "dry-run"]),
    );

    const keeper = new Keeper({
      config,
      provider,
      signer: deployer!,
      sender: null,
      registry: local.registry,
      logger: createLogger("silent"),
      metrics: new KeeperMetrics(),
    });
    await keeper.init();
    const attempts = await keeper.scanOnce();
    expect(new Map(attempts.map((a) => [a.positionId, a.result]))).to.deep.equal(expected);
    const results = [...expected.values()];
    expect(results.filter((r) => r === "unprofitable").length).to.be.greaterThan(0);
    expect(results.filter((r) => r === "dry-run").length).to.be.greaterThan(0);
    const skipped = attempts.find((a) => a.result === "unprofitable");
    expect(skipped?.detail).to.match(/needs more than \d+ gas/);
  });
});
