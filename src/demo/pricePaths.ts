/**
 * Price paths: the built-in synthetic paths and user-supplied CSV files of `timestamp,price`.
 *
 * Units: time in seconds from the start of the path; prices in quote units per collateral unit as plain numbers
 * (e.g. 3000 = 3,000 USDC per WETH).
 */
import { DemoRng } from "./rng.js";

/** One point of a path. */
export interface PricePoint {
  /** Seconds since the path's first point. */
  t: number;
  /** Quote units per collateral unit (e.g. USDC per WETH). */
  price: number;
}

/**
 * A named path; points strictly increasing in time, starting at t = 0. `blocksPerStep`, when set, is the step the
 * path is meant to be simulated at (12-second blocks per step; `--blocks-per-step` overrides it): 1 for a path whose
 * moves take minutes (the keeper acts every block), more for one that takes days.
 */
export interface PricePath {
  name: string;
  points: readonly PricePoint[];
  blocksPerStep?: number;
}

/** The built-in paths' names. */
export const BUILTIN_PATHS = [
  "crash-40",
  "flash-crash",
  "gap-down",
  "v-shape",
  "slow-bleed",
  "double-dip",
  "random-walk",
] as const;
export type BuiltinPathName = (typeof BUILTIN_PATHS)[number];

/** Raised for a path that cannot be used; the message names the file, line and problem. */
export class PricePathError extends Error {
  override name = "PricePathError";
}

const MINUTE = 60;
const HOUR = 3600;

/**
 * A 40 % crash over 6 hours: a straight decline in log-price with seeded noise (0.4 % per 5 minutes, pinned at both
 * ends), then one flat hour at the bottom so pending liquidations can finish.
 */
export function crashPath(startPrice: number, seed: number): PricePath {
  const points = bridgedDecline(startPrice, 0.6, (6 * HOUR) / (5 * MINUTE), 5 * MINUTE, 0.004, seed ^ 0x5eed);
  points.push({ t: 7 * HOUR, price: startPrice * 0.6 });
  return { name: "crash-40", points };
}

/**
 * A flash crash: flat 10 minutes, −30 % in 10 minutes, 10 minutes at the bottom, back to the start within the hour,
 * 30 flat minutes. At block resolution (a step per 12-s block): a fall this fast measured in 300-s steps measures the
 * step, not the engine (positions fall past `1 + bonus` between two keeper passes).
 */
export function flashCrashPath(startPrice: number): PricePath {
  return {
    name: "flash-crash",
    blocksPerStep: 1,
    points: [
      { t: 0, price: startPrice },
      { t: 10 * MINUTE, price: startPrice },
      { t: 20 * MINUTE, price: startPrice * 0.7 },
      { t: 30 * MINUTE, price: startPrice * 0.7 },
      { t: 60 * MINUTE, price: startPrice },
      { t: 90 * MINUTE, price: startPrice },
    ],
  };
}

/**
 * A gap down: 10 flat minutes, then the price is 25 % lower from one block to the next (an oracle update after a
 * weekend or an exchange halt), then 50 flat minutes. At block resolution: what happens in the blocks right after
 * the gap is the point.
 */
export function gapDownPath(startPrice: number): PricePath {
  return {
    name: "gap-down",
    blocksPerStep: 1,
    points: [
      { t: 0, price: startPrice },
      { t: 10 * MINUTE, price: startPrice },
      { t: 10 * MINUTE + 12, price: startPrice * 0.75 },
      { t: HOUR, price: startPrice * 0.75 },
    ],
  };
}

/**
 * A V: 5 flat minutes, −35 % in 5 minutes, back to the start over the next 50 minutes, 30 flat minutes. At block
 * resolution (a 300-s step would see the bottom once).
 */
export function vShapePath(startPrice: number): PricePath {
  return {
    name: "v-shape",
    blocksPerStep: 1,
    points: [
      { t: 0, price: startPrice },
      { t: 5 * MINUTE, price: startPrice },
      { t: 10 * MINUTE, price: startPrice * 0.65 },
      { t: HOUR, price: startPrice },
      { t: HOUR + 30 * MINUTE, price: startPrice },
    ],
  };
}

/**
 * A slow bleed: −45 % over 3 days as a straight decline in log-price with seeded noise (1 % per hour, pinned at both
 * ends), then a flat day. Hourly steps (300 blocks).
 */
export function slowBleedPath(startPrice: number, seed: number): PricePath {
  const points = bridgedDecline(startPrice, 0.55, 72, HOUR, 0.01, seed ^ 0xb1eed);
  points.push({ t: 96 * HOUR, price: startPrice * 0.55 });
  return { name: "slow-bleed", blocksPerStep: 300, points };
}

/**
 * A double dip: −25 % over 2 hours, half of it regained over the next 2 hours, then −35 % from there over 2 hours
 * (to 0.56 of the start), and an hour flat; straight lines between the turns. 300-s steps.
 */
export function doubleDipPath(startPrice: number): PricePath {
  return {
    name: "double-dip",
    points: [
      { t: 0, price: startPrice },
      { t: 2 * HOUR, price: startPrice * 0.75 },
      { t: 4 * HOUR, price: startPrice * 0.875 },
      { t: 6 * HOUR, price: startPrice * 0.56875 },
      { t: 7 * HOUR, price: startPrice * 0.56875 },
    ],
  };
}

/**
 * A seeded random walk with jumps over 8 hours, one point per minute: log-returns with a volatility of 0.3 % per
 * minute and a downward drift of 0.01 % per minute, plus a jump with probability 0.5 % per minute of −5 % to −15 %
 * (uniform). The same seed gives the same walk. 60-s steps (5 blocks).
 */
