/**
 * The deployment parameter files (`deploy/parameters/<network>.json5`, Ignition's format: `{ Module: { field } }`,
 * big integers as `"123n"` strings) and their validation. Every field of every module is checked before anything is
 * deployed: the on-chain bounds (mirroring `TrancheMath.validateParams`, `MarginVault._validateRiskParams` and the
 * constructors of the pool, the rate model and the oracles), types and ranges, checksummed addresses, the swap path's
 * ends, and a few policies for public networks (a timelock delay of at least a day, a sequencer feed on L2s). Each
 * problem names the file, the module and the field.
 *
 * Units: WAD = 1e18 = 100 %; durations in seconds; debts and caps in quote-token units.
 */
import { readFileSync } from "node:fs";

import { getAddress, isAddress, isHexString, ZeroAddress } from "ethers";
import JSON5 from "json5";

import { MAX_TRANCHE_COOLDOWN, MAX_WINDOW, riskParamProblems, type MarketRiskParams } from "../sdk/math/riskParams.js";
import { MAX_BONUS, MAX_RATIO, WAD } from "../sdk/math/trancheMath.js";

/** `IMarginVault.RiskParams`, as the Market module passes it to `createMarket` (the SDK's definition). */
export type RiskParamsInput = MarketRiskParams;

/** A validated parameter file: every value typed, every address checksummed, every integer a bigint. */
export interface SluiceParameters {
  Governance: { proposers: string[]; executors: string[] };
  Core: {
    quoteToken: string;
    poolName: string;
    poolSymbol: string;
    reserveFactor: bigint;
    baseRatePerYear: bigint;
    slope1PerYear: bigint;
    slope2PerYear: bigint;
    kink: bigint;
    guardian: string;
    riskManager: string;
  };
  Oracles: {
    collateralToken: string;
    collateralDecimals: bigint;
    quoteDecimals: bigint;
    baseFeed: string;
    baseFeedHeartbeat: bigint;
    quoteFeed: string;
    quoteFeedHeartbeat: bigint;
    sequencerUptimeFeed: string;
    sequencerGracePeriod: bigint;
    uniswapPool: string;
    twapWindow: bigint;
    minLiquidity: bigint;
    maxDeviation: bigint;
    maxAnchorAge: bigint;
  };
  Market: { riskParams: RiskParamsInput };
  Periphery: { swapRouter: string; keeperOwner: string };
  Sluice: { minDelay: bigint; swapPath: string; maxSlippage: bigint; minProfit: bigint; upkeepForwarder: string };
  /** Present when the chain has no original V3 SwapRouter: `npm run deploy` deploys one (deploy/modules/UniswapRouter.ts). */
  UniswapRouter?: { factory: string; weth9: string };
  /** Local chains only (deploy/modules/LocalMocks.ts). */
  LocalMocks?: { ethUsdAnswer?: bigint };
}

/** What the validation needs to know about the target. */
export interface ValidationContext {
  /** The file the parameters came from (named in every problem). */
  file: string;
  /** Hardhat network name (`localhost`, `sepolia`, `mainnet`, `arbitrum`, `base`, ...). */
  network: string;
}

