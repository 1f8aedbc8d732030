// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: a compromised guardian trying to freeze borrowers (no repayment, no top-up) while prices fall, or
/// to freeze liquidations so that bad debt builds up. Its only power is `setBorrowPaused`; with borrowing paused,
/// repayment, top-up, withdrawal (at the initial ratio), closing and liquidation all still work, and every other
/// setter refuses it.
contract GuardianPausesLiquidationsOrRepaymentsTest is AdversarialBase {
    function setUp() public override {
        super.setUp();
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        collateral.mint(BORROWER, 5e18);
        quote.mint(BORROWER, 50_000 * USDC);
    }

    function test_paused_repayTopUpWithdrawAndCloseStillWork() public {
        vm.startPrank(BORROWER);
        vault.depositCollateral(positionId, 5e18);
        vault.withdrawCollateral(positionId, 1e18, BORROWER);
        vault.repay(positionId, 1_000 * USDC);
        vault.repay(positionId, type(uint256).max);
        vault.closePosition(positionId, BORROWER);
        vm.stopPrank();
        assertEq(vault.position(positionId).owner, address(0), "closed while paused");
        assertEq(collateral.balanceOf(BORROWER), 5e18 + 10e18, "all collateral back");
    }

    /// @dev Liquidation is unaffected by the pause, partial or full, and pays the keeper as usual.
    function testFuzz_paused_liquidationStillWorks(uint256 priceUsdc) public {
        priceUsdc = bound(priceUsdc, 1500, 2519);
        oracle.setPrice(_price(priceUsdc));
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        assertEq(uint8(preview.reason), uint8(ILiquidationEngine.Reason.None), "liquidatable while paused");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, preview.repaidAssets);
    }

    /// @dev The pause stops only new risk: a new position and a new borrow.
    function test_paused_onlyNewRiskIsStopped() public {
        vm.startPrank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.BorrowPaused.selector, marketId));
        vault.borrow(positionId, 100 * USDC, BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.BorrowPaused.selector, marketId));
        vault.openPosition(marketId);
        vm.stopPrank();
    }

    /// @dev Every other lever is closed to the guardian: risk parameters (which could make liquidation impossible),
    /// fee routing, time bonus, the engine, the pool's settings and the insurance fund.
    function test_guardian_hasNoOtherLever() public {
        bytes32 admin = vault.DEFAULT_ADMIN_ROLE();
        bytes32 riskManager = vault.RISK_MANAGER_ROLE();
        IMarginVault.RiskParams memory p = _riskParams();
        p.trancheCooldown = 1 days;
        vm.startPrank(GUARDIAN);
        vm.expectRevert(_unauthorized(riskManager));
        vault.setRiskParams(marketId, p);
        vm.expectRevert(_unauthorized(admin));
        vault.setLiquidationEngine(GUARDIAN);
        vm.expectRevert(_unauthorized(engine.RISK_MANAGER_ROLE()));
        engine.setTimeBonus(marketId, 1);
        vm.expectRevert(_unauthorized(engine.RISK_MANAGER_ROLE()));
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: GUARDIAN, insuranceShare: 0}));
        vm.expectRevert(_unauthorized(admin));
        pool.setReserveFactor(0.5e18);
        vm.expectRevert(_unauthorized(admin));
        pool.setInsuranceFund(GUARDIAN);
        vm.expectRevert(_unauthorized(admin));
        fund.withdraw(quote, GUARDIAN, 1);
        vm.expectRevert(_unauthorized(admin));
        vault.grantRole(riskManager, GUARDIAN);
        vm.stopPrank();
    }

    /// @dev The guardian cannot block one borrower either: it has no per-position or per-account switch, and the
    /// pause never applies to the rescue paths, whatever the price.
    function testFuzz_pausedAtAnyPrice_ownerCanStillRescue(uint256 priceUsdc, uint256 repayAssets) public {
        priceUsdc = bound(priceUsdc, 2269, 2519);
        oracle.setPrice(_price(priceUsdc));
        repayAssets = bound(repayAssets, 1, vault.debtAssetsOf(positionId) - 100 * USDC);
        vm.startPrank(BORROWER);
        vault.depositCollateral(positionId, 5e18);
        vault.repay(positionId, repayAssets);
        vm.stopPrank();
        assertGe(vault.positionHealth(positionId).ratio, 1.2e18, "rescued above maintenance while paused");
    }

    function _unauthorized(bytes32 role) internal view returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, GUARDIAN, role);
    }
}
