// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {ILendingPool} from "../../contracts/interfaces/ILendingPool.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {BaseTest} from "./BaseTest.sol";

contract MarginVaultBorrowTest is BaseTest {
    uint256 internal positionId;

    function setUp() public override {
        super.setUp();
        _lend(1_000_000 * USDC);
        positionId = _openPosition(10e18, 0); // 30,000 USDC of collateral
    }

    function test_borrow_sendsAssetsAndRecordsShares() public {
        vm.expectEmit(address(vault));
        emit IMarginVault.Borrow(positionId, BORROWER, BORROWER, 10_000 * USDC, 10_000 * USDC * 1e6);
        vm.prank(BORROWER);
        uint256 shares = vault.borrow(positionId, 10_000 * USDC, BORROWER);
        assertEq(shares, 10_000 * USDC * 1e6, "1e6 virtual shares per asset at first");
        assertEq(quote.balanceOf(BORROWER), 10_000 * USDC);
        assertEq(vault.position(positionId).debtShares, shares);
        assertEq(vault.market(marketId).totalDebtShares, shares);
        assertEq(vault.debtAssetsOf(positionId), 10_000 * USDC);
        assertEq(pool.totalBorrowAssets(), 10_000 * USDC);
    }

    function test_borrow_byOperatorToAnotherReceiver() public {
        vm.prank(BORROWER);
        vault.setOperator(OPERATOR, true);
        vm.prank(OPERATOR);
        vault.borrow(positionId, 1_000 * USDC, OTHER);
        assertEq(quote.balanceOf(OTHER), 1_000 * USDC);
    }

    function test_borrow_exactlyAtInitialRatioSucceeds() public {
        // 30,000 / 1.4 = 21,428.571428 -> the largest debt at 1.4 is 21,428.571428 USDC.
        vm.prank(BORROWER);
        vault.borrow(positionId, 21_428_571_428, BORROWER);
        assertGe(vault.positionHealth(positionId).ratio, 1.4e18);
    }

    function test_borrow_revertsOneUnitAboveInitialRatio() public {
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.RatioBelowInitial.selector, positionId, 1399999999972000000, 1.4e18)
        );
        vault.borrow(positionId, 21_428_571_429, BORROWER);
    }

    function test_borrow_revertsWhenNotOwnerOrOperator() public {
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NotOwnerOrOperator.selector, positionId, OTHER));
        vault.borrow(positionId, 1_000 * USDC, OTHER);
    }

    function test_borrow_revertsOnZeroAmount() public {
        vm.prank(BORROWER);
        vm.expectRevert(IMarginVault.ZeroAmount.selector);
        vault.borrow(positionId, 0, BORROWER);
    }

    function test_borrow_revertsOnZeroReceiver() public {
        vm.prank(BORROWER);
        vm.expectRevert(IMarginVault.ZeroAddress.selector);
        vault.borrow(positionId, 1_000 * USDC, address(0));
    }

    function test_borrow_revertsOnUnknownPosition() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, 999));
        vault.borrow(999, 1_000 * USDC, BORROWER);
    }

    function test_borrow_revertsWhenPaused() public {
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.BorrowPaused.selector, marketId));
        vault.borrow(positionId, 1_000 * USDC, BORROWER);
    }

    function test_borrow_revertsWithoutPrimaryPrice() public {
        oracle.setStatus(IOracle.PriceStatus.Fallback);
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.NoValidPrimaryPrice.selector, marketId, IOracle.PriceStatus.Fallback)
        );
        vault.borrow(positionId, 1_000 * USDC, BORROWER);
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.NoValidPrimaryPrice.selector, marketId, IOracle.PriceStatus.Invalid)
        );
        vault.borrow(positionId, 1_000 * USDC, BORROWER);
    }

    function test_borrow_revertsBelowMinDebt() public {
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.DebtBelowMinimum.selector, positionId, 99 * USDC, 100 * USDC)
        );
        vault.borrow(positionId, 99 * USDC, BORROWER);
    }

    function test_borrow_revertsAboveBorrowCap() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.borrowCap = uint128(5_000 * USDC);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.BorrowCapExceeded.selector, marketId, 5_001 * USDC, 5_000 * USDC)
        );
        vault.borrow(positionId, 5_001 * USDC, BORROWER);
    }

    function test_borrow_revertsAbovePoolCash() public {
        uint256 positionId2 = _openPosition(1_000e18, 0);
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(ILendingPool.InsufficientCash.selector, 1_000_001 * USDC, 1_000_000 * USDC)
        );
        vault.borrow(positionId2, 1_000_001 * USDC, BORROWER);
    }

    function test_borrow_accruesInterestFirst() public {
        vm.prank(BORROWER);
        vault.borrow(positionId, 10_000 * USDC, BORROWER);
        uint256 accrualBefore = pool.lastAccrual();
        skip(30 days);
        vm.prank(BORROWER);
        vault.borrow(positionId, 100 * USDC, BORROWER);
        assertEq(pool.lastAccrual(), accrualBefore + 30 days);
        assertGt(vault.debtAssetsOf(positionId), 10_100 * USDC, "interest on the first borrow");
    }

    function test_borrow_changesNothingWhenItReverts() public {
        uint256 sharesBefore = vault.position(positionId).debtShares;
        uint256 cashBefore = pool.cashAssets();
        vm.prank(BORROWER);
        vm.expectRevert();
        vault.borrow(positionId, 25_000 * USDC, BORROWER);
        assertEq(vault.position(positionId).debtShares, sharesBefore);
        assertEq(pool.cashAssets(), cashBefore);
        assertEq(quote.balanceOf(BORROWER), 0);
    }

    /// @notice Fuzz: the health check is exact at the boundary: a borrow passes iff the ratio after is >= initial.
    function testFuzz_borrow_healthCheckExactAtBoundary(
        uint256 collateralAssets,
        uint256 price,
        uint256 assets
    ) public {
        collateralAssets = bound(collateralAssets, 1e15, 1_000e18);
        price = bound(price, 1e24, 1e29); // 1 to 100,000 USDC per WETH
        uint256 id = _openPosition(collateralAssets, 0);
        oracle.setPrice(price);
        uint256 value = (collateralAssets * price) / 1e36;
        assets = bound(assets, 100 * USDC, value + 1_000 * USDC);
        vm.assume(assets <= 1_000_000 * USDC);
        // Debt after the borrow is exactly `assets` (first borrow, no interest yet): ratio = value / assets.
        uint256 ratio = (collateralAssets * price) / (assets * 1e18);
        vm.prank(BORROWER);
        if (ratio >= 1.4e18) {
            vault.borrow(id, assets, BORROWER);
            assertEq(vault.debtAssetsOf(id), assets);
        } else {
            vm.expectRevert(abi.encodeWithSelector(IMarginVault.RatioBelowInitial.selector, id, ratio, 1.4e18));
            vault.borrow(id, assets, BORROWER);
        }
    }
}
