import { availableParallelism } from "node:os";

import { expect } from "chai";

import { generateBook } from "../../src/demo/book.js";
import { DemoOptionError, parseDemoOptions } from "../../src/demo/options.js";
import { parsePolicies } from "../../src/demo/policies.js";
import {
  builtinPath,
  crashPath,
  flashCrashPath,
  parsePathCsv,
  pathDuration,
  PricePathError,
  priceAt,
  sampleSteps,
} from "../../src/demo/pricePaths.js";
import { keyedUniform } from "../../src/demo/rng.js";
import { GAS_PRICE_PRESETS, gweiToWei } from "../../src/demo/simulation.js";

const BOOK = {
  positions: 200,
  seed: 3,
  price: 3000,
  initialRatio: 1.4,
  ratioSpread: 0.15,
  medianCollateral: 8,
  sizeSigma: 0.9,
  maxCollateral: 240,
  collateralDecimals: 18,
  quoteDecimals: 6,
};

describe("demo inputs", function () {
  describe("price paths", function () {
    it("crash-40 falls exactly 40 % over 6 hours, then holds an hour", function () {
      const path = crashPath(3000, 1);
      expect(priceAt(path, 0)).to.equal(3000);
      // hardhat-ethers-chai-matchers makes closeTo bigint-only in the whole suite: compare floats by hand.
      expect(Math.abs(priceAt(path, 6 * 3600) - 1800)).to.be.lessThan(1e-9);
      expect(pathDuration(path)).to.equal(7 * 3600);
      expect(crashPath(3000, 1)).to.deep.equal(path);
      expect(crashPath(3000, 2).points[10]!.price).to.not.equal(path.points[10]!.price);
    });

    it("flash-crash drops 30 % and is back within the hour; it runs at block resolution", function () {
      const path = flashCrashPath(3000);
      expect(Math.min(...path.points.map((p) => p.price))).to.equal(2100);
      expect(priceAt(path, 3600)).to.equal(3000);
      expect(sampleSteps(path, 300).map((s) => s.price)).to.include(2100);
      expect(path.blocksPerStep).to.equal(1);
      expect(parseDemoOptions(["--path", "flash-crash"]).config.blocksPerStep).to.equal(1);
    });

    it("gap-down falls 25 % from one block to the next and holds; it runs at block resolution", function () {
      const path = builtinPath("gap-down", 3000, 1);
      expect(priceAt(path, 600)).to.equal(3000);
      expect(priceAt(path, 612)).to.equal(2250);
      expect(priceAt(path, 3600)).to.equal(2250);
      expect(path.blocksPerStep).to.equal(1);
      expect(parseDemoOptions(["--path", "gap-down"]).config.blocksPerStep).to.equal(1);
      expect(parseDemoOptions(["--path", "gap-down", "--blocks-per-step", "5"]).config.blocksPerStep).to.equal(5);
    });

    it("v-shape falls 35 % in 5 minutes and is back within the hour, at block resolution", function () {
      const path = builtinPath("v-shape", 3000, 1);
      expect(Math.min(...path.points.map((p) => p.price))).to.equal(1950);
      expect(priceAt(path, 600)).to.equal(1950);
      expect(priceAt(path, 3600)).to.equal(3000);
      // Every 12-s block is a step: the bottom is one of them.
      expect(sampleSteps(path, 12 * path.blocksPerStep!).map((s) => s.price)).to.include(1950);
    });

    it("slow-bleed falls exactly 45 % over 3 days with seeded noise, then holds a day, in hourly steps", function () {
      const path = builtinPath("slow-bleed", 3000, 1);
      expect(Math.abs(priceAt(path, 72 * 3600) - 1650)).to.be.lessThan(1e-9);
      expect(pathDuration(path)).to.equal(96 * 3600);
      expect(path.blocksPerStep).to.equal(300);
      expect(builtinPath("slow-bleed", 3000, 1)).to.deep.equal(path);
      expect(builtinPath("slow-bleed", 3000, 2).points[10]!.price).to.not.equal(path.points[10]!.price);
    });

    it("double-dip falls twice, the second time lower, with a rebound between", function () {
      const path = builtinPath("double-dip", 3000, 1);
      expect(priceAt(path, 2 * 3600)).to.equal(2250);
      expect(priceAt(path, 4 * 3600)).to.equal(2625);
      expect(Math.abs(priceAt(path, 6 * 3600) - 1706.25)).to.be.lessThan(1e-9);
      expect(path.blocksPerStep).to.equal(undefined);
      expect(parseDemoOptions(["--path", "double-dip"]).config.blocksPerStep).to.equal(25);
    });

    it("random-walk is the same for a seed, differs across seeds and has jumps", function () {
      const path = builtinPath("random-walk", 3000, 2);
      expect(path.points).to.have.length(8 * 60 + 1);
      expect(builtinPath("random-walk", 3000, 2)).to.deep.equal(path);
      expect(builtinPath("random-walk", 3000, 3).points[100]!.price).to.not.equal(path.points[100]!.price);
      let jumps = 0;
      for (let i = 1; i < path.points.length; i++) {
        if (path.points[i]!.price / path.points[i - 1]!.price < 0.955) jumps += 1;
      }
      expect(jumps, "one-minute moves of -4.5 % or more").to.be.greaterThan(0);
      expect(path.blocksPerStep).to.equal(5);
    });

    it("parses a CSV of Unix seconds or ISO dates, relative to the first row", function () {
      const unix = parsePathCsv("timestamp,price\n1700000000,3000\n1700000600,2500.5\n", "p.csv");
      expect(unix.points).to.deep.equal([
        { t: 0, price: 3000 },
        { t: 600, price: 2500.5 },
      ]);
      const iso = parsePathCsv("2024-01-01T00:00:00Z,10\n2024-01-01T01:00:00Z,12\n", "iso.csv");
      expect(iso.points[1]).to.deep.equal({ t: 3600, price: 12 });
      expect(iso.name).to.equal("iso");
    });

    it("rejects bad CSV rows with the file, line and problem", function () {
      expect(() => parsePathCsv("1,3000\n2,abc\n", "x.csv")).to.throw(PricePathError, "x.csv:2: price 'abc'");
      expect(() => parsePathCsv("5,3000\n5,2000\n", "x.csv")).to.throw(
        PricePathError,
        "x.csv:2: timestamp 5 is not after",
      );
      expect(() => parsePathCsv("1,3000,9\n", "x.csv")).to.throw(PricePathError, "x.csv:1: expected 2 columns");
      expect(() => parsePathCsv("1,3000\nyesterday,3000\n", "x.csv")).to.throw(PricePathError, "neither Unix seconds");
      expect(() => parsePathCsv("1,3000\n", "x.csv")).to.throw(PricePathError, "at least 2 rows");
      expect(() => parsePathCsv("1,-5\n2,1\n", "x.csv")).to.throw(PricePathError, "x.csv:1: price '-5'");
    });
  });

  describe("book", function () {
    it("is the same for a seed, opens every position at or above the initial ratio, sizes log-normal", function () {
      const book = generateBook(BOOK);
      expect(generateBook(BOOK)).to.deep.equal(book);
      expect(book).to.have.length(200);
      for (const p of book) {
        // Ratio recomputed from the amounts: collateral value / debt.
        const ratio = ((Number(p.collateralAssets) / 1e18) * 3000) / (Number(p.debtAssets) / 1e6);
        expect(ratio).to.be.within(1.4, 1.55 + 1e-6);
      }
      const sizes = book.map((p) => Number(p.collateralAssets) / 1e18).sort((a, b) => a - b);
      const median = sizes[100]!;
      expect(median).to.be.within(5, 12);
      expect(sizes[199]! / median).to.be.greaterThan(4); // a long right tail
      expect(generateBook({ ...BOOK, seed: 4 })).to.not.deep.equal(book);
    });

    it("refuses a book size outside 1..5000", function () {
      expect(() => generateBook({ ...BOOK, positions: 0 })).to.throw(RangeError, "positions must be an integer");
    });
  });

  describe("options", function () {
    const error = (args: string[]) => {
      try {
        parseDemoOptions(args);
      } catch (e) {
        expect(e).to.be.instanceOf(DemoOptionError);
        return (e as Error).message;
      }
      throw new Error(`no error for ${args.join(" ")}`);
    };

    it("defaults to 200 positions on crash-40 with every policy", function () {
      const { config, help, out } = parseDemoOptions([]);
      expect([config.positions, config.path.name, config.policies.length, help, out]).to.deep.equal([
        200,
        "crash-40",
        3,
        false,
        undefined,
      ]);
    });

    it("names the flag in every error", function () {
      expect(error(["--nope"])).to.contain("--nope");
      expect(error(["--positions", "0"])).to.contain("--positions");
      expect(error(["--seed", "-1"])).to.contain("--seed");
      expect(error(["--blocks-per-step", "x"])).to.contain("--blocks-per-step");
      expect(error(["--policy", "aave"]))
        .to.contain("--policy")
        .and.contain("aave");
      expect(error(["--path", "/no/such.csv"])).to.contain("--path");
      expect(error(["--top-up-probability", "2"])).to.contain("--top-up-probability");
      expect(error(["--workers", "0"])).to.contain("--workers");
    });

    it("prices gas at a mainnet crash level by default, at a preset or at a number of gwei", function () {
      expect(parseDemoOptions([]).config.gasPriceGwei).to.equal(GAS_PRICE_PRESETS.mainnet);
      expect(parseDemoOptions(["--gas-price-gwei", "l2"]).config.gasPriceGwei).to.equal(GAS_PRICE_PRESETS.l2);
      expect(parseDemoOptions(["--gas-price-gwei", "mainnet"]).config.gasPriceGwei).to.equal(50);
      expect(parseDemoOptions(["--gas-price-gwei", "120"]).config.gasPriceGwei).to.equal(120);
      expect(parseDemoOptions(["--gas-price-gwei", "0.005"]).config.gasPriceGwei).to.equal(0.005);
      expect(gweiToWei(0.005)).to.equal(5_000_000n);
      expect(gweiToWei(50)).to.equal(50_000_000_000n);
      for (const bad of ["0", "1001", "abc", "1e3", "base"]) {
        expect(error(["--gas-price-gwei", bad]), bad)
          .to.contain("--gas-price-gwei")
          .and.contain(`'${bad}'`);
      }
      // Node's parser reads "-1" as an option and says so, naming the flag.
      expect(error(["--gas-price-gwei", "-1"])).to.contain("--gas-price-gwei");
    });

    it("runs the policies one per core by default, and as many at once as --workers says", function () {
      expect(parseDemoOptions([]).workers).to.equal(Math.max(1, availableParallelism()));
      expect(parseDemoOptions(["--workers", "1"]).workers).to.equal(1);
    });

    it("parses policy lists", function () {
      expect(parsePolicies("full,incremental")).to.deep.equal(["full", "incremental"]);
      expect(parseDemoOptions(["--policy", "full", "--path", "flash-crash"]).config.policies).to.deep.equal(["full"]);
    });
  });

  it("keyed draws depend only on seed and keys", function () {
    expect(keyedUniform(1, 5, 7)).to.equal(keyedUniform(1, 5, 7));
    expect(keyedUniform(1, 5, 7)).to.not.equal(keyedUniform(1, 7, 5));
    const draws = Array.from({ length: 2000 }, (_, i) => keyedUniform(9, i, 3));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).to.be.lessThan(0.03);
  });
});
