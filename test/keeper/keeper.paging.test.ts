import { expect } from "chai";
import { Writable } from "node:stream";

import { network } from "hardhat";

import { deployLocalSluice } from "../../src/devchain/deploySluice.js";
import { parseKeeperConfig } from "../../src/keeper/cli.js";
import type { KeeperConfig } from "../../src/keeper/config.js";
import { Keeper } from "../../src/keeper/keeper.js";
import { createLogger } from "../../src/keeper/logger.js";
import { KeeperMetrics } from "../../src/keeper/metrics.js";
import { BookBuilder__factory } from "../../typechain-types/index.js";

const USDC = 10n ** 6n;
const WAD = 10n ** 18n;

describe("Keeper scan paging", function () {
  this.timeout(180_000);

  it("test_scan_pageOutOfCallGas_isHalvedAndTheWholeMarketIsStillScanned", async function () {
    const { ethers } = await network.create();
    const [deployer] = await ethers.getSigners();
    const local = await deployLocalSluice(deployer!);
    const builder = await new BookBuilder__factory(deployer).deploy(local.registry.contracts.MarginVault);
    // 720 positions of 1 WETH at $3,000: every fifth borrows at a ratio of 1.41 (below maintenance 1.2 at $2,500),
    // the others at 2.0. A 720-position `liquidatablePositions` page needs about 18 M gas, over the 2^24 that
    // Hardhat's network allows an `eth_call`; 360 fit.
    const size = 720;
    await (await local.weth.mint(await builder.getAddress(), BigInt(size) * WAD)).wait();
    const collateral = Array<bigint>(40).fill(WAD);
    const debt = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? 2_127n * USDC : 1_500n * USDC));
    for (let built = 0; built < size; built += 40) {
      await (await builder.build(1n, collateral, debt, await deployer!.getAddress())).wait();
    }
    await (await local.ethUsdFeed.updateAnswer(2_500n * 10n ** 8n)).wait();

    const parsed = parseKeeperConfig(
      ["--rpc-url", "http://127.0.0.1:1", "--chain-id", "31337", "--dry-run", "--page-size", "720"],
      {},
    );
    const config = parsed as KeeperConfig;
    expect(config.pageSize).to.equal(720);
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        callback();
      },
    });
    const keeper = new Keeper({
      config,
      provider: ethers.provider,
      signer: deployer!,
      sender: null,
      registry: local.registry,
      logger: createLogger("warn", sink),
      metrics: new KeeperMetrics(),
    });
    await keeper.start();
    await keeper.stop();

    const attempts = await keeper.scanOnce();
    expect(attempts.map((a) => a.positionId)).to.deep.equal(
      Array.from({ length: size / 5 }, (_, i) => BigInt(1 + 5 * i)),
      "every fifth position, across both halves of the market",
    );
    expect(attempts.every((a) => a.result === "dry-run")).to.equal(
      true,
      JSON.stringify(attempts.slice(0, 2), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    );
    const halved = lines.filter((l) => l.msg === "lens page ran out of call gas; page halved");
    expect(halved.map((l) => [l.from, l.to])).to.deep.equal([[720, 360]], "halved once, and it stays halved");
  });
});
