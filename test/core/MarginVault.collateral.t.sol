// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {TransferLib} from "../../contracts/libraries/TransferLib.sol";
import {MockFeeOnTransferToken} from "../mocks/MockFeeOnTransferToken.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice depositCollateral and withdrawCollateral.
contract MarginVaultCollateralTest is BaseTest {
    uint256 internal positionId;

    function setUp() public override {
        super.setUp();
        _lend(1_000_000 * USDC);
        positionId = _openPosition(10e18, 0);
    }

    // ------------------------------------------------------------------ depositCollateral

    function test_depositCollateral_anyoneMayTopUpWithoutPrice() public {
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        collateral.mint(OTHER, 2e18);
        vm.expectEmit(address(vault));
        emit IMarginVault.DepositCollateral(positionId, OTHER, 2e18);
        vm.prank(OTHER);
        vault.depositCollateral(positionId, 2e18);
        assertEq(vault.position(positionId).collateralAssets, 12e18);
        assertEq(vault.market(marketId).totalCollateralAssets, 12e18);
        assertEq(collateral.balanceOf(address(vault)), 12e18);
    }

    function test_depositCollateral_worksWhilePaused() public {
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        collateral.mint(BORROWER, 1e18);
        vm.prank(BORROWER);
        vault.depositCollateral(positionId, 1e18);
        assertEq(vault.position(positionId).collateralAssets, 11e18);
    }

    function test_depositCollateral_revertsOnZeroAmount() public {
        vm.prank(BORROWER);
        vm.expectRevert(IMarginVault.ZeroAmount.selector);
        vault.depositCollateral(positionId, 0);
    }

    function test_depositCollateral_revertsOnUnknownPosition() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, 5));
        vault.depositCollateral(5, 1e18);
    }

    function test_depositCollateral_revertsAboveCollateralCap() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.collateralCap = 11e18;
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        collateral.mint(BORROWER, 2e18);
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.CollateralCapExceeded.selector, marketId, 12e18, 11e18));
        vault.depositCollateral(positionId, 2e18);
    }

    function test_depositCollateral_rejectsFeeOnTransferToken() public {
        MockFeeOnTransferToken fee = new MockFeeOnTransferToken();
        vm.prank(ADMIN);
        uint256 feeMarket = vault.createMarket(IERC20(address(fee)), pool, oracle, _riskParams());
        fee.mint(BORROWER, 100e18);
        vm.startPrank(BORROWER);
        fee.approve(address(vault), type(uint256).max);
        uint256 id = vault.openPosition(feeMarket);
        vm.expectRevert(
            abi.encodeWithSelector(TransferLib.TransferAmountMismatch.selector, address(fee), 100e18, 99e18)
        );
        vault.depositCollateral(id, 100e18);
        vm.stopPrank();
        assertEq(vault.position(id).collateralAssets, 0, "nothing recorded");
        assertEq(fee.balanceOf(BORROWER), 100e18, "nothing taken");
    }

    // ------------------------------------------------------------------ withdrawCollateral

    function test_withdrawCollateral_withoutDebtNeedsNoPrice() public {
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        vm.expectEmit(address(vault));
        emit IMarginVault.WithdrawCollateral(positionId, BORROWER, OTHER, 4e18);
        vm.prank(BORROWER);
        vault.withdrawCollateral(positionId, 4e18, OTHER);
        assertEq(collateral.balanceOf(OTHER), 4e18);
        assertEq(vault.position(positionId).collateralAssets, 6e18);
        assertEq(vault.market(marketId).totalCollateralAssets, 6e18);
    }

    function test_withdrawCollateral_withDebtDownToInitialRatio() public {
        vm.prank(BORROWER);
        vault.borrow(positionId, 15_000 * USDC, BORROWER);
        // Needed at 1.4: 21,000 USDC = 7 WETH; 3 WETH may leave.
        assertEq(vault.maxWithdraw(positionId), 3e18);
        vm.prank(BORROWER);
        vault.withdrawCollateral(positionId, 3e18, BORROWER);
        assertEq(vault.positionHealth(positionId).ratio, 1.4e18);
    }

    function test_withdrawCollateral_revertsBelowInitialRatio() public {
        vm.prank(BORROWER);
        vault.borrow(positionId, 15_000 * USDC, BORROWER);
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.RatioBelowInitial.selector, positionId, 1399999999999999999, 1.4e18)
        );
        vault.withdrawCollateral(positionId, 3e18 + 1, BORROWER);
    }

    function test_withdrawCollateral_withDebtRevertsWithoutPrimaryPrice() public {
        vm.prank(BORROWER);
        vault.borrow(positionId, 1_000 * USDC, BORROWER);
        oracle.setStatus(IOracle.PriceStatus.Fallback);
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.NoValidPrimaryPrice.selector, marketId, IOracle.PriceStatus.Fallback)
        );
        vault.withdrawCollateral(positionId, 1e18, BORROWER);
    }

    function test_withdrawCollateral_revertsAboveCollateral() public {
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.InsufficientCollateral.selector, positionId, 11e18, 10e18));
        vault.withdrawCollateral(positionId, 11e18, BORROWER);
    }

    function test_withdrawCollateral_revertsForStranger() public {
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NotOwnerOrOperator.selector, positionId, OTHER));
        vault.withdrawCollateral(positionId, 1e18, OTHER);
    }

    function test_withdrawCollateral_revertsOnZeroAmountOrReceiver() public {
        vm.startPrank(BORROWER);
        vm.expectRevert(IMarginVault.ZeroAmount.selector);
        vault.withdrawCollateral(positionId, 0, BORROWER);
        vm.expectRevert(IMarginVault.ZeroAddress.selector);
        vault.withdrawCollateral(positionId, 1e18, address(0));
        vm.stopPrank();
    }

    function test_withdrawCollateral_worksWhilePaused() public {
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        vm.prank(BORROWER);
        vault.withdrawCollateral(positionId, 1e18, BORROWER);
        assertEq(collateral.balanceOf(BORROWER), 1e18);
    }
}