/** A parameter file that must not be deployed; `problems` holds one line per bad field. */
export class ParameterError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid deployment parameters:\n  ${problems.join("\n  ")}`);
    this.name = "ParameterError";
    this.problems = problems;
  }
}

// The tranche-math bounds come from the SDK's mirror of TrancheMath (one copy, held to the contract by the parity
// tests), not from a copy of their own.
export { MAX_BONUS, MAX_RATIO, MAX_TRANCHE_COOLDOWN, MAX_WINDOW, WAD };
/** `FlashLiquidator.MAX_SLIPPAGE`. */
export const MAX_SLIPPAGE = WAD / 5n;
/** `LendingPool.MAX_RESERVE_FACTOR`. */
export const MAX_RESERVE_FACTOR = WAD / 2n;
/** `InterestRateModel.MAX_BASE_RATE_PER_YEAR` and `MAX_SLOPE_PER_YEAR`. */
export const MAX_BASE_RATE_PER_YEAR = WAD;
export const MAX_SLOPE_PER_YEAR = 10n * WAD;
/** `ChainlinkOracle.MAX_DECIMALS`. */
export const MAX_DECIMALS = 18n;
/** `MarkToModelOracle.MIN_TWAP_WINDOW` and `MAX_DEVIATION_LIMIT`. */
export const MIN_TWAP_WINDOW = 1800n;
export const MAX_DEVIATION_LIMIT = WAD / 2n;
/** `MarkToModelOracle.MIN_ANCHOR_AGE_LIMIT` and `MAX_ANCHOR_AGE_LIMIT` (seconds): the bounds of `maxAnchorAge`. */
export const MIN_ANCHOR_AGE_LIMIT = 3600n;
export const MAX_ANCHOR_AGE_LIMIT = 7n * 86_400n;
/** Policy on public networks: the timelock gives users at least a day to react. */
export const MIN_PUBLIC_TIMELOCK_DELAY = 86_400n;
/** Networks where prices must be gated by a sequencer-uptime feed. */
export const L2_NETWORKS: ReadonlySet<string> = new Set(["arbitrum", "base"]);
/** Networks that are local development chains (mocks allowed, no delay policy). */
export const LOCAL_NETWORKS: ReadonlySet<string> = new Set(["localhost", "hardhat", "default", "node"]);
/** Uniswap V3 fee tiers (hundredths of a basis point). */
export const UNISWAP_FEE_TIERS: ReadonlySet<bigint> = new Set([100n, 500n, 3000n, 10_000n]);

const UINT = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

const MODULE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Governance: ["proposers", "executors"],
  Core: [
    "quoteToken",
    "poolName",
    "poolSymbol",
    "reserveFactor",
    "baseRatePerYear",
    "slope1PerYear",
    "slope2PerYear",
    "kink",
    "guardian",
    "riskManager",
  ],
  Oracles: [
    "collateralToken",
    "collateralDecimals",
    "quoteDecimals",
    "baseFeed",
    "baseFeedHeartbeat",
    "quoteFeed",
    "quoteFeedHeartbeat",
    "sequencerUptimeFeed",
    "sequencerGracePeriod",
    "uniswapPool",
    "twapWindow",
    "minLiquidity",
    "maxDeviation",
    "maxAnchorAge",
  ],
  Market: ["riskParams"],
  Periphery: ["swapRouter", "keeperOwner"],
  Sluice: ["minDelay", "swapPath", "maxSlippage", "minProfit", "upkeepForwarder"],
  UniswapRouter: ["factory", "weth9"],
  LocalMocks: ["ethUsdAnswer"],
};
const OPTIONAL_MODULES: ReadonlySet<string> = new Set(["UniswapRouter", "LocalMocks"]);
const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(["LocalMocks.ethUsdAnswer"]);

/** Solidity type of each risk parameter (`IMarginVault.RiskParams`). */
const RISK_PARAM_BITS: Readonly<Record<keyof RiskParamsInput, number>> = {
  initialRatio: 64,
  targetRatio: 64,
  maintenanceRatio: 64,
  fullLiquidationRatio: 64,
  minBonus: 64,
  maxBonus: 64,
  keeperShare: 64,
  maxTrancheShare: 64,
  maxTrancheDebt: 128,
  minTrancheDebt: 128,
  minDebt: 128,
  windowLimit: 128,
  window: 32,
  trancheCooldown: 32,
  borrowCap: 128,
  collateralCap: 128,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Ignition's convention: `"123n"` strings are big integers (its own reviver does the same on `--parameters`). */
function bigintReviver(_key: string, value: unknown): unknown {
  return typeof value === "string" && /^\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value;
}

/** Reads a parameter file (JSON or JSON5) with Ignition's big-integer convention; validation is separate. */
export function readParameterFile(path: string): unknown {
  try {
    return JSON5.parse(readFileSync(path, "utf8"), bigintReviver) as unknown;
  } catch (error) {
    throw new ParameterError([`${path}: cannot read: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/** Formats a WAD value for messages (`1.25e18 (125 %)`). */
function wad(value: bigint): string {
  return `${value} (${(Number(value) / 1e16).toFixed(2)} %)`;
}

/** Collects problems while reading typed values out of one module's object. */
class ModuleReader {
  constructor(
    private readonly where: string,
    private readonly json: Record<string, unknown>,
    private readonly problems: string[],
  ) {}

