// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: draining value through rounding by repeating tiny actions (deposit/redeem, withdraw, borrow,
/// repay, liquidate in tiny pieces), each hoping to round one unit its way. Every conversion rounds for the
/// protocol: lender shares minted down and burned up, borrow shares minted up and repaid down, collateral seized
/// down; so each repetition costs the attacker and never the other parties.
contract RoundingDrainTest is AdversarialBase {
    uint256 internal constant REPEATS = 60;
    uint256 internal attackerPosition;

    function setUp() public override {
        super.setUp();
        _fundAttacker(1_000_000 * USDC);
        collateral.mint(ATTACKER, 10e18);
        vm.startPrank(ATTACKER);
        attackerPosition = vault.openPosition(marketId);
        vault.depositCollateral(attackerPosition, 10e18);
        vault.borrow(attackerPosition, 10_000 * USDC, ATTACKER);
        vm.stopPrank();
        // Make the share prices uneven, so that conversions round: a year of interest at a busy pool.
        skip(365 days);
        pool.accrueInterest();
    }

    /// @dev Attacker's wallet plus its position's equity, at the oracle price.
    function _attackerTotal() internal view returns (int256) {
        uint256 price = _oraclePrice();
        return int256(_walletValue(ATTACKER, price)) + _equity(attackerPosition, price);
    }

    /// @dev Tiny lender round trips: deposit `assets`, redeem every share; or withdraw `assets` back.
    /// hardhat-config: fuzz.runs = 64
    function testFuzz_tinyLenderRoundTrips_neverGain(uint256 assets, bool byWithdraw) public {
        assets = bound(assets, 1, 1_000);
        int256 totalBefore = _attackerTotal();
        uint256 sharePriceBefore = _sharePrice();
        uint256 lenderBefore = pool.convertToAssets(pool.balanceOf(LENDER));
        vm.startPrank(ATTACKER);
        for (uint256 i = 0; i < REPEATS; ++i) {
            uint256 shares = pool.deposit(assets, ATTACKER);
            uint256 withdrawable = pool.maxWithdraw(ATTACKER);
            if (byWithdraw && withdrawable > 0) pool.withdraw(withdrawable, ATTACKER, ATTACKER);
            else pool.redeem(shares, ATTACKER, ATTACKER);
        }
        vm.stopPrank();
        assertLe(_attackerTotal(), totalBefore, "attacker no richer");
        assertGe(_sharePrice(), sharePriceBefore, "share price never falls");
        assertGe(pool.convertToAssets(pool.balanceOf(LENDER)), lenderBefore, "lender no poorer");
        _assertPoolBooks();
    }

    /// @dev Tiny repayments: the debt never falls by more than what was paid, and lenders' assets never fall.
    /// hardhat-config: fuzz.runs = 64
    function testFuzz_tinyRepayments_neverReduceDebtByMoreThanPaid(uint256 assets) public {
        assets = bound(assets, 1, 1_000);
        uint256 lenderBefore = pool.totalAssets();
        int256 totalBefore = _attackerTotal();
        vm.startPrank(ATTACKER);
        for (uint256 i = 0; i < REPEATS; ++i) {
            uint256 debtBefore = vault.debtAssetsOf(attackerPosition);
            try vault.repay(attackerPosition, assets) returns (uint256 repaid, uint256) {
                assertEq(repaid, assets);
                assertLe(debtBefore - vault.debtAssetsOf(attackerPosition), assets, "debt fell by at most the payment");
            } catch (bytes memory reason) {
                // A payment worth less than one borrow share is refused rather than rounded to nothing.
                assertEq(bytes4(reason), IMarginVault.RepayTooSmall.selector);
            }
        }
        vm.stopPrank();
        assertLe(_attackerTotal(), totalBefore, "attacker no richer");
        assertGe(pool.totalAssets(), lenderBefore, "lenders no poorer");
        _assertPoolBooks();
    }

    /// @dev Tiny borrows: the debt rises by at least what was borrowed.
    /// hardhat-config: fuzz.runs = 64
    function testFuzz_tinyBorrows_raiseDebtByAtLeastTheAmount(uint256 assets) public {
        assets = bound(assets, 1, 1_000);
        int256 totalBefore = _attackerTotal();
        vm.startPrank(ATTACKER);
        for (uint256 i = 0; i < REPEATS; ++i) {
            uint256 debtBefore = vault.debtAssetsOf(attackerPosition);
            vault.borrow(attackerPosition, assets, ATTACKER);
            assertGe(vault.debtAssetsOf(attackerPosition) - debtBefore, assets, "debt rose by at least the loan");
        }
        vm.stopPrank();
        assertLe(_attackerTotal(), totalBefore, "attacker no richer");
        _assertPoolBooks();
    }

    /// @dev Tiny liquidation pieces (one per grace window): each seizes at most `repaid * (1 + bonus)` worth of
    /// collateral, rounded down, and the keeper pays the fee rounded up.
    /// hardhat-config: fuzz.runs = 64
    function testFuzz_tinyLiquidationPieces_seizeAtMostRepaidPlusBonus(uint256 assets, uint256 priceUsdc) public {
        assets = bound(assets, 1, 1_000);
        priceUsdc = bound(priceUsdc, 2269, 2519);
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        for (uint256 i = 0; i < 10; ++i) {
            ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
            if (preview.reason != ILiquidationEngine.Reason.None) break;
            uint256 keeperBefore = _walletValue(KEEPER, price);
            uint256 collateralBefore = vault.position(positionId).collateralAssets;
            (uint256 repaid, uint256 seized) = _liquidate(assets);
            assertEq(repaid, assets);
            assertEq(collateralBefore - vault.position(positionId).collateralAssets, seized);
            assertLe((seized * price) / 1e36, (repaid * (1e18 + preview.bonus)) / 1e18, "seized <= repaid+bonus");
            uint256 allowed = (repaid * preview.bonus * 0.7e18) / 1e36 + 1;
            assertLe(_walletValue(KEEPER, price), keeperBefore + allowed, "keeper: its bonus share at most");
            skip(300);
        }
        _assertPoolBooks();
    }
}
