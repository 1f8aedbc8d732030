/**
 * The committed gas snapshot (`bench/gas-snapshot.json`) and its comparison with a fresh measurement. A function
 * fails the check when its gas grew by more than the tolerance (1 % by default: +1 % passes, +1.01 % fails), or
 * when it was added to or removed from the measurement without the snapshot being rewritten.
 */
import { readFileSync, writeFileSync } from "node:fs";

/** Where the snapshot lives, from the repository root. */
export const SNAPSHOT_PATH = "bench/gas-snapshot.json";
/** Largest growth that passes, in percent. */
export const DEFAULT_TOLERANCE_PCT = 1;

/** The snapshot file: what was measured and the gas of each function (whole transactions, or `eth_estimateGas`). */
export interface GasSnapshot {
  /** How the numbers were measured (build, chain, scenario). */
  measuredWith: string;
  /** Function label → gas. */
  gas: Record<string, number>;
}

/** One function's change between the snapshot and the measurement. */
export interface GasChange {
  name: string;
  before: number;
  after: number;
  /** (after − before) / before, in percent. */
  changePct: number;
}

/** The comparison: `ok` is false when anything grew past the tolerance, or was added or removed. */
export interface SnapshotDiff {
  ok: boolean;
  grown: GasChange[];
  /** Changes within the tolerance and decreases (informational). */
  changedWithinTolerance: GasChange[];
  added: string[];
  removed: string[];
}

/** Thrown when the snapshot file is missing or malformed; the message names the problem. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

/** Checks that `value` has the snapshot's shape (every gas figure a non-negative integer). */
export function parseSnapshot(value: unknown, source: string): GasSnapshot {
  if (typeof value !== "object" || value === null) throw new SnapshotError(`${source}: not a JSON object`);
  const { measuredWith, gas } = value as Record<string, unknown>;
  if (typeof measuredWith !== "string") throw new SnapshotError(`${source}: "measuredWith" must be a string`);
  if (typeof gas !== "object" || gas === null || Array.isArray(gas)) {
    throw new SnapshotError(`${source}: "gas" must be an object of function name → gas`);
  }
  for (const [name, used] of Object.entries(gas)) {
    if (typeof used !== "number" || !Number.isInteger(used) || used < 0) {
      throw new SnapshotError(
        `${source}: gas of "${name}" must be a non-negative integer, got ${JSON.stringify(used)}`,
      );
    }
  }
  return { measuredWith, gas: gas as Record<string, number> };
}

/** Reads the snapshot at `path`. */
export function readSnapshot(path: string = SNAPSHOT_PATH): GasSnapshot {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SnapshotError(`${path} not found: run \`npm run gas:snapshot\` to write it`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${path}: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseSnapshot(json, path);
}

/** Writes `snapshot` to `path` with sorted names, one per line, so a diff shows each change. */
export function writeSnapshot(snapshot: GasSnapshot, path: string = SNAPSHOT_PATH): void {
  const gas = Object.fromEntries(Object.entries(snapshot.gas).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(path, `${JSON.stringify({ measuredWith: snapshot.measuredWith, gas }, null, 2)}\n`);
}

/**
 * Compares a fresh `measured` map with the `snapshot`: growth above `tolerancePct` percent fails (exact integer
 * comparison: `(after − before) · 100 > before · tolerancePct`), as does any added or removed name.
 */
export function compareSnapshot(
  snapshot: Record<string, number>,
  measured: Record<string, number>,
  tolerancePct: number = DEFAULT_TOLERANCE_PCT,
): SnapshotDiff {
  if (!(tolerancePct >= 0)) throw new SnapshotError(`tolerance must be a non-negative percentage, got ${tolerancePct}`);
  const grown: GasChange[] = [];
  const changedWithinTolerance: GasChange[] = [];
  const names = Object.keys(measured).sort();
  for (const name of names) {
    const before = snapshot[name];
    const after = measured[name]!;
    if (before === undefined || before === after) continue;
    const change: GasChange = {
      name,
      before,
      after,
      changePct: before === 0 ? Infinity : ((after - before) / before) * 100,
    };
    if ((after - before) * 100 > before * tolerancePct) grown.push(change);
    else changedWithinTolerance.push(change);
  }
  const added = names.filter((name) => snapshot[name] === undefined);
  const removed = Object.keys(snapshot)
    .filter((name) => measured[name] === undefined)
    .sort();
  return {
    ok: grown.length === 0 && added.length === 0 && removed.length === 0,
    grown,
    changedWithinTolerance,
    added,
    removed,
  };
}

const fmt = (n: number): string => n.toLocaleString("en-US");
const pct = (n: number): string => `${n >= 0 ? "+" : ""}${n.toFixed(2)} %`;

/** Human-readable lines for a diff: every failure named, then the changes within tolerance. */
export function describeDiff(diff: SnapshotDiff, tolerancePct: number = DEFAULT_TOLERANCE_PCT): string[] {
  return [
    ...diff.grown.map(
      (c) =>
        `FAIL ${c.name}: ${fmt(c.before)} → ${fmt(c.after)} gas (${pct(c.changePct)}, more than +${tolerancePct} %)`,
    ),
    ...diff.added.map((name) => `FAIL ${name}: measured but not in the snapshot (added)`),
    ...diff.removed.map((name) => `FAIL ${name}: in the snapshot but no longer measured (removed)`),
    ...diff.changedWithinTolerance.map(
      (c) => `ok   ${c.name}: ${fmt(c.before)} → ${fmt(c.after)} gas (${pct(c.changePct)})`,
    ),
  ];
}
