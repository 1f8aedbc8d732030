/**
 * Deploys a whole Sluice system through Hardhat Ignition on one network connection (in-process for tests, or a
 * node / public RPC for `npm run deploy`) and returns its address registry.
 *
 * Steps: validate the parameters (with placeholders for what a local chain lacks) → on a local chain deploy the
 * LocalMocks module and fill the tokens, feeds, pool, router and swap path in from it → deploy the UniswapRouter module
 * when the file asks for one → validate again, refuse if the deployer would keep a role → deploy the Sluice module →
 * read the registry back from the chain.
 */
import { Contract, ZeroAddress, getAddress, type Signer } from "ethers";
import type { ChainType, NetworkConnection } from "hardhat/types/network";

import LocalMocks, { LOCAL_POOL_FEE } from "../../deploy/modules/LocalMocks.js";
import Sluice from "../../deploy/modules/Sluice.js";
import UniswapRouter from "../../deploy/modules/UniswapRouter.js";
import { parseRegistry, type Registry } from "../sdk/registry.js";
import {
  encodeSwapPath,
  LOCAL_NETWORKS,
  ParameterError,
  roleHolders,
  validateParameters,
  type SluiceParameters,
  type ValidationContext,
} from "./parameters.js";

/** Options of {@link deploySluiceIgnition}. */
export interface DeploySluiceOptions extends ValidationContext {
  /** Ignition deployment id (journal under `deploy/deployments/<id>` on persistent networks); default `chain-<id>`. */
  deploymentId?: string;
  /** Show Ignition's progress UI (the CLI does; tests do not). */
  displayUi?: boolean;
}

/** Addresses of what the LocalMocks module deployed (local chains only). */
export interface LocalMockAddresses {
  usdc: string;
  weth: string;
  ethUsdFeed: string;
  usdcUsdFeed: string;
  uniswapFactory: string;
  swapRouter: string;
  uniswapPool: string;
}

/** What {@link deploySluiceIgnition} deployed. */
export interface SluiceIgnitionDeployment {
  registry: Registry;
  /** The parameters as deployed (validated, with local addresses filled in). */
  parameters: SluiceParameters;
  /** Every contract of the Sluice module by its result name (`vault`, `engine`, `timelock`, ...). */
  addresses: Record<string, string>;
  /** Present on local chains. */
  mocks?: LocalMockAddresses;
}

/** Fields a local parameter file leaves out: LocalMocks provides them. */
function withLocalAddresses(json: Record<string, unknown>, mocks: LocalMockAddresses): Record<string, unknown> {
  const section = (name: string): Record<string, unknown> => {
    const value = json[name];
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  };
  return {
    ...json,
    Core: { ...section("Core"), quoteToken: mocks.usdc },
    Oracles: {
      ...section("Oracles"),
      collateralToken: mocks.weth,
      baseFeed: mocks.ethUsdFeed,
      quoteFeed: mocks.usdcUsdFeed,
      uniswapPool: mocks.uniswapPool,
    },
    Periphery: { ...section("Periphery"), swapRouter: mocks.swapRouter },
    Sluice: { ...section("Sluice"), swapPath: encodeSwapPath([mocks.weth, mocks.usdc], [LOCAL_POOL_FEE]) },
  };
}

/** Stand-ins for the first validation of a local file, before the mocks exist. */
const PLACEHOLDERS: LocalMockAddresses = {
  usdc: getAddress("0x00000000000000000000000000000000000000c1"),
  weth: getAddress("0x00000000000000000000000000000000000000c2"),
  ethUsdFeed: getAddress("0x00000000000000000000000000000000000000c3"),
  usdcUsdFeed: getAddress("0x00000000000000000000000000000000000000c4"),
  uniswapFactory: getAddress("0x00000000000000000000000000000000000000c5"),
  swapRouter: getAddress("0x00000000000000000000000000000000000000c6"),
  uniswapPool: getAddress("0x00000000000000000000000000000000000000c7"),
};

/** Ignition's parameter object (`{ Module: { field: value } }`) for the modules that take parameters. */
function ignitionParameters(p: SluiceParameters): Record<string, Record<string, unknown>> {
  return {
    Governance: { ...p.Governance },
    Core: { ...p.Core },
    Oracles: { ...p.Oracles },
    Market: { riskParams: { ...p.Market.riskParams } },
    Periphery: { ...p.Periphery },
    Sluice: { ...p.Sluice },
  };
}

async function addressOf(contract: { getAddress(): Promise<string> }): Promise<string> {
  return getAddress(await contract.getAddress());
}

/**
 * Deploys Sluice with Ignition on `connection` from a parsed parameter file (see `readParameterFile`).
 * @param connection - From `network.create()` (in-process) or `network.create({ network, override })`.
 * @param json - The parameter file's content; on a local network the mock addresses are filled in.
 * @throws {ParameterError} before deploying anything (besides local mocks) when a parameter is bad.
 */
