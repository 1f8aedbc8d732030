// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {InterestRateModel} from "../../contracts/core/InterestRateModel.sol";
import {IInterestRateModel} from "../../contracts/interfaces/IInterestRateModel.sol";

contract InterestRateModelTest is Test {
    InterestRateModel internal irm = new InterestRateModel(0.01e18, 0.04e18, 0.6e18, 0.8e18);

    function test_constructor_revertsOutOfBounds() public {
        vm.expectRevert(abi.encodeWithSelector(IInterestRateModel.BaseRateTooHigh.selector, 1e18 + 1, 1e18));
        new InterestRateModel(1e18 + 1, 0, 0, 0.5e18);
        vm.expectRevert(abi.encodeWithSelector(IInterestRateModel.SlopeTooHigh.selector, 10e18 + 1, 10e18));
        new InterestRateModel(0, 10e18 + 1, 0, 0.5e18);
        vm.expectRevert(abi.encodeWithSelector(IInterestRateModel.SlopeTooHigh.selector, 10e18 + 1, 10e18));
        new InterestRateModel(0, 0, 10e18 + 1, 0.5e18);
        vm.expectRevert(abi.encodeWithSelector(IInterestRateModel.InvalidKink.selector, 0));
        new InterestRateModel(0, 0, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IInterestRateModel.InvalidKink.selector, 1e18));
        new InterestRateModel(0, 0, 0, 1e18);
    }

    function test_utilization_isBorrowOverSupplied() public view {
        assertEq(irm.utilization(0, 0), 0);
        assertEq(irm.utilization(750, 250), 0.25e18);
        assertEq(irm.utilization(0, 5), 1e18);
    }

    function test_borrowRate_atZeroKinkAndFull() public view {
        assertEq(irm.borrowRatePerSecond(1, 0), uint256(0.01e18) / 365 days);
        assertEq(irm.borrowRatePerSecond(20, 80), uint256(0.05e18) / 365 days);
        assertEq(irm.borrowRatePerSecond(0, 100), uint256(0.65e18) / 365 days);
        // 90 %: 0.01 + 0.04 + 0.6 * 0.1 / 0.2 = 0.35
        assertEq(irm.borrowRatePerSecond(10, 90), uint256(0.35e18) / 365 days);
        assertEq(irm.baseRatePerYear(), 0.01e18);
        assertEq(irm.slope1PerYear(), 0.04e18);
        assertEq(irm.slope2PerYear(), 0.6e18);
        assertEq(irm.kink(), 0.8e18);
    }

    /// @notice Fuzz: the rate never falls when utilization rises, and stays within base and base + slopes.
    function testFuzz_borrowRate_monotoneInUtilization(uint256 cash, uint256 borrowA, uint256 borrowB) public view {
        cash = bound(cash, 0, 1e30);
        borrowA = bound(borrowA, 0, 1e30);
        borrowB = bound(borrowB, borrowA, 1e30);
        uint256 rateA = irm.borrowRatePerSecond(cash, borrowA);
        uint256 rateB = irm.borrowRatePerSecond(cash, borrowB);
        assertLe(rateA, rateB);
        assertGe(rateA, uint256(0.01e18) / 365 days);
        assertLe(rateB, uint256(0.65e18) / 365 days);
    }
}
