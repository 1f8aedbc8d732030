import { expect } from "chai";
import type { JsonRpcApiProvider } from "ethers";
import { network } from "hardhat";

import { gasBreakdown, intrinsicGas } from "../../bench/gas/breakdown.js";
import { gasJson } from "../../bench/gas/json.js";
import type { GasComparison } from "../../bench/gas/compare.js";
import type { LiquidationGas } from "../../bench/gas/scenario.js";

/** The opcode-level breakdown behind `npm run bench`'s "where a tranche's gas goes", and its JSON output. */
describe("gas breakdown", function () {
  it("classifies an ERC-20 transfer so the classes add up to the receipt's gas", async function () {
    const { ethers } = await network.create();
    const [owner, other] = await ethers.getSigners();
    const token = await ethers.deployContract("MockERC20", ["USD Coin", "USDC", 6]);
    await (await token.mint(await owner!.getAddress(), 1_000n)).wait();
    // The recipient's balance goes from zero to non-zero: one 20,000-gas write, one update of the sender's balance.
    const receipt = await (await token.transfer(await other!.getAddress(), 10n)).wait();
    const tokenAddress = await token.getAddress();
    const b = await gasBreakdown(ethers.provider as unknown as JsonRpcApiProvider, receipt!.hash, {
      [tokenAddress]: "token",
    });
    expect(b.total).to.equal(Number(receipt!.gasUsed));
    const classes =
      b.intrinsic +
      b.coldStorageReads.gas +
      b.warmStorageReads.gas +
      b.storageWritesNew.gas +
      b.storageWritesUpdate.gas +
      b.storageWritesNoop.gas +
      b.calls.gas +
      b.accountReads.gas +
      b.events.gas +
      b.transient.gas +
      b.computation;
    expect(classes - b.refund).to.equal(b.total);
    expect(b.storageWritesNew.count).to.equal(1);
    expect(b.storageWritesUpdate.count).to.equal(1);
    expect(b.coldStorageReads.count).to.equal(2);
    expect(b.events.count).to.equal(1);
    expect(b.calls.count).to.equal(0);
    // One contract ran: its own gas is everything but the intrinsic gas.
    expect(Object.keys(b.byContract)).to.deep.equal(["token"]);
    expect(b.byContract.token).to.deep.equal({ gas: b.total + b.refund - b.intrinsic, coldReads: 2, calls: 0 });
  });

  it("gives each contract its own frames' gas: a callee's work counts for the callee, the call's cost for the caller", async function () {
    const { ethers } = await network.create();
    const [owner] = await ethers.getSigners();
    const feed = await ethers.deployContract("MockV3Aggregator", [8, 3_000n * 10n ** 8n]);
    const quoteFeed = await ethers.deployContract("MockV3Aggregator", [8, 10n ** 8n]);
    const oracle = await ethers.deployContract("ChainlinkOracle", [
      await feed.getAddress(),
      3_600,
      await quoteFeed.getAddress(),
      3_600,
      18,
      6,
      ethers.ZeroAddress,
      0,
    ]);
    // `updatePrice` is a view here; sent as a transaction, it is traced like any other.
    const receipt = await (
      await owner!.sendTransaction({
        to: await oracle.getAddress(),
        data: oracle.interface.encodeFunctionData("updatePrice"),
      })
    ).wait();
    const b = await gasBreakdown(ethers.provider as unknown as JsonRpcApiProvider, receipt!.hash, {
      [await oracle.getAddress()]: "oracle",
      [await feed.getAddress()]: "feeds",
      [await quoteFeed.getAddress()]: "feeds",
    });
    const own = Object.values(b.byContract).reduce((sum, c) => sum + c.gas, 0);
    expect(own + b.intrinsic - b.refund).to.equal(b.total);
    expect(b.byContract.oracle!.calls).to.equal(b.calls.count);
    expect(b.byContract.oracle!.calls).to.be.greaterThanOrEqual(2);
    expect(b.byContract.feeds!.calls).to.equal(0);
    expect(b.byContract.feeds!.coldReads).to.be.greaterThan(0);
    expect(b.byContract).to.not.have.property("other");
  });

  it("prices calldata as EIP-2028 does: 4 per zero byte, 16 per other byte", function () {
    expect(intrinsicGas("0x")).to.equal(21_000);
    expect(intrinsicGas("0x0001ff")).to.equal(21_000 + 4 + 16 + 16);
  });

  it("writes the issue's JSON shape: per protocol, liquidations and open + deposit + borrow, batches for Sluice", function () {
    const l = (gas: number): LiquidationGas => ({ gas, hash: "0x", repaid: 0n, seized: 0n });
    const kinds = (base: number) => ({
      freshMarketTranche: l(base + 4),
      tranche: l(base),
      repeatTranche: l(base + 1),
      fullClose: l(base + 2),
      badDebt: l(base + 3),
    });
    const comparison = {
      userOps: {
        Sluice: { open: 1, depositCollateral: 2, borrow: 3, openDepositBorrowInOneCall: 5 },
        "Morpho Blue": { depositCollateral: 20, borrow: 30 },
        "Aave V3": {},
      },
      liquidations: { Sluice: kinds(100), "Morpho Blue": kinds(200), "Aave V3": {} },
      breakdowns: { Sluice: {}, "Morpho Blue": {}, "Aave V3": {} },
      batches: [
        { size: 1, gas: 90, perPosition: 90 },
        { size: 100, gas: 5_000, perPosition: 50 },
      ],
      lens: { page: 100, positionsOfMarket: 0, liquidatablePositions: 0 },
    } as unknown as GasComparison;
    const json = gasJson(comparison);
    expect(Object.keys(json.gas)).to.deep.equal(["sluice", "morpho"]);
    expect(json.gas.sluice).to.include({ tranche: 100, repeatTranche: 101, fullClose: 102, badDebtClose: 103 });
    expect(json.gas.sluice!.openDepositBorrow).to.equal(6);
    // The one-transaction figure is reported as measured, not added into the three-transaction sum.
    expect(json.gas.sluice!.openDepositBorrowInOneCall).to.equal(5);
    expect(json.gas.sluice!.liquidateManyPerPosition).to.deep.equal({ "1": 90, "100": 50 });
    expect(json.gas.morpho!.openDepositBorrow).to.equal(50);
    expect(json.gas.morpho).to.not.have.property("liquidateManyPerPosition");
  });
});