export async function deploySluiceIgnition(
  connection: NetworkConnection<ChainType | string>,
  json: unknown,
  options: DeploySluiceOptions,
): Promise<SluiceIgnitionDeployment> {
  const local = LOCAL_NETWORKS.has(options.network);
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ParameterError([`${options.file}: the file must hold an object of modules`]);
  }
  let raw = json as Record<string, unknown>;
  // First pass: nothing is deployed if the file is wrong (local files are checked with placeholder mocks).
  validateParameters(local ? withLocalAddresses(raw, PLACEHOLDERS) : raw, options);

  const [deployer] = await connection.ethers.getSigners();
  if (deployer === undefined) throw new Error(`no deployer account on network ${options.network}`);
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const deploymentId = options.deploymentId ?? `chain-${chainId}`;
  const deployOptions = { deploymentId, displayUi: options.displayUi ?? false };

  let mocks: LocalMockAddresses | undefined;
  if (local) {
    const localMocks = raw.LocalMocks ?? {};
    const deployed = await connection.ignition.deploy(LocalMocks, {
      ...deployOptions,
      parameters: { LocalMocks: localMocks as Record<string, bigint> },
    });
    mocks = {
      usdc: await addressOf(deployed.usdc),
      weth: await addressOf(deployed.weth),
      ethUsdFeed: await addressOf(deployed.ethUsdFeed),
      usdcUsdFeed: await addressOf(deployed.usdcUsdFeed),
      uniswapFactory: await addressOf(deployed.uniswapFactory),
      swapRouter: await addressOf(deployed.swapRouter),
      uniswapPool: await addressOf(deployed.uniswapPool),
    };
    raw = withLocalAddresses(raw, mocks);
  }
  let parameters = validateParameters(raw, options);
  if (parameters.UniswapRouter !== undefined) {
    const { swapRouter } = await connection.ignition.deploy(UniswapRouter, {
      ...deployOptions,
      parameters: { UniswapRouter: { ...parameters.UniswapRouter } },
    });
    parameters = { ...parameters, Periphery: { ...parameters.Periphery, swapRouter: await addressOf(swapRouter) } };
  }
  const deployerAddress = getAddress(await deployer.getAddress());
  const keeps = roleHolders(parameters).filter(([, account]) => account === deployerAddress);
  if (keeps.length > 0) {
    throw new ParameterError(
      keeps.map(([field]) => `${options.file}: ${field}: is the deployer ${deployerAddress}, which must keep no role`),
    );
  }

  const contracts = await connection.ignition.deploy(Sluice, {
    ...deployOptions,
    parameters: ignitionParameters(parameters) as never,
  });
  const addresses: Record<string, string> = {};
  for (const [name, contract] of Object.entries(contracts)) addresses[name] = await addressOf(contract);
  const registry = await readRegistry(deployer, chainId, options.network, addresses, parameters);
  return mocks === undefined ? { registry, parameters, addresses } : { registry, parameters, addresses, mocks };
}

const ERC20_SYMBOL = ["function symbol() view returns (string)"];
const ROUTER_WETH9 = ["function WETH9() view returns (address)"];

/** The registry of a deployment, with the market read back from the vault. */
async function readRegistry(
  runner: Signer,
  chainId: bigint,
  network: string,
  addresses: Record<string, string>,
  parameters: SluiceParameters,
): Promise<Registry> {
  const at = (name: string): string => {
    const address = addresses[name];
    if (address === undefined) throw new Error(`the Sluice module returned no ${name}`);
    return address;
  };
  const vault = new Contract(
    at("vault"),
    [
      "function marketCount() view returns (uint256)",
      "function market(uint256) view returns ((address,address,address,bool,uint128,uint128))",
    ],
    runner,
  );
  const marketId = (await vault.getFunction("marketCount")()) as bigint;
  const market = (await vault.getFunction("market")(marketId)) as [string, string, string];
  const pool = new Contract(market[1], ["function asset() view returns (address)"], runner);
  const quote = getAddress((await pool.getFunction("asset")()) as string);
  const symbol = async (token: string): Promise<string> =>
    (await new Contract(token, ERC20_SYMBOL, runner).getFunction("symbol")()) as string;
  const router = parameters.Periphery.swapRouter;
  const wrappedNative = getAddress((await new Contract(router, ROUTER_WETH9, runner).getFunction("WETH9")()) as string);
  return parseRegistry({
    chainId: chainId.toString(),
    network,
    contracts: {
      MarginVault: at("vault"),
      LiquidationEngine: at("engine"),
      InsuranceFund: at("insuranceFund"),
      PositionLens: at("positionLens"),
      FlashLiquidator: at("flashLiquidator"),
      LiquidationUpkeep: at("upkeep"),
      TimelockController: at("timelock"),
      SwapRouter: router,
      ...(wrappedNative === ZeroAddress ? {} : { WrappedNative: wrappedNative }),
    },
    markets: [
      {
        id: marketId.toString(),
        label: `${await symbol(market[0])}/${await symbol(quote)}`,
        collateral: market[0],
        quote,
        pool: market[1],
        oracle: market[2],
        swapPath: parameters.Sluice.swapPath,
      },
    ],
  });
}
