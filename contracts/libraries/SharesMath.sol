// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SharesMath
/// @notice Conversions between borrow assets and borrow shares, with virtual shares and assets so that the first
/// borrower cannot manipulate the exchange rate (`shares / assets` starts at 1e6).
/// @dev Each conversion names its rounding. Debt in assets rounds up, shares created for new debt round up, shares
/// burned by a repayment round down: the protocol never loses to rounding.
library SharesMath {
    /// @notice Virtual borrow shares added to the total.
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    /// @notice Virtual borrow assets added to the total.
    uint256 internal constant VIRTUAL_ASSETS = 1;

    /// @notice `assets * (totalShares + 1e6) / (totalAssets + 1)`, rounded down.
    function toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
    }

    /// @notice `assets * (totalShares + 1e6) / (totalAssets + 1)`, rounded up.
    function toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS, Math.Rounding.Ceil);
    }

    /// @notice `shares * (totalAssets + 1) / (totalShares + 1e6)`, rounded down.
    function toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
    }

    /// @notice `shares * (totalAssets + 1) / (totalShares + 1e6)`, rounded up.
    function toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES, Math.Rounding.Ceil);
    }

    /// @notice A repayment of up to `assets` on a position's `positionShares` at the pool's totals before it: all of
    /// the debt (rounded up) when `assets` reaches it, else `assets` burning shares rounded down.
    /// @return repaidAssets Assets repaid (at most the position's debt).
    /// @return shares Borrow shares burned.
    /// @return debtAssetsLeft The position's debt after the repayment, at the pool's totals after it (rounded up).
    function repayment(
        uint256 assets,
        uint256 positionShares,
        uint256 totalAssets,
        uint256 totalShares
    ) internal pure returns (uint256 repaidAssets, uint256 shares, uint256 debtAssetsLeft) {
        uint256 debtAssets = toAssetsUp(positionShares, totalAssets, totalShares);
        if (assets >= debtAssets) return (debtAssets, positionShares, 0);
        shares = toSharesDown(assets, totalAssets, totalShares);
        // The pool's totals after the repayment (`LendingPool.repay`).
        debtAssetsLeft = toAssetsUp(
            positionShares - shares,
            totalAssets - Math.min(assets, totalAssets),
            totalShares - shares
        );
        return (assets, shares, debtAssetsLeft);
    }
}
