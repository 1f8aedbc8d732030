/**
 * The keeper's structured logger: pino writing one JSON object per line,
 * `{"level":"info","time":"2026-11-24T14:35:01.672Z","name":"sluice-keeper",…,"msg":"…"}`.
 *
 * Per-position context goes in a child logger, so every line about a position carries its ids:
 *
 * @example
 * const logger = createLogger("info");
 * const log = logger.child({ marketId: 1n, positionId: 42n }); // written as "1" and "42" (see BIGINT_KEYS)
 * log.info({ repaidAssets: 1_250_000n }, "tranche liquidated");
 * // {"level":"info",…,"marketId":"1","positionId":"42","repaidAssets":"1250000","msg":"tranche liquidated"}
 */
import { pino, type DestinationStream, type Logger } from "pino";

import type { LogLevel } from "./config.js";

/** The keeper's logger type (a pino logger). */
export type KeeperLogger = Logger;

const REDACTED = "[redacted]";

/** Context of a child logger for one position (ids as in `IMarginVault`). */
export interface PositionLogContext {
  marketId: bigint;
  positionId: bigint;
}

/**
 * Keys whose values are written as `"[redacted]"` at any depth of a log call (and in child bindings), in case a
 * secret is ever passed to a log call by mistake (the configuration's own secrets already print as `[redacted]`).
 */
export const REDACTED_LOG_KEYS: readonly string[] = ["privateKey", "password", "mnemonic", "keystorePassword"];

/**
 * Keys written as decimal strings when they hold a bigint, also in child bindings (which pino's formatters do not
 * see): `logger.child({ positionId: 7n })` writes `"positionId":"7"`. Other bigints in child bindings are written as
 * JSON numbers; in log calls, every bigint becomes a string.
 */
export const BIGINT_KEYS: readonly string[] = ["marketId", "positionId", "chainId", "blockNumber", "nonce"];

/**
 * Creates the keeper's logger.
 *
 * Lines are JSON with the level as a label (`"info"`, not 30), an ISO 8601 `time`, `name: "sluice-keeper"`, the
 * fields of the call and `msg`. Bigints anywhere in plain objects and arrays are written as decimal strings, so
 * amounts survive `JSON.parse` exactly. An `err` field is serialised with its message, type and stack.
 *
 * @param level - Lowest level written (`silent` writes nothing).
 * @param destination - Where lines go; default stdout. Tests pass a stream to read the lines back.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream | NodeJS.WritableStream): KeeperLogger {
  const options = {
    level,
    name: "sluice-keeper",
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label: string) => ({ level: label }),
      log: (object: Record<string, unknown>) => sanitize(object, 0) as Record<string, unknown>,
    },
    // Child bindings skip `formatters.log`: their bigint ids and secret keys are handled by serializers instead.
    serializers: Object.fromEntries([
      ...BIGINT_KEYS.map((key) => [key, bigintToString]),
      ...REDACTED_LOG_KEYS.map((key) => [key, () => REDACTED]),
    ]),
  };
  return destination === undefined ? pino(options) : pino(options, destination as DestinationStream);
}

/**
 * A child logger whose lines carry the position's `marketId` and `positionId` (as decimal strings).
 *
 * @param logger - The parent logger.
 * @param context - The position's ids.
 */
export function positionLogger(logger: KeeperLogger, context: PositionLogContext): KeeperLogger {
  return logger.child({ marketId: context.marketId.toString(), positionId: context.positionId.toString() });
}

function bigintToString(value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * Copies what a log call is given, ready for JSON: bigints as decimal strings, `toJSON` applied (so a `Secret` or a
 * parsed `KeeperConfig` gives its redacted form), {@link REDACTED_LOG_KEYS} redacted, 10 levels at most. Objects that
 * are neither plain nor arrays (errors, class instances) are left to pino's serializers.
 */
function sanitize(value: unknown, depth: number): unknown {
  if (typeof value === "bigint") return value.toString();
  if (depth > 10 || typeof value !== "object" || value === null) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return sanitize((toJSON as () => unknown).call(value), depth + 1);
  if (Array.isArray(value)) return value.map((item) => sanitize(item, depth + 1));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = REDACTED_LOG_KEYS.includes(key) ? REDACTED : sanitize(item, depth + 1);
  }
  return copy;
}
