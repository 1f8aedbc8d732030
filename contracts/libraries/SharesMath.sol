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
}
