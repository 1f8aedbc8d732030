// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {InterestRateModel} from "../../contracts/core/InterestRateModel.sol";
import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {IInterestRateModel} from "../../contracts/interfaces/IInterestRateModel.sol";
import {ILendingPool} from "../../contracts/interfaces/ILendingPool.sol";
import {InterestMath} from "../../contracts/libraries/InterestMath.sol";
import {TransferLib} from "../../contracts/libraries/TransferLib.sol";
import {MockFeeOnTransferToken} from "../mocks/MockFeeOnTransferToken.sol";
import {BaseTest} from "./BaseTest.sol";

contract LendingPoolTest is BaseTest {
    address internal ATTACKER = makeAddr("ATTACKER");

    // ------------------------------------------------------------------ construction and governance

    function test_constructor_revertsOnBadInput() public {
        address v = address(vault);
        vm.expectRevert(ILendingPool.ZeroAddress.selector);
        new LendingPool(IERC20(address(quote)), "x", "x", address(0), irm, 0, INSURANCE, v);
        vm.expectRevert(ILendingPool.ZeroAddress.selector);
        new LendingPool(IERC20(address(quote)), "x", "x", ADMIN, irm, 0, address(0), v);
        vm.expectRevert(ILendingPool.ZeroAddress.selector);
        new LendingPool(IERC20(address(quote)), "x", "x", ADMIN, irm, 0, INSURANCE, address(0));
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.ReserveFactorTooHigh.selector, 0.5e18 + 1, 0.5e18));
        new LendingPool(IERC20(address(quote)), "x", "x", ADMIN, irm, 0.5e18 + 1, INSURANCE, v);
    }

    function test_supportsInterface_accessControl() public view {
        assertTrue(pool.supportsInterface(type(IAccessControl).interfaceId));
        assertFalse(pool.supportsInterface(0xdeadbeef));
    }

    function test_decimals_addSixToTheAsset() public view {
        assertEq(pool.decimals(), 12);
        assertEq(pool.asset(), address(quote));
    }

    /// The vault is fixed at construction: only it may borrow, repay or write off, and nothing can change it.
    function test_vault_isFixedAtConstructionAndAloneMayBorrow() public {
        assertEq(pool.vault(), address(vault));
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.OnlyVault.selector, OTHER));
        pool.borrow(1, OTHER);
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.OnlyVault.selector, ADMIN));
        pool.writeOff(1);
        // The old setter's selector, called raw: the pool has no such function (and no fallback).
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, ) = address(pool).call(abi.encodeWithSignature("setVault(address)", OTHER));
        assertFalse(ok, "no setter");
    }

    function test_setReserveFactor_accruesFirstAndValidates() public {
        _lend(1_000_000 * USDC);
        _openPosition(1_000e18, 500_000 * USDC);
        skip(30 days);
        uint256 expectedReserves;
        (, , expectedReserves) = pool.expectedBalances();
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.ReserveFactorTooHigh.selector, 0.6e18, 0.5e18));
        pool.setReserveFactor(0.6e18);
        vm.expectRevert(ILendingPool.NoChange.selector);
        pool.setReserveFactor(0.1e18);
        vm.expectEmit(address(pool));
        emit ILendingPool.SetReserveFactor(0.2e18);
        pool.setReserveFactor(0.2e18);
        vm.stopPrank();
        assertEq(pool.reserveAssets(), expectedReserves, "interest so far used the old factor");
        assertEq(pool.reserveFactor(), 0.2e18);
    }

    function test_setInterestRateModel_accruesFirstAndValidates() public {
        _lend(1_000_000 * USDC);
        _openPosition(1_000e18, 500_000 * USDC);
        skip(30 days);
        (, uint256 expectedBorrow, ) = pool.expectedBalances();
        InterestRateModel other = new InterestRateModel(0.5e18, 0, 0, 0.5e18);
        vm.startPrank(ADMIN);
        vm.expectRevert(ILendingPool.NoChange.selector);
        pool.setInterestRateModel(irm);
        vm.expectRevert(ILendingPool.ZeroAddress.selector);
        pool.setInterestRateModel(IInterestRateModel(address(0)));
        pool.setInterestRateModel(other);
        vm.stopPrank();
        assertEq(pool.totalBorrowAssets(), expectedBorrow);
        assertEq(address(pool.interestRateModel()), address(other));
    }

    function test_setInsuranceFund_validates() public {
        vm.startPrank(ADMIN);
        vm.expectRevert(ILendingPool.NoChange.selector);
        pool.setInsuranceFund(INSURANCE);
        vm.expectRevert(ILendingPool.ZeroAddress.selector);
        pool.setInsuranceFund(address(0));
        pool.setInsuranceFund(OTHER);
        vm.stopPrank();
        assertEq(pool.insuranceFund(), OTHER);
    }

    // ------------------------------------------------------------------ ERC-4626

    function test_deposit_mintsSharesAndTracksCash() public {
        quote.mint(LENDER, 1_000 * USDC);
        vm.prank(LENDER);
        uint256 shares = pool.deposit(1_000 * USDC, LENDER);
        assertEq(shares, 1_000 * USDC * 1e6);
        assertEq(pool.cashAssets(), 1_000 * USDC);
        assertEq(pool.totalAssets(), 1_000 * USDC);
    }

    function test_zeroAmounts_revert() public {
        vm.startPrank(LENDER);
        vm.expectRevert(ILendingPool.ZeroAmount.selector);
        pool.deposit(0, LENDER);
        vm.expectRevert(ILendingPool.ZeroAmount.selector);
        pool.mint(0, LENDER);
        vm.expectRevert(ILendingPool.ZeroAmount.selector);
        pool.withdraw(0, LENDER, LENDER);
        vm.expectRevert(ILendingPool.ZeroAmount.selector);
        pool.redeem(0, LENDER, LENDER);
        vm.stopPrank();
    }

    function test_mintAndRedeem_roundTrip() public {
        quote.mint(LENDER, 10 * USDC);
        vm.startPrank(LENDER);
        uint256 assets = pool.mint(5e12, LENDER);
        assertEq(assets, 5 * USDC);
        uint256 back = pool.redeem(5e12, LENDER, LENDER);
        vm.stopPrank();
        assertEq(back, 5 * USDC);
        assertEq(pool.cashAssets(), 0);
    }

    function test_maxWithdraw_limitedByCash() public {
        _lend(100_000 * USDC);
        _openPosition(100e18, 60_000 * USDC);
        assertEq(pool.maxWithdraw(LENDER), 40_000 * USDC);
        assertEq(pool.maxRedeem(LENDER), pool.convertToShares(40_000 * USDC));
        vm.prank(LENDER);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxWithdraw.selector, LENDER, 40_001 * USDC, 40_000 * USDC)
        );
        pool.withdraw(40_001 * USDC, LENDER, LENDER);
        vm.prank(LENDER);
        pool.withdraw(40_000 * USDC, LENDER, LENDER);
        assertEq(pool.cashAssets(), 0);
    }

    function test_deposit_rejectsFeeOnTransferAsset() public {
        MockFeeOnTransferToken fee = new MockFeeOnTransferToken();
        LendingPool feePool = new LendingPool(IERC20(address(fee)), "x", "x", ADMIN, irm, 0, INSURANCE, OTHER);
        fee.mint(LENDER, 100e18);
        vm.startPrank(LENDER);
        fee.approve(address(feePool), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(TransferLib.TransferAmountMismatch.selector, address(fee), 100e18, 99e18)
        );
        feePool.deposit(100e18, LENDER);
        vm.stopPrank();
    }

    function test_previews_roundInPoolsFavour() public {
        _lend(1_000_000 * USDC);
        _openPosition(1_000e18, 700_000 * USDC);
        skip(17 days + 3 hours); // an awkward share price
        uint256 assets = 123_456_789;
        uint256 shares = pool.previewDeposit(assets);
        assertLe(pool.previewMint(shares), assets + 1);
        assertGe(
            pool.previewMint(shares),
            assets,
            "mint costs at least as much as the deposit that gives those shares"
        );
        assertGe(pool.previewWithdraw(assets), pool.convertToShares(assets), "withdraw burns at least the fair shares");
        assertLe(pool.previewRedeem(shares), pool.convertToAssets(shares) + 0, "redeem pays at most the fair assets");
        assertLe(pool.convertToAssets(pool.convertToShares(assets)), assets);
    }

    /// @notice Fuzz: every ERC-4626 preview equals what the action does, and each rounds in the pool's favour
    /// (deposit/redeem down, mint/withdraw up) relative to the plain conversions.
    function testFuzz_previewsMatchActionsAndRoundForPool(uint256 borrowed, uint256 elapsed, uint256 amount) public {
        _lend(1_000_000 * USDC);
        borrowed = bound(borrowed, 100 * USDC, 900_000 * USDC);
        _openPosition(1_000e18, borrowed);
        skip(bound(elapsed, 0, 3 * 365 days));
        amount = bound(amount, 1, 50_000 * USDC);
        quote.mint(LENDER, 10 * amount + 10_000_000 * USDC);

        uint256 shares = pool.previewDeposit(amount);
        assertLe(shares, pool.convertToShares(amount) + 0);
        vm.prank(LENDER);
        assertEq(pool.deposit(amount, LENDER), shares, "deposit = previewDeposit");

        uint256 assetsForMint = pool.previewMint(shares);
        assertGe(assetsForMint, pool.convertToAssets(shares), "mint rounds up");
        vm.prank(LENDER);
        assertEq(pool.mint(shares, LENDER), assetsForMint, "mint = previewMint");

        uint256 withdrawAssets = Math.min(amount, pool.maxWithdraw(LENDER));
        if (withdrawAssets > 0) {
            uint256 burn = pool.previewWithdraw(withdrawAssets);
            assertGe(burn, pool.convertToShares(withdrawAssets), "withdraw rounds up");
            vm.prank(LENDER);
            assertEq(pool.withdraw(withdrawAssets, LENDER, LENDER), burn, "withdraw = previewWithdraw");
        }
        uint256 redeemShares = Math.min(shares / 2, pool.maxRedeem(LENDER));
        if (redeemShares > 0) {
            uint256 out = pool.previewRedeem(redeemShares);
            assertLe(out, pool.convertToAssets(redeemShares), "redeem rounds down");
            vm.prank(LENDER);
            assertEq(pool.redeem(redeemShares, LENDER, LENDER), out, "redeem = previewRedeem");
        }
    }

    /// @notice The first depositor cannot profit from inflating the share price with a donation: tokens sent to the
    /// pool are not counted (internal cash), and the decimals offset makes a victim's rounding loss tiny.
    function test_inflationAttack_doesNotProfit() public {
        quote.mint(ATTACKER, 1_000_001 * USDC);
        vm.startPrank(ATTACKER);
        quote.approve(address(pool), type(uint256).max);
        pool.deposit(1, ATTACKER);
        quote.transfer(address(pool), 1_000_000 * USDC); // donation
        vm.stopPrank();
        assertEq(pool.totalAssets(), 1, "donation ignored");

        quote.mint(LENDER, 10_000 * USDC);
        vm.prank(LENDER);
        pool.deposit(10_000 * USDC, LENDER);
        assertEq(pool.previewRedeem(pool.balanceOf(LENDER)), 10_000 * USDC, "victim keeps everything");

        uint256 attackerShares = pool.balanceOf(ATTACKER);
        vm.prank(ATTACKER);
        uint256 attackerOut = pool.redeem(attackerShares, ATTACKER, ATTACKER);
        assertLe(attackerOut, 1, "attacker gets back at most its 1 unit; the donation is lost to it");
    }

    // ------------------------------------------------------------------ interest

    function test_accrueInterest_addsInterestAndReserves() public {
        _lend(1_000_000 * USDC);
        _openPosition(1_000e18, 800_000 * USDC); // at the kink: 4 % a year
        skip(365 days);
        uint256 rate = uint256(0.04e18) / 365 days;
        uint256 expectedInterest = Math.mulDiv(800_000 * USDC, InterestMath.compoundedGrowthDown(rate, 365 days), 1e18);
        vm.expectEmit(address(pool));
        emit ILendingPool.AccrueInterest(expectedInterest, expectedInterest / 10, rate);
        pool.accrueInterest();
        assertEq(pool.totalBorrowAssets(), 800_000 * USDC + expectedInterest);
        assertEq(pool.reserveAssets(), expectedInterest / 10);
        assertEq(pool.totalAssets(), 1_000_000 * USDC + expectedInterest - expectedInterest / 10);
        assertApproxEqRel(expectedInterest, 32_652 * USDC, 0.001e18, "e^0.04 - 1 = 4.08 %");
    }

    function test_accrueInterest_twiceInABlockAddsNothing() public {
        _lend(1_000_000 * USDC);
        _openPosition(1_000e18, 800_000 * USDC);
        skip(1 days);
        pool.accrueInterest();
        uint256 borrowed = pool.totalBorrowAssets();
        pool.accrueInterest();
        assertEq(pool.totalBorrowAssets(), borrowed);
    }

    /// @notice Fuzz: accrual matches the model and only ever raises the debt and the lenders' assets.
    function testFuzz_accrueInterest_monotoneAndMatchesModel(uint256 borrowed, uint256 elapsed) public {
        _lend(1_000_000 * USDC);
        borrowed = bound(borrowed, 100 * USDC, 700_000 * USDC);
        elapsed = bound(elapsed, 1, 5 * 365 days);
        _openPosition(1_000e18, borrowed);
        uint256 totalAssetsBefore = pool.totalAssets();
        uint256 rate = irm.borrowRatePerSecond(pool.cashAssets(), borrowed);
        skip(elapsed);
        pool.accrueInterest();
        uint256 interest = Math.mulDiv(borrowed, InterestMath.compoundedGrowthDown(rate, elapsed), 1e18);
        assertEq(pool.totalBorrowAssets(), borrowed + interest, "matches the model");
        assertGe(pool.totalAssets(), totalAssetsBefore, "lenders never lose to accrual");
        assertEq(pool.totalAssets() + pool.reserveAssets(), pool.cashAssets() + pool.totalBorrowAssets());
    }

    /// @dev A small pool: 200 USDC lent, 100 USDC borrowed (50 % utilization: 2.5 % a year), so one block (12 s) of
    /// interest is 100e6 * 7.93e-10 * 12 = 0.95 units and rounds to zero.
    function _smallPool() internal returns (uint256 borrowed, uint256 rate) {
        _lend(200 * USDC);
        borrowed = 100 * USDC;
        vm.prank(address(vault));
        pool.borrow(borrowed, BORROWER);
        rate = irm.borrowRatePerSecond(pool.cashAssets(), borrowed);
        assertGt(rate, 0, "a positive rate");
    }

    /// @notice I-2 (audit #17). Before the fix each accrual rounded its interest down and still moved `lastAccrual`,
    /// so accruing every block (12 s) on this pool left the debt at 100 USDC for 10,000 blocks (commit "I-2 proof
    /// test, passes on current code"). Now the fraction is carried: the debt grows by what one accrual over the same
    /// 33 hours adds, within one unit.
    function test_accrueInterest_everyBlockOnASmallPoolKeepsTheInterest() public {
        (uint256 borrowed, uint256 rate) = _smallPool();
        uint256 blocks = 10_000; // 33 hours
        uint256 once = Math.mulDiv(borrowed, InterestMath.compoundedGrowthDown(rate, blocks * 12), 1e18);
        assertGt(once, 9_000, "one accrual over the same time adds about 9,500 units");
        uint256 events;
        vm.recordLogs();
        for (uint256 i = 0; i < blocks; ++i) {
            skip(12);
            pool.accrueInterest();
        }
        events = vm.getRecordedLogs().length;
        uint256 accrued = pool.totalBorrowAssets() - borrowed;
        assertApproxEqAbs(accrued, once, 1, "every block: the same interest as one accrual");
        assertGe(accrued + 1, once);
        assertEq(pool.lastAccrual(), block.timestamp, "the clock still moves with every accrual");
        assertLt(pool.interestRemainder(), 1e18);
        assertGt(events, blocks / 2 - 1, "an AccrueInterest for each whole unit, none for nothing");
        assertLe(events, once);
    }

    function test_accrueInterest_carriesTheFractionAndEmitsOnlyWholeUnits() public {
        (uint256 borrowed, uint256 rate) = _smallPool();
        uint256 growth = InterestMath.compoundedGrowthDown(rate, 12);
        assertLt(borrowed * growth, 1e18, "one block is under a unit");
        skip(12);
        vm.recordLogs();
        pool.accrueInterest();
        assertEq(vm.getRecordedLogs().length, 0, "no event for nothing added");
        assertEq(pool.totalBorrowAssets(), borrowed);
        assertEq(pool.interestRemainder(), borrowed * growth, "the fraction is carried");
        skip(12);
        uint256 carried = 2 * borrowed * growth; // the rate is unchanged: the debt did not move
        vm.expectEmit(address(pool));
        emit ILendingPool.AccrueInterest(1, 0, rate); // 10 % of one unit rounds to no reserve
        pool.accrueInterest();
        assertEq(pool.totalBorrowAssets(), borrowed + 1, "two blocks make a unit");
        assertEq(pool.interestRemainder(), carried - 1e18);
        assertEq(pool.totalAssets(), 200 * USDC + 1, "lenders see whole units only");
    }

    function test_interestRemainder_droppedOnceNothingIsBorrowed() public {
        (uint256 borrowed, ) = _smallPool();
        skip(12);
        pool.accrueInterest();
        assertGt(pool.interestRemainder(), 0);
        uint256 shares = pool.totalBorrowShares();
        quote.mint(address(pool), borrowed);
        vm.prank(address(vault));
        pool.repay(shares, borrowed, 0, 0);
        assertEq(pool.totalBorrowAssets(), 0);
        skip(12);
        pool.accrueInterest();
        assertEq(pool.interestRemainder(), 0, "no borrower is left to owe it");
    }

    /// @notice Fuzz: accruing in k steps of any length adds at least what one accrual over the same time adds, less
    /// one unit, and not much more. Why: the carried fraction makes the k steps add the sum of their exact interest
    /// rounded down once; each step compounds on the last (`(1 + g(a))(1 + g(b)) ≥ 1 + g(a + b)` for the truncated
    /// series `g`) at a rate that only rises as the debt, and so the utilization, grows. Above: compounding at most
    /// 4 % a year over at most 300 days and the rate's rise with utilization stay under 5 %.
    function testFuzz_accrueInterest_inKStepsNeverLessThanOnceLessOneUnit(
        uint256 lent,
        uint256 borrowed,
        uint256 k,
        uint256 seed
    ) public {
        lent = bound(lent, 100 * USDC, 10_000_000 * USDC);
        borrowed = bound(borrowed, 1, (lent * 7) / 10); // below the kink, also once interest is added
        k = bound(k, 1, 20);
        _lend(lent);
        vm.prank(address(vault));
        pool.borrow(borrowed, BORROWER);
        uint256[] memory steps = new uint256[](k);
        uint256 total;
        for (uint256 i = 0; i < k; ++i) {
            steps[i] = bound(uint256(keccak256(abi.encode(seed, i))), 1, 15 days);
            total += steps[i];
        }

        uint256 snapshot = vm.snapshotState();
        skip(total);
        pool.accrueInterest();
        uint256 once = pool.totalBorrowAssets() - borrowed;
        vm.revertToState(snapshot);

        for (uint256 i = 0; i < k; ++i) {
            skip(steps[i]);
            pool.accrueInterest();
        }
        uint256 inSteps = pool.totalBorrowAssets() - borrowed;
        assertGe(inSteps + 1, once, "k steps never add less than one accrual, less one unit");
        assertLe(inSteps, once + once / 20 + 1, "nor much more");
        assertLt(pool.interestRemainder(), 1e18);
        assertEq(pool.totalAssets() + pool.reserveAssets(), pool.cashAssets() + pool.totalBorrowAssets());
    }

    // ------------------------------------------------------------------ borrower side

    /// @notice A liquidation's fee arrives with the repayment: its reserve part waits for the insurance fund, its
    /// lender part raises the share price at once, and the accounting identity holds.
    function test_repay_booksTheFeeAsReservesAndADonation() public {
        (uint256 borrowed, ) = _smallPool();
        uint256 shares = pool.totalBorrowShares();
        uint256 assetsBefore = pool.totalAssets();
        (uint256 toReserves, uint256 toLenders) = (3 * USDC, 2 * USDC);
        quote.mint(address(pool), borrowed + toReserves + toLenders);
        vm.prank(address(vault));
        vm.recordLogs();
        pool.repay(shares, borrowed, toReserves, toLenders);
        // No event: the engine's TrancheLiquidated records a tranche's repayment and fee.
        assertEq(vm.getRecordedLogs().length, 0, "no event");
        assertEq(pool.reserveAssets(), toReserves, "reserve part set aside");
        assertEq(pool.totalAssets(), assetsBefore + toLenders, "lender part raises the lenders' assets");
        assertEq(pool.cashAssets(), 200 * USDC + toReserves + toLenders, "both parts are cash");
        assertEq(pool.totalAssets() + pool.reserveAssets(), pool.cashAssets() + pool.totalBorrowAssets(), "identity");
        assertEq(pool.sweepReserves(), toReserves, "the sweep sends the reserve part to the insurance fund");
    }

    function test_borrowerFunctions_onlyVault() public {
        vm.startPrank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.OnlyVault.selector, OTHER));
        pool.borrow(1, OTHER);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.OnlyVault.selector, OTHER));
        pool.repay(1, 1, 0, 0);
        vm.stopPrank();
    }

    function test_borrowerFunctions_rejectBadInput() public {
        vm.startPrank(address(vault));
        vm.expectRevert(ILendingPool.ZeroAmount.selector);
        pool.borrow(0, OTHER);
        vm.expectRevert(ILendingPool.ZeroAddress.selector);
        pool.borrow(1, address(0));
        vm.expectRevert(ILendingPool.ZeroAmount.selector);
        pool.repay(0, 1, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.SharesExceedBorrowed.selector, 1, 0));
        pool.repay(1, 1, 0, 0);
        vm.expectRevert(ILendingPool.ZeroAmount.selector);
        pool.writeOff(0);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.SharesExceedBorrowed.selector, 1, 0));
        pool.writeOff(1);
        vm.stopPrank();
    }

    function test_sweepReserves_paysInsuranceFundUpToCash() public {
        vm.expectRevert(ILendingPool.NothingToSweep.selector);
        pool.sweepReserves();
        _lend(1_000_000 * USDC);
        _openPosition(1_000e18, 800_000 * USDC);
        skip(365 days);
        pool.accrueInterest();
        uint256 reserves = pool.reserveAssets();
        uint256 lenderAssets = pool.totalAssets();
        vm.expectEmit(address(pool));
        emit ILendingPool.SweepReserves(INSURANCE, reserves);
        uint256 swept = pool.sweepReserves();
        assertEq(swept, reserves);
        assertEq(quote.balanceOf(INSURANCE), reserves);
        assertEq(pool.reserveAssets(), 0);
        assertEq(pool.totalAssets(), lenderAssets, "lenders unaffected");
    }

    function test_utilizationAndRate_views() public {
        _lend(1_000_000 * USDC);
        _openPosition(1_000e18, 400_000 * USDC);
        assertEq(pool.utilization(), 0.4e18);
        assertEq(pool.borrowRatePerSecond(), uint256(0.02e18) / 365 days);
        assertEq(pool.borrowAssetsToSharesUp(1), 1e6);
        assertEq(IERC4626(address(pool)).totalAssets(), 1_000_000 * USDC);
    }
}
