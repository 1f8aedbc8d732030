/**
 * The address registry: where Sluice is deployed on one chain. Written by the deployment (`npm run deploy`, one
 * file per chain id) and read by the SDK, the keeper and the demo. This module only validates; reading the file is
 * the caller's (the SDK has no Node-only imports).
 */
import { getAddress, isAddress, isHexString } from "ethers";

/** One market as deployed. */
export interface RegistryMarket {
  /** The vault's market id. */
  id: bigint;
  /** Human label, e.g. `WETH/USDC`. */
  label: string;
  /** Collateral token address. */
  collateral: string;
  /** Quote (borrowed) token address. */
  quote: string;
  /** The market's LendingPool (its ERC-4626 lender vault). */
  pool: string;
  /** The market's IOracle (price of one collateral unit in quote units, 1e36-scaled). */
  oracle: string;
  /** Uniswap V3 path selling the collateral for the quote (hex), for keepers; empty when none. */
  swapPath: string;
}

/** Every address of one deployment. */
export interface Registry {
  /** EIP-155 chain id the addresses live on. */
  chainId: bigint;
  /** Network name, e.g. `localhost`, `arbitrum`. */
  network: string;
  /** Contract addresses (checksummed); the optional ones are absent when not deployed. */
  contracts: {
    /** Positions, collateral, borrowing. */
    MarginVault: string;
    /** Tranche liquidations. */
    LiquidationEngine: string;
    /** Covers bad debt before lenders do. */
    InsuranceFund: string;
    /** Batch views for keepers and frontends. */
    PositionLens?: string;
    /** Capital-free keeper contract (sells seized collateral on Uniswap V3). */
    FlashLiquidator?: string;
    /** Chainlink Automation upkeep. */
    LiquidationUpkeep?: string;
    /** Holds the admin roles after deployment. */
    TimelockController?: string;
    /** Uniswap V3 SwapRouter the FlashLiquidator sells through. */
    SwapRouter?: string;
    /** The chain's wrapped native token (WETH on Ethereum): lets keepers value gas in a market's quote token. */
    WrappedNative?: string;
  };
  /** Every market of the vault, by id. */
  markets: RegistryMarket[];
}

/** A registry file that is not what the SDK expects; `problems` names each field at fault. */
export class RegistryError extends Error {
  /** One message per field at fault, naming it. */
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid Sluice registry: ${problems.join("; ")}`);
    this.name = "RegistryError";
    this.problems = problems;
  }
}

const REQUIRED = ["MarginVault", "LiquidationEngine", "InsuranceFund"] as const;
const OPTIONAL = [
  "PositionLens",
  "FlashLiquidator",
  "LiquidationUpkeep",
  "TimelockController",
  "SwapRouter",
  "WrappedNative",
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function integer(value: unknown): bigint | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  if (typeof value === "string" && /^[1-9][0-9]*$/.test(value)) return BigInt(value);
  return undefined;
}

/**
 * Validates a parsed registry (JSON) and returns it typed, with checksummed addresses and bigint ids.
 * @throws {RegistryError} naming every missing or malformed field.
 */
export function parseRegistry(json: unknown): Registry {
  const problems: string[] = [];
  if (!isRecord(json)) throw new RegistryError(["the registry must be a JSON object"]);
  const address = (value: unknown, where: string): string => {
    if (typeof value === "string" && isAddress(value)) return getAddress(value);
    problems.push(`${where} must be an address, got ${JSON.stringify(value)}`);
    return "";
  };
  const chainId = integer(json.chainId);
  if (chainId === undefined) problems.push(`chainId must be a positive integer, got ${JSON.stringify(json.chainId)}`);
  if (typeof json.network !== "string" || json.network === "") problems.push("network must be a non-empty string");
  const contractsJson = isRecord(json.contracts) ? json.contracts : {};
  if (!isRecord(json.contracts)) problems.push("contracts must be an object of addresses");
  const contracts: Record<string, string> = {};
  for (const name of REQUIRED) contracts[name] = address(contractsJson[name], `contracts.${name}`);
  for (const name of OPTIONAL) {
    if (contractsJson[name] !== undefined) contracts[name] = address(contractsJson[name], `contracts.${name}`);
  }
  const markets: RegistryMarket[] = [];
  if (!Array.isArray(json.markets)) problems.push("markets must be an array");
  else {
    json.markets.forEach((m: unknown, i: number) => {
      const where = `markets[${i}]`;
      if (!isRecord(m)) {
        problems.push(`${where} must be an object`);
        return;
      }
      const id = integer(m.id);
      if (id === undefined) problems.push(`${where}.id must be a positive integer, got ${JSON.stringify(m.id)}`);
      const swapPath = m.swapPath ?? "0x";
      if (typeof swapPath !== "string" || !isHexString(swapPath)) problems.push(`${where}.swapPath must be hex`);
      markets.push({
        id: id ?? 0n,
        label: typeof m.label === "string" ? m.label : `market ${String(m.id)}`,
        collateral: address(m.collateral, `${where}.collateral`),
        quote: address(m.quote, `${where}.quote`),
        pool: address(m.pool, `${where}.pool`),
        oracle: address(m.oracle, `${where}.oracle`),
        swapPath: typeof swapPath === "string" ? swapPath : "0x",
      });
    });
  }
  if (problems.length > 0) throw new RegistryError(problems);
  return {
    chainId: chainId ?? 0n,
    network: json.network as string,
    contracts: contracts as unknown as Registry["contracts"],
    markets,
  };
}

/** The registry as JSON (bigints as decimal strings), the inverse of {@link parseRegistry}. */
export function serializeRegistry(registry: Registry): string {
  return JSON.stringify(
    {
      ...registry,
      chainId: registry.chainId.toString(),
      markets: registry.markets.map((m) => ({ ...m, id: m.id.toString() })),
    },
    null,
    2,
  );
}
