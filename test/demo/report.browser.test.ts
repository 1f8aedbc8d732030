import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { expect } from "chai";
import { chromium, type Browser } from "playwright-core";

import { writeReport } from "../../src/demo/report.js";
import { DEFAULT_SIMULATION, simulate, type SimulationConfig } from "../../src/demo/simulation.js";

/** Debian's chromium (installed by `npm run setup`), or CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** This test's output folder (reports/ is git-ignored). */
const OUTPUT = resolve("reports", "test-output", "demo-browser");

const CONFIG: SimulationConfig = {
  ...DEFAULT_SIMULATION,
  positions: 6,
  seed: 5,
  path: {
    name: "test-crash",
    points: [
      { t: 0, price: 3000 },
      { t: 1800, price: 2200 },
      { t: 3600, price: 2200 },
    ],
  },
  poolWeth: 300,
};

describe("demo report in headless Chromium", function () {
  this.timeout(120_000);
  let browser: Browser | undefined;

  after(async function () {
    await browser?.close();
  });

  it("renders the four charts and the metrics table, and saves a screenshot", async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: run \`npm run setup\` (installs Debian's chromium with apt-get), or ` +
          "`apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium binary",
      );
    }
    const { runs } = await simulate(CONFIG);
    const html = writeReport(OUTPUT, { config: CONFIG, runs, totalSeconds: 0, createdAt: "test" });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // Offline: any request the page makes would be a dependency on the network.
    const requests: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) requests.push(request.url());
    });
    await page.goto(pathToFileURL(html).href);

    const charts = page.locator("figure.chart svg");
    expect(await charts.count()).to.equal(4);
    for (let i = 0; i < 4; i++) {
      const chart = charts.nth(i);
      const box = await chart.boundingBox();
      expect(box?.width, `chart ${i} width`).to.be.greaterThan(800);
      expect(box?.height, `chart ${i} height`).to.be.greaterThan(300);
      // Lines, axes and markers are SVG paths: a chart with its data drawn has many.
      expect(await chart.locator("path").count(), `chart ${i} paths`).to.be.greaterThan(10);
    }
    const titles = await page.locator("figure.chart svg text").allTextContents();
    expect(titles).to.include.members([
      "Oracle price, with each tranche marked",
      "Aggregate collateral ratio of the book",
      "Cumulative borrower loss",
      "Uniswap pool price vs oracle price",
    ]);
    const headers = await page.locator("#metrics th").allTextContents();
    expect(headers).to.deep.equal(["metric", "incremental", "close-factor-50", "full"]);
    expect(errors).to.deep.equal([]);
    expect(requests).to.deep.equal([]);

    mkdirSync(OUTPUT, { recursive: true });
    const screenshot = join(OUTPUT, "report.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).to.equal(true);
  });
});
