// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";

import {IFlashLiquidator} from "../interfaces/IFlashLiquidator.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {ITrancheLiquidationCallback} from "../interfaces/ITrancheLiquidationCallback.sol";
import {IMarginVault} from "../interfaces/IMarginVault.sol";

/// @title FlashLiquidator
/// @notice Capital-free keeper over the LiquidationEngine's callback and a Uniswap V3 SwapRouter.
/// @dev Flow of one tranche: `liquidate` → engine sends the seized collateral here → engine calls
/// `onTrancheLiquidation` → this sells it along the path → approves the engine for `repaid + fee` → engine pulls it →
/// the quote left over is the profit, sent to the owner. Nothing is held between calls.
contract FlashLiquidator is IFlashLiquidator, Ownable2Step {
    using SafeERC20 for IERC20;

    /// @dev A Uniswap V3 path is a token (20 bytes) followed by (fee (3 bytes), token (20 bytes)) hops.
    uint256 private constant ADDR_SIZE = 20;
    uint256 private constant HOP_SIZE = 23;

    /// @notice The engine this keeper liquidates through.
    ILiquidationEngine public immutable engine;
    /// @notice The vault holding the positions (for their tokens).
    IMarginVault public immutable vault;
    /// @notice The Uniswap V3 SwapRouter that sells the collateral.
    ISwapRouter public immutable router;

    mapping(address account => bool approved) private _operators;

    /// @param engine_ The LiquidationEngine.
    /// @param vault_ The MarginVault the engine liquidates.
    /// @param router_ A Uniswap V3 SwapRouter.
    /// @param owner_ Receives the profit and manages operators.
    constructor(ILiquidationEngine engine_, IMarginVault vault_, ISwapRouter router_, address owner_) Ownable(owner_) {
        if (address(engine_) == address(0) || address(vault_) == address(0) || address(router_) == address(0)) {
            revert ZeroAddress();
        }
        engine = engine_;
        vault = vault_;
        router = router_;
    }

    modifier onlyOperator() {
        if (msg.sender != owner() && !_operators[msg.sender]) revert NotOperator(msg.sender);
        _;
    }

    /// @inheritdoc IFlashLiquidator
    function liquidate(
        uint256 positionId,
        uint256 maxRepayAssets,
        bytes calldata path,
        uint256 minAmountOut,
        uint256 minProfit
    ) external onlyOperator returns (uint256 profit) {
        IERC20 quote = _pathOut(path);
        uint256 balanceBefore = quote.balanceOf(address(this));
        engine.liquidate(positionId, maxRepayAssets, address(this), abi.encodePacked(minAmountOut, path));
        profit = _payProfit(quote, balanceBefore, minProfit);
    }

    /// @inheritdoc IFlashLiquidator
    function liquidateMany(
        uint256[] calldata positionIds,
        uint256[] calldata maxRepayAssets,
        bytes calldata path,
        uint256 minProfit
    ) external onlyOperator returns (uint256 liquidated, uint256 profit) {
        IERC20 quote = _pathOut(path);
        uint256 balanceBefore = quote.balanceOf(address(this));
        liquidated = engine.liquidateMany(
            positionIds,
            maxRepayAssets,
            address(this),
            abi.encodePacked(uint256(0), path)
        );
        profit = _payProfit(quote, balanceBefore, minProfit);
    }

    /// @inheritdoc ITrancheLiquidationCallback
    /// @dev `data` is `abi.encodePacked(minAmountOut, path)`, built by `liquidate` / `liquidateMany`; the engine only
    /// calls back the account that called it, so only this contract's own calls reach here with its data.
    function onTrancheLiquidation(
        uint256 positionId,
        uint256 repaidAssets,
        uint256 seizedAssets,
        uint256 protocolFee,
        bytes calldata data
    ) external {
        if (msg.sender != address(engine)) revert NotEngine(msg.sender);
        bytes calldata path = data[32:];
        IMarginVault.Market memory market = vault.market(vault.position(positionId).marketId);
        IERC20 quote = IERC20(IERC4626(address(market.pool)).asset());
        IERC20 pathIn = IERC20(address(bytes20(path[:ADDR_SIZE])));
        IERC20 pathOut = _pathOut(path);
        if (pathIn != market.collateralToken || pathOut != quote) {
            revert PathMismatch(
                positionId,
                address(pathIn),
                address(pathOut),
                address(market.collateralToken),
                address(quote)
            );
        }

        uint256 owed = repaidAssets + protocolFee;
        uint256 amountOut;
        if (seizedAssets > 0) {
            market.collateralToken.forceApprove(address(router), seizedAssets);
            amountOut = router.exactInput(
                ISwapRouter.ExactInputParams({
                    path: path,
                    recipient: address(this),
                    deadline: block.timestamp,
                    amountIn: seizedAssets,
                    amountOutMinimum: uint256(bytes32(data[:32]))
                })
            );
        }
        if (amountOut < owed) revert SwapShortfall(positionId, amountOut, owed);
        quote.forceApprove(address(engine), owed);
    }

    /// @inheritdoc IFlashLiquidator
    function setOperator(address operator, bool approved) external onlyOwner {
        if (operator == address(0)) revert ZeroAddress();
        _operators[operator] = approved;
        emit SetOperator(operator, approved);
    }

    /// @inheritdoc IFlashLiquidator
    function sweep(address token, address to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IFlashLiquidator
    function isOperator(address account) external view returns (bool) {
        return account == owner() || _operators[account];
    }

    /// @dev Checks the call's profit against `minProfit`, then sends it to the owner.
    function _payProfit(IERC20 quote, uint256 balanceBefore, uint256 minProfit) internal returns (uint256 profit) {
        profit = quote.balanceOf(address(this)) - balanceBefore;
        if (profit < minProfit) revert ProfitTooLow(profit, minProfit);
        if (profit > 0) {
            address receiver = owner();
            quote.safeTransfer(receiver, profit);
            emit LiquidationProfit(address(quote), receiver, profit);
        }
    }

    /// @dev The last token of a well-formed path.
    function _pathOut(bytes calldata path) internal pure returns (IERC20) {
        if (path.length < ADDR_SIZE + HOP_SIZE || (path.length - ADDR_SIZE) % HOP_SIZE != 0) {
            revert InvalidPath(path.length);
        }
        return IERC20(address(bytes20(path[path.length - ADDR_SIZE:])));
    }
}
