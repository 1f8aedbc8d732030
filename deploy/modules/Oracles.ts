/**
 * Oracles: the market's primary price from Chainlink (collateral/USD over quote/USD, staleness per feed, optional L2
 * sequencer-uptime feed with a grace period) and the MarkToModelOracle over it, which falls back to a Uniswap V3 TWAP
 * only when the primary is invalid, the pool deep enough and the TWAP close to the anchor (Chainlink's latest answer,
 * stale or not, at most `maxAnchorAge` old). The market uses the MarkToModelOracle.
 *
 * The quote token is the Core pool's asset, so the two cannot disagree.
 *
 * Parameters (`Oracles`):
 * - `collateralToken`, `collateralDecimals`, `quoteDecimals` (token decimals, at most 18);
 * - `baseFeed`, `baseFeedHeartbeat`: collateral/USD feed and its largest valid age (seconds);
 * - `quoteFeed`, `quoteFeedHeartbeat`: quote/USD feed and its largest valid age (seconds);
 * - `sequencerUptimeFeed`, `sequencerGracePeriod`: the L2 sequencer feed (zero address and 0 on L1) and the seconds
 *   prices stay invalid after a restart;
 * - `uniswapPool`, `twapWindow` (seconds, at least 1800), `minLiquidity` (pool in-range liquidity), `maxDeviation`
 *   (WAD, at most 0.5e18): the TWAP fallback;
 * - `maxAnchorAge` (seconds, 1 hour to 7 days): largest age of the fallback's anchor; on public networks above both
 *   feed heartbeats (the anchor's age counts from the older feed's answer).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import Core from "./Core.js";

export default buildModule("Oracles", (m) => {
  const { lendingPool } = m.useModule(Core);
  const collateralToken = m.getParameter<string>("collateralToken");
  const quoteToken = m.staticCall(lendingPool, "asset", []);

  const chainlinkOracle = m.contract("ChainlinkOracle", [
    m.getParameter<string>("baseFeed"),
    m.getParameter<bigint>("baseFeedHeartbeat"),
    m.getParameter<string>("quoteFeed"),
    m.getParameter<bigint>("quoteFeedHeartbeat"),
    m.getParameter<number>("collateralDecimals"),
    m.getParameter<number>("quoteDecimals"),
    m.getParameter<string>("sequencerUptimeFeed"),
    m.getParameter<bigint>("sequencerGracePeriod"),
  ]);
  const markToModelOracle = m.contract("MarkToModelOracle", [
    chainlinkOracle,
    m.getParameter<string>("uniswapPool"),
    collateralToken,
    quoteToken,
    m.getParameter<number>("twapWindow"),
    m.getParameter<bigint>("minLiquidity"),
    m.getParameter<bigint>("maxDeviation"),
    m.getParameter<bigint>("maxAnchorAge"),
  ]);
  return { chainlinkOracle, markToModelOracle };
});
