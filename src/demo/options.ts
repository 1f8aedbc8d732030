/**
 * Command-line options of `npm run demo`: parsed and checked once, each error naming its flag.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

import { POLICY_NAMES, parsePolicies } from "./policies.js";
import { BUILTIN_PATHS, builtinPath, parsePathCsv, type BuiltinPathName, type PricePath } from "./pricePaths.js";
import {
  DEFAULT_SIMULATION,
  GAS_PRICE_PRESETS,
  MAX_GAS_PRICE_GWEI,
  MIN_GAS_PRICE_GWEI,
  type SimulationConfig,
} from "./simulation.js";
import { SWEEP_POSITIONS, SWEEP_SEEDS, type SweepConfig } from "./sweep.js";

/** Raised for bad command-line input; the message names the flag. */
export class DemoOptionError extends Error {
  override name = "DemoOptionError";
}

/** Parsed options: the simulation's config and where to write the report. */
export interface DemoOptions {
  help: boolean;
  config: SimulationConfig;
  /** Output folder; undefined = `reports/<timestamp>`. */
  out: string | undefined;
  /** Policies run at the same time, each in its own process and chain (results do not depend on it). */
  workers: number;
  /** `--sweep`: what it runs (then `config` is unused). */
  sweep: SweepConfig | undefined;
}

/** Default `--workers`: one per core, at least 1. */
export const DEFAULT_WORKERS = Math.max(1, availableParallelism());

/** The starting price of the built-in paths, USDC per WETH. */
export const BUILTIN_START_PRICE = 3000;

/** The built-in paths' own steps, e.g. "gap-down, v-shape 1; random-walk 5", from the paths themselves. */
function ownSteps(): string {
  const byStep = new Map<number, string[]>();
  for (const name of BUILTIN_PATHS) {
    const step = builtinPath(name, BUILTIN_START_PRICE, DEFAULT_SIMULATION.seed).blocksPerStep;
    if (step !== undefined) byStep.set(step, [...(byStep.get(step) ?? []), name]);
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, names]) => `${names.join(", ")} ${step}`)
    .join("; ");
}

export function demoUsage(): string {
  return `usage: npm run demo -- [options]

Replays a price path against a book of borrower positions on an in-process chain, once per liquidation policy
(from the same snapshot), with the real keeper liquidating through the FlashLiquidator on a Uniswap V3 pool.

  --positions N           positions in the book (1..5000)                     default ${DEFAULT_SIMULATION.positions}
  --seed N                seed of the book, the path noise and top-ups        default ${DEFAULT_SIMULATION.seed}
  --path NAME|FILE        a built-in path (${BUILTIN_PATHS.slice(0, 4).join(", ")},
                          ${BUILTIN_PATHS.slice(4).join(", ")}; docs/demo.md)
                          or a CSV file of timestamp,price (Unix seconds or ISO dates)   default crash-40
  --policy LIST           all | comma-separated: incremental,close-factor-50,full,aave-v4
                                                        default incremental,close-factor-50,full
  --blocks-per-step N     12-second blocks per step (1..300)                  default the path's own
                          (${ownSteps()}; else ${DEFAULT_SIMULATION.blocksPerStep})
  --top-up-probability P  chance an owner tops up after a tranche (0..1)      default ${DEFAULT_SIMULATION.topUpProbability}
  --gas-price-gwei G      gas price every transaction pays, gwei, or a preset:
                          mainnet (${GAS_PRICE_PRESETS.mainnet}, a crash-day level) | l2 (${GAS_PRICE_PRESETS.l2})    default mainnet
  --out DIR               report folder                                       default reports/<timestamp>
  --workers N             policies run at once, one process each (1..16)      default ${DEFAULT_WORKERS} (the cores)
  --sweep                 every built-in path x seeds ${SWEEP_SEEDS[0]}-${SWEEP_SEEDS.at(-1)} x every policy on a ${SWEEP_POSITIONS}-position book
                          (--positions to change it), one matrix of ratios to incremental, in the terminal and
                          in <out>/sweep.html; takes --gas-price-gwei, --top-up-probability, --workers, --out
  -h, --help              this text`;
}

function integer(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new DemoOptionError(`${flag} must be an integer in ${min}..${max}, got '${value}'`);
  }
  return Number(value);
}

