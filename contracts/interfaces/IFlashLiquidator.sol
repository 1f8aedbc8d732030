// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITrancheLiquidationCallback} from "./ITrancheLiquidationCallback.sol";

/// @title IFlashLiquidator
/// @notice A keeper that needs no capital: it liquidates a tranche with the engine's callback, sells the seized
/// collateral on Uniswap V3 inside the callback, pays the engine from the proceeds and sends the rest (the keeper's
/// part of the bonus, less the price impact of the sale) to its owner.
/// @dev Paths are Uniswap V3 `exactInput` paths: `tokenIn, fee, token, fee, …, tokenOut` packed (20 + 3 + 20 … bytes).
/// The path must start at the position's collateral token and end at its quote token. Only the owner and the
/// operators it approves (e.g. an Automation upkeep) may liquidate; profit always goes to the owner.
interface IFlashLiquidator is ITrancheLiquidationCallback {
    /// @notice Emitted after each call that liquidated at least one tranche.
    /// @param quoteToken The token the profit is paid in.
    /// @param owner Who received it.
    /// @param profit Quote units sent to the owner.
    event LiquidationProfit(address indexed quoteToken, address indexed owner, uint256 profit);
    /// @notice Emitted when the owner approves or revokes an operator.
    event SetOperator(address indexed operator, bool approved);

    /// @notice Thrown when the caller is neither the owner nor an approved operator.
    error NotOperator(address caller);
    /// @notice Thrown when `onTrancheLiquidation` is called by anyone but the engine.
    error NotEngine(address caller);
    /// @notice Thrown when a path is not `20 + 23k` bytes long with k ≥ 1.
    error InvalidPath(uint256 length);
    /// @notice Thrown when a path does not sell the position's collateral for its quote token.
    error PathMismatch(uint256 positionId, address pathIn, address pathOut, address collateral, address quote);
    /// @notice Thrown when selling the seized collateral did not bring enough to pay the engine.
    error SwapShortfall(uint256 positionId, uint256 amountOut, uint256 owed);
    /// @notice Thrown when a call's total profit is below the caller's minimum (nothing is liquidated).
    error ProfitTooLow(uint256 profit, uint256 minProfit);
    /// @notice Thrown when a batch's `maxSlippage` is above `MAX_SLIPPAGE`.
    error SlippageTooHigh(uint256 maxSlippage, uint256 limit);
    /// @notice Thrown on a zero address.
    error ZeroAddress();

    /// @notice Largest `maxSlippage` a batch accepts (WAD): 20 %.
    function MAX_SLIPPAGE() external view returns (uint256);

    /// @notice Liquidates one tranche of `positionId` and sells the seized collateral along `path`.
    /// @dev Warning: the sale's only guards are `minAmountOut` and `minProfit`; with both at 0 a sandwich can take
    /// everything the sale brings above the tranche's cost. Derive `minAmountOut` from `previewLiquidation` and the
    /// oracle, e.g. `oracleFloor(preview.seizedAssets, price, slippage)`.
    /// @param maxRepayAssets Most debt to repay (quote units); the engine may repay less.
    /// @param path Uniswap V3 path from the collateral token to the quote token.
    /// @param minAmountOut Least quote the sale must return (slippage guard, from the caller's own quote).
    /// @param minProfit Least profit (quote units) for the call not to revert.
    /// @return profit Quote units sent to the owner.
    function liquidate(
        uint256 positionId,
        uint256 maxRepayAssets,
        bytes calldata path,
        uint256 minAmountOut,
        uint256 minProfit
    ) external returns (uint256 profit);

    /// @notice Liquidates a batch through `liquidateMany`; positions whose tranche or sale fails are skipped by the
    /// engine. Every position must be in a market whose collateral and quote match `path`.
    /// @dev Each sale must return at least `oracleFloor(seizedAssets, price, maxSlippage)`, `price` being the market
    /// oracle's price in the same transaction (the engine has just refreshed it and liquidates only on a valid one),
    /// and at least its tranche's `repaid + fee`. A sale below either reverts that position's liquidation (the
    /// router's "Too little received", or `SwapShortfall`), which the engine skips with `LiquidationSkipped`;
    /// `minProfit` then guards the batch's total.
    /// Warning: `maxSlippage` must cover the pool fee and the batch's own price impact (each sale moves the price for
    /// the next), or honest sales are skipped; what it leaves above them is still open to a sandwich, at most
    /// `maxSlippage` of each sale's oracle value. At 0 every sale must fetch the full oracle value.
    /// @param maxRepayAssets Most debt to repay per position (quote units), same length as `positionIds`.
    /// @param path Uniswap V3 path from the collateral token to the quote token.
    /// @param maxSlippage Largest shortfall of a sale against the oracle value of what it sells (WAD, at most
    /// `MAX_SLIPPAGE`).
    /// @param minProfit Least total profit (quote units) for the call not to revert.
    /// @return liquidated Tranches executed.
    /// @return profit Quote units sent to the owner.
    function liquidateMany(
        uint256[] calldata positionIds,
        uint256[] calldata maxRepayAssets,
        bytes calldata path,
        uint256 maxSlippage,
        uint256 minProfit
    ) external returns (uint256 liquidated, uint256 profit);

    /// @notice The least quote a sale of `seizedAssets` collateral may return under `maxSlippage`:
    /// `ceil(ceil(seizedAssets * price / 1e36) * (1e18 - maxSlippage) / 1e18)`.
    /// @dev Both steps round up (against the sale, for the keeper): the result is the exact value
    /// `seizedAssets * price * (1 - maxSlippage) / 1e36` rounded up, or at most one unit above that.
    /// @param seizedAssets Collateral sold (collateral units).
    /// @param price The oracle's price of one collateral unit in quote units, scaled by 1e36.
    /// @param maxSlippage Tolerated shortfall against the oracle value (WAD, at most 1e18).
    /// @return floorAssets Quote units.
    function oracleFloor(
        uint256 seizedAssets,
        uint256 price,
        uint256 maxSlippage
    ) external pure returns (uint256 floorAssets);

    /// @notice Approves or revokes `operator`. Only the owner.
    function setOperator(address operator, bool approved) external;

    /// @notice Sends `amount` of `token` held by this contract to `to` (recovers leftovers). Only the owner.
    function sweep(address token, address to, uint256 amount) external;

    /// @notice Whether `account` may liquidate through this contract.
    function isOperator(address account) external view returns (bool);
}
