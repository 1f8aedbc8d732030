/**
 * The arbitrageur: once per step, with limited capital, it trades on the Uniswap V3 pool toward the oracle price
 * (sells WETH when the pool prices it above the oracle, buys when below). The swap carries the oracle's
 * `sqrtPriceX96` as its price limit, so it never overshoots; with too little capital it stops short.
 *
 * Units: prices as plain numbers in quote per collateral unit; amounts token-native.
 */
import { MaxUint256, type Signer } from "ethers";

import { sqrtPriceX96At } from "../devchain/uniswap.js";
import type { DemoSystem } from "./world.js";

const Q96 = 2n ** 96n;

/** The pool's price of one collateral unit in quote units, as a number (from `slot0().sqrtPriceX96`). */
export function poolPrice(sqrtPriceX96: bigint, collateralIsToken0: boolean, decimalsDiff: number): number {
  const ratio = Number((sqrtPriceX96 * sqrtPriceX96 * 10n ** 18n) / (Q96 * Q96)) / 1e18; // token1 per token0, raw
  const perToken0 = ratio * 10 ** decimalsDiff; // collateral 18, quote 6: raw ratio × 1e12
  return collateralIsToken0 ? perToken0 : 1 / (ratio / 10 ** decimalsDiff);
}

/** Quote units (6 decimals) of a price given as a number, rounded. */
export function quoteUnits(price: number, quoteDecimals = 6): bigint {
  return BigInt(Math.round(price * 10 ** quoteDecimals));
}

/** Gas limit of the arbitrageur's swap (130k either way on the demo's pool, estimated 2026-12-08). */
const ARB_SWAP_GAS = 500_000n;

/** An arbitrageur with `capitalPerStep` quote units (or the same value in collateral) to trade each step. */
export class Arbitrageur {
  readonly #system: DemoSystem;
  readonly #signer: Signer;
  readonly #capitalPerStep: bigint;
  #address = "";
  #collateralIsToken0 = false;

  readonly #fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

  /** @param fees - the fee fields of its trades (`DemoChain.fees.overrides`). */
  constructor(
    system: DemoSystem,
    signer: Signer,
    capitalPerStep: bigint,
    fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  ) {
    this.#system = system;
    this.#signer = signer;
    this.#capitalPerStep = capitalPerStep;
    this.#fees = fees;
  }

  /** Mints its inventory (mock tokens) and approves the router; call once before the snapshot. */
  async fund(inventoryWeth: bigint, inventoryUsdc: bigint): Promise<void> {
    const { weth, usdc, router } = this.#system;
    this.#address = await this.#signer.getAddress();
    const routerAddress = await router.getAddress();
    await (await weth.mint(this.#address, inventoryWeth)).wait();
    await (await usdc.mint(this.#address, inventoryUsdc)).wait();
    await (await weth.connect(this.#signer).approve(routerAddress, MaxUint256)).wait();
    await (await usdc.connect(this.#signer).approve(routerAddress, MaxUint256)).wait();
    await this.init();
  }

  /** Reads the pool's token order (also after a revert, where nothing needs minting again). */
  async init(): Promise<void> {
    this.#address = await this.#signer.getAddress();
    this.#collateralIsToken0 =
      BigInt(await this.#system.weth.getAddress()) < BigInt(await this.#system.usdc.getAddress());
  }

  /** The pool's current price (quote per collateral unit). */
  async poolPrice(): Promise<number> {
    const { sqrtPriceX96 } = await this.#system.uniswapPool.slot0();
    return poolPrice(sqrtPriceX96, this.#collateralIsToken0, 12);
  }

  /**
   * Trades toward `oraclePrice` (quote per collateral unit) with at most the step's capital. Returns the trade's
   * direction (`none` when the pool is within 1 bp of the oracle) and the pool's price before it.
   */
  async step(oraclePrice: number): Promise<{ trade: "sell" | "buy" | "none"; priceBefore: number }> {
    const { weth, usdc, router, poolFee, uniswapPool } = this.#system;
    const [wethAddress, usdcAddress] = [await weth.getAddress(), await usdc.getAddress()];
    const limit = sqrtPriceX96At(wethAddress, usdcAddress, 10n ** 18n, quoteUnits(oraclePrice));
    const { sqrtPriceX96 } = await uniswapPool.slot0();
    const current = poolPrice(sqrtPriceX96, this.#collateralIsToken0, 12);
    if (Math.abs(current / oraclePrice - 1) < 1e-4) return { trade: "none", priceBefore: current };
    const sell = current > oraclePrice;
    const amountIn = sell
      ? (this.#capitalPerStep * 10n ** 18n) / quoteUnits(oraclePrice) // the capital's worth of WETH
      : this.#capitalPerStep;
    await (
      await router.connect(this.#signer).exactInputSingle(
        {
          tokenIn: sell ? wethAddress : usdcAddress,
          tokenOut: sell ? usdcAddress : wethAddress,
          fee: poolFee,
          recipient: this.#address,
          deadline: MaxUint256,
          amountIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: limit,
        },
        // A fixed limit instead of an estimate (a call per trade): the swap cannot fail (a price limit, no minimum
        // out) and its gas is not measured; a full-range pool crosses no tick.
        { gasLimit: ARB_SWAP_GAS, ...this.#fees },
      )
    ).wait();
    return { trade: sell ? "sell" : "buy", priceBefore: current };
  }
}
