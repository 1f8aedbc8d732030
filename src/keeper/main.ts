/**
 * `npm run keeper -- [flags]`: the Sluice keeper bot. Flags and environment are described by `--help`
 * (src/keeper/config.ts); the address registry comes from `--registry` or `deploy/registry/<chainId>.json`.
 */
import { readFile } from "node:fs/promises";

import { FetchRequest, JsonRpcProvider, WebSocketProvider, type Provider } from "ethers";

import { parseRegistry, type Registry } from "../sdk/registry.js";
import { parseKeeperConfig, usageText } from "./cli.js";
import { ConfigError, loadSigner, redactConfig, type KeeperConfig } from "./config.js";
import { Keeper } from "./keeper.js";
import { createLogger } from "./logger.js";
import { KeeperMetrics, startHttpServer } from "./metrics.js";
import { onShutdown } from "./shutdown.js";
import { TxSender } from "./txSender.js";

function providerFor(config: KeeperConfig): Provider {
  if (config.rpcUrl.startsWith("ws")) return new WebSocketProvider(config.rpcUrl, config.chainId);
  const request = new FetchRequest(config.rpcUrl);
  request.timeout = 10_000;
  return new JsonRpcProvider(request, config.chainId, { staticNetwork: true, pollingInterval: config.pollIntervalMs });
}

async function readRegistry(config: KeeperConfig): Promise<Registry> {
  const path = config.registryPath ?? `deploy/registry/${config.chainId}.json`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new ConfigError([`no address registry at '${path}' (give --registry <path>, or deploy first)`]);
  }
  return parseRegistry(JSON.parse(text) as unknown);
}

async function main(): Promise<void> {
  const parsed = parseKeeperConfig(process.argv.slice(2), process.env);
  if (parsed.help) {
    process.stdout.write(`${usageText()}\n`);
    return;
  }
  const config = parsed;
  const logger = createLogger(config.logLevel);
  logger.info({ config: redactConfig(config) }, "starting");
  const provider = providerFor(config);
  const signer = await loadSigner(config, provider);
  const registry = await readRegistry(config);
  if (registry.chainId !== config.chainId) {
    throw new ConfigError([`the registry is for chain ${registry.chainId}, --chain-id is ${config.chainId}`]);
  }
  const metrics = new KeeperMetrics();
  const sender = signer === null || config.dryRun ? null : new TxSender(signer, provider, { logger, metrics });
  const keeper = new Keeper({ config, provider, signer, sender, registry, logger, metrics });
  const server =
    config.metricsPort === 0
      ? undefined
      : await startHttpServer(config.metricsPort, config.metricsHost, metrics, () => keeper.health());
  if (server !== undefined) logger.info({ port: server.port, host: config.metricsHost }, "metrics and health server");
  onShutdown(
    async (signal) => {
      logger.info({ signal }, "shutting down");
      await keeper.stop();
      await server?.close();
      provider.destroy?.();
      logger.info("stopped");
    },
    { onFailure: (reason) => logger.error({ reason: reason.kind }, "shutdown failed") },
  );
  await keeper.start();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`sluice-keeper: ${error.message}\n\n${usageText()}\n`);
    process.exit(2);
  }
  process.stderr.write(`sluice-keeper: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
