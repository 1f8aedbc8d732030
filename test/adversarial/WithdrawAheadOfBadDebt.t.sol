// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: a lender that sees a position under water (bad debt not yet realized) withdraws before a keeper
/// realizes it, to leave its share of the loss to the lenders who stay. The insurance fund covers bad debt first, so
/// while it holds enough the withdrawal changes nothing for anyone. Without cover it is a known limitation of
/// ERC-4626 lending pools (SECURITY.md): the early lender escapes at most its pro-rata part of the socialized loss,
/// never more, and ends no richer than it started.
contract WithdrawAheadOfBadDebtTest is AdversarialBase {
    uint256 internal constant ATTACKER_DEPOSIT = 1_000_000 * USDC;

    function setUp() public override {
        super.setUp();
        _fundAttacker(ATTACKER_DEPOSIT);
        vm.prank(ATTACKER);
        pool.deposit(ATTACKER_DEPOSIT, ATTACKER);
    }

    /// @dev Realizes the bad debt of BORROWER's position at `priceUsdc` (under water), with the attacker withdrawing
    /// everything first or not. Returns the attacker's and LENDER's assets afterwards, and the socialized part.
    function _scenario(
        uint256 priceUsdc,
        bool withdrawFirst
    ) internal returns (uint256 attackerAssets, uint256 lenderAssets, uint256 socialized) {
        oracle.setPrice(_price(priceUsdc));
        if (withdrawFirst) {
            uint256 shares = pool.balanceOf(ATTACKER);
            vm.prank(ATTACKER);
            pool.redeem(shares, ATTACKER, ATTACKER);
        }
        uint256 totalBefore = pool.totalAssets();
        _liquidate(type(uint256).max);
        assertEq(vault.position(positionId).owner, address(0), "bad debt realized, position closed");
        // The keeper's repayment leaves lenders' assets unchanged (up to rounding in their favour); the write-off
        // takes what the insurance fund did not cover.
        uint256 totalAfter = pool.totalAssets();
        socialized = totalBefore > totalAfter ? totalBefore - totalAfter : 0;
        attackerAssets = quote.balanceOf(ATTACKER) + pool.convertToAssets(pool.balanceOf(ATTACKER));
        lenderAssets = pool.convertToAssets(pool.balanceOf(LENDER));
    }

    /// @dev With an insurance fund larger than the bad debt, nobody bears it: withdrawing first gains nothing.
    function testFuzz_insured_withdrawingFirstChangesNothing(uint256 priceUsdc) public {
        priceUsdc = bound(priceUsdc, 1000, 2099); // under water: 10 WETH below the 21,000 USDC debt
        quote.mint(address(fund), 50_000 * USDC);
        uint256 lenderBefore = pool.convertToAssets(pool.balanceOf(LENDER));

        uint256 snapshot = vm.snapshotState();
        (uint256 stayAttacker, uint256 stayLender, uint256 staySocialized) = _scenario(priceUsdc, false);
        vm.revertToState(snapshot);
        (uint256 leaveAttacker, uint256 leaveLender, ) = _scenario(priceUsdc, true);

        assertEq(staySocialized, 0, "fund covered it all");
        assertLe(leaveAttacker, stayAttacker + 1, "withdrawing first gains nothing (one unit of rounding)");
        assertGe(leaveLender + 1, stayLender, "the staying lender loses nothing by it");
        assertGe(stayLender, lenderBefore, "lenders whole");
        assertLe(leaveAttacker, ATTACKER_DEPOSIT + 1, "attacker no richer than its deposit");
    }

    /// @dev Known limitation, uninsured: the early lender avoids at most its pro-rata part of the socialized loss,
    /// the staying lender bears at most that much more, and the early lender ends with no more than it deposited.
    function testFuzz_uninsured_earlyLenderEscapesAtMostItsProRataShare(uint256 priceUsdc) public {
        priceUsdc = bound(priceUsdc, 1000, 2099);
        uint256 attackerPart = pool.convertToAssets(pool.balanceOf(ATTACKER));
        uint256 totalAssets = pool.totalAssets();

        uint256 snapshot = vm.snapshotState();
        (uint256 stayAttacker, uint256 stayLender, uint256 socialized) = _scenario(priceUsdc, false);
        vm.revertToState(snapshot);
        (uint256 leaveAttacker, uint256 leaveLender, uint256 socializedAfterLeaving) = _scenario(priceUsdc, true);

        assertGt(socialized, 0, "uninsured bad debt is socialized");
        assertEq(socializedAfterLeaving, socialized, "the same loss either way");
        uint256 proRata = (socialized * attackerPart) / totalAssets + 2;
        assertLe(leaveAttacker - stayAttacker, proRata, "escapes at most its pro-rata part");
        assertLe(stayLender - leaveLender, proRata, "the staying lender bears at most that much more");
        assertLe(leaveAttacker, ATTACKER_DEPOSIT, "attacker no richer than its deposit");
    }

    /// @dev The withdrawal is bounded by the pool's cash: lenders cannot all leave ahead of a loss while the cash is
    /// lent out.
    function test_withdrawAhead_isBoundedByCash() public {
        assertEq(pool.maxWithdraw(ATTACKER), pool.convertToAssets(pool.balanceOf(ATTACKER)));
        assertLe(pool.maxWithdraw(LENDER), pool.cashAssets(), "bounded by cash");
        assertLt(pool.cashAssets(), pool.totalAssets(), "some assets are lent out and cannot leave");
    }
}
