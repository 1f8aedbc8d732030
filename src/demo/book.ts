/**
 * The book of borrower positions the demo opens before the price path starts.
 *
 * Units: collateral in collateral-token units (WETH, 18 decimals), debt in quote-token units (USDC, 6 decimals),
 * ratios as plain numbers (1.45 = 145 %).
 */
import { DemoRng } from "./rng.js";

/** How the book is drawn. */
export interface BookOptions {
  /** Number of positions (1..5000). */
  positions: number;
  seed: number;
  /** Price at opening, quote per collateral unit (e.g. 3000). */
  price: number;
  /** The market's initial ratio (the lowest ratio a position can be opened at), e.g. 1.4. */
  initialRatio: number;
  /** Width of the band of opening ratios above `initialRatio` (0.15: ratios uniform in [1.40, 1.55]). */
  ratioSpread: number;
  /** Median collateral of a position, in whole collateral units (log-normal sizes). */
  medianCollateral: number;
  /** Log-normal sigma of the sizes. */
  sizeSigma: number;
  /** Largest collateral of one position, whole units (caps the log-normal tail). */
  maxCollateral: number;
  collateralDecimals: number;
  quoteDecimals: number;
}

/** One position of the book. */
export interface BookPosition {
  /** 0-based index in the book (the order positions are opened in). */
  index: number;
  /** Collateral deposited, token units. */
  collateralAssets: bigint;
  /** Debt borrowed, quote units. */
  debtAssets: bigint;
  /** Ratio at opening (collateral value / debt). */
  openingRatio: number;
}

/** Draws the book: sizes log-normal, opening ratios uniform in `[initialRatio + 0.001, initialRatio + ratioSpread]`. */
export function generateBook(options: BookOptions): BookPosition[] {
  const { positions } = options;
  if (!Number.isInteger(positions) || positions < 1 || positions > 5000) {
    throw new RangeError(`positions must be an integer in 1..5000, got ${positions}`);
  }
  const rng = new DemoRng(options.seed);
  const book: BookPosition[] = [];
  for (let index = 0; index < positions; index++) {
    const collateral = Math.min(
      options.maxCollateral,
      options.medianCollateral * Math.exp(options.sizeSigma * rng.normal()),
    );
    // 0.001 above the initial ratio, so rounding never puts a fresh position below it.
    const openingRatio = options.initialRatio + 0.001 + (options.ratioSpread - 0.001) * rng.next();
    // Whole milli-units keep the numbers readable and exact.
    const collateralMilli = BigInt(Math.max(1, Math.round(collateral * 1000)));
    const collateralAssets = collateralMilli * 10n ** BigInt(options.collateralDecimals - 3);
    const debtCents = BigInt(Math.floor((Number(collateralMilli) * options.price * 100) / 1000 / openingRatio));
    const debtAssets = debtCents * 10n ** BigInt(options.quoteDecimals - 2);
    book.push({ index, collateralAssets, debtAssets, openingRatio });
  }
  return book;
}
