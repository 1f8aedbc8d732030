// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// solhint-disable-next-line max-line-length
import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";

/// @title ILiquidationUpkeep
/// @notice Chainlink Automation over the LiquidationEngine: `checkUpkeep` (simulated off-chain) reads a page of a
/// market's positions and returns the liquidatable ones; `performUpkeep` liquidates them through the FlashLiquidator,
/// which sells each tranche's collateral on Uniswap V3 along the market's route. Profit goes to the FlashLiquidator's
/// owner; this contract must be one of its operators.
/// @dev `checkData = abi.encode(uint256 marketId, uint256 offset, uint256 limit)`: one registered upkeep per page of
/// at most `MAX_SCAN` positions. `performData = abi.encode(uint256 marketId, uint256[] positionIds)`, at most
/// `MAX_BATCH` ids. The engine re-checks every position when it is liquidated: one that is no longer liquidatable
/// (healthy, in its grace window, taken by another keeper) is skipped, not reverted.
interface ILiquidationUpkeep is AutomationCompatibleInterface {
    /// @notice How a market's collateral is sold.
    /// @param path Uniswap V3 path from the market's collateral to its quote token (empty: market not served).
    /// @param maxSlippage Largest shortfall of each sale against the oracle value of what it sells (WAD, at most the
    /// FlashLiquidator's `MAX_SLIPPAGE`); a sale below it is skipped (see `IFlashLiquidator.liquidateMany`).
    /// @param minProfit Least total profit of one `performUpkeep` (quote units); below it the perform reverts.
    struct Route {
        bytes path;
        uint256 maxSlippage;
        uint256 minProfit;
    }

    /// @notice Emitted when the owner sets a market's route.
    event SetRoute(uint256 indexed marketId, bytes path, uint256 maxSlippage, uint256 minProfit);
    /// @notice Emitted when the owner sets the only account allowed to perform (zero: anyone).
    event SetForwarder(address indexed forwarder);
    /// @notice Emitted by every `performUpkeep`.
    event UpkeepPerformed(uint256 indexed marketId, uint256 requested, uint256 liquidated, uint256 profit);

    /// @notice Thrown when a market has no route.
    error NoRoute(uint256 marketId);
    /// @notice Thrown when a forwarder is set and someone else performs.
    error NotForwarder(address caller, address forwarder);
    /// @notice Thrown when `performData` holds more ids than `MAX_BATCH`, or none.
    error BadBatchSize(uint256 count, uint256 max);
    /// @notice Thrown when `checkData` asks to scan more than `MAX_SCAN` positions, or none.
    error BadScanSize(uint256 limit, uint256 max);
    /// @notice Thrown on a zero address.
    error ZeroAddress();

    /// @notice Positions read by one `checkUpkeep`.
    function MAX_SCAN() external view returns (uint256);

    /// @notice Positions liquidated by one `performUpkeep` (bounds its gas).
    function MAX_BATCH() external view returns (uint256);

    /// @notice Scans positions `[offset, offset + limit)` of a market and returns up to `MAX_BATCH` liquidatable ones
    /// (none while the market's price is invalid). Positions at or above maintenance at the oracle's current price
    /// cost one ratio each; only those below it are previewed in full.
    /// @param checkData `abi.encode(marketId, offset, limit)`.
    /// @return upkeepNeeded Whether any position can be liquidated now.
    /// @return performData `abi.encode(marketId, positionIds)`.
    function checkUpkeep(
        bytes calldata checkData
    ) external view override returns (bool upkeepNeeded, bytes memory performData);

    /// @notice Sets how a market's collateral is sold. Only the owner.
    /// @dev Reverts with `IFlashLiquidator.SlippageTooHigh` when `maxSlippage` is above the FlashLiquidator's bound.
    function setRoute(uint256 marketId, bytes calldata path, uint256 maxSlippage, uint256 minProfit) external;

    /// @notice Restricts `performUpkeep` to `forwarder` (the Automation forwarder), or opens it with zero. Only the
    /// owner.
    function setForwarder(address forwarder) external;

    /// @notice A market's route.
    function route(uint256 marketId) external view returns (Route memory);
}
