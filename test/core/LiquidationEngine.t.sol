// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {Vm} from "forge-std/Vm.sol";

import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice LiquidationEngine: expected amounts are worked out in each test from the formulas, not by the engine's math.
contract LiquidationEngineTest is EngineBaseTest {
    // ------------------------------------------------------------------ refusals

    function test_liquidate_revertsWhenHealthy() public {
        oracle.setPrice(_price(2600)); // ratio 26,000 / 21,000 = 1.238
        uint256 value = 26_000e18 * 1e6;
        uint256 ratio = value / (21_000 * 1e6);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, positionId, ratio, 1.2e18));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
    }

    function test_liquidate_revertsOnInvalidPriceButAcceptsFallback() public {
        oracle.setPrice(_price(2400));
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, marketId));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
        oracle.setStatus(IOracle.PriceStatus.Fallback);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, 0);
    }

    function test_liquidate_revertsForOwnerAndOperator() public {
        oracle.setPrice(_price(2400));
        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.SelfLiquidation.selector, positionId, BORROWER));
        engine.liquidate(positionId, type(uint256).max, BORROWER, "");
        vm.prank(BORROWER);
        vault.setOperator(OPERATOR, true);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.SelfLiquidation.selector, positionId, OPERATOR));
        engine.liquidate(positionId, type(uint256).max, OPERATOR, "");
    }

    function test_liquidate_revertsOnBadInput() public {
        vm.startPrank(KEEPER);
        vm.expectRevert(ILiquidationEngine.ZeroAmount.selector);
        engine.liquidate(positionId, 0, KEEPER, "");
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        engine.liquidate(positionId, 1, address(0), "");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.UnknownPosition.selector, 42));
        engine.liquidate(42, 1, KEEPER, "");
        vm.stopPrank();
        uint256 empty = _openPosition(1e18, 0);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.NoDebt.selector, empty));
        engine.liquidate(empty, 1, KEEPER, "");
    }

    // ------------------------------------------------------------------ tranches

    /// @notice At 2,870: ratio 28,700 / 21,000 = 1.36666...; still healthy. At 2,500: 25,000 / 21,000 = 1.190476.
    /// bonus = 0.02 + 0.04 * (1.2 - 1.190476) / 0.12 = 0.023174...; r = (1.25 * 21,000 - 25,000) / (0.25 - b)
    /// = 1,250 / 0.226825 = 5,510.83 < 25 % of 21,000 (5,250)? No: capped at 5,250. So use a 50 % share cap here.
    function test_liquidate_uncappedTrancheRestoresTargetExactly() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.maxTrancheShare = 0.5e18;
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        oracle.setPrice(_price(2500));

        uint256 valueWad = 25_000e6 * 1e18;
        uint256 ratio = valueWad / 21_000e6;
        uint256 bonus = _bonus(ratio);
        uint256 expectedRepaid =
            (1.25e18 * 21_000e6 - 25_000e6 * 1e18 + (1.25e18 - 1e18 - bonus) - 1) / (1.25e18 - 1e18 - bonus);
        uint256 expectedSeized = (expectedRepaid * (1e18 + bonus) * 1e18) / _price(2500);
        uint256 expectedFee = (expectedRepaid * bonus * 0.3e18 + 1e36 - 1) / 1e36;
        uint256 keeperQuoteBefore = quote.balanceOf(KEEPER);
        uint256 reservesBefore = pool.reserveAssets();

        vm.expectEmit(true, true, false, false, address(engine));
        emit ILiquidationEngine.TrancheLiquidated(positionId, KEEPER, 0, 0, 0, 0, 0, 0, 0, false);
        (uint256 repaid, uint256 seized) = _liquidate(type(uint256).max);

        assertEq(repaid, expectedRepaid, "repaid");
        assertEq(seized, expectedSeized, "seized");
        assertEq(collateral.balanceOf(KEEPER), expectedSeized);
        assertEq(keeperQuoteBefore - quote.balanceOf(KEEPER), expectedRepaid + expectedFee, "keeper paid repay + fee");
        // The fee arrives with the repayment, in one transfer, as the pool's reserves for the insurance fund.
        assertEq(pool.reserveAssets() - reservesBefore, expectedFee, "fee booked as reserves by default");
        assertEq(quote.balanceOf(address(fund)), 0, "no third transfer");
        pool.sweepReserves();
        assertGe(quote.balanceOf(address(fund)), expectedFee, "the sweep takes the fee to the insurance fund");
        assertGe(vault.positionHealth(positionId).ratio, 1.25e18, "target restored");
        assertLt(vault.positionHealth(positionId).ratio, 1.2501e18, "just above, not more");
        ILiquidationEngine.TrancheState memory s = engine.trancheState(positionId);
        assertEq(s.tranchesExecuted, 1);
        assertEq(s.lastTrancheAt, block.timestamp);
        assertEq(engine.nextEligibleAt(positionId), block.timestamp + 300);
    }

    /// @notice A tranche's record is the engine's event alone, as Morpho Blue's `Liquidate` is: the vault emits no
    /// `Repay` and the pool no fee event; `repaidShares` is what the position's debt shares fell by. Then the two token
    /// transfers, collateral out first.
    function test_liquidate_emitsOneTrancheEventWithItsSharesThenTheTwoTransfers() public {
        oracle.setPrice(_price(2300));
        uint256 sharesBefore = vault.position(positionId).debtShares;
        vm.recordLogs();
        (uint256 repaid, uint256 seized) = _liquidate(type(uint256).max);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 next;
        if (logs[0].emitter == address(pool)) ++next; // the pool's AccrueInterest, when time passed
        assertEq(logs.length, next + 3, "the tranche's event and two transfers");
        assertEq(logs[next].emitter, address(engine));
        assertEq(logs[next].topics[0], ILiquidationEngine.TrancheLiquidated.selector);
        (uint256 repaidAssets, uint256 repaidShares, uint256 seizedAssets) = abi.decode(
            logs[next].data,
            (uint256, uint256, uint256)
        );
        assertEq(repaidAssets, repaid);
        assertEq(seizedAssets, seized);
        assertEq(repaidShares, sharesBefore - vault.position(positionId).debtShares, "the shares burned");
        assertGt(repaidShares, 0);
        bytes32 transfer = keccak256("Transfer(address,address,uint256)");
        assertEq(logs[next + 1].emitter, address(collateral));
        assertEq(logs[next + 1].topics[0], transfer);
        assertEq(logs[next + 2].emitter, address(quote));
        assertEq(logs[next + 2].topics[0], transfer);
    }

    function test_liquidate_capsAtShareOfDebtAndWaitsForGraceWindow() public {
        oracle.setPrice(_price(2300)); // ratio 23,000 / 21,000 = 1.0952: above full, r far above the cap
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, 5_250 * USDC, "25 % of 21,000");
        uint256 next = block.timestamp + 300;
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InGracePeriod.selector, positionId, next));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
        skip(300);
        (uint256 second, ) = _liquidate(type(uint256).max);
        assertGt(second, 0, "second tranche after the window");
        assertEq(engine.trancheState(positionId).tranchesExecuted, 2);
    }

    function test_liquidate_topUpInsideGraceWindowEndsLiquidation() public {
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max);
        collateral.mint(BORROWER, 5e18);
        vm.prank(BORROWER);
        vault.depositCollateral(positionId, 5e18);
        skip(300);
        vm.prank(KEEPER);
        vm.expectRevert();
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
        assertGe(vault.positionHealth(positionId).ratio, 1.2e18);
    }

    function test_liquidate_fullCloseAtFullRatioIgnoresGraceAndWindow() public {
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max);
        // Down to a ratio of 1.07: at or below the full-liquidation ratio, above 1 + maxBonus.
        uint256 debt = vault.debtAssetsOf(positionId);
        uint256 price = (1.07e18 * debt * 1e18) / vault.position(positionId).collateralAssets;
        oracle.setPrice(price);
        (uint256 repaid, uint256 seized) = _liquidate(type(uint256).max);
        assertEq(repaid, debt, "whole debt, inside the grace window");
        // Seized worth debt * 1.06 at that price.
        assertEq(seized, (debt * 1.06e18 * 1e18) / price);
        assertEq(vault.debtAssetsOf(positionId), 0);
        assertGt(vault.position(positionId).collateralAssets, 0, "the rest stays with the owner");
    }

    function test_liquidate_dustClosesSmallPosition() public {
        uint256 small = _openPosition(0.05e18, 100 * USDC); // 150 USDC of collateral
        oracle.setPrice(_price(2300)); // 115 / 100 = 1.15
        vm.prank(KEEPER);
        (uint256 repaid, ) = engine.liquidate(small, type(uint256).max, KEEPER, "");
        assertEq(repaid, 100 * USDC, "the whole debt: a tranche would leave dust");
        assertEq(vault.debtAssetsOf(small), 0);
    }

    function test_liquidate_maxRepayBoundsTrancheButNeverLeavesDust() public {
        uint256 small = _openPosition(0.1e18, 150 * USDC);
        oracle.setPrice(_price(2300));
        (uint256 repaid, ) = _liquidate(1_000 * USDC);
        assertEq(repaid, 1_000 * USDC);
        oracle.setPrice(_price(1550)); // 155 / 150 = 1.033: full close, caps lifted
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LeavesDust.selector, small, 90 * USDC, 100 * USDC));
        engine.liquidate(small, 60 * USDC, KEEPER, "");
    }

    /// @dev Sets the market's window limit (below the 25 % share cap of the test position's tranche).
}
