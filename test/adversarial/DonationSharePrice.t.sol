// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: donations to move the lender share price of a live pool (10M USDC lent, 21,000 borrowed). The
/// share price is used by nothing in the protocol (no collateral is priced from it), a plain transfer does not
/// change it (tracked cash), and a donation through `donate` only raises it, so an attacker who donates pays for
/// the other lenders' gain. Also: a lender that deposits just before a liquidation whose fee is donated to the pool
/// (`feeSink == pool`) collects a pro-rata part of that fee; it takes nothing from anyone (SECURITY.md).
contract DonationSharePriceTest is AdversarialBase {
    function setUp() public override {
        super.setUp();
        _fundAttacker(20_000_000 * USDC);
    }

    function _redeemAll(address account) internal returns (uint256 assets) {
        uint256 shares = pool.balanceOf(account);
        vm.prank(account);
        assets = pool.redeem(shares, account, account);
    }

    /// @dev Deposit, donate, redeem: the attacker gets back at most what it put in, and the other lender's assets
    /// only rise.
    function testFuzz_depositDonateRedeem_neverProfits(uint256 deposit, uint256 donation) public {
        deposit = bound(deposit, 1, 10_000_000 * USDC);
        donation = bound(donation, 1, 10_000_000 * USDC);
        uint256 price = _oraclePrice();
        Books memory before = _books(positionId, price);

        vm.startPrank(ATTACKER);
        pool.deposit(deposit, ATTACKER);
        pool.donate(donation);
        vm.stopPrank();
        _redeemAll(ATTACKER);

        _assertNoProfitNoLoss(before, _books(positionId, price), 0, 0);
        assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC, "borrowers' debt untouched by donations");
        _assertPoolBooks();
    }

    /// @dev A transfer straight to the pool changes neither the share price nor anybody's redeemable assets.
    function testFuzz_transferToPool_changesNothing(uint256 amount) public {
        amount = bound(amount, 1, 10_000_000 * USDC);
        uint256 sharePrice = _sharePrice();
        uint256 lenderAssets = pool.convertToAssets(pool.balanceOf(LENDER));
        vm.prank(ATTACKER);
        require(quote.transfer(address(pool), amount), "transfer");
        assertEq(_sharePrice(), sharePrice, "share price");
        assertEq(pool.convertToAssets(pool.balanceOf(LENDER)), lenderAssets, "lender");
        assertEq(pool.maxWithdraw(LENDER), pool.cashAssets(), "withdrawals still bounded by tracked cash");
    }

    /// @dev Just-in-time deposit around a liquidation whose protocol fee is donated to the pool: the attacker earns
    /// at most its pro-rata part of that fee (plus a unit of rounding), the other lender still gains, nobody loses.
    function testFuzz_jitDepositAroundDonatedFee_capturesAtMostItsShareOfTheFee(uint256 deposit) public {
        deposit = bound(deposit, 1_000 * USDC, 20_000_000 * USDC);
        vm.prank(RISK_MANAGER);
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: address(pool), insuranceShare: 0}));
        oracle.setPrice(_price(2400));
        uint256 lenderBefore = pool.convertToAssets(pool.balanceOf(LENDER));
        uint256 fee = engine.previewLiquidation(positionId).protocolFee;

        vm.prank(ATTACKER);
        pool.deposit(deposit, ATTACKER);
        uint256 attackerShares = pool.balanceOf(ATTACKER);
        uint256 supply = pool.totalSupply();
        _liquidate(type(uint256).max);
        uint256 back = _redeemAll(ATTACKER);

        assertGt(fee, 0);
        assertLe(back, deposit + (fee * attackerShares) / supply + 1, "at most its pro-rata part of the fee");
        assertGe(pool.convertToAssets(pool.balanceOf(LENDER)), lenderBefore, "the other lender still gains");
        _assertPoolBooks();
    }
}
