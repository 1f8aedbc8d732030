/**
 * The keeper's command line: flags and `SLUICE_*` environment variables, read and checked once at start into a
 * {@link KeeperConfig}. Every problem is collected and reported together in one {@link ConfigError}; a secret's
 * value is never echoed. `JSON.stringify` of a parsed configuration gives `redactConfig`'s view.
 *
 * Precedence: a flag wins over its environment variable; an empty environment variable counts as unset.
 */
import { statSync } from "node:fs";
import { parseArgs } from "node:util";

import {
  CONFIG_BOUNDS,
  CONFIG_DEFAULTS,
  ConfigError,
  LOG_LEVELS,
  STRATEGIES,
  Secret,
  errorCode,
  parseUnitsStrict,
  redactConfig,
  type KeeperConfig,
  type LogLevel,
  type SignerSource,
  type Strategy,
} from "./config.js";

/** What {@link parseKeeperConfig} returns for `--help` / `-h`: print {@link usageText} and exit. */
export interface KeeperHelpRequest {
  help: true;
}

const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/** One flag and its environment variable. */
interface FlagSpec {
  name: string;
  type: "string" | "boolean";
  env?: string;
  /** Placeholder of the value in the usage text. */
  value?: string;
  short?: string;
  description: string;
}

const FLAGS: readonly FlagSpec[] = [
  {
    name: "rpc-url",
    type: "string",
    env: "SLUICE_RPC_URL",
    value: "<url>",
    description: "JSON-RPC endpoint, http(s):// or ws(s):// (required)",
  },
  {
    name: "chain-id",
    type: "string",
    env: "SLUICE_CHAIN_ID",
    value: "<id>",
    description: "chain id the endpoint must serve, a positive integer (required)",
  },
  {
    name: "keystore",
    type: "string",
    env: "SLUICE_KEYSTORE",
    value: "<path>",
    description: "encrypted JSON keystore; its password in SLUICE_KEYSTORE_PASSWORD (or give SLUICE_PRIVATE_KEY)",
  },
  {
    name: "markets",
    type: "string",
    env: "SLUICE_MARKETS",
    value: "<ids>",
    description: "comma-separated market ids, e.g. 1,2 (default: all)",
  },
  {
    name: "strategy",
    type: "string",
    env: "SLUICE_STRATEGY",
    value: "<own-capital|flash>",
    description: `how liquidations are financed (default: ${CONFIG_DEFAULTS.strategy})`,
  },
  {
    name: "min-profit",
    type: "string",
    env: "SLUICE_MIN_PROFIT",
    value: "<quote>",
    description: `minimum profit per liquidation in quote units, e.g. 5.5 (default: ${CONFIG_DEFAULTS.minProfitQuote})`,
  },
  {
    name: "max-slippage-bps",
    type: "string",
    env: "SLUICE_MAX_SLIPPAGE_BPS",
    value: "<bps>",
    description: `flash strategy: a sale must return at least the oracle value less this many basis points, 1..${CONFIG_BOUNDS.maxSlippageBps} (default: ${CONFIG_DEFAULTS.maxSlippageBps}, the loosest; a tight floor also refuses a large sale for its own price impact)`,
  },
  {
    name: "max-gas-price",
    type: "string",
    env: "SLUICE_MAX_GAS_PRICE",
    value: "<gwei>",
    description: "never pay more per gas than this, in gwei (default: no cap)",
  },
  {
    name: "poll-interval",
    type: "string",
    env: "SLUICE_POLL_INTERVAL",
    value: "<ms>",
    description: `pause between scans in ms, at least ${CONFIG_BOUNDS.minPollIntervalMs} (default: ${CONFIG_DEFAULTS.pollIntervalMs})`,
  },
  {
    name: "page-size",
    type: "string",
    env: "SLUICE_PAGE_SIZE",
    value: "<n>",
    description: `positions per lens read, 1..${CONFIG_BOUNDS.maxPageSize} (default: ${CONFIG_DEFAULTS.pageSize}; halved when a read runs out of the node's call gas)`,
  },
  {
    name: "metrics-port",
    type: "string",
    env: "SLUICE_METRICS_PORT",
    value: "<port>",
    description: `port of /metrics and /health, 0 = disabled (default: ${CONFIG_DEFAULTS.metricsPort})`,
  },
  {
    name: "metrics-host",
    type: "string",
    env: "SLUICE_METRICS_HOST",
    value: "<host>",
    description: `interface of the metrics server (default: ${CONFIG_DEFAULTS.metricsHost})`,
  },
  {
    name: "registry",
    type: "string",
    env: "SLUICE_REGISTRY",
    value: "<path>",
    description: "address registry JSON (optional)",
  },
  {
    name: "log-level",
    type: "string",
    env: "SLUICE_LOG_LEVEL",
    value: "<level>",
    description: `${LOG_LEVELS.join("|")} (default: ${CONFIG_DEFAULTS.logLevel})`,
  },
  {
    name: "dry-run",
    type: "boolean",
    env: "SLUICE_DRY_RUN",
    description: "simulate and log, never send (no key needed); SLUICE_DRY_RUN=1|true",
  },
  { name: "help", type: "boolean", short: "h", description: "print this help and exit" },
];

