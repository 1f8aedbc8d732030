import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { inspect } from "node:util";

import { expect } from "chai";
import { Wallet, encryptKeystoreJson } from "ethers";
import { network } from "hardhat";

import { parseKeeperConfig, usageText } from "../../src/keeper/cli.js";
import {
  CONFIG_DEFAULTS,
  ConfigError,
  loadSigner,
  parseUnitsStrict,
  redactConfig,
  type KeeperConfig,
} from "../../src/keeper/config.js";
import { createLogger, positionLogger } from "../../src/keeper/logger.js";

// A throwaway key (Hardhat's account #1): never funded anywhere that matters.
const PRIVATE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const KEY_ADDRESS = new Wallet(PRIVATE_KEY).address;
const PASSWORD = "correct horse battery staple";
const RPC = "https://eth-mainnet.example.com/v2/SECRET-API-KEY";
const BASE_ARGS = ["--rpc-url", RPC, "--chain-id", "31337"];

/** Parses and asserts a run configuration (not a help request). */
function parse(argv: string[], env: Record<string, string | undefined> = {}): KeeperConfig {
  const config = parseKeeperConfig(argv, env);
  if (config.help) throw new Error("unexpected help request");
  return config;
}

/** The ConfigError thrown by parsing, or a failure if none is thrown. */
function problemsOf(argv: string[], env: Record<string, string | undefined> = {}): ConfigError {
  try {
    parseKeeperConfig(argv, env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail("expected a ConfigError");
}

describe("keeper config", function () {
  let dir: string;
  let keystorePath: string;
  let registryPath: string;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "sluice-keeper-config-"));
    keystorePath = join(dir, "keystore.json");
    // A cheap scrypt (N = 2^10) so the test decrypts in milliseconds; production keystores use 2^17.
    const json = await encryptKeystoreJson({ address: KEY_ADDRESS, privateKey: PRIVATE_KEY }, PASSWORD, {
      scrypt: { N: 1 << 10 },
    });
    writeFileSync(keystorePath, json);
    registryPath = join(dir, "registry.json");
    writeFileSync(registryPath, "{}");
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe("parseKeeperConfig", function () {
    it("test_parse_appliesDefaultsToAMinimalConfig", function () {
      const config = parse(BASE_ARGS, { SLUICE_PRIVATE_KEY: PRIVATE_KEY });
      expect(config.rpcUrl).to.equal(RPC);
      expect(config.chainId).to.equal(31337n);
      expect(config.signer.kind).to.equal("private-key");
      expect(config.marketIds).to.equal("all");
      expect(config.strategy).to.equal("flash");
      expect(config.minProfitQuote).to.equal("0");
      expect(config.maxSlippageBps).to.equal(2_000);
      expect(config.maxGasPriceWei).to.equal(undefined);
      expect(config.pollIntervalMs).to.equal(2_000);
      expect(config.pageSize).to.equal(500);
      expect(config.metricsPort).to.equal(9_464);
      expect(config.metricsHost).to.equal(CONFIG_DEFAULTS.metricsHost);
      expect(config.registryPath).to.equal(undefined);
      expect(config.logLevel).to.equal("info");
      expect(config.dryRun).to.equal(false);
    });

    it("test_parse_readsEveryFlag", function () {
      const config = parse(
        [
          ...BASE_ARGS,
          "--markets",
          "2, 1,2",
          "--strategy=own-capital",
          "--min-profit",
          "5.5",
          "--max-gas-price",
          "30.5",
          "--poll-interval",
          "100",
          "--page-size",
          "5000",
          "--metrics-port",
          "0",
          "--metrics-host",
          "0.0.0.0",
          "--registry",
          registryPath,
          "--log-level",
          "debug",
          "--dry-run",
        ],
        {},
      );
      expect(config.marketIds).to.deep.equal([2n, 1n]);
      expect(config.strategy).to.equal("own-capital");
      expect(config.minProfitQuote).to.equal("5.5");
      expect(config.maxGasPriceWei).to.equal(30_500_000_000n);
      expect(config.pollIntervalMs).to.equal(100);
      expect(config.pageSize).to.equal(5_000);
      expect(config.metricsPort).to.equal(0);
      expect(config.metricsHost).to.equal("0.0.0.0");
      expect(config.registryPath).to.equal(registryPath);
      expect(config.logLevel).to.equal("debug");
      expect(config.dryRun).to.equal(true);
      expect(config.signer.kind).to.equal("none");
    });

    it("test_parse_flagWinsOverEnvironment_emptyEnvIsUnset", function () {
      const config = parse(["--rpc-url", "ws://localhost:8546", "--page-size", "7"], {
        SLUICE_RPC_URL: "https://ignored.example",
        SLUICE_CHAIN_ID: "8453",
        SLUICE_PAGE_SIZE: "9",
        SLUICE_POLL_INTERVAL: "",
        SLUICE_DRY_RUN: "true",
      });
      expect(config.rpcUrl).to.equal("ws://localhost:8546");
      expect(config.chainId).to.equal(8453n);
      expect(config.pageSize).to.equal(7);
      expect(config.pollIntervalMs).to.equal(2_000);
      expect(config.dryRun).to.equal(true);
    });

    it("test_parse_reportsEveryMissingItemAtOnce", function () {
      const error = problemsOf([], {});
      expect(error.problems).to.have.length(3);
      expect(error.problems).to.include("--rpc-url (or SLUICE_RPC_URL) is required");
      expect(error.problems).to.include("--chain-id (or SLUICE_CHAIN_ID) is required");
      expect(error.problems.some((problem) => problem.startsWith("a signing key is required"))).to.equal(true);
      for (const problem of error.problems) expect(error.message).to.contain(problem);
    });

    it("test_parse_namesEachInvalidValueWithItsSource", function () {
      const error = problemsOf(
        [
          "--rpc-url",
          "ftp://example.com",
          "--chain-id",
          "0",
          "--max-gas-price",
          "abc",
          "--poll-interval",
          "99",
          "--page-size",
          "5001",
          "--metrics-port",
          "70000",
          "--strategy",
          "yolo",
          "--log-level",
          "loud",
          "--markets",
          "1,x",
          "--min-profit",
          "-1",
        ],
        { SLUICE_PRIVATE_KEY: PRIVATE_KEY },
      );
      expect(error.problems).to.deep.equal([
        "--rpc-url must be an http(s):// or ws(s):// URL, got scheme 'ftp:'",
        "--chain-id must be a positive integer, got '0'",
        "--markets must be 'all' or comma-separated market ids (non-negative integers), got '1,x'",
        "--strategy must be one of own-capital, flash, got 'yolo'",
        "--min-profit must be a non-negative decimal number of quote units (e.g. 5.5), got '-1'",
        "--max-gas-price must be a positive number of gwei, got 'abc'",
        "--poll-interval must be an integer number of milliseconds, at least 100, got '99'",
        "--page-size must be an integer from 1 to 5000, got '5001'",
        "--metrics-port must be a port number from 0 (disabled) to 65535, got '70000'",
        "--log-level must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'",
      ]);
    });

    it("test_parse_maxSlippageBps_acceptsTheFlashLiquidatorsRangeOnly", function () {
      const ok = parse([...BASE_ARGS, "--max-slippage-bps", "150"], { SLUICE_PRIVATE_KEY: PRIVATE_KEY });
      expect(ok.maxSlippageBps).to.equal(150);
      for (const bad of ["0", "2001", "1.5", "-3"]) {
        const error = problemsOf([...BASE_ARGS, "--max-slippage-bps", bad], { SLUICE_PRIVATE_KEY: PRIVATE_KEY });
        expect(error.problems).to.deep.equal([
          `--max-slippage-bps must be an integer number of basis points from 1 to 2000 (the FlashLiquidator's 20 % bound), got '${bad}'`,
        ]);
      }
      const fromEnv = problemsOf(BASE_ARGS, { SLUICE_PRIVATE_KEY: PRIVATE_KEY, SLUICE_MAX_SLIPPAGE_BPS: "5000" });
      expect(fromEnv.problems[0]).to.match(/^SLUICE_MAX_SLIPPAGE_BPS must be an integer/);
    });

    it("test_parse_namesTheEnvironmentVariableWhenTheValueCameFromIt", function () {
      const error = problemsOf(BASE_ARGS, { SLUICE_PRIVATE_KEY: PRIVATE_KEY, SLUICE_MAX_GAS_PRICE: "0" });
      expect(error.problems).to.deep.equal(["SLUICE_MAX_GAS_PRICE must be a positive number of gwei, got '0'"]);
    });

    it("test_parse_rejectsUnknownFlagsDuplicatesMissingValuesAndPositionals", function () {
      const error = problemsOf(
        [
          ...BASE_ARGS,
          "--private-key=0xdeadbeefdeadbeef",
          "--page-size",
          "1",
          "--page-size",
          "2",
          "stray",
          "--registry",
        ],
        { SLUICE_PRIVATE_KEY: PRIVATE_KEY },
      );
      expect(error.problems).to.include("unknown option '--private-key' (see --help)");
      expect(error.problems).to.include("--page-size is given more than once");
      expect(error.problems).to.include("--registry needs a value");
      expect(error.problems).to.include("unexpected argument (1); every option is a --flag");
      expect(error.message).not.to.contain("deadbeef");
    });

    it("test_parse_flagFollowedByAnotherFlagNeedsAValue", function () {
      const error = problemsOf(["--rpc-url", "--chain-id", "1"], { SLUICE_PRIVATE_KEY: PRIVATE_KEY });
      expect(error.problems).to.include("--rpc-url needs a value");
    });

    it("test_parse_keySources_exactlyOneUnlessDryRun", function () {
      const both = problemsOf([...BASE_ARGS, "--keystore", keystorePath], {
        SLUICE_PRIVATE_KEY: PRIVATE_KEY,
        SLUICE_KEYSTORE_PASSWORD: PASSWORD,
      });
      expect(both.problems).to.deep.equal([
        "give either SLUICE_PRIVATE_KEY or --keystore (or SLUICE_KEYSTORE), not both",
      ]);

      const noPassword = problemsOf([...BASE_ARGS, "--keystore", keystorePath]);
      expect(noPassword.problems).to.deep.equal(["SLUICE_KEYSTORE_PASSWORD is required with --keystore"]);

      const missingFile = problemsOf([...BASE_ARGS, "--keystore", join(dir, "nope.json")], {
        SLUICE_KEYSTORE_PASSWORD: PASSWORD,
      });
      expect(missingFile.problems).to.deep.equal([`--keystore '${join(dir, "nope.json")}' cannot be read (ENOENT)`]);

      const keystore = parse([...BASE_ARGS, "--keystore", keystorePath], { SLUICE_KEYSTORE_PASSWORD: PASSWORD });
      expect(keystore.signer).to.include({ kind: "keystore", path: keystorePath });

      expect(parse([...BASE_ARGS, "--dry-run"]).signer.kind).to.equal("none");
      expect(parse([...BASE_ARGS, "--dry-run"], { SLUICE_PRIVATE_KEY: PRIVATE_KEY }).signer.kind).to.equal(
        "private-key",
      );
    });

    it("test_parse_invalidPrivateKey_isReportedWithoutItsValue", function () {
      const badKey = `${PRIVATE_KEY.slice(0, 60)}zz`;
      const error = problemsOf(BASE_ARGS, { SLUICE_PRIVATE_KEY: badKey });
      expect(error.problems).to.deep.equal([
        "SLUICE_PRIVATE_KEY must be 0x followed by 64 hex digits, not all zero (got 62 characters)",
      ]);
      expect(error.message).not.to.contain(badKey.slice(2, 20));
    });

    it("test_parse_malformedRpcUrl_isNotEchoed", function () {
      const error = problemsOf(["--rpc-url", "not a url SECRET-API-KEY", "--chain-id", "1", "--dry-run"]);
      expect(error.problems).to.deep.equal([
        "--rpc-url must be an http(s):// or ws(s):// URL, got a value that is not a URL",
      ]);
      expect(error.message).not.to.contain("SECRET");
    });

    it("test_parse_helpWinsOverEverythingElse", function () {
      expect(parseKeeperConfig(["--bogus", "--help"], {})).to.deep.equal({ help: true });
      expect(parseKeeperConfig(["-h"], {})).to.deep.equal({ help: true });
      expect(parseKeeperConfig(["--rpc-url", "--help"], {})).to.deep.equal({ help: true });
      // After the terminator, --help is a stray argument, not a request for help.
      expect(() => parseKeeperConfig([...BASE_ARGS, "--dry-run", "--", "--help"], {})).to.throw(ConfigError);
    });

    it("test_usageText_listsEveryFlagAndSecretVariable", function () {
      const usage = usageText();
      for (const flag of [
        "--rpc-url",
        "--chain-id",
        "--keystore",
        "--markets",
        "--strategy",
        "--min-profit",
        "--max-gas-price",
        "--poll-interval",
        "--page-size",
        "--metrics-port",
        "--registry",
        "--log-level",
        "--dry-run",
        "--help",
        "SLUICE_PRIVATE_KEY",
        "SLUICE_KEYSTORE_PASSWORD",
      ]) {
        expect(usage).to.contain(flag);
      }
    });
  });

  describe("secrets", function () {
    it("test_secrets_neverInJsonInspectOrStringOfTheConfig", function () {
      const fromKey = parse(BASE_ARGS, { SLUICE_PRIVATE_KEY: PRIVATE_KEY });
      const fromKeystore = parse([...BASE_ARGS, "--keystore", keystorePath], { SLUICE_KEYSTORE_PASSWORD: PASSWORD });
      for (const config of [fromKey, fromKeystore]) {
        const renderings = [
          JSON.stringify(config),
          inspect(config, { depth: 10, showHidden: true }),
          String(config.signer.kind === "private-key" ? config.signer.privateKey : ""),
          String(config.signer.kind === "keystore" ? config.signer.password : ""),
          JSON.stringify(redactConfig(config)),
        ];
        for (const text of renderings) {
          expect(text).not.to.contain(PRIVATE_KEY.slice(2));
          expect(text).not.to.contain(PASSWORD);
        }
      }
      expect(JSON.parse(JSON.stringify(fromKey))).to.deep.equal(redactConfig(fromKey));
      if (fromKey.signer.kind !== "private-key") expect.fail("expected a private-key signer");
      expect(fromKey.signer.privateKey.reveal()).to.equal(PRIVATE_KEY);
      expect(JSON.stringify({ key: fromKey.signer.privateKey })).to.equal('{"key":"[redacted]"}');
      expect(inspect({ key: fromKey.signer.privateKey })).to.equal("{ key: [redacted] }");
    });

    it("test_redactConfig_hidesRpcPathAndCredentials_keepsTheRest", function () {
      const config = parse(
        [
          "--rpc-url",
          "https://user:pw@rpc.example.com:8545/v2/KEY?token=T",
          "--chain-id",
          "1",
          "--max-gas-price",
          "1.5",
        ],
        { SLUICE_PRIVATE_KEY: PRIVATE_KEY },
      );
      const redacted = redactConfig(config);
      expect(redacted["rpcUrl"]).to.equal("https://rpc.example.com:8545/…");
      expect(redacted["chainId"]).to.equal("1");
      expect(redacted["signer"]).to.equal("private-key");
      expect(redacted["maxGasPriceGwei"]).to.equal("1.5");
      expect(JSON.stringify(redacted)).not.to.match(/KEY|token|user|pw@/);
    });

    it("test_logger_neverWritesSecrets_evenWhenGivenTheWholeConfig", function () {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
          callback();
        },
      });
      const logger = createLogger("info", sink);
      const config = parse([...BASE_ARGS, "--keystore", keystorePath], { SLUICE_KEYSTORE_PASSWORD: PASSWORD });
      logger.info({ config, privateKey: PRIVATE_KEY, nested: { password: PASSWORD } }, "starting");
      logger.info({ config: redactConfig(config) }, "configuration");
      expect(lines).to.have.length(2);
      for (const line of lines) {
        expect(line).not.to.contain(PRIVATE_KEY.slice(2));
        expect(line).not.to.contain(PASSWORD);
        expect(line).not.to.contain("SECRET-API-KEY");
      }
    });
  });

  describe("logger", function () {
    it("test_logger_writesJsonLinesWithLevelLabelsChildContextAndBigintsAsStrings", function () {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
          callback();
        },
      });
      const logger = createLogger("info", sink);
      logger.debug("not written at info");
      const child = positionLogger(logger, { marketId: 1n, positionId: 42n });
      child.warn({ repaidAssets: 123_456_789_012_345_678_901_234_567_890n, list: [1n] }, "tranche liquidated");
      logger.child({ positionId: 7n }).error({ err: new Error("boom") }, "failed");

      expect(lines).to.have.length(2);
      const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
      expect(first).to.include({
        level: "warn",
        name: "sluice-keeper",
        marketId: "1",
        positionId: "42",
        repaidAssets: "123456789012345678901234567890",
        msg: "tranche liquidated",
      });
      expect(first["list"]).to.deep.equal(["1"]);
      expect(new Date(first["time"] as string).toISOString()).to.equal(first["time"]);
      const second = JSON.parse(lines[1] as string) as Record<string, unknown>;
      expect(second).to.include({ level: "error", positionId: "7", msg: "failed" });
      expect((second["err"] as { message: string }).message).to.equal("boom");
    });
  });

  describe("parseUnitsStrict", function () {
    it("test_parseUnitsStrict_convertsExactly", function () {
      expect(parseUnitsStrict("5.5", 6)).to.equal(5_500_000n);
      expect(parseUnitsStrict("0", 6)).to.equal(0n);
      expect(parseUnitsStrict("1.50", 1)).to.equal(15n);
      expect(parseUnitsStrict("7", 0)).to.equal(7n);
      expect(parseUnitsStrict("0.000001", 6)).to.equal(1n);
      expect(parseUnitsStrict("123456789012345678901234567890.123456789012345678", 18)).to.equal(
        123456789012345678901234567890123456789012345678n,
      );
    });

    it("test_parseUnitsStrict_refusesLossOfPrecisionAndLooseForms", function () {
      expect(() => parseUnitsStrict("0.0000001", 6)).to.throw(RangeError, "more than 6 decimals");
      expect(() => parseUnitsStrict("1.5", 0)).to.throw(RangeError, "more than 0 decimals");
      for (const bad of ["", "-1", "+1", "1e3", ".5", "5.", " 5", "5 ", "1,5", "0x10", "NaN"]) {
        expect(() => parseUnitsStrict(bad, 6), bad).to.throw(RangeError, "not a non-negative decimal");
      }
      expect(() => parseUnitsStrict("1", 256)).to.throw(RangeError, "decimals");
      expect(() => parseUnitsStrict("1", 1.5)).to.throw(RangeError, "decimals");
    });
  });

  describe("loadSigner", function () {
    it("test_loadSigner_privateKeyKeystoreAndDryRun", async function () {
      const { ethers } = await network.create();
      const fromKey = await loadSigner(parse(BASE_ARGS, { SLUICE_PRIVATE_KEY: PRIVATE_KEY }), ethers.provider);
      expect(await fromKey?.getAddress()).to.equal(KEY_ADDRESS);
      expect(fromKey?.provider).to.equal(ethers.provider);

      const fromKeystore = await loadSigner(
        parse([...BASE_ARGS, "--keystore", keystorePath], { SLUICE_KEYSTORE_PASSWORD: PASSWORD }),
        ethers.provider,
      );
      expect(await fromKeystore?.getAddress()).to.equal(KEY_ADDRESS);
      expect(fromKeystore?.provider).to.equal(ethers.provider);

      expect(await loadSigner(parse([...BASE_ARGS, "--dry-run"]), ethers.provider)).to.equal(null);
    });

    it("test_loadSigner_wrongPasswordOrChain_throwConfigErrorWithoutTheSecret", async function () {
      const { ethers } = await network.create();
      const wrong = "not-the-password";
      const config = parse([...BASE_ARGS, "--keystore", keystorePath], { SLUICE_KEYSTORE_PASSWORD: wrong });
      let error: unknown;
      try {
        await loadSigner(config, ethers.provider);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).problems).to.deep.equal([
        `could not decrypt --keystore file '${keystorePath}': wrong SLUICE_KEYSTORE_PASSWORD`,
      ]);
      expect((error as ConfigError).message).not.to.contain(wrong);

      const otherChain = parse(["--rpc-url", RPC, "--chain-id", "1"], { SLUICE_PRIVATE_KEY: PRIVATE_KEY });
      let chainError: unknown;
      try {
        await loadSigner(otherChain, ethers.provider);
      } catch (caught) {
        chainError = caught;
      }
      expect(chainError).to.be.instanceOf(ConfigError);
      expect((chainError as ConfigError).problems).to.deep.equal([
        "--chain-id is 1 but the RPC endpoint serves chain 31337",
      ]);
    });
  });
});