/** `--gas-price-gwei`: a preset's name or a number of gwei within the simulation's bounds. */
function gasPrice(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SIMULATION.gasPriceGwei;
  if (Object.hasOwn(GAS_PRICE_PRESETS, value)) return GAS_PRICE_PRESETS[value as keyof typeof GAS_PRICE_PRESETS];
  const gwei = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(gwei >= MIN_GAS_PRICE_GWEI && gwei <= MAX_GAS_PRICE_GWEI)) {
    throw new DemoOptionError(
      `--gas-price-gwei must be ${Object.keys(GAS_PRICE_PRESETS).join(" or ")} or a number of gwei in ` +
        `${MIN_GAS_PRICE_GWEI}..${MAX_GAS_PRICE_GWEI}, got '${value}'`,
    );
  }
  return gwei;
}

function loadPath(value: string, seed: number): PricePath {
  if ((BUILTIN_PATHS as readonly string[]).includes(value)) {
    return builtinPath(value as BuiltinPathName, BUILTIN_START_PRICE, seed);
  }
  let text: string;
  try {
    text = readFileSync(value, "utf8");
  } catch {
    throw new DemoOptionError(
      `--path '${value}' is neither a built-in path (${BUILTIN_PATHS.join(", ")}) nor a readable CSV file`,
    );
  }
  try {
    return parsePathCsv(text, value);
  } catch (error) {
    throw new DemoOptionError(`--path: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses `argv` (without node and the script). */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        positions: { type: "string" },
        seed: { type: "string" },
        path: { type: "string" },
        policy: { type: "string" },
        "blocks-per-step": { type: "string" },
        "top-up-probability": { type: "string" },
        "gas-price-gwei": { type: "string" },
        out: { type: "string" },
        workers: { type: "string" },
        sweep: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    // node's messages name the flag: "Unknown option '--x'", "Option '--seed <value>' argument missing".
    throw new DemoOptionError(error instanceof Error ? error.message : String(error));
  }
  const str = (key: string): string | undefined => {
    const v = values[key];
    return typeof v === "string" ? v : undefined;
  };
  const sweep = values.sweep === true;
  if (sweep) {
    const fixed = ["seed", "path", "policy", "blocks-per-step"].filter((key) => values[key] !== undefined);
    if (fixed.length > 0) {
      throw new DemoOptionError(
        `--sweep runs every built-in path at its own step, seeds ${SWEEP_SEEDS.join(", ")} and every policy: ` +
          `it cannot be combined with ${fixed.map((key) => `--${key}`).join(", ")}`,
      );
    }
  }
  const seed = integer("--seed", str("seed"), DEFAULT_SIMULATION.seed, 0, 2 ** 32 - 1);
  const topUp = str("top-up-probability");
  const topUpProbability = topUp === undefined ? DEFAULT_SIMULATION.topUpProbability : Number(topUp);
  if (topUp !== undefined && (!/^\d*\.?\d+$/.test(topUp) || topUpProbability > 1)) {
    throw new DemoOptionError(`--top-up-probability must be a number in [0, 1], got '${topUp}'`);
  }
  let policies = DEFAULT_SIMULATION.policies;
  const policyValue = str("policy");
  if (policyValue !== undefined) {
    try {
      policies = parsePolicies(policyValue);
    } catch (error) {
      throw new DemoOptionError(`--policy: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const path = loadPath(str("path") ?? "crash-40", seed);
  const out = str("out");
  if (out !== undefined && out.trim() === "") throw new DemoOptionError("--out must not be empty");
  const positions = integer(
    "--positions",
    str("positions"),
    sweep ? SWEEP_POSITIONS : DEFAULT_SIMULATION.positions,
    1,
    5000,
  );
  const gasPriceGwei = gasPrice(str("gas-price-gwei"));
  return {
    help: values.help === true,
    out,
    workers: integer("--workers", str("workers"), DEFAULT_WORKERS, 1, 16),
    sweep: sweep
      ? {
          positions,
          seeds: SWEEP_SEEDS,
          paths: BUILTIN_PATHS,
          policies: POLICY_NAMES,
          gasPriceGwei,
          topUpProbability,
          startPrice: BUILTIN_START_PRICE,
        }
      : undefined,
    config: {
      ...DEFAULT_SIMULATION,
      positions,
      seed,
      path,
      policies,
      // The path's own step when it has one (block resolution for the fast built-in paths), else the default.
      blocksPerStep: integer(
        "--blocks-per-step",
        str("blocks-per-step"),
        path.blocksPerStep ?? DEFAULT_SIMULATION.blocksPerStep,
        1,
        300,
      ),
      topUpProbability,
      gasPriceGwei,
    },
  };
}
