// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice openPosition, closePosition, setOperator, enumeration and Multicall.
contract MarginVaultLifecycleTest is BaseTest {
    function test_openPosition_recordsOwnerAndEnumerates() public {
        vm.expectEmit(address(vault));
        emit IMarginVault.OpenPosition(1, marketId, BORROWER);
        vm.prank(BORROWER);
        uint256 id = vault.openPosition(marketId);
        assertEq(id, 1);
        assertEq(vault.nextPositionId(), 2);
        IMarginVault.Position memory p = vault.position(id);
        assertEq(p.owner, BORROWER);
        assertEq(p.marketId, marketId);
        assertEq(vault.marketPositionCount(marketId), 1);
        assertEq(vault.marketPositions(marketId, 0, 10)[0], id);
    }

    function test_openPosition_revertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownMarket.selector, 2));
        vault.openPosition(2);
    }

    function test_openPosition_revertsWhenPaused() public {
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.BorrowPaused.selector, marketId));
        vault.openPosition(marketId);
    }

    function test_marketPositions_pagesAndClampsAtTheEnd() public {
        for (uint256 i = 0; i < 5; ++i) _openPosition(0, 0);
        uint256[] memory page = vault.marketPositions(marketId, 3, 10);
        assertEq(page.length, 2);
        assertEq(page[0], 4);
        assertEq(page[1], 5);
        assertEq(vault.marketPositions(marketId, 9, 10).length, 0);
    }

    function test_closePosition_returnsCollateralAndForgetsPosition() public {
        _lend(100_000 * USDC);
        uint256 id = _openPosition(2e18, 1_000 * USDC);
        vm.startPrank(BORROWER);
        vault.repay(id, type(uint256).max);
        vm.expectEmit(address(vault));
        emit IMarginVault.ClosePosition(id, OTHER, 2e18);
        vault.closePosition(id, OTHER);
        vm.stopPrank();
        assertEq(collateral.balanceOf(OTHER), 2e18);
        assertEq(vault.position(id).owner, address(0));
        // The market's list is append-only: the closed position stays listed, and reads as owner zero.
        assertEq(vault.marketPositionCount(marketId), 1);
        assertEq(vault.marketPositions(marketId, 0, 10)[0], id);
        assertEq(vault.market(marketId).totalCollateralAssets, 0);
    }

    function test_marketPositions_keepOpeningOrderAcrossCloses() public {
        // Closing some of nine positions moves nothing in the list; a later one is appended.
        uint256[] memory opened = new uint256[](9);
        for (uint256 i = 0; i < 9; ++i) opened[i] = _openPosition(0, 0);
        vm.startPrank(BORROWER);
        vault.closePosition(opened[0], BORROWER);
        vault.closePosition(opened[4], BORROWER);
        vault.closePosition(opened[8], BORROWER);
        vm.stopPrank();
        uint256 extra = _openPosition(0, 0);
        assertEq(vault.marketPositionCount(marketId), 10);
        assertEq(vault.marketState(marketId).positionCount, 10);
        uint256[] memory all = vault.marketPositions(marketId, 0, 100);
        assertEq(all.length, 10);
        for (uint256 i = 0; i < 9; ++i) assertEq(all[i], opened[i], "opening order");
        assertEq(all[9], extra);
        uint256[] memory page = vault.marketPositions(marketId, 3, 3);
        assertEq(page.length, 3);
        assertEq(page[0], opened[3]);
        assertEq(page[2], opened[5]);
        assertEq(vault.position(all[4]).owner, address(0), "closed entry reads as owner zero");
    }

    function test_closePosition_emptyPositionTransfersNothing() public {
        uint256 id = _openPosition(0, 0);
        vm.prank(BORROWER);
        vault.closePosition(id, BORROWER);
        assertEq(vault.position(id).owner, address(0));
    }

    function test_closePosition_revertsWithDebt() public {
        _lend(100_000 * USDC);
        uint256 id = _openPosition(2e18, 1_000 * USDC);
        uint256 shares = vault.position(id).debtShares;
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.DebtOutstanding.selector, id, shares));
        vault.closePosition(id, BORROWER);
    }

    function test_closePosition_revertsForStrangerAndZeroReceiver() public {
        uint256 id = _openPosition(1e18, 0);
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NotOwnerOrOperator.selector, id, OTHER));
        vault.closePosition(id, OTHER);
        vm.prank(BORROWER);
        vm.expectRevert(IMarginVault.ZeroAddress.selector);
        vault.closePosition(id, address(0));
    }

    function test_closePosition_twiceRevertsAsUnknown() public {
        uint256 id = _openPosition(1e18, 0);
        vm.startPrank(BORROWER);
        vault.closePosition(id, BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, id));
        vault.closePosition(id, BORROWER);
        vm.stopPrank();
    }

    function test_setOperator_grantsAndRevokes() public {
        uint256 id = _openPosition(1e18, 0);
        vm.expectEmit(address(vault));
        emit IMarginVault.SetOperator(BORROWER, OPERATOR, true);
        vm.prank(BORROWER);
        vault.setOperator(OPERATOR, true);
        assertTrue(vault.isOperator(BORROWER, OPERATOR));
        vm.prank(OPERATOR);
        vault.withdrawCollateral(id, 1, OPERATOR);
        vm.prank(BORROWER);
        vault.setOperator(OPERATOR, false);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NotOwnerOrOperator.selector, id, OPERATOR));
        vault.withdrawCollateral(id, 1, OPERATOR);
    }

    function test_setOperator_revertsOnNoChangeAndZero() public {
        vm.startPrank(BORROWER);
        vm.expectRevert(IMarginVault.NoChange.selector);
        vault.setOperator(OPERATOR, false);
        vm.expectRevert(IMarginVault.ZeroAddress.selector);
        vault.setOperator(address(0), true);
        vm.stopPrank();
    }

    function test_multicall_opensDepositsAndBorrowsInOneTransaction() public {
        _lend(100_000 * USDC);
        collateral.mint(BORROWER, 5e18);
        uint256 id = vault.nextPositionId();
        bytes[] memory calls = new bytes[](3);
        calls[0] = abi.encodeCall(vault.openPosition, (marketId));
        calls[1] = abi.encodeCall(vault.depositCollateral, (id, 5e18));
        calls[2] = abi.encodeCall(vault.borrow, (id, 5_000 * USDC, BORROWER));
        vm.prank(BORROWER);
        vault.multicall(calls);
        assertEq(vault.position(id).owner, BORROWER);
        assertEq(vault.debtAssetsOf(id), 5_000 * USDC);
        assertEq(quote.balanceOf(BORROWER), 5_000 * USDC);
    }
}
