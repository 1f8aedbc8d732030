// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {IUniswapV3MintCallback} from "@uniswap/v3-core/contracts/interfaces/callback/IUniswapV3MintCallback.sol";

/// @title UniswapV3LiquidityProvider
/// @notice Test-only: mints a Uniswap V3 position for the caller, paying the pool from the caller's approved tokens
/// in the mint callback.
contract UniswapV3LiquidityProvider is IUniswapV3MintCallback {
    using SafeERC20 for IERC20;

    error NotPool(address caller, address pool);

    address private _pool;
    address private _payer;

    /// @notice Mints `liquidity` in [tickLower, tickUpper) of `pool`; the tokens come from `msg.sender`.
    function mint(IUniswapV3Pool pool, int24 tickLower, int24 tickUpper, uint128 liquidity) external {
        _pool = address(pool);
        _payer = msg.sender;
        pool.mint(msg.sender, tickLower, tickUpper, liquidity, "");
        _pool = address(0);
        _payer = address(0);
    }

    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata) external {
        if (msg.sender != _pool) revert NotPool(msg.sender, _pool);
        IUniswapV3Pool pool = IUniswapV3Pool(msg.sender);
        if (amount0Owed > 0) IERC20(pool.token0()).safeTransferFrom(_payer, msg.sender, amount0Owed);
        if (amount1Owed > 0) IERC20(pool.token1()).safeTransferFrom(_payer, msg.sender, amount1Owed);
    }
}