/** Environment variables read besides the flags' own. */
const SECRET_ENV = {
  privateKey: "SLUICE_PRIVATE_KEY",
  keystorePassword: "SLUICE_KEYSTORE_PASSWORD",
} as const;

/** The usage text printed for `--help`. */
export function usageText(): string {
  const rows = FLAGS.map((flag) => {
    const names = `${flag.short ? `-${flag.short}, ` : ""}--${flag.name}${flag.value ? ` ${flag.value}` : ""}`;
    return `  ${names.padEnd(36)} ${flag.description}${flag.env ? ` [${flag.env}]` : ""}`;
  });
  return [
    "Usage: sluice-keeper [options]",
    "",
    "Watches Sluice markets and liquidates unhealthy positions in tranches.",
    "",
    "Options (a flag wins over its environment variable):",
    ...rows,
    "",
    "Secrets, from the environment only:",
    `  ${SECRET_ENV.privateKey.padEnd(36)} signing key, 0x + 64 hex digits (or use --keystore)`,
    `  ${SECRET_ENV.keystorePassword.padEnd(36)} password of --keystore`,
    "",
  ].join("\n");
}

/** A raw value and where it came from (for error messages). */
interface Raw {
  value: string;
  source: string;
}

/**
 * Parses and checks the keeper's flags and environment. Every problem is collected, then all are thrown together.
 * `--help` (or `-h`) anywhere wins: nothing else is checked and `{ help: true }` is returned.
 *
 * Files named by `--keystore` and `--registry` must exist (they are read later: the keystore by
 * {@link loadSigner}, the registry by the keeper).
 *
 * @param argv - Arguments after the script name (`process.argv.slice(2)`).
 * @param env - The environment (`process.env`).
 * @throws {@link ConfigError} listing every missing or invalid item (never a secret's value).
 */
