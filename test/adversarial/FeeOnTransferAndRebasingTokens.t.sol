// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {TransferLib} from "../../contracts/libraries/TransferLib.sol";
import {MockFeeOnTransferToken} from "../mocks/MockFeeOnTransferToken.sol";
import {MockRebasingToken} from "../mocks/MockRebasingToken.sol";
import {MockSwitchableFeeToken} from "../mocks/MockSwitchableFeeToken.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: being credited more than the protocol received, with a fee-on-transfer token (credited the sent
/// amount, delivering less) or a rebasing one (balances that change without transfers). Every pull checks the
/// amount received and reverts on a difference, so a fee token is refused at deposit and at repayment; a fee that
/// is switched on after listing makes deposits and repayments of that token revert (a known limitation,
/// SECURITY.md). Rebasing tokens are not supported: the vault counts collateral in its own books, so a positive
/// rebase stays unclaimed in the vault and a negative one leaves the last withdrawers short (SECURITY.md).
contract FeeOnTransferAndRebasingTokensTest is AdversarialBase {
    function _market(IERC20 collateralToken) internal returns (uint256 id) {
        vm.prank(ADMIN);
        id = vault.createMarket(collateralToken, pool, oracle, _riskParams());
    }

    function _quotePool(IERC20 quoteToken) internal returns (LendingPool p) {
        p = new LendingPool(quoteToken, "Sluice X", "slX", ADMIN, irm, 0.1e18, INSURANCE, address(vault));
    }

    /// @dev The revert of a 1 % fee token: `assets` sent, `assets - assets / 100` received.
    function _mismatch(address token, uint256 assets) internal pure returns (bytes memory) {
        return
            abi.encodeWithSelector(TransferLib.TransferAmountMismatch.selector, token, assets, assets - assets / 100);
    }

    function testFuzz_feeOnTransferCollateral_isRefused(uint256 assets) public {
        assets = bound(assets, 100, 1_000e18);
        MockFeeOnTransferToken token = new MockFeeOnTransferToken();
        uint256 id = _market(IERC20(address(token)));
        token.mint(ATTACKER, assets);
        vm.startPrank(ATTACKER);
        token.approve(address(vault), assets);
        uint256 position = vault.openPosition(id);
        vm.expectRevert(_mismatch(address(token), assets));
        vault.depositCollateral(position, assets);
        vm.stopPrank();
        assertEq(vault.position(position).collateralAssets, 0, "nothing credited");
    }

    function testFuzz_feeOnTransferQuote_isRefusedByThePool(uint256 assets) public {
        assets = bound(assets, 100, 1_000_000e18);
        MockFeeOnTransferToken token = new MockFeeOnTransferToken();
        LendingPool feePool = _quotePool(IERC20(address(token)));
        token.mint(ATTACKER, assets);
        vm.startPrank(ATTACKER);
        token.approve(address(feePool), assets);
        vm.expectRevert(_mismatch(address(token), assets));
        feePool.deposit(assets, ATTACKER);
        vm.expectRevert(_mismatch(address(token), assets));
        feePool.donate(assets);
        vm.stopPrank();
        assertEq(feePool.totalSupply(), 0, "no shares");
    }

    /// @dev A quote token whose fee is switched on after listing: deposits and repayments revert instead of being
    /// credited more than arrived; lenders' books stay exact. (Liquidations, which repay, revert too: known
    /// limitation.)
    function test_quoteFeeSwitchedOnLater_refusesShortPayments() public {
        MockSwitchableFeeToken token = new MockSwitchableFeeToken(6);
        LendingPool feePool = _quotePool(IERC20(address(token)));
        vm.prank(ADMIN);
        uint256 id = vault.createMarket(IERC20(address(collateral)), feePool, oracle, _riskParams());
        token.mint(LENDER, 1_000_000 * USDC);
        vm.startPrank(LENDER);
        token.approve(address(feePool), type(uint256).max);
        feePool.deposit(1_000_000 * USDC, LENDER);
        vm.stopPrank();
        collateral.mint(ATTACKER, 10e18);
        vm.startPrank(ATTACKER);
        token.approve(address(vault), type(uint256).max);
        uint256 position = vault.openPosition(id);
        vault.depositCollateral(position, 10e18);
        vault.borrow(position, 20_000 * USDC, ATTACKER);
        vm.stopPrank();

        token.setFeeBps(100);
        uint256 debt = vault.debtAssetsOf(position);
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(
                TransferLib.TransferAmountMismatch.selector,
                address(token),
                10_000 * USDC,
                9_900 * USDC
            )
        );
        vault.repay(position, 10_000 * USDC);
        assertEq(vault.debtAssetsOf(position), debt, "no debt cleared by a short payment");
        (uint256 cash, , ) = feePool.expectedBalances();
        assertEq(cash, token.balanceOf(address(feePool)), "pool cash matches its balance");
    }

    /// @dev A positive rebase of collateral is not credited to anyone: the attacker cannot withdraw more than its
    /// recorded collateral, and the surplus stays in the vault.
    function testFuzz_rebasingCollateral_surplusCannotBeWithdrawn(uint256 newIndex) public {
        newIndex = bound(newIndex, 1e18 + 1, 2e18);
        MockRebasingToken token = new MockRebasingToken();
        uint256 id = _market(IERC20(address(token)));
        token.mint(ATTACKER, 10e18);
        vm.startPrank(ATTACKER);
        token.approve(address(vault), type(uint256).max);
        uint256 position = vault.openPosition(id);
        vault.depositCollateral(position, 10e18);
        vm.stopPrank();

        token.rebase(newIndex);
        uint256 vaultBalance = token.balanceOf(address(vault));
        assertGt(vaultBalance, 10e18, "the vault's balance grew");
        vm.startPrank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.InsufficientCollateral.selector, position, vaultBalance, 10e18)
        );
        vault.withdrawCollateral(position, vaultBalance, ATTACKER);
        vault.closePosition(position, ATTACKER);
        vm.stopPrank();
        assertLe(token.balanceOf(ATTACKER), 10e18, "attacker gets at most its recorded collateral");
    }

    /// @dev Known limitation: after a negative rebase the vault holds less than its books say, so the last
    /// position to withdraw cannot; listing a rebasing token is a governance error (use its wrapped form).
    function test_rebasingCollateral_negativeRebaseLeavesLastWithdrawerShort() public {
        MockRebasingToken token = new MockRebasingToken();
        uint256 id = _market(IERC20(address(token)));
        token.mint(ATTACKER, 10e18);
        token.mint(BORROWER, 10e18);
        vm.startPrank(ATTACKER);
        token.approve(address(vault), type(uint256).max);
        uint256 first = vault.openPosition(id);
        vault.depositCollateral(first, 10e18);
        vm.stopPrank();
        vm.startPrank(BORROWER);
        token.approve(address(vault), type(uint256).max);
        uint256 second = vault.openPosition(id);
        vault.depositCollateral(second, 10e18);
        vm.stopPrank();

        token.rebase(0.9e18);
        vm.prank(ATTACKER);
        vault.closePosition(first, ATTACKER);
        uint256 sharesLeft = token.sharesOf(address(vault));
        uint256 needed = Math.mulDiv(10e18, 1e18, 0.9e18);
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(MockRebasingToken.InsufficientBalance.selector, address(vault), sharesLeft, needed)
        );
        vault.closePosition(second, BORROWER);
    }
}
