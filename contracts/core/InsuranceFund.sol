// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";

/// @title InsuranceFund
/// @notice Holds quote assets from liquidation fees and pool reserves; pays bad debt before lenders bear it.
contract InsuranceFund is IInsuranceFund, AccessControl {
    using SafeERC20 for IERC20;

    /// @inheritdoc IInsuranceFund
    address public liquidationEngine;

    /// @param admin Holder of the admin role (meant to be a TimelockController).
    constructor(address admin) {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Connects the liquidation engine, once. Admin only.
    function setLiquidationEngine(address engine) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (engine == address(0)) revert ZeroAddress();
        if (liquidationEngine != address(0)) revert LiquidationEngineAlreadySet(liquidationEngine);
        liquidationEngine = engine;
        emit SetLiquidationEngine(engine);
    }

    /// @inheritdoc IInsuranceFund
    function coverBadDebt(IERC20 token, uint256 assets) external returns (uint256 paidAssets) {
        if (msg.sender != liquidationEngine) revert OnlyLiquidationEngine(msg.sender);
        paidAssets = Math.min(assets, token.balanceOf(address(this)));
        emit CoverBadDebt(address(token), assets, paidAssets);
        if (paidAssets > 0) token.safeTransfer(msg.sender, paidAssets);
    }

    /// @notice Sends `assets` of `token` to `receiver`. Admin only (governance, behind its timelock).
    function withdraw(IERC20 token, address receiver, uint256 assets) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (receiver == address(0)) revert ZeroAddress();
        if (assets == 0) revert ZeroAmount();
        emit Withdraw(address(token), receiver, assets);
        token.safeTransfer(receiver, assets);
    }
}
