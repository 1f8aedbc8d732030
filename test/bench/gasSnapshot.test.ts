import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  SnapshotError,
  compareSnapshot,
  describeDiff,
  parseSnapshot,
  readSnapshot,
  writeSnapshot,
} from "../../bench/lib/snapshot.js";

/** The comparison behind `npm run gas:check`: growth above 1 % fails, and so do added and removed functions. */
describe("gas snapshot comparison", function () {
  const snapshot = { "MarginVault.borrow": 100_000, "LiquidationEngine.liquidate (tranche)": 200_000 };

  it("passes a growth of exactly 1 %", function () {
    const diff = compareSnapshot(snapshot, { ...snapshot, "MarginVault.borrow": 101_000 });
    expect(diff.ok).to.equal(true);
    expect(diff.grown).to.deep.equal([]);
    expect(diff.changedWithinTolerance.map((c) => c.name)).to.deep.equal(["MarginVault.borrow"]);
  });

  it("fails a growth of 1.01 % and names the function", function () {
    const diff = compareSnapshot(snapshot, { ...snapshot, "MarginVault.borrow": 101_010 });
    expect(diff.ok).to.equal(false);
    expect(diff.grown).to.have.length(1);
    expect(diff.grown[0]).to.include({ name: "MarginVault.borrow", before: 100_000, after: 101_010 });
    // hardhat-ethers-chai-matchers makes closeTo bigint-only in the whole suite: compare floats by hand.
    expect(Math.abs(diff.grown[0]!.changePct - 1.01)).to.be.lessThan(1e-9);
    expect(describeDiff(diff)[0]).to.match(/^FAIL MarginVault\.borrow: 100,000 → 101,010 gas \(\+1\.01 %/);
  });

  it("fails one gas unit above 1 % (exact integer comparison)", function () {
    expect(compareSnapshot(snapshot, { ...snapshot, "MarginVault.borrow": 101_001 }).ok).to.equal(false);
  });

  it("passes decreases of any size", function () {
    const diff = compareSnapshot(snapshot, { ...snapshot, "LiquidationEngine.liquidate (tranche)": 150_000 });
    expect(diff.ok).to.equal(true);
    expect(diff.changedWithinTolerance[0]!.changePct).to.equal(-25);
  });

  it("fails and names a function that is measured but not in the snapshot", function () {
    const diff = compareSnapshot(snapshot, { ...snapshot, "MarginVault.repay": 50_000 });
    expect(diff.ok).to.equal(false);
    expect(diff.added).to.deep.equal(["MarginVault.repay"]);
    expect(describeDiff(diff)).to.include("FAIL MarginVault.repay: measured but not in the snapshot (added)");
  });

  it("fails and names a function that is in the snapshot but no longer measured", function () {
    const diff = compareSnapshot(snapshot, { "MarginVault.borrow": 100_000 });
    expect(diff.ok).to.equal(false);
    expect(diff.removed).to.deep.equal(["LiquidationEngine.liquidate (tranche)"]);
    expect(describeDiff(diff)).to.include(
      "FAIL LiquidationEngine.liquidate (tranche): in the snapshot but no longer measured (removed)",
    );
  });

  it("honours another tolerance", function () {
    expect(compareSnapshot(snapshot, { ...snapshot, "MarginVault.borrow": 104_000 }, 5).ok).to.equal(true);
    expect(compareSnapshot(snapshot, { ...snapshot, "MarginVault.borrow": 105_001 }, 5).ok).to.equal(false);
  });

  it("rejects a malformed snapshot naming the field", function () {
    expect(() => parseSnapshot({ measuredWith: "x", gas: { a: 1.5 } }, "f.json")).to.throw(
      SnapshotError,
      'f.json: gas of "a" must be a non-negative integer, got 1.5',
    );
    expect(() => parseSnapshot({ gas: {} }, "f.json")).to.throw(SnapshotError, '"measuredWith" must be a string');
  });

  it("round-trips through the file with sorted names", function () {
    const path = join(mkdtempSync(join(tmpdir(), "sluice-gas-")), "snap.json");
    writeSnapshot({ measuredWith: "test", gas: { b: 2, a: 1 } }, path);
    const read = readSnapshot(path);
    expect(Object.keys(read.gas)).to.deep.equal(["a", "b"]);
    expect(read).to.deep.equal({ measuredWith: "test", gas: { a: 1, b: 2 } });
  });

  it("says how to create a missing snapshot", function () {
    const path = join(mkdtempSync(join(tmpdir(), "sluice-gas-")), "missing.json");
    expect(() => readSnapshot(path)).to.throw(SnapshotError, "run `npm run gas:snapshot`");
    writeFileSync(path, "{");
    expect(() => readSnapshot(path)).to.throw(SnapshotError, "invalid JSON");
  });
});