export function parseKeeperConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): KeeperConfig | KeeperHelpRequest {
  const terminator = argv.indexOf("--");
  const flagsPart = terminator === -1 ? argv : argv.slice(0, terminator);
  if (flagsPart.some((arg) => arg === "--help" || arg === "-h")) return { help: true };

  const problems: string[] = [];
  const options = Object.fromEntries(
    FLAGS.map((flag) => [flag.name, flag.short ? { type: flag.type, short: flag.short } : { type: flag.type }]),
  ) as Record<string, { type: "string" | "boolean"; short?: string }>;
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });

  const flagValues = new Map<string, Raw | true>();
  let positionals = 0;
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      positionals++;
      continue;
    }
    const spec = FLAGS.find((flag) => flag.name === token.name);
    if (!spec) {
      // The name only: a mistyped secret flag's value must not be echoed.
      problems.push(`unknown option '${token.rawName}' (see --help)`);
      continue;
    }
    if (flagValues.has(spec.name)) {
      problems.push(`--${spec.name} is given more than once`);
      continue;
    }
    if (spec.type === "boolean") {
      if (token.value !== undefined) problems.push(`--${spec.name} takes no value`);
      else flagValues.set(spec.name, true);
      continue;
    }
    const value = token.value;
    const takesNextFlag = !token.inlineValue && value !== undefined && FLAGS.some((f) => value === `--${f.name}`);
    if (value === undefined || takesNextFlag) {
      problems.push(`--${spec.name} needs a value`);
      if (takesNextFlag) flagValues.set(spec.name, { value: "", source: `--${spec.name}` });
      continue;
    }
    flagValues.set(spec.name, { value, source: `--${spec.name}` });
  }
  if (positionals > 0) {
    problems.push(`unexpected argument${positionals > 1 ? "s" : ""} (${positionals}); every option is a --flag`);
  }

  /** A string setting: the flag, else its non-empty environment variable. */
  const raw = (name: string): Raw | undefined => {
    const fromFlag = flagValues.get(name);
    if (fromFlag !== undefined && fromFlag !== true) return fromFlag;
    const envName = FLAGS.find((flag) => flag.name === name)?.env;
    const fromEnv = envName === undefined ? undefined : env[envName];
    return envName !== undefined && fromEnv !== undefined && fromEnv !== ""
      ? { value: fromEnv, source: envName }
      : undefined;
  };
  const required = (name: string): Raw | undefined => {
    const found = raw(name);
    if (found === undefined) {
      const envName = FLAGS.find((flag) => flag.name === name)?.env;
      problems.push(`--${name} (or ${envName}) is required`);
    }
    return found;
  };

  // --dry-run
  let dryRun = flagValues.get("dry-run") === true;
  const dryRunEnv = env["SLUICE_DRY_RUN"];
  if (!dryRun && dryRunEnv !== undefined && dryRunEnv !== "") {
    if (/^(1|true|yes)$/i.test(dryRunEnv)) dryRun = true;
    else if (!/^(0|false|no)$/i.test(dryRunEnv)) {
      problems.push(`SLUICE_DRY_RUN must be 1, true, yes, 0, false or no, got '${dryRunEnv}'`);
    }
  }

  // --rpc-url
  let rpcUrl = "";
  const rpcRaw = required("rpc-url");
  if (rpcRaw !== undefined) {
    const problem = checkRpcUrl(rpcRaw);
    if (problem) problems.push(problem);
    else rpcUrl = rpcRaw.value;
  }

  // --chain-id
  let chainId = 0n;
  const chainRaw = required("chain-id");
  if (chainRaw !== undefined) {
    if (/^[0-9]+$/.test(chainRaw.value) && BigInt(chainRaw.value) > 0n) chainId = BigInt(chainRaw.value);
    else problems.push(`${chainRaw.source} must be a positive integer, got '${chainRaw.value}'`);
  }

  // Signing key
  const signer = parseSignerSource(raw("keystore"), env, dryRun, problems);

  // --markets
  let marketIds: readonly bigint[] | "all" = "all";
  const marketsRaw = raw("markets");
  if (marketsRaw !== undefined && marketsRaw.value.trim().toLowerCase() !== "all") {
    const parts = marketsRaw.value.split(",").map((part) => part.trim());
    const bad = parts.filter((part) => !/^[0-9]+$/.test(part) || BigInt(part) >= 2n ** 256n);
    if (bad.length > 0 || parts.length === 0) {
      problems.push(
        `${marketsRaw.source} must be 'all' or comma-separated market ids (non-negative integers), got '${marketsRaw.value}'`,
      );
    } else {
      marketIds = [...new Set(parts.map((part) => BigInt(part)))];
    }
  }

  // --strategy
  let strategy: Strategy = CONFIG_DEFAULTS.strategy;
  const strategyRaw = raw("strategy");
  if (strategyRaw !== undefined) {
    const found = STRATEGIES.find((candidate) => candidate === strategyRaw.value);
    if (found) strategy = found;
    else problems.push(`${strategyRaw.source} must be one of ${STRATEGIES.join(", ")}, got '${strategyRaw.value}'`);
  }

  // --min-profit
  let minProfitQuote: string = CONFIG_DEFAULTS.minProfitQuote;
  const minProfitRaw = raw("min-profit");
  if (minProfitRaw !== undefined) {
    if (DECIMAL.test(minProfitRaw.value)) minProfitQuote = minProfitRaw.value;
    else {
      problems.push(
        `${minProfitRaw.source} must be a non-negative decimal number of quote units (e.g. 5.5), got '${minProfitRaw.value}'`,
      );
    }
  }

  // --max-gas-price
  let maxGasPriceWei: bigint | undefined;
  const gasRaw = raw("max-gas-price");
  if (gasRaw !== undefined) {
    let wei = 0n;
    try {
      wei = parseUnitsStrict(gasRaw.value, 9);
    } catch {
      wei = 0n;
    }
    if (wei > 0n) maxGasPriceWei = wei;
    else problems.push(`${gasRaw.source} must be a positive number of gwei, got '${gasRaw.value}'`);
  }

  // Integers with bounds
  const integer = (name: string, fallback: number, min: number, max: number, what: string): number => {
    const found = raw(name);
    if (found === undefined) return fallback;
    const parsed = /^[0-9]+$/.test(found.value) ? Number(found.value) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    problems.push(`${found.source} must be ${what}, got '${found.value}'`);
    return fallback;
  };
  const pollIntervalMs = integer(
    "poll-interval",
    CONFIG_DEFAULTS.pollIntervalMs,
    CONFIG_BOUNDS.minPollIntervalMs,
    Number.MAX_SAFE_INTEGER,
    `an integer number of milliseconds, at least ${CONFIG_BOUNDS.minPollIntervalMs}`,
  );
  const pageSize = integer(
    "page-size",
    CONFIG_DEFAULTS.pageSize,
    1,
    CONFIG_BOUNDS.maxPageSize,
    `an integer from 1 to ${CONFIG_BOUNDS.maxPageSize}`,
  );
  const maxSlippageBps = integer(
    "max-slippage-bps",
    CONFIG_DEFAULTS.maxSlippageBps,
    1,
    CONFIG_BOUNDS.maxSlippageBps,
    `an integer number of basis points from 1 to ${CONFIG_BOUNDS.maxSlippageBps} (the FlashLiquidator's 20 % bound)`,
  );
  const metricsPort = integer(
    "metrics-port",
    CONFIG_DEFAULTS.metricsPort,
    0,
    65_535,
    "a port number from 0 (disabled) to 65535",
  );
  let metricsHost: string = CONFIG_DEFAULTS.metricsHost;
  const hostRaw = raw("metrics-host");
  if (hostRaw !== undefined) {
    if (/^[A-Za-z0-9.:[\]-]+$/.test(hostRaw.value)) metricsHost = hostRaw.value;
    else problems.push(`${hostRaw.source} must be a host name or IP address, got '${hostRaw.value}'`);
  }

  // --registry
  let registryPath: string | undefined;
  const registryRaw = raw("registry");
  if (registryRaw !== undefined) {
    const problem = checkFile(registryRaw);
    if (problem) problems.push(problem);
    else registryPath = registryRaw.value;
  }

  // --log-level
  let logLevel: LogLevel = CONFIG_DEFAULTS.logLevel;
  const levelRaw = raw("log-level");
  if (levelRaw !== undefined) {
    const found = LOG_LEVELS.find((level) => level === levelRaw.value);
    if (found) logLevel = found;
    else problems.push(`${levelRaw.source} must be one of ${LOG_LEVELS.join(", ")}, got '${levelRaw.value}'`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  const config: KeeperConfig = {
    help: false as const,
    rpcUrl,
    chainId,
    signer,
    marketIds,
    strategy,
    minProfitQuote,
    maxSlippageBps,
    maxGasPriceWei,
    pollIntervalMs,
    pageSize,
    metricsPort,
    metricsHost,
    registryPath,
    logLevel,
    dryRun,
  };
  // JSON.stringify(config) gives the redacted view (and does not throw on the bigints); not enumerable, so spreads
  // and util.inspect do not show it.
  Object.defineProperty(config, "toJSON", { value: () => redactConfig(config), enumerable: false });
  return Object.freeze(config);
}

function parseSignerSource(
  keystoreRaw: Raw | undefined,
  env: Record<string, string | undefined>,
  dryRun: boolean,
  problems: string[],
): SignerSource {
  const privateKey = env[SECRET_ENV.privateKey] || undefined;
  const password = env[SECRET_ENV.keystorePassword] || undefined;
  if (privateKey !== undefined && keystoreRaw !== undefined) {
    problems.push(`give either ${SECRET_ENV.privateKey} or --keystore (or SLUICE_KEYSTORE), not both`);
    return { kind: "none" };
  }
  if (privateKey !== undefined) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey) || /^0x0{64}$/.test(privateKey)) {
      // Only the length: the value is secret.
      problems.push(
        `${SECRET_ENV.privateKey} must be 0x followed by 64 hex digits, not all zero (got ${privateKey.length} characters)`,
      );
      return { kind: "none" };
    }
    return { kind: "private-key", privateKey: new Secret(privateKey) };
  }
  if (keystoreRaw !== undefined) {
    const fileProblem = checkFile(keystoreRaw);
    if (fileProblem) problems.push(fileProblem);
    if (password === undefined) problems.push(`${SECRET_ENV.keystorePassword} is required with ${keystoreRaw.source}`);
    if (fileProblem || password === undefined) return { kind: "none" };
    return { kind: "keystore", path: keystoreRaw.value, password: new Secret(password) };
  }
  if (!dryRun) {
    problems.push(
      `a signing key is required: ${SECRET_ENV.privateKey}, or --keystore (or SLUICE_KEYSTORE) with ${SECRET_ENV.keystorePassword} (or run with --dry-run)`,
    );
  }
  return { kind: "none" };
}

function checkRpcUrl(rpc: Raw): string | undefined {
  let url: URL;
  try {
    url = new URL(rpc.value);
  } catch {
    // Not echoed: a malformed URL may still hold an API key.
    return `${rpc.source} must be an http(s):// or ws(s):// URL, got a value that is not a URL`;
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
    return `${rpc.source} must be an http(s):// or ws(s):// URL, got scheme '${url.protocol}'`;
  }
  if (url.hostname === "") return `${rpc.source} must name a host`;
  return undefined;
}

function checkFile(file: Raw): string | undefined {
  try {
    if (!statSync(file.value).isFile()) return `${file.source} '${file.value}' is not a file`;
  } catch (error) {
    return `${file.source} '${file.value}' cannot be read (${errorCode(error)})`;
  }
  return undefined;
}
