/**
 * The ERC-20 functions integrators need around Sluice (a market's tokens: decimals, balances, the allowance the
 * engine or the vault pulls against), typed, over any ethers runner. The protocol's own contracts have TypeChain
 * bindings; tokens are outside the repository, so this is the one place their ABI is written.
 */
import { Contract, type ContractRunner } from "ethers";

/** The human-readable ABI of the functions {@link Erc20} exposes. */
export const ERC20_ABI = [
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
] as const;

/** A token, typed. Amounts are token-native units. */
export interface Erc20 {
  readonly address: string;
  decimals(): Promise<number>;
  symbol(): Promise<string>;
  balanceOf(account: string): Promise<bigint>;
  allowance(owner: string, spender: string): Promise<bigint>;
  /** Calldata of `approve(spender, amount)`, for a sender that signs and sends itself. */
  encodeApprove(spender: string, amount: bigint): string;
}

/** The token at `address`, read through `runner`. */
export function erc20(address: string, runner: ContractRunner): Erc20 {
  const token = new Contract(address, ERC20_ABI, runner);
  return {
    address,
    decimals: async () => Number((await token.getFunction("decimals")()) as bigint),
    symbol: async () => (await token.getFunction("symbol")()) as string,
    balanceOf: async (account) => (await token.getFunction("balanceOf")(account)) as bigint,
    allowance: async (owner, spender) => (await token.getFunction("allowance")(owner, spender)) as bigint,
    encodeApprove: (spender, amount) => token.interface.encodeFunctionData("approve", [spender, amount]),
  };
}
