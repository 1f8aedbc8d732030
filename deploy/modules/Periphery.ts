/**
 * Periphery: the PositionLens (batch reads), the FlashLiquidator (capital-free keeper selling seized collateral on a
 * Uniswap V3 SwapRouter) and the LiquidationUpkeep (Chainlink Automation). The upkeep belongs to the timelock from the
 * start; its route is set by the Sluice module's bootstrap batch through the timelock.
 *
 * Parameters (`Periphery`):
 * - `swapRouter`: a Uniswap V3 `SwapRouter` (the original one, whose `exactInput` takes a deadline; SwapRouter02 does
 *   not fit);
 * - `keeperOwner`: owns the FlashLiquidator (receives its profit, manages its operators).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import Core from "./Core.js";
import Governance from "./Governance.js";

export default buildModule("Periphery", (m) => {
  const { vault, engine } = m.useModule(Core);
  const { timelock } = m.useModule(Governance);
  const positionLens = m.contract("PositionLens", [vault, engine]);
  const flashLiquidator = m.contract("FlashLiquidator", [
    engine,
    vault,
    m.getParameter<string>("swapRouter"),
    m.getParameter<string>("keeperOwner"),
  ]);
  const upkeep = m.contract("LiquidationUpkeep", [engine, vault, flashLiquidator, timelock]);
  return { positionLens, flashLiquidator, upkeep };
});
