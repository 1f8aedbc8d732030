// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title TransferLib
/// @notice Inbound token transfers that must deliver exactly the amount asked for.
library TransferLib {
    using SafeERC20 for IERC20;

    /// @notice Thrown when a transfer delivers a different amount than sent (fee-on-transfer or rebasing tokens).
    error TransferAmountMismatch(address token, uint256 expectedAssets, uint256 receivedAssets);

    /// @notice Moves `assets` of `token` from `from` to `to` and reverts unless `to`'s balance rose by exactly that.
    function pullExact(IERC20 token, address from, address to, uint256 assets) internal {
        uint256 balanceBefore = token.balanceOf(to);
        token.safeTransferFrom(from, to, assets);
        uint256 received = token.balanceOf(to) - balanceBefore;
        if (received != assets) revert TransferAmountMismatch(address(token), assets, received);
    }
}