  problem(field: string, message: string): void {
    this.problems.push(`${this.where}.${field}: ${message}`);
  }

  /** An unsigned integer of `bits` bits (bigint, or a safe JS integer). */
  uint(field: string, bits = 256, source: Record<string, unknown> = this.json): bigint {
    const value = source[field];
    let n: bigint | undefined;
    if (typeof value === "bigint") n = value;
    else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
    if (n === undefined) {
      this.problem(field, `must be an integer (a number, or a "123n" string for big values), got ${show(value)}`);
      return 0n;
    }
    if (n < 0n || n > UINT(bits)) this.problem(field, `must fit a uint${bits}, got ${n}`);
    return n;
  }

  /** A checksummed address; the zero address only when `allowZero`. */
  address(field: string, allowZero = false, value: unknown = this.json[field]): string {
    if (typeof value !== "string" || !isAddress(value)) {
      this.problem(field, `must be an address, got ${show(value)}`);
      return ZeroAddress;
    }
    const checksummed = getAddress(value);
    if (value !== checksummed) this.problem(field, `must be checksummed: ${checksummed}, got ${value}`);
    if (!allowZero && checksummed === ZeroAddress) this.problem(field, "must not be the zero address");
    return checksummed;
  }

  addresses(field: string, allowZero: boolean): string[] {
    const value = this.json[field];
    if (!Array.isArray(value) || value.length === 0) {
      this.problem(field, `must be a non-empty array of addresses, got ${show(value)}`);
      return [];
    }
    return value.map((item: unknown, i) => this.address(`${field}[${i}]`, allowZero, item));
  }

  string(field: string): string {
    const value = this.json[field];
    if (typeof value !== "string" || value.trim() === "") {
      this.problem(field, `must be a non-empty string, got ${show(value)}`);
      return "";
    }
    return value;
  }
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "nothing (missing)";
  return JSON.stringify(value);
}

/**
 * Validates a parsed parameter file and returns it typed.
 * @throws {ParameterError} listing every problem as `<file>: <Module>.<field>: <what is wrong>`.
 */
