// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {BaseTest} from "./BaseTest.sol";

contract MarginVaultRepayTest is BaseTest {
    uint256 internal positionId;

    function setUp() public override {
        super.setUp();
        _lend(1_000_000 * USDC);
        positionId = _openPosition(10e18, 10_000 * USDC);
    }

    function test_repay_partialBurnsSharesRoundedDown() public {
        vm.expectEmit(address(vault));
        emit IMarginVault.Repay(positionId, BORROWER, 4_000 * USDC, 4_000 * USDC * 1e6);
        vm.prank(BORROWER);
        (uint256 repaid, uint256 shares) = vault.repay(positionId, 4_000 * USDC);
        assertEq(repaid, 4_000 * USDC);
        assertEq(shares, 4_000 * USDC * 1e6);
        assertEq(vault.debtAssetsOf(positionId), 6_000 * USDC);
        assertEq(pool.cashAssets(), 994_000 * USDC);
        assertEq(quote.balanceOf(address(pool)), 994_000 * USDC);
    }

    function test_repay_aboveDebtRepaysExactlyTheDebt() public {
        skip(365 days);
        uint256 debt = vault.debtAssetsOf(positionId);
        assertGt(debt, 10_000 * USDC, "interest accrued");
        quote.mint(BORROWER, debt);
        vm.prank(BORROWER);
        (uint256 repaid, ) = vault.repay(positionId, type(uint256).max);
        assertEq(repaid, debt);
        assertEq(vault.position(positionId).debtShares, 0);
        assertEq(vault.market(marketId).totalDebtShares, 0);
        assertEq(pool.totalBorrowShares(), 0);
    }

    function test_repay_anyoneMayRepayWithoutPrice() public {
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        quote.mint(OTHER, 1_000 * USDC);
        vm.prank(OTHER);
        vault.repay(positionId, 1_000 * USDC);
        assertEq(vault.debtAssetsOf(positionId), 9_000 * USDC);
        assertEq(quote.balanceOf(OTHER), 0);
    }

    function test_repay_worksWhilePaused() public {
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        vm.prank(BORROWER);
        vault.repay(positionId, 1_000 * USDC);
        assertEq(vault.debtAssetsOf(positionId), 9_000 * USDC);
    }

    function test_repay_revertsWhenLeavingDust() public {
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.DebtBelowMinimum.selector, positionId, 50 * USDC, 100 * USDC)
        );
        vault.repay(positionId, 9_950 * USDC);
    }

    function test_repay_revertsOnZeroAmount() public {
        vm.prank(BORROWER);
        vm.expectRevert(IMarginVault.ZeroAmount.selector);
        vault.repay(positionId, 0);
    }

    function test_repay_revertsWithoutDebt() public {
        uint256 empty = _openPosition(1e18, 0);
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NoDebt.selector, empty));
        vault.repay(empty, 1 * USDC);
    }

    function test_repay_revertsOnUnknownPosition() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, 77));
        vault.repay(77, 1 * USDC);
    }

    /// @notice Fuzz: a partial repayment never burns more shares than the assets paid are worth.
    function testFuzz_repay_neverBurnsMoreThanPaid(uint256 assets, uint256 elapsed) public {
        elapsed = bound(elapsed, 0, 3 * 365 days);
        skip(elapsed);
        uint256 debtBefore = vault.debtAssetsOf(positionId);
        assets = bound(assets, 1, debtBefore - 100 * USDC - 1);
        quote.mint(BORROWER, assets);
        vm.prank(BORROWER);
        (uint256 repaid, uint256 shares) = vault.repay(positionId, assets);
        assertEq(repaid, assets);
        // The debt falls by at most what was paid (shares rounded down).
        assertGe(vault.debtAssetsOf(positionId) + assets, debtBefore);
        assertLe(pool.borrowSharesToAssetsUp(shares), assets + 1);
    }
}
