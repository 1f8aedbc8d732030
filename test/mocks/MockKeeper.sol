// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {ITrancheLiquidationCallback} from "../../contracts/interfaces/ITrancheLiquidationCallback.sol";
import {MockERC20} from "./MockERC20.sol";

/// @notice Test-only capital-free keeper: in the callback it "sells" the seized collateral by burning it to a sink and
/// minting quote at a fixed price, then approves the engine; it can also try to re-enter the engine.
contract MockKeeper is ITrancheLiquidationCallback {
    ILiquidationEngine public immutable engine;
    MockERC20 public immutable quote;
    IERC20 public immutable collateral;
    /// @notice Quote units paid per collateral unit, scaled by 1e36 (as the oracle's price).
    uint256 public salePrice;
    bool public reenter;
    uint256 public callbacks;

    constructor(ILiquidationEngine engine_, MockERC20 quote_, IERC20 collateral_) {
        engine = engine_;
        quote = quote_;
        collateral = collateral_;
    }

    function setSalePrice(uint256 salePrice_) external {
        salePrice = salePrice_;
    }

    function setReenter(bool reenter_) external {
        reenter = reenter_;
    }

    function liquidate(uint256 positionId, uint256 maxRepayAssets) external returns (uint256, uint256) {
        return engine.liquidate(positionId, maxRepayAssets, address(this), bytes("sell"));
    }

    function onTrancheLiquidation(
        uint256 positionId,
        uint256 repaidAssets,
        uint256 seizedAssets,
        uint256 protocolFee,
        bytes calldata
    ) external {
        ++callbacks;
        if (reenter) engine.liquidate(positionId, repaidAssets, address(this), "");
        // Sell: the collateral leaves, quote arrives.
        collateral.transfer(address(0xdead), seizedAssets);
        quote.mint(address(this), (seizedAssets * salePrice) / 1e36);
        quote.approve(address(engine), repaidAssets + protocolFee);
    }
}
