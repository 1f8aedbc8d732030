// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
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

    /// @inheritdoc IFlashLiquidator
    uint256 public constant MAX_SLIPPAGE = 0.2e18;
    uint256 private constant WAD = 1e18;
    uint256 private constant ORACLE_PRICE_SCALE = 1e36;
    /// @dev `maxSlippage` of 100 %: the oracle floor is 0, so only the caller's `minAmountOut` guards the sale.
    uint256 private constant NO_ORACLE_FLOOR = WAD;
    /// @dev `data` of the callback: `minAmountOut` (32 bytes), `maxSlippage` (32 bytes), then the path.
    uint256 private constant PATH_OFFSET = 64;

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
        engine.liquidate(positionId, maxRepayAssets, address(this), _callbackData(minAmountOut, NO_ORACLE_FLOOR, path));
        profit = _payProfit(quote, balanceBefore, minProfit);
    }

    /// @inheritdoc IFlashLiquidator
    function liquidateMany(
        uint256[] calldata positionIds,
        uint256[] calldata maxRepayAssets,
        bytes calldata path,
        uint256 maxSlippage,
        uint256 minProfit
    ) external onlyOperator returns (uint256 liquidated, uint256 profit) {
        if (maxSlippage > MAX_SLIPPAGE) revert SlippageTooHigh(maxSlippage, MAX_SLIPPAGE);
        return
            _liquidateMany(positionIds, maxRepayAssets, _pathOut(path), _callbackData(0, maxSlippage, path), minProfit);
    }

    /// @inheritdoc ITrancheLiquidationCallback
    /// @dev `data` is `abi.encodePacked(minAmountOut, maxSlippage, path)`, built by `liquidate` (`maxSlippage` 100 %:
    /// no oracle floor) or `liquidateMany` (`minAmountOut` 0); the engine only calls back the account that called it,
    /// so only this contract's own calls reach here with its data. The sale's minimum is the larger of `minAmountOut`
    /// and `oracleFloor(seizedAssets, price, maxSlippage)`, `price` read from the market's oracle: the engine refreshed
    /// it in this transaction and reverts before the callback when it is invalid.
    function onTrancheLiquidation(
        uint256 positionId,
        uint256 repaidAssets,
        uint256 seizedAssets,
        uint256 protocolFee,
        bytes calldata data
    ) external {
        if (msg.sender != address(engine)) revert NotEngine(msg.sender);
        bytes calldata path = data[PATH_OFFSET:];
        IMarginVault.Market memory market = vault.market(vault.position(positionId).marketId);
        IERC20 quote = _checkPath(positionId, path, market);

        uint256 owed = repaidAssets + protocolFee;
        uint256 amountOut;
        if (seizedAssets > 0) {
            uint256 minAmountOut = _minAmountOut(data, market, seizedAssets);
            market.collateralToken.forceApprove(address(router), seizedAssets);
            amountOut = router.exactInput(
                ISwapRouter.ExactInputParams({
                    path: path,
                    recipient: address(this),
                    deadline: block.timestamp,
                    amountIn: seizedAssets,
                    amountOutMinimum: minAmountOut
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

    /// @inheritdoc IFlashLiquidator
    function oracleFloor(uint256 seizedAssets, uint256 price, uint256 maxSlippage) public pure returns (uint256) {
        uint256 valueAssets = Math.mulDiv(seizedAssets, price, ORACLE_PRICE_SCALE, Math.Rounding.Ceil);
        return Math.mulDiv(valueAssets, WAD - maxSlippage, WAD, Math.Rounding.Ceil);
    }

    /// @dev The batch through the engine, then the profit (split out of `liquidateMany` for the stack).
    function _liquidateMany(
        uint256[] calldata positionIds,
        uint256[] calldata maxRepayAssets,
        IERC20 quote,
        bytes memory data,
        uint256 minProfit
    ) internal returns (uint256 liquidated, uint256 profit) {
        uint256 balanceBefore = quote.balanceOf(address(this));
        liquidated = engine.liquidateMany(positionIds, maxRepayAssets, address(this), data);
        profit = _payProfit(quote, balanceBefore, minProfit);
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

    /// @dev Reverts unless `path` sells the market's collateral for its quote token; returns the quote token.
    function _checkPath(
        uint256 positionId,
        bytes calldata path,
        IMarginVault.Market memory market
    ) internal view returns (IERC20 quote) {
        quote = IERC20(IERC4626(address(market.pool)).asset());
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
    }

    /// @dev The callback's `data`: `abi.encodePacked(minAmountOut, maxSlippage, path)`.
    function _callbackData(
        uint256 minAmountOut,
        uint256 maxSlippage,
        bytes calldata path
    ) internal pure returns (bytes memory) {
        return abi.encodePacked(minAmountOut, maxSlippage, path);
    }

    /// @dev The sale's minimum: the caller's `minAmountOut`, raised to the oracle floor unless `maxSlippage` is 100 %.
    function _minAmountOut(
        bytes calldata data,
        IMarginVault.Market memory market,
        uint256 seizedAssets
    ) internal view returns (uint256 minAmountOut) {
        minAmountOut = uint256(bytes32(data[:32]));
        uint256 maxSlippage = uint256(bytes32(data[32:PATH_OFFSET]));
        if (maxSlippage < NO_ORACLE_FLOOR) {
            (uint256 price, ) = market.oracle.price();
            minAmountOut = Math.max(minAmountOut, oracleFloor(seizedAssets, price, maxSlippage));
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
