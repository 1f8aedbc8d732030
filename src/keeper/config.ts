/**
 * The keeper's configuration: what a run is set to do ({@link KeeperConfig}), its defaults and bounds, the signer it
 * loads, and the redacted view it logs. Secrets (the private key, the keystore password) never appear in error
 * messages, in `JSON.stringify`/`util.inspect` of the configuration, or in {@link redactConfig}'s output.
 * The command line and environment that produce a configuration are parsed in `cli.ts` (`parseKeeperConfig`).
 */
import { readFile } from "node:fs/promises";
import { inspect } from "node:util";

import { Wallet, type Provider, type Signer } from "ethers";

/** How liquidations are financed: the keeper's own quote tokens, or the FlashLiquidator (capital-free). */
export type Strategy = "own-capital" | "flash";

/** pino log levels, plus `silent`. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
/** Strategies accepted by `--strategy`. */
export const STRATEGIES: readonly Strategy[] = ["own-capital", "flash"];

/** Defaults of the optional settings. */
export const CONFIG_DEFAULTS = {
  strategy: "flash" as Strategy,
  minProfitQuote: "0",
  maxSlippageBps: 2_000,
  pollIntervalMs: 2_000,
  pageSize: 500,
  metricsPort: 9_464,
  metricsHost: "127.0.0.1",
  logLevel: "info" as LogLevel,
} as const;

/** Bounds checked by {@link parseKeeperConfig}. */
export const CONFIG_BOUNDS = {
  /** Smallest `--poll-interval` (ms). */
  minPollIntervalMs: 100,
  /** Largest `--page-size` (positions per read). */
  maxPageSize: 5_000,
  /** Largest `--max-slippage-bps`: the FlashLiquidator's `MAX_SLIPPAGE` (20 %). */
  maxSlippageBps: 2_000,
} as const;

const REDACTED = "[redacted]";

/**
 * A secret string that does not print itself: `String()`, `JSON.stringify` and `util.inspect` (hence pino and
 * `console.log`) all give `"[redacted]"`. {@link Secret.reveal} returns the value, for the one place that needs it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret value itself; never log it. */
  reveal(): string {
    return this.#value;
  }

  /** `"[redacted]"`. */
  toString(): string {
    return REDACTED;
  }

  /** `"[redacted]"`. */
  toJSON(): string {
    return REDACTED;
  }

  /** `"[redacted]"` for `util.inspect` and `console.log`. */
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Where the signing key comes from. */
export type SignerSource =
  /** `SLUICE_PRIVATE_KEY`: a raw key (0x + 64 hex digits). */
  | { kind: "private-key"; privateKey: Secret }
  /** `--keystore <path>` and `SLUICE_KEYSTORE_PASSWORD`: an encrypted JSON keystore, decrypted by {@link loadSigner}. */
  | { kind: "keystore"; path: string; password: Secret }
  /** No key: only allowed with `--dry-run`. */
  | { kind: "none" };

/** The checked configuration of a keeper run. */
export interface KeeperConfig {
  /** Always false here; `--help` gives a {@link KeeperHelpRequest} instead. */
  help: false;
  /** JSON-RPC endpoint (http, https, ws or wss). May carry an API key: log {@link redactConfig}, not this. */
  rpcUrl: string;
  /** Chain the endpoint must serve ({@link loadSigner} checks it). */
  chainId: bigint;
  /** The signing key's source. */
  signer: SignerSource;
  /** Markets to watch (ids as in `IMarginVault`), or every listed market. */
  marketIds: readonly bigint[] | "all";
  /** How liquidations are financed. */
  strategy: Strategy;
  /**
   * Minimum profit per liquidation, as a non-negative decimal string in human quote units (e.g. `"5.5"` for 5.5 USDC);
   * convert with {@link parseUnitsStrict} once the quote token's decimals are known.
   */
  minProfitQuote: string;
  /**
   * Flash strategy: each sale of seized collateral must return at least its value at the market oracle's price less
   * this many basis points (`FlashLiquidator.oracleFloor`), so a sandwich can take at most that much (1..2000).
   * Default 2000, the loosest (below what any tranche owes): a tight floor cannot tell a sandwich from the sale's own
   * price impact and refuses large full closes (the bad-debt scenario of the fork suite fails at 200).
   */
  maxSlippageBps: number;
  /** Highest gas price to pay (base fee + priority fee, or legacy gas price), in wei; undefined = no cap. */
  maxGasPriceWei: bigint | undefined;
  /** Pause between scans (ms, ≥ 100). */
  pollIntervalMs: number;
  /** Positions read per call when paging through a market (1..5000). */
  pageSize: number;
  /** Port of the metrics and health server; 0 = no server. */
  metricsPort: number;
  /** Interface the metrics server binds (default 127.0.0.1; 0.0.0.0 to be scraped from other hosts). */
  metricsHost: string;
  /** Path of an address registry JSON (contract addresses per chain), if given. */
  registryPath: string | undefined;
  /** pino log level. */
  logLevel: LogLevel;
  /** Simulate and log, never send a transaction. */
  dryRun: boolean;
}