export function validateParameters(json: unknown, context: ValidationContext): SluiceParameters {
  const problems: string[] = [];
  const prefix = `${context.file}: `;
  if (!isRecord(json)) throw new ParameterError([`${prefix}the file must hold an object of modules`]);
  const local = LOCAL_NETWORKS.has(context.network);
  // With an UniswapRouter section the deploy script deploys the router and fills in Periphery.swapRouter.
  const ownRouter = json.UniswapRouter !== undefined;

  for (const name of Object.keys(json)) {
    if (MODULE_FIELDS[name] === undefined) {
      problems.push(`${prefix}${name}: unknown module (expected ${Object.keys(MODULE_FIELDS).join(", ")})`);
    }
  }
  const reader = (name: string): ModuleReader => {
    const section = json[name];
    if (!isRecord(section)) {
      if (!OPTIONAL_MODULES.has(name)) problems.push(`${prefix}${name}: missing module (an object of parameters)`);
      return new ModuleReader(`${prefix}${name}`, {}, []);
    }
    for (const field of Object.keys(section)) {
      if (!MODULE_FIELDS[name]?.includes(field)) {
        problems.push(`${prefix}${name}.${field}: unknown parameter (expected ${MODULE_FIELDS[name]?.join(", ")})`);
      }
    }
    for (const field of MODULE_FIELDS[name] ?? []) {
      const optional =
        OPTIONAL_FIELDS.has(`${name}.${field}`) || (ownRouter && `${name}.${field}` === "Periphery.swapRouter");
      if (section[field] === undefined && !optional) {
        problems.push(`${prefix}${name}.${field}: missing`);
      }
    }
    return new ModuleReader(`${prefix}${name}`, section, problems);
  };

  // Governance
  const g = reader("Governance");
  const Governance = { proposers: g.addresses("proposers", false), executors: g.addresses("executors", true) };

  // Core
  const c = reader("Core");
  const Core = {
    quoteToken: c.address("quoteToken"),
    poolName: c.string("poolName"),
    poolSymbol: c.string("poolSymbol"),
    reserveFactor: c.uint("reserveFactor"),
    baseRatePerYear: c.uint("baseRatePerYear"),
    slope1PerYear: c.uint("slope1PerYear"),
    slope2PerYear: c.uint("slope2PerYear"),
    kink: c.uint("kink"),
    guardian: c.address("guardian"),
    riskManager: c.address("riskManager"),
  };
  if (Core.reserveFactor > MAX_RESERVE_FACTOR) {
    c.problem("reserveFactor", `must be at most ${wad(MAX_RESERVE_FACTOR)}, got ${wad(Core.reserveFactor)}`);
  }
  if (Core.baseRatePerYear > MAX_BASE_RATE_PER_YEAR) {
    c.problem("baseRatePerYear", `must be at most ${wad(MAX_BASE_RATE_PER_YEAR)}, got ${wad(Core.baseRatePerYear)}`);
  }
  for (const slope of ["slope1PerYear", "slope2PerYear"] as const) {
    if (Core[slope] > MAX_SLOPE_PER_YEAR) {
      c.problem(slope, `must be at most ${wad(MAX_SLOPE_PER_YEAR)}, got ${wad(Core[slope])}`);
    }
  }
  if (Core.kink === 0n || Core.kink >= WAD) c.problem("kink", `must be strictly between 0 and 1e18, got ${Core.kink}`);

  // Oracles
  const o = reader("Oracles");
  const Oracles = {
    collateralToken: o.address("collateralToken"),
    collateralDecimals: o.uint("collateralDecimals", 8),
    quoteDecimals: o.uint("quoteDecimals", 8),
    baseFeed: o.address("baseFeed"),
    baseFeedHeartbeat: o.uint("baseFeedHeartbeat"),
    quoteFeed: o.address("quoteFeed", true),
    quoteFeedHeartbeat: o.uint("quoteFeedHeartbeat"),
    sequencerUptimeFeed: o.address("sequencerUptimeFeed", true),
    sequencerGracePeriod: o.uint("sequencerGracePeriod"),
    uniswapPool: o.address("uniswapPool"),
    twapWindow: o.uint("twapWindow", 32),
    minLiquidity: o.uint("minLiquidity", 128),
    maxDeviation: o.uint("maxDeviation"),
    maxAnchorAge: o.uint("maxAnchorAge"),
  };
  if (Oracles.collateralToken === Core.quoteToken && Core.quoteToken !== ZeroAddress) {
    o.problem("collateralToken", `must differ from Core.quoteToken (${Core.quoteToken})`);
  }
  for (const field of ["collateralDecimals", "quoteDecimals"] as const) {
    if (Oracles[field] > MAX_DECIMALS) o.problem(field, `must be at most ${MAX_DECIMALS}, got ${Oracles[field]}`);
  }
  if (Oracles.baseFeedHeartbeat === 0n) o.problem("baseFeedHeartbeat", "must be above 0 seconds");
  if (Oracles.quoteFeed === ZeroAddress) {
    if (Oracles.quoteFeedHeartbeat !== 0n) {
      o.problem("quoteFeedHeartbeat", `must be 0 without a quote feed, got ${Oracles.quoteFeedHeartbeat}`);
    }
  } else {
    if (Oracles.quoteFeed === Oracles.baseFeed) o.problem("quoteFeed", "must differ from baseFeed");
    if (Oracles.quoteFeedHeartbeat === 0n) o.problem("quoteFeedHeartbeat", "must be above 0 seconds with a quote feed");
  }
  if (Oracles.sequencerUptimeFeed === ZeroAddress) {
    if (Oracles.sequencerGracePeriod !== 0n) {
      o.problem("sequencerGracePeriod", `must be 0 without a sequencer feed, got ${Oracles.sequencerGracePeriod}`);
    }
    if (L2_NETWORKS.has(context.network)) {
      o.problem("sequencerUptimeFeed", `must be set on ${context.network} (an L2): prices need the sequencer's status`);
    }
  } else if (Oracles.sequencerGracePeriod === 0n) {
    o.problem("sequencerGracePeriod", "must be above 0 seconds with a sequencer feed");
  }
  if (Oracles.twapWindow < MIN_TWAP_WINDOW) {
    o.problem("twapWindow", `must be at least ${MIN_TWAP_WINDOW} seconds, got ${Oracles.twapWindow}`);
  }
  if (Oracles.minLiquidity === 0n) o.problem("minLiquidity", "must be above 0");
  if (Oracles.maxDeviation === 0n || Oracles.maxDeviation > MAX_DEVIATION_LIMIT) {
    o.problem("maxDeviation", `must be in (0, ${wad(MAX_DEVIATION_LIMIT)}], got ${Oracles.maxDeviation}`);
  }
  if (Oracles.maxAnchorAge < MIN_ANCHOR_AGE_LIMIT || Oracles.maxAnchorAge > MAX_ANCHOR_AGE_LIMIT) {
    o.problem(
      "maxAnchorAge",
      `must be in [${MIN_ANCHOR_AGE_LIMIT}, ${MAX_ANCHOR_AGE_LIMIT}] seconds (1 hour to 7 days), got ${Oracles.maxAnchorAge}`,
    );
  } else if (!local) {
    // The anchor's age counts from when the primary published it, the older feed's answer for two feeds: at or below
    // a feed's heartbeat, a valid answer can already be too old to anchor the fallback when the primary fails.
    const heartbeat =
      Oracles.quoteFeedHeartbeat > Oracles.baseFeedHeartbeat ? Oracles.quoteFeedHeartbeat : Oracles.baseFeedHeartbeat;
    if (Oracles.maxAnchorAge <= heartbeat) {
      o.problem(
        "maxAnchorAge",
        `must be above the feeds' longest heartbeat (${heartbeat} seconds) on ${context.network}, or the fallback ` +
          `can be refused as soon as the primary goes stale; got ${Oracles.maxAnchorAge}`,
      );
    }
  }

  // Market
  const mk = reader("Market");
  const Market = { riskParams: validateRiskParams(json.Market, mk, problems) };

  // Periphery
  const p = reader("Periphery");
  const routerGiven = isRecord(json.Periphery) && json.Periphery.swapRouter !== undefined;
  const Periphery = {
    // Zero until the deploy script has deployed the UniswapRouter module.
    swapRouter: ownRouter && !routerGiven ? ZeroAddress : p.address("swapRouter"),
    keeperOwner: p.address("keeperOwner"),
  };

  // Sluice
  const s = reader("Sluice");
  const Sluice = {
    minDelay: s.uint("minDelay"),
    swapPath: validateSwapPath(json.Sluice, s, Oracles.collateralToken, Core.quoteToken),
    maxSlippage: s.uint("maxSlippage"),
    minProfit: s.uint("minProfit"),
    upkeepForwarder: s.address("upkeepForwarder", true),
  };
  if (Sluice.maxSlippage > MAX_SLIPPAGE) {
    s.problem("maxSlippage", `must be at most ${wad(MAX_SLIPPAGE)}, got ${wad(Sluice.maxSlippage)}`);
  }
  if (!local && Sluice.minDelay < MIN_PUBLIC_TIMELOCK_DELAY) {
    s.problem(
      "minDelay",
      `must be at least ${MIN_PUBLIC_TIMELOCK_DELAY} seconds on ${context.network}, got ${Sluice.minDelay}`,
    );
  }

  const result: SluiceParameters = { Governance, Core, Oracles, Market, Periphery, Sluice };
  if (json.UniswapRouter !== undefined) {
    const u = reader("UniswapRouter");
    result.UniswapRouter = { factory: u.address("factory"), weth9: u.address("weth9") };
  }
  if (json.LocalMocks !== undefined) {
    const l = reader("LocalMocks");
    if (!local) l.problem("", `mocks belong to local chains, not ${context.network}`);
    const section = isRecord(json.LocalMocks) ? json.LocalMocks : {};
    result.LocalMocks = section.ethUsdAnswer === undefined ? {} : { ethUsdAnswer: l.uint("ethUsdAnswer", 255) };
    if (result.LocalMocks.ethUsdAnswer === 0n) l.problem("ethUsdAnswer", "must be above 0");
  }

  if (problems.length > 0) throw new ParameterError(problems);
  return result;
}

