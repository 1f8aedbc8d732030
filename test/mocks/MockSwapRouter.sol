// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MockERC20} from "./MockERC20.sol";

/// @notice Test-only stand-in for the Uniswap V3 SwapRouter's `exactInput`: takes `amountIn` of `tokenIn` from the
/// caller and mints `amountIn * rate / 1e36` of `tokenOut` to the recipient, reverting like the router below the
/// minimum. Records the last path so tests can check what was sent.
contract MockSwapRouter {
    struct ExactInputParams {
        bytes path;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
    }

    IERC20 public immutable tokenIn;
    MockERC20 public immutable tokenOut;
    /// @notice tokenOut units per tokenIn unit, scaled by 1e36.
    uint256 public rate;
    bytes public lastPath;
    uint256 public swaps;

    constructor(IERC20 tokenIn_, MockERC20 tokenOut_) {
        tokenIn = tokenIn_;
        tokenOut = tokenOut_;
    }

    function setRate(uint256 rate_) external {
        rate = rate_;
    }

    function exactInput(ExactInputParams calldata params) external payable returns (uint256 amountOut) {
        lastPath = params.path;
        ++swaps;
        tokenIn.transferFrom(msg.sender, address(0xdead), params.amountIn);
        amountOut = (params.amountIn * rate) / 1e36;
        require(amountOut >= params.amountOutMinimum, "Too little received");
        tokenOut.mint(params.recipient, amountOut);
    }
}
