// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ITrancheLiquidationCallback
/// @notice Implemented by keepers that liquidate without capital: the engine sends the seized collateral first, calls
/// this on the keeper, then pulls `repaidAssets + protocolFee` in the quote asset from it.
interface ITrancheLiquidationCallback {
    /// @notice Called by the LiquidationEngine after the collateral was sent to the receiver and before payment.
    /// @param positionId The position liquidated.
    /// @param repaidAssets Debt the keeper repays (quote units).
    /// @param seizedAssets Collateral sent to the receiver (collateral units).
    /// @param protocolFee Fee the keeper pays on top (quote units).
    /// @param data The data the keeper passed to `liquidate`.
    function onTrancheLiquidation(
        uint256 positionId,
        uint256 repaidAssets,
        uint256 seizedAssets,
        uint256 protocolFee,
        bytes calldata data
    ) external;
}
