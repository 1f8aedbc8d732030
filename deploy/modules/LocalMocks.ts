/**
 * LocalMocks: what a local chain lacks for the Sluice module: a 6-decimal USD stablecoin and an 18-decimal WETH-like
 * token (`MockERC20`, mintable by anyone), Chainlink-compatible ETH/USD and USDC/USD aggregators (`MockV3Aggregator`,
 * 8 decimals; `updateAnswer` moves the price), and Uniswap V3 (factory and original SwapRouter from the npm artifacts)
 * with an empty WETH/USDC 0.3 % pool for the mark-to-model oracle (uninitialized: the TWAP fallback stays invalid until
 * someone initializes it and adds liquidity). `npm run deploy -- --network localhost` deploys it first and writes
 * these addresses into the localhost parameters.
 *
 * Parameters (`LocalMocks`, all optional): `ethUsdAnswer` (ETH/USD, 8 decimals; default 3,000 USD).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import UniswapV3FactoryArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json" with { type: "json" };
import UniswapV3PoolArtifact from "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json" with { type: "json" };
import SwapRouterArtifact from "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json" with { type: "json" };

/** Fee tier of the local pool (0.3 %, in hundredths of a basis point). */
export const LOCAL_POOL_FEE = 3000n;

export default buildModule("LocalMocks", (m) => {
  const usdc = m.contract("MockERC20", ["USD Coin", "USDC", 6], { id: "USDC" });
  const weth = m.contract("MockERC20", ["Wrapped Ether", "WETH", 18], { id: "WETH" });
  const ethUsdFeed = m.contract("MockV3Aggregator", [8, m.getParameter<bigint>("ethUsdAnswer", 3000n * 10n ** 8n)], {
    id: "EthUsdFeed",
  });
  const usdcUsdFeed = m.contract("MockV3Aggregator", [8, 10n ** 8n], { id: "UsdcUsdFeed" });

  const uniswapFactory = m.contract("UniswapV3Factory", UniswapV3FactoryArtifact, []);
  const swapRouter = m.contract("SwapRouter", SwapRouterArtifact, [uniswapFactory, weth]);
  const createPool = m.call(uniswapFactory, "createPool", [weth, usdc, LOCAL_POOL_FEE]);
  const poolAddress = m.readEventArgument(createPool, "PoolCreated", "pool");
  const uniswapPool = m.contractAt("UniswapV3Pool", UniswapV3PoolArtifact, poolAddress);

  return { usdc, weth, ethUsdFeed, usdcUsdFeed, uniswapFactory, swapRouter, uniswapPool };
});
