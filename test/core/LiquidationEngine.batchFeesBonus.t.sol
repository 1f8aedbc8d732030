// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InsuranceFund} from "../../contracts/core/InsuranceFund.sol";
import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice LiquidationEngine, continued (split from LiquidationEngine.t.sol so each file's instrumented coverage build
/// fits the wasm compiler): batches, preview, schedule, fee routing, the time bonus and the insurance fund.
contract LiquidationEngineBatchFeesBonusTest is EngineBaseTest {
    // ------------------------------------------------------------------ batch, preview, schedule, fees

    function test_liquidateMany_skipsFailuresAndLiquidatesTheRest() public {
        uint256 second = _openPosition(10e18, 21_000 * USDC);
        oracle.setPrice(_price(2300));
        uint256[] memory ids = new uint256[](3);
        ids[0] = positionId;
        ids[1] = 999;
        ids[2] = second;
        uint256[] memory maxRepays = new uint256[](3);
        maxRepays[0] = maxRepays[1] = maxRepays[2] = type(uint256).max;
        vm.expectEmit(true, false, false, false, address(engine));
        emit ILiquidationEngine.LiquidationSkipped(999, "");
        vm.prank(KEEPER);
        uint256 liquidated = engine.liquidateMany(ids, maxRepays, KEEPER, "");
        assertEq(liquidated, 2);
        assertEq(engine.trancheState(second).tranchesExecuted, 1);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LengthMismatch.selector, 3, 1));
        engine.liquidateMany(ids, new uint256[](1), KEEPER, "");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.OnlyBatch.selector, address(this)));
        engine.liquidateFromBatch(positionId, 1, KEEPER, KEEPER, "");
    }

    function test_previewLiquidation_equalsWhatLiquidateDoes() public {
        oracle.setPrice(_price(2300));
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        assertEq(uint8(preview.reason), uint8(ILiquidationEngine.Reason.None));
        uint256 reservesBefore = _reservesNow();
        (uint256 repaid, uint256 seized) = _liquidate(type(uint256).max);
        assertEq(preview.repaidAssets, repaid);
        assertEq(preview.seizedAssets, seized);
        assertEq(preview.protocolFee, pool.reserveAssets() - reservesBefore, "the fee, booked as reserves");
        assertFalse(preview.fullClose);
        ILiquidationEngine.Preview memory after_ = engine.previewLiquidation(positionId);
        assertEq(uint8(after_.reason), uint8(ILiquidationEngine.Reason.GracePeriod));
        assertEq(after_.nextEligibleAt, block.timestamp + 300);
        assertEq(uint8(engine.previewLiquidation(777).reason), uint8(ILiquidationEngine.Reason.UnknownPosition));
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        assertEq(uint8(engine.previewLiquidation(positionId).reason), uint8(ILiquidationEngine.Reason.InvalidPrice));
    }

    function test_liquidationSchedule_largePositionTakesSeveralTranches() public {
        TrancheMath.Tranche[] memory schedule = engine.liquidationSchedule(positionId, _price(2300));
        assertGt(schedule.length, 1, "capped at 25 % a tranche");
        uint256 total;
        for (uint256 i = 0; i < schedule.length; ++i) {
            assertLe(schedule[i].repaidAssets, 5_250 * USDC);
            total += schedule[i].repaidAssets;
        }
        assertLt(total, 21_000 * USDC, "ends healthy before the whole debt");
        assertEq(engine.liquidationSchedule(positionId, _price(3000)).length, 0, "healthy: no tranche");
    }

    function test_feeToPoolSinkRaisesSharePrice() public {
        vm.prank(RISK_MANAGER);
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: address(pool), insuranceShare: 0.5e18}));
        oracle.setPrice(_price(2300));
        uint256 reservesBefore = _reservesNow();
        uint256 assetsBefore = pool.totalAssets();
        _liquidate(type(uint256).max);
        uint256 toFund = pool.reserveAssets() - reservesBefore;
        assertGt(toFund, 0);
        assertApproxEqAbs(pool.totalAssets() - assetsBefore, toFund, 1, "half of the fee donated to lenders");
    }

    /// The engine reads the fee's routing only when a sink is set (a flag beside the market's window): a sink set
    /// after tranches takes its share of the next one, and cleared again, the whole fee goes to the reserves.
    function test_feeRouting_followsEverySetFeeConfig() public {
        oracle.setPrice(_price(2300));
        uint256 other = _openAt3000();
        // No sink: the whole fee to the reserves.
        uint256 reservesBefore = _reservesNow();
        _liquidate(type(uint256).max);
        uint256 wholeFee = pool.reserveAssets() - reservesBefore;
        assertGt(wholeFee, 0);
        assertEq(quote.balanceOf(OTHER), 0);

        vm.prank(RISK_MANAGER);
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: OTHER, insuranceShare: 0.25e18}));
        reservesBefore = _reservesNow();
        vm.prank(KEEPER);
        engine.liquidate(other, type(uint256).max, KEEPER, "");
        uint256 toReserves = pool.reserveAssets() - reservesBefore;
        uint256 toSink = quote.balanceOf(OTHER);
        assertGt(toSink, 0, "the sink takes its share");
        assertApproxEqAbs(toReserves * 3, toSink, 3, "a quarter to the reserves, the rest to the sink");

        vm.prank(RISK_MANAGER);
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: address(0), insuranceShare: 0.25e18}));
        skip(301);
        oracle.setPrice(_price(2300));
        reservesBefore = _reservesNow();
        _liquidate(type(uint256).max);
        assertGt(pool.reserveAssets() - reservesBefore, 0, "cleared: the whole fee to the reserves again");
        assertEq(quote.balanceOf(OTHER), toSink, "nothing more to the old sink");
    }

    function _openAt3000() internal returns (uint256 id) {
        oracle.setPrice(_price(3000));
        id = _openPosition(10e18, 21_000 * USDC);
        oracle.setPrice(_price(2300));
    }

    // ------------------------------------------------------------------ time bonus

    function test_timeBonus_growsWhileEligibleAndIsCapped() public {
        uint256 perSecond = uint256(0.01e18) / 1 hours; // 1 % of bonus per hour
        vm.prank(RISK_MANAGER);
        engine.setTimeBonus(marketId, perSecond);
        oracle.setPrice(_price(2500)); // ratio 1.190476: ramp bonus 0.023174...
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.FlagLiquidatable(positionId, block.timestamp);
        engine.flagLiquidatable(positionId);
        skip(1 hours);
        assertEq(engine.extraBonusOf(positionId), perSecond * 1 hours);
        uint256 ramp = _bonus(vault.positionHealth(positionId).ratio); // with an hour of interest
        assertEq(engine.previewLiquidation(positionId).bonus, ramp + perSecond * 1 hours, "ramp + time");
        skip(10 hours);
        assertEq(engine.previewLiquidation(positionId).bonus, 0.06e18, "capped at maxBonus");
    }

    function test_timeBonus_restartsAfterEachTrancheGraceWindowAndClearsWhenHealthy() public {
        vm.prank(RISK_MANAGER);
        engine.setTimeBonus(marketId, uint256(0.01e18) / 1 hours);
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max); // capped: still below maintenance afterwards
        ILiquidationEngine.TrancheState memory s = engine.trancheState(positionId);
        assertEq(s.liquidatableSince, block.timestamp, "left liquidatable: flagged");
        skip(300);
        assertEq(engine.extraBonusOf(positionId), 0, "counts from the end of the grace window");
        skip(60);
        assertEq(engine.extraBonusOf(positionId), (uint256(0.01e18) / 1 hours) * 60);
        oracle.setPrice(_price(3000));
        engine.flagLiquidatable(positionId);
        assertEq(engine.trancheState(positionId).liquidatableSince, 0, "healthy: cleared");
        assertEq(engine.extraBonusOf(positionId), 0);
    }

    function test_timeBonus_setterAndFlagValidate() public {
        uint256 limit = engine.MAX_TIME_BONUS_PER_SECOND();
        vm.startPrank(RISK_MANAGER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.TimeBonusTooHigh.selector, limit + 1, limit));
        engine.setTimeBonus(marketId, limit + 1);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownMarket.selector, 9));
        engine.setTimeBonus(9, 1);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.UnknownPosition.selector, 9));
        engine.flagLiquidatable(9);
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, marketId));
        engine.flagLiquidatable(positionId);
    }

    function test_setFeeConfig_validates() public {
        vm.startPrank(RISK_MANAGER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InsuranceShareTooHigh.selector, 1e18 + 1));
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: OTHER, insuranceShare: 1e18 + 1}));
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownMarket.selector, 5));
        engine.setFeeConfig(5, ILiquidationEngine.FeeConfig({feeSink: OTHER, insuranceShare: 0}));
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: OTHER, insuranceShare: 0.25e18}));
        vm.stopPrank();
        assertEq(engine.feeConfig(marketId).feeSink, OTHER);
    }

    function test_insuranceFund_rejectsBadSetupAndWithdrawals() public {
        vm.expectRevert(IInsuranceFund.ZeroAddress.selector);
        new InsuranceFund(address(0));
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.LiquidationEngineAlreadySet.selector, address(engine)));
        fund.setLiquidationEngine(OTHER);
        InsuranceFund fresh = new InsuranceFund(ADMIN);
        vm.expectRevert(IInsuranceFund.ZeroAddress.selector);
        fresh.setLiquidationEngine(address(0));
        vm.expectRevert(IInsuranceFund.ZeroAddress.selector);
        fund.withdraw(IERC20(address(quote)), address(0), 1);
        vm.expectRevert(IInsuranceFund.ZeroAmount.selector);
        fund.withdraw(IERC20(address(quote)), OTHER, 0);
        vm.stopPrank();
    }

    function test_insuranceFund_coversOnlyWhatItHolds() public {
        quote.mint(address(fund), 40);
        vm.prank(address(engine));
        uint256 paid = fund.coverBadDebt(IERC20(address(quote)), 100);
        assertEq(paid, 40);
        assertEq(quote.balanceOf(address(engine)), 40);
    }

    function test_insuranceFund_onlyEngineAndAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.OnlyLiquidationEngine.selector, address(this)));
        fund.coverBadDebt(IERC20(address(quote)), 1);
        quote.mint(address(fund), 10);
        vm.prank(ADMIN);
        fund.withdraw(IERC20(address(quote)), OTHER, 10);
        assertEq(quote.balanceOf(OTHER), 10);
    }
}