/** Thrown by `parseKeeperConfig` (every problem at once) and {@link loadSigner}. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** One sentence per missing or invalid item, naming the flag and its environment variable. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      problems.length === 1
        ? `invalid keeper configuration: ${problems[0]}`
        : `invalid keeper configuration (${problems.length} problems):\n  - ${problems.join("\n  - ")}`,
    );
    this.problems = [...problems];
  }
}

/**
 * Converts a non-negative decimal string to integer units, exactly, refusing anything that would lose precision:
 * `"5.5"` with 6 decimals is `5_500_000n`; `"0.0000001"` with 6 decimals throws instead of rounding. Unlike ethers'
 * `parseUnits`, signs, a bare `"."`, `".5"`, `"5."` and whitespace are refused. Trailing zeros beyond `decimals` are
 * allowed (`"1.50"` with 1 decimal is `15n`).
 *
 * @param value - Digits with an optional fractional part, e.g. `"5"`, `"5.5"` (no sign, exponent or separators).
 * @param decimals - Decimals of the unit, an integer from 0 to 255 (6 for USDC, 9 for gwei → wei).
 * @returns `value · 10^decimals`, exactly.
 * @throws RangeError if `value` is not such a decimal or has non-zero digits beyond `decimals`.
 */
export function parseUnitsStrict(value: string, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new RangeError(`parseUnitsStrict: decimals must be an integer from 0 to 255, got ${decimals}`);
  }
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(value);
  if (!match) throw new RangeError(`'${value}' is not a non-negative decimal number`);
  const whole = match[1] as string;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > decimals) {
    throw new RangeError(`'${value}' has more than ${decimals} decimal${decimals === 1 ? "" : "s"}`);
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/**
 * A copy of the configuration safe to log: secrets replaced by their kind, the RPC URL cut to its scheme and host
 * (paths, queries and credentials often hold API keys), bigints as decimal strings.
 *
 * @param config - A checked configuration.
 */
export function redactConfig(config: KeeperConfig): Record<string, string | number | boolean | string[] | null> {
  return {
    rpcUrl: redactUrl(config.rpcUrl),
    chainId: config.chainId.toString(),
    signer: config.signer.kind === "keystore" ? `keystore:${config.signer.path}` : config.signer.kind,
    marketIds: config.marketIds === "all" ? "all" : config.marketIds.map((id) => id.toString()),
    strategy: config.strategy,
    minProfitQuote: config.minProfitQuote,
    maxSlippageBps: config.maxSlippageBps,
    maxGasPriceGwei: config.maxGasPriceWei === undefined ? null : formatGwei(config.maxGasPriceWei),
    pollIntervalMs: config.pollIntervalMs,
    pageSize: config.pageSize,
    metricsPort: config.metricsPort,
    metricsHost: config.metricsHost,
    registryPath: config.registryPath ?? null,
    logLevel: config.logLevel,
    dryRun: config.dryRun,
  };
}

/**
 * Makes the signer named by the configuration, connected to `provider`, after checking that the provider serves
 * `config.chainId`. A keystore is decrypted here (scrypt: slow on purpose, about a second).
 *
 * @param config - A checked configuration.
 * @param provider - The RPC provider.
 * @returns The signer, or null when no key was configured (dry run).
 * @throws {@link ConfigError} on a chain mismatch, an unreadable keystore or a wrong password (never echoing it).
 */
export async function loadSigner(config: KeeperConfig, provider: Provider): Promise<Signer | null> {
  const network = await provider.getNetwork();
  if (network.chainId !== config.chainId) {
    throw new ConfigError([`--chain-id is ${config.chainId} but the RPC endpoint serves chain ${network.chainId}`]);
  }
  const source = config.signer;
  switch (source.kind) {
    case "none":
      return null;
    case "private-key":
      return new Wallet(source.privateKey.reveal(), provider);
    case "keystore": {
      let json: string;
      try {
        json = await readFile(source.path, "utf8");
      } catch (error) {
        throw new ConfigError([`could not read --keystore file '${source.path}': ${errorCode(error)}`]);
      }
      try {
        const wallet = await Wallet.fromEncryptedJson(json, source.password.reveal());
        return wallet.connect(provider);
      } catch (error) {
        const reason = /password/i.test(errorMessage(error)) ? "wrong SLUICE_KEYSTORE_PASSWORD" : "not a JSON keystore";
        throw new ConfigError([`could not decrypt --keystore file '${source.path}': ${reason}`]);
      }
    }
  }
}

function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    const hidden = url.username !== "" || url.password !== "" || url.pathname.length > 1 || url.search !== "";
    return `${url.protocol}//${url.host}${hidden ? "/…" : ""}`;
  } catch {
    return REDACTED;
  }
}

function formatGwei(wei: bigint): string {
  const whole = wei / 10n ** 9n;
  const fraction = (wei % 10n ** 9n).toString().padStart(9, "0").replace(/0+$/, "");
  return fraction === "" ? whole.toString() : `${whole}.${fraction}`;
}

/** An error's `code` (`ENOENT`, ...) or its message. */
export function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string") {
    return (error as { code: string }).code;
  }
  return errorMessage(error);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