/** The risk parameters: each field present and in range, then the vault's bounds (`riskParamProblems`). */
function validateRiskParams(marketJson: unknown, market: ModuleReader, problems: string[]): RiskParamsInput {
  const json = isRecord(marketJson) ? marketJson.riskParams : undefined;
  const fields = Object.keys(RISK_PARAM_BITS) as Array<keyof RiskParamsInput>;
  const empty = Object.fromEntries(fields.map((f) => [f, 0n])) as unknown as RiskParamsInput;
  if (!isRecord(json)) {
    if (isRecord(marketJson) && marketJson.riskParams !== undefined) {
      market.problem("riskParams", `must be an object of ${fields.join(", ")}`);
    }
    return empty;
  }
  const before = problems.length;
  for (const field of Object.keys(json)) {
    if (!(field in RISK_PARAM_BITS))
      market.problem(`riskParams.${field}`, `unknown risk parameter (expected ${fields.join(", ")})`);
  }
  const r = { ...empty };
  for (const field of fields) {
    if (json[field] === undefined) market.problem(`riskParams.${field}`, "missing");
    else
      r[field] = market.uint(`riskParams.${field}`, RISK_PARAM_BITS[field], { [`riskParams.${field}`]: json[field] });
  }
  if (problems.length > before) return r; // the bounds below need every field

  // The vault's own bounds, from the SDK's one list of them (the message is the mirrored custom error's).
  for (const { field, error } of riskParamProblems(r)) market.problem(`riskParams.${field}`, error.message);
  return r;
}