export function randomWalkPath(startPrice: number, seed: number): PricePath {
  const rng = new DemoRng(seed ^ 0x3a1c);
  const points: PricePoint[] = [{ t: 0, price: startPrice }];
  let logPrice = Math.log(startPrice);
  for (let minute = 1; minute <= 8 * 60; minute++) {
    logPrice += -0.0001 + 0.003 * rng.normal();
    if (rng.next() < 0.005) logPrice += Math.log(1 - (0.05 + 0.1 * rng.next()));
    points.push({ t: minute * MINUTE, price: Math.exp(logPrice) });
  }
  return { name: "random-walk", blocksPerStep: 5, points };
}

/**
 * `steps` points `interval` apart falling from `startPrice` to `startPrice * endFactor` in log-price, with seeded
 * noise of `volatility` per interval as a Brownian bridge (zero at both ends).
 */
function bridgedDecline(
  startPrice: number,
  endFactor: number,
  steps: number,
  interval: number,
  volatility: number,
  seed: number,
): PricePoint[] {
  const rng = new DemoRng(seed);
  const drift = Math.log(endFactor) / steps;
  const shocks: number[] = [0];
  for (let i = 1; i <= steps; i++) shocks.push((shocks[i - 1] ?? 0) + volatility * rng.normal());
  const last = shocks[steps] ?? 0;
  const points: PricePoint[] = [];
  for (let i = 0; i <= steps; i++) {
    const bridge = (shocks[i] ?? 0) - (last * i) / steps;
    points.push({ t: i * interval, price: startPrice * Math.exp(drift * i + bridge) });
  }
  return points;
}

/** A built-in path by name (`seed` shapes the noise of the paths that have it). */
export function builtinPath(name: BuiltinPathName, startPrice: number, seed: number): PricePath {
  switch (name) {
    case "crash-40":
      return crashPath(startPrice, seed);
    case "flash-crash":
      return flashCrashPath(startPrice);
    case "gap-down":
      return gapDownPath(startPrice);
    case "v-shape":
      return vShapePath(startPrice);
    case "slow-bleed":
      return slowBleedPath(startPrice, seed);
    case "double-dip":
      return doubleDipPath(startPrice);
    case "random-walk":
      return randomWalkPath(startPrice, seed);
  }
}

/**
 * Parses a CSV of `timestamp,price` (an optional header line; `#` comments and blank lines skipped). Timestamps are
 * Unix seconds or ISO-8601 dates, strictly increasing; prices positive decimals. Times are made relative to the first.
 * @param source names the file in error messages.
 */
export function parsePathCsv(text: string, source: string): PricePath {
  const rows: PricePoint[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = `${source}:${index + 1}`;
    if (line === "" || line.startsWith("#")) return;
    const cells = line.split(",").map((cell) => cell.trim());
    if (rows.length === 0 && cells[0] !== undefined && /^[a-z_ ]+$/i.test(cells[0])) return; // header
    if (cells.length !== 2)
      throw new PricePathError(`${where}: expected 2 columns 'timestamp,price', got ${cells.length}`);
    const [timeCell, priceCell] = cells as [string, string];
    const seconds = /^\d+(\.\d+)?$/.test(timeCell) ? Number(timeCell) : Date.parse(timeCell) / 1000;
    if (!Number.isFinite(seconds)) {
      throw new PricePathError(`${where}: timestamp '${timeCell}' is neither Unix seconds nor an ISO-8601 date`);
    }
    if (!/^\d+(\.\d+)?$/.test(priceCell) || !(Number(priceCell) > 0)) {
      throw new PricePathError(`${where}: price '${priceCell}' is not a positive decimal number`);
    }
    const previous = rows[rows.length - 1];
    if (previous !== undefined && seconds <= previous.t) {
      throw new PricePathError(`${where}: timestamp ${timeCell} is not after the previous row's`);
    }
    rows.push({ t: seconds, price: Number(priceCell) });
  });
  if (rows.length < 2) throw new PricePathError(`${source}: a path needs at least 2 rows, found ${rows.length}`);
  const start = rows[0]!.t;
  const name = source.replace(/^.*[\\/]/, "").replace(/\.csv$/i, "");
  return { name, points: rows.map((row) => ({ t: row.t - start, price: row.price })) };
}

/** The path's length in seconds. */
export function pathDuration(path: PricePath): number {
  return path.points[path.points.length - 1]?.t ?? 0;
}

/** The price at `t` seconds, linearly interpolated (flat before the first and after the last point). */
export function priceAt(path: PricePath, t: number): number {
  const { points } = path;
  const first = points[0];
  if (first === undefined) throw new PricePathError(`path ${path.name} has no points`);
  if (t <= first.t) return first.price;
  for (let i = 1; i < points.length; i++) {
    const b = points[i]!;
    if (t <= b.t) {
      const a = points[i - 1]!;
      return a.price + ((b.price - a.price) * (t - a.t)) / (b.t - a.t);
    }
  }
  return points[points.length - 1]!.price;
}

/** The path sampled every `stepSeconds`, from 0 to its end (inclusive). */
export function sampleSteps(path: PricePath, stepSeconds: number): PricePoint[] {
  if (!(stepSeconds > 0)) throw new RangeError(`stepSeconds must be positive, got ${stepSeconds}`);
  const steps: PricePoint[] = [];
  const duration = pathDuration(path);
  for (let t = 0; t <= duration; t += stepSeconds) steps.push({ t, price: priceAt(path, t) });
  return steps;
}
