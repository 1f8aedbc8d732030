/**
 * Price paths: the two built-in synthetic paths and user-supplied CSV files of `timestamp,price`.
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

/** A named path; points strictly increasing in time, starting at t = 0. */
export interface PricePath {
  name: string;
  points: readonly PricePoint[];
}

/** The built-in paths' names. */
export const BUILTIN_PATHS = ["crash-40", "flash-crash"] as const;
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
  const rng = new DemoRng(seed ^ 0x5eed);
  const interval = 5 * MINUTE;
  const crashSeconds = 6 * HOUR;
  const n = crashSeconds / interval;
  const drift = Math.log(0.6) / n;
  const shocks: number[] = [0];
  for (let i = 1; i <= n; i++) shocks.push((shocks[i - 1] ?? 0) + 0.004 * rng.normal());
  const last = shocks[n] ?? 0;
  const points: PricePoint[] = [];
  for (let i = 0; i <= n; i++) {
    // A Brownian bridge: the noise is zero at both ends, so the crash is exactly 40 %.
    const bridge = (shocks[i] ?? 0) - (last * i) / n;
    points.push({ t: i * interval, price: startPrice * Math.exp(drift * i + bridge) });
  }
  points.push({ t: crashSeconds + HOUR, price: startPrice * 0.6 });
  return { name: "crash-40", points };
}

/** A flash crash: flat 10 minutes, −30 % in 10 minutes, 10 minutes at the bottom, back to the start within the hour, 30 flat minutes. */
export function flashCrashPath(startPrice: number): PricePath {
  return {
    name: "flash-crash",
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

/** A built-in path by name. */
export function builtinPath(name: BuiltinPathName, startPrice: number, seed: number): PricePath {
  return name === "crash-40" ? crashPath(startPrice, seed) : flashCrashPath(startPrice);
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
