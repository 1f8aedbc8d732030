// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IInsuranceFund
/// @notice Holds the protocol's share of liquidation fees and swept pool reserves; covers bad debt before lenders.
interface IInsuranceFund {
    /// @notice Emitted when the fund pays towards a position's bad debt.
    event CoverBadDebt(address indexed token, uint256 requestedAssets, uint256 paidAssets);
    /// @notice Emitted when governance withdraws from the fund.
    event Withdraw(address indexed token, address indexed receiver, uint256 assets);
    /// @notice Emitted once, when governance connects the liquidation engine.
    event SetLiquidationEngine(address indexed engine);

    /// @notice Thrown when a caller other than the liquidation engine asks for cover.
    error OnlyLiquidationEngine(address caller);
    /// @notice Thrown when the engine is already set.
    error LiquidationEngineAlreadySet(address engine);
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();
    /// @notice Thrown when an amount argument is zero.
    error ZeroAmount();

    /// @notice The liquidation engine, the only caller of `coverBadDebt`.
    function liquidationEngine() external view returns (address);

    /// @notice Sends up to `assets` of `token` to the engine (what the fund holds, if less). Liquidation engine only.
    /// @return paidAssets What was sent.
    function coverBadDebt(IERC20 token, uint256 assets) external returns (uint256 paidAssets);
}
