/**
 * UniswapRouter: Uniswap's original V3 `SwapRouter` (npm artifact of `@uniswap/v3-periphery` 1.4.4, the bytecode
 * Uniswap published) over an existing V3 factory. For chains where Uniswap deployed only SwapRouter02 (Base, Sepolia),
 * whose `exactInput` takes no deadline and so does not fit the FlashLiquidator. The router holds no funds and no
 * roles; `npm run deploy` deploys it when the parameter file has an `UniswapRouter` section and passes its address to
 * `Periphery.swapRouter`.
 *
 * Parameters (`UniswapRouter`): `factory` (the chain's UniswapV3Factory), `weth9` (the chain's wrapped native token).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import SwapRouterArtifact from "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json" with { type: "json" };

export default buildModule("UniswapRouter", (m) => {
  const swapRouter = m.contract("SwapRouter", SwapRouterArtifact, [
    m.getParameter<string>("factory"),
    m.getParameter<string>("weth9"),
  ]);
  return { swapRouter };
});
