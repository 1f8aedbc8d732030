/**
 * What every protocol in the gas comparison shares on one chain: the two tokens (Sluice's MockERC20, an
 * OpenZeppelin ERC-20, from the production build) and the two Chainlink-style feeds (MockV3Aggregator, 8 decimals)
 * that all three oracles read, so one `updateAnswer` moves the price for everyone. Named actors are Hardhat's
 * funded accounts.
 */
import { MaxUint256, type Signer } from "ethers";

import type { MockERC20, MockV3Aggregator } from "../../typechain-types/index.js";
import { deployArtifact, sluiceArtifact } from "../lib/artifacts.js";
import { FEED_UNIT, PRICES, mined, type Victim } from "./scenario.js";

/** The shared tokens, feeds and actors. */
export interface World {
  admin: Signer;
  /** Supplies the quote asset to every protocol. */
  lender: Signer;
  /** Opens one position before the measured borrower, so no measured action pays for a market's first write. */
  warmUp: Signer;
  /** The borrower whose open / borrow / repay / withdraw are measured. */
  borrower: Signer;
  /** Owners of the liquidation positions: the market's warm-up liquidation, tranche, full close, bad debt. */
  victims: Record<Victim, Signer>;
  /** Owner of Sluice's `liquidateMany` positions. */
  batchOwner: Signer;
  keeper: Signer;
  usdc: MockERC20;
  weth: MockERC20;
  ethUsdFeed: MockV3Aggregator;
  usdcUsdFeed: MockV3Aggregator;
}

/** Deploys the tokens and feeds (ETH at {@link PRICES.start}, USDC at $1) from the first of `signers`. */
export async function deployWorld(signers: Signer[]): Promise<World> {
  if (signers.length < 10) throw new Error(`the gas benchmark needs 10 accounts, the network has ${signers.length}`);
  const [admin, lender, warmUp, borrower, tranche, fullClose, badDebt, batchOwner, keeper, warmUpVictim] = signers as [
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
  ];
  const token = sluiceArtifact("test/mocks/MockERC20.sol", "MockERC20");
  const usdc = await deployArtifact<MockERC20>(admin, token, ["USD Coin", "USDC", 6]);
  const weth = await deployArtifact<MockERC20>(admin, token, ["Wrapped Ether", "WETH", 18]);
  const feed = sluiceArtifact("@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol", "MockV3Aggregator");
  const ethUsdFeed = await deployArtifact<MockV3Aggregator>(admin, feed, [8, PRICES.start * FEED_UNIT]);
  const usdcUsdFeed = await deployArtifact<MockV3Aggregator>(admin, feed, [8, FEED_UNIT]);
  // Dust for every actor, so no measured transaction moves a token balance between zero and non-zero (which costs
  // 20,000 gas more, or refunds, depending on who goes first).
  for (const signer of signers.slice(0, 10)) {
    await mined(usdc.connect(admin).mint(await signer.getAddress(), 1n));
    await mined(weth.connect(admin).mint(await signer.getAddress(), 1n));
  }
  return {
    admin,
    lender,
    warmUp,
    borrower,
    victims: { warmUp: warmUpVictim, tranche, fullClose, badDebt },
    batchOwner,
    keeper,
    usdc,
    weth,
    ethUsdFeed,
    usdcUsdFeed,
  };
}

/** Sets the ETH/USD feed to `usd` whole dollars (the price every protocol's oracle reads). */
export async function setEthPrice(world: World, usd: bigint): Promise<void> {
  await mined(world.ethUsdFeed.connect(world.admin).updateAnswer(usd * FEED_UNIT));
}

/**
 * Mints `amount` of `token` to `to` and approves `spender` for an unlimited amount from `to` (as wallets usually do:
 * an unlimited allowance is not written on each transfer).
 */
export async function fund(
  token: MockERC20,
  minter: Signer,
  to: Signer,
  spender: string,
  amount: bigint,
): Promise<void> {
  await mined(token.connect(minter).mint(await to.getAddress(), amount));
  await mined(token.connect(to).approve(spender, MaxUint256));
}
