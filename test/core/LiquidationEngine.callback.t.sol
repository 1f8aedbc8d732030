// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MockKeeper} from "../mocks/MockKeeper.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice The liquidation callback, on the fixture of `LiquidationEngine.t.sol` (split from it: with the keeper mock,
/// the file's instrumented coverage build overflowed the wasm compiler).
contract LiquidationEngineCallbackTest is EngineBaseTest {
    function test_liquidate_callbackLetsKeeperSellBeforePaying() public {
        MockKeeper keeper = new MockKeeper(engine, quote, IERC20(address(collateral)));
        keeper.setSalePrice(_price(2300));
        oracle.setPrice(_price(2300));
        uint256 reservesBefore = _reservesNow();
        (uint256 repaid, uint256 seized) = keeper.liquidate(positionId, type(uint256).max);
        assertEq(keeper.callbacks(), 1);
        assertEq(repaid, 5_250 * USDC);
        // Profit = sale proceeds - repaid - fee = keeperShare of the bonus (less rounding).
        uint256 proceeds = (seized * _price(2300)) / 1e36;
        assertGt(quote.balanceOf(address(keeper)), 0);
        assertEq(quote.balanceOf(address(keeper)), proceeds - repaid - (pool.reserveAssets() - reservesBefore));
    }

    function test_liquidate_reentryThroughCallbackReverts() public {
        MockKeeper keeper = new MockKeeper(engine, quote, IERC20(address(collateral)));
        keeper.setSalePrice(_price(2300));
        keeper.setReenter(true);
        oracle.setPrice(_price(2300));
        vm.expectRevert();
        keeper.liquidate(positionId, type(uint256).max);
        assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC, "nothing happened");
    }
}
