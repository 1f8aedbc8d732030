/**
 * The report's charts, rendered server-side by Apache ECharts to SVG strings (no DOM, no network): they are inlined
 * in report.html, which then needs nothing else to be viewed.
 *
 * Units: time in hours from the path's start; prices in USDC per WETH; amounts in USDC.
 */
import * as echarts from "echarts";

import type { PolicyRun } from "./simulation.js";

const WIDTH = 900;
const HEIGHT = 360;
/** A 1e36-scaled price of WETH (18 decimals) in USDC (6 decimals), as USDC per WETH: `price / 1e24`. */
export const usdPerWeth = (price: bigint): number => Number(price / 10n ** 20n) / 1e4;
/** One colour per policy, in the order of the runs. */
const COLORS = ["#1f77b4", "#ff7f0e", "#d62728", "#2ca02c"];

/** Renders one chart option to an SVG string. */
function render(option: echarts.EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
  chart.setOption({ animation: false, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

const hours = (seconds: number): number => Math.round((seconds / 3600) * 1000) / 1000;

function base(title: string, yName: string): echarts.EChartsOption {
  return {
    title: { text: title, left: "center", top: 4, textStyle: { fontSize: 14 } },
    legend: { top: 30 },
    grid: { left: 70, right: 30, top: 75, bottom: 45 },
    xAxis: { type: "value", name: "hours", nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", name: yName, scale: true },
  };
}

/** Oracle price along the path, each policy's tranches marked at their time and price. */
export function pricePathChart(runs: readonly PolicyRun[]): string {
  const steps = runs[0]?.steps ?? [];
  return render({
    ...base("Oracle price, with each tranche marked", "USDC per WETH"),
    series: [
      {
        name: "oracle price",
        type: "line",
        showSymbol: false,
        lineStyle: { color: "#333" },
        itemStyle: { color: "#333" },
        data: steps.map((s) => [hours(s.t), s.oraclePrice]),
      },
      ...runs.map((run, i) => ({
        name: `${run.policy.name} tranches`,
        type: "scatter" as const,
        symbolSize: 5,
        itemStyle: { color: COLORS[i % COLORS.length], opacity: 0.6 },
        // Jitter each policy a little in time so the markers of the three policies do not hide each other.
        data: run.tranches.map((t) => [hours(t.t) + (i - 1) * 0.02, usdPerWeth(t.oraclePrice)]),
      })),
    ],
  });
}

/** Aggregate collateral ratio of the book (total collateral value / total debt) per policy. */
export function aggregateRatioChart(runs: readonly PolicyRun[]): string {
  return render({
    ...base("Aggregate collateral ratio of the book", "ratio"),
    series: runs.map((run, i) => ({
      name: run.policy.name,
      type: "line" as const,
      showSymbol: false,
      lineStyle: { color: COLORS[i % COLORS.length] },
      itemStyle: { color: COLORS[i % COLORS.length] },
      data: run.steps.filter((s) => Number.isFinite(s.aggregateRatio)).map((s) => [hours(s.t), s.aggregateRatio]),
    })),
  });
}

/** Cumulative borrower loss per policy. */
export function borrowerLossChart(runs: readonly PolicyRun[]): string {
  return render({
    ...base("Cumulative borrower loss", "USDC"),
    series: runs.map((run, i) => ({
      name: run.policy.name,
      type: "line" as const,
      showSymbol: false,
      lineStyle: { color: COLORS[i % COLORS.length] },
      itemStyle: { color: COLORS[i % COLORS.length] },
      data: run.steps.map((s) => [hours(s.t), Number(s.borrowerLoss) / 1e6]),
    })),
  });
}

/** The Uniswap pool's price against the oracle price, per policy (after the keeper's sales each step). */
export function poolVsOracleChart(runs: readonly PolicyRun[]): string {
  const steps = runs[0]?.steps ?? [];
  return render({
    ...base("Uniswap pool price vs oracle price", "USDC per WETH"),
    series: [
      {
        name: "oracle",
        type: "line",
        showSymbol: false,
        lineStyle: { color: "#333", type: "dashed" },
        itemStyle: { color: "#333" },
        data: steps.map((s) => [hours(s.t), s.oraclePrice]),
      },
      ...runs.map((run, i) => ({
        name: `pool (${run.policy.name})`,
        type: "line" as const,
        showSymbol: false,
        lineStyle: { color: COLORS[i % COLORS.length] },
        itemStyle: { color: COLORS[i % COLORS.length] },
        data: run.steps.map((s) => [hours(s.t), Math.round(s.poolPrice * 100) / 100]),
      })),
    ],
  });
}
