// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm} from "forge-std/Vm.sol";

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {ILendingPool} from "../../contracts/interfaces/ILendingPool.sol";
import {SharesMath} from "../../contracts/libraries/SharesMath.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice settleTranche, repayFor, setEngineState and closeBadDebt: only the liquidation engine.
contract MarginVaultEngineHooksTest is BaseTest {
    uint256 internal positionId;

    function setUp() public override {
        super.setUp();
        _lend(1_000_000 * USDC);
        positionId = _openPosition(10e18, 20_000 * USDC);
    }

    /// @dev A settlement of 1,000 USDC repaid (shares by the vault's own rule) and 1 WETH seized, for `id`.
    function _settle(uint256 id, uint256 seized, uint80 state, address receiver) internal returns (uint256 shares) {
        pool.accrueInterest();
        (, shares, ) = _repayment(id, 1_000 * USDC);
        vm.prank(ENGINE);
        vault.settleTranche(id, 1_000 * USDC, shares, seized, 0, 0, state, receiver);
    }

    function _repayment(uint256 id, uint256 assets) internal view returns (uint256, uint256, uint256) {
        return
            SharesMath.repayment(
                assets,
                vault.position(id).debtShares,
                pool.totalBorrowAssets(),
                pool.totalBorrowShares()
            );
    }

    function test_settleTranche_booksSeizureRepaymentAndState_thenSendsTheCollateral_eventsFirst() public {
        uint256 cashBefore = pool.cashAssets();
        uint256 debtBefore = vault.debtAssetsOf(positionId);
        IMarginVault.Position memory before = vault.position(positionId);
        (, uint256 shares, uint256 debtLeft) = _repayment(positionId, 1_000 * USDC);
        vm.recordLogs();
        _settle(positionId, 1e18, 12_345, OTHER);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        // The booking emits nothing of its own (the engine's TrancheLiquidated records it); the only event is the
        // only token movement, the collateral's Transfer.
        assertEq(logs.length, 1, "one event");
        Vm.Log memory last = logs[logs.length - 1];
        assertEq(last.emitter, address(collateral));
        assertEq(last.topics[0], keccak256("Transfer(address,address,uint256)"));
        for (uint256 i = 0; i < logs.length - 1; ++i) assertTrue(logs[i].emitter != address(quote), "no quote moved");
        IMarginVault.Position memory p = vault.position(positionId);
        assertEq(collateral.balanceOf(OTHER), 1e18);
        assertEq(p.collateralAssets, 9e18);
        assertEq(vault.market(marketId).totalCollateralAssets, 9e18);
        assertEq(p.debtShares, before.debtShares - shares);
        assertEq(vault.market(marketId).totalDebtShares, before.debtShares - shares);
        assertEq(vault.debtAssetsOf(positionId), debtLeft, "the debt left is the rule's");
        assertLt(debtLeft, debtBefore);
        assertEq(p.engineState, 12_345, "the engine's bits stored with the booking");
        assertEq(p.owner, before.owner, "owner kept");
        assertEq(p.marketId, before.marketId, "market kept");
        assertEq(pool.cashAssets(), cashBefore + 1_000 * USDC, "booked as the pool's cash; the engine pulls it later");
    }

    function test_settleTranche_withNothingSeizedMovesNoToken() public {
        vm.recordLogs();
        _settle(positionId, 0, 1, OTHER);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) assertTrue(logs[i].emitter != address(collateral), "no transfer");
        assertEq(vault.position(positionId).collateralAssets, 10e18);
    }

    function test_settleTranche_revertsForAnyoneElse() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.OnlyLiquidationEngine.selector, BORROWER));
        vault.settleTranche(positionId, 1, 1, 1e18, 0, 0, 0, BORROWER);
    }

    function test_settleTranche_revertsOnMoreCollateralThanThePositionHas() public {
        vm.prank(ENGINE);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.InsufficientCollateral.selector, positionId, 11e18, 10e18));
        vault.settleTranche(positionId, 1, 1, 11e18, 0, 0, 0, OTHER);
    }

    function test_repayFor_booksTheEnginesPrepaidRepaymentWithoutMinDebtCheckOrTransfer() public {
        // The engine delivers the assets to the pool itself; repayFor only books them.
        uint256 engineBalance = quote.balanceOf(ENGINE);
        uint256 poolBalance = quote.balanceOf(address(pool));
        uint256 cashBefore = pool.cashAssets();
        // The event names the engine as the payer (topics checked; the data is asserted through the return values).
        vm.expectEmit(true, true, false, false, address(vault));
        emit IMarginVault.Repay(positionId, ENGINE, 0, 0);
        vm.prank(ENGINE);
        (uint256 repaid, ) = vault.repayFor(positionId, 19_950 * USDC);
        assertEq(repaid, 19_950 * USDC);
        assertEq(vault.debtAssetsOf(positionId), 50 * USDC, "the engine handles dust itself");
        assertEq(pool.cashAssets(), cashBefore + 19_950 * USDC, "booked as the pool's cash");
        assertEq(quote.balanceOf(ENGINE), engineBalance, "nothing pulled from the engine");
        assertEq(quote.balanceOf(address(pool)), poolBalance, "no transfer at all");
    }

    function test_setEngineState_storesTheEnginesBitsAndNothingElse() public {
        IMarginVault.Position memory before = vault.position(positionId);
        vm.prank(ENGINE);
        vault.setEngineState(positionId, type(uint80).max);
        IMarginVault.Position memory p = vault.position(positionId);
        assertEq(p.engineState, type(uint80).max);
        assertEq(p.owner, before.owner, "owner kept");
        assertEq(p.marketId, before.marketId, "market kept");
        assertEq(p.collateralAssets, before.collateralAssets);
        assertEq(p.debtShares, before.debtShares);
    }

    function test_setEngineState_onlyTheEngineOnAnExistingPosition() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.OnlyLiquidationEngine.selector, BORROWER));
        vault.setEngineState(positionId, 1);
        vm.prank(ENGINE);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, 99));
        vault.setEngineState(99, 1);
    }

    function test_repayFor_aboveTheDebtBooksTheDebt() public {
        uint256 debt = vault.debtAssetsOf(positionId);
        vm.prank(ENGINE);
        (uint256 repaid, ) = vault.repayFor(positionId, debt + 1);
        assertEq(repaid, debt);
        assertEq(vault.position(positionId).debtShares, 0);
    }

    function test_repayFor_revertsForAnyoneElse() public {
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.OnlyLiquidationEngine.selector, OTHER));
        vault.repayFor(positionId, 1);
    }

    /// @dev Seizes all of the position's collateral (repaying nothing), as the engine's settlement does before it
    /// closes for bad debt.
    function _seizeAll(uint256 id) internal {
        uint256 collateralAssets = vault.position(id).collateralAssets; // read before the prank, which one call uses
        vm.prank(ENGINE);
        vault.settleTranche(id, 0, 0, collateralAssets, 0, 0, 0, OTHER);
    }

    function test_closeBadDebt_burnsSharesLowersLenderAssetsAndClosesThePosition() public {
        // Reserves first: accrue a year so there are some.
        skip(365 days);
        pool.accrueInterest();
        uint256 reserves = pool.reserveAssets();
        assertGt(reserves, 0);
        uint256 debt = vault.debtAssetsOf(positionId);
        uint256 lenderAssetsBefore = pool.totalAssets();
        uint256 sharesBefore = vault.position(positionId).debtShares;
        _seizeAll(positionId);
        vm.expectEmit(address(vault));
        emit IMarginVault.CloseBadDebt(positionId, sharesBefore, debt);
        vm.expectEmit(address(vault));
        emit IMarginVault.ClosePosition(positionId, address(0), 0);
        vm.prank(ENGINE);
        (uint256 shares, uint256 assets) = vault.closeBadDebt(positionId);
        assertEq(assets, debt);
        assertEq(shares, sharesBefore);
        assertEq(vault.position(positionId).owner, address(0), "deleted");
        assertEq(vault.marketPositionCount(marketId), 1, "still listed (the list is append-only)");
        assertEq(vault.market(marketId).totalDebtShares, 0);
        assertEq(pool.reserveAssets(), 0, "reserves absorbed first");
        assertEq(pool.totalAssets(), lenderAssetsBefore - (debt - reserves), "lenders lose the rest");
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, positionId));
        vault.depositCollateral(positionId, 1);
    }

    function test_closeBadDebt_withNoDebtLeftClosesWithoutWriteOff() public {
        uint256 empty = _openPosition(1e18, 0);
        _seizeAll(empty);
        uint256 lenderAssetsBefore = pool.totalAssets();
        vm.prank(ENGINE);
        (uint256 shares, uint256 assets) = vault.closeBadDebt(empty);
        assertEq(shares, 0);
        assertEq(assets, 0);
        assertEq(vault.position(empty).owner, address(0));
        assertEq(pool.totalAssets(), lenderAssetsBefore, "nothing written off");
    }

    function test_closeBadDebt_revertsWithCollateralLeftOrForOthers() public {
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.OnlyLiquidationEngine.selector, OTHER));
        vault.closeBadDebt(positionId);
        uint256 collateralAssets = vault.position(positionId).collateralAssets;
        vm.prank(ENGINE);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.CollateralRemaining.selector, positionId, collateralAssets)
        );
        vault.closeBadDebt(positionId);
        vm.prank(ENGINE);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, 999));
        vault.closeBadDebt(999);
    }

    function test_writeOff_onlyVaultOnPool() public {
        vm.prank(ENGINE);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.OnlyVault.selector, ENGINE));
        pool.writeOff(1);
    }
}