/** A Uniswap V3 `exactInput` path from the collateral to the quote token over standard fee tiers. */
function validateSwapPath(sluiceJson: unknown, sluice: ModuleReader, collateral: string, quote: string): string {
  const path = isRecord(sluiceJson) ? sluiceJson.swapPath : undefined;
  if (path === undefined) return "0x";
  if (typeof path !== "string" || !isHexString(path)) {
    sluice.problem("swapPath", `must be a hex string, got ${show(path)}`);
    return "0x";
  }
  const bytes = (path.length - 2) / 2;
  if (bytes < 43 || (bytes - 20) % 23 !== 0) {
    sluice.problem(
      "swapPath",
      `must be token (20 bytes) followed by (fee 3 bytes, token 20 bytes) hops, got ${bytes} bytes`,
    );
    return path;
  }
  const body = path.slice(2);
  const first = getAddress(`0x${body.slice(0, 40)}`);
  const last = getAddress(`0x${body.slice(-40)}`);
  for (let offset = 40; offset < body.length - 40; offset += 46) {
    const fee = BigInt(`0x${body.slice(offset, offset + 6)}`);
    if (!UNISWAP_FEE_TIERS.has(fee))
      sluice.problem("swapPath", `has fee ${fee}, not a Uniswap V3 fee tier (100, 500, 3000, 10000)`);
  }
  if (collateral !== ZeroAddress && first !== collateral) {
    sluice.problem("swapPath", `must start with Oracles.collateralToken ${collateral}, starts with ${first}`);
  }
  if (quote !== ZeroAddress && last !== quote) {
    sluice.problem("swapPath", `must end with Core.quoteToken ${quote}, ends with ${last}`);
  }
  return path.toLowerCase();
}

/** Packs a Uniswap V3 path: `tokens[0], fees[0], tokens[1], …` (20-byte tokens, 3-byte fees). */
export function encodeSwapPath(tokens: readonly string[], fees: readonly bigint[]): string {
  if (tokens.length !== fees.length + 1) throw new Error("encodeSwapPath: need one fee between each two tokens");
  let hex = "0x";
  tokens.forEach((token, i) => {
    hex += getAddress(token).slice(2).toLowerCase();
    const fee = fees[i];
    if (fee !== undefined) hex += fee.toString(16).padStart(6, "0");
  });
  return hex;
}

/** The accounts the parameters give a role to, by field: the deployer must be none of them (it keeps nothing). */
export function roleHolders(parameters: SluiceParameters): Array<[string, string]> {
  return [
    ...parameters.Governance.proposers.map((a, i): [string, string] => [`Governance.proposers[${i}]`, a]),
    ...parameters.Governance.executors.map((a, i): [string, string] => [`Governance.executors[${i}]`, a]),
    ["Core.guardian", parameters.Core.guardian],
    ["Core.riskManager", parameters.Core.riskManager],
    ["Periphery.keeperOwner", parameters.Periphery.keeperOwner],
  ];
}
