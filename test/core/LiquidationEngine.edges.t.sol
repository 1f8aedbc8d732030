// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {LiquidationEngine} from "../../contracts/core/LiquidationEngine.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice Edges of the engine the main suite leaves out: constructor checks, re-flagging, fee routing without an
/// insurance share or without any fee, and the schedule of an unknown position. Amounts worked out by hand.
contract LiquidationEngineEdgesTest is EngineBaseTest {
    function test_constructor_rejectsEachZeroAddress() public {
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(IMarginVault(address(0)), fund, ADMIN, RISK_MANAGER);
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(vault, IInsuranceFund(address(0)), ADMIN, RISK_MANAGER);
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(vault, fund, address(0), RISK_MANAGER);
        vm.expectRevert(ILiquidationEngine.ZeroAddress.selector);
        new LiquidationEngine(vault, fund, ADMIN, address(0));
    }

    function test_flagLiquidatable_keepsTheFirstTimeWhenFlaggedAgain() public {
        oracle.setPrice(_price(2300));
        uint256 first = engine.flagLiquidatable(positionId);
        assertEq(first, block.timestamp);
        skip(120);
        assertEq(engine.flagLiquidatable(positionId), first, "still liquidatable since the first flag");
        assertEq(engine.trancheState(positionId).liquidatableSince, first);
    }

    function test_liquidate_noProtocolFeeWhenTheKeeperTakesTheWholeBonus() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.keeperShare = 1e18;
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        oracle.setPrice(_price(2300));
        uint256 keeperBefore = quote.balanceOf(KEEPER);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, 5_250 * USDC);
        assertEq(keeperBefore - quote.balanceOf(KEEPER), repaid, "the keeper pays the debt and no fee");
        assertEq(quote.balanceOf(address(fund)), 0);
    }

    function test_liquidate_feeGoesWhollyToAnOutsideSinkWithoutInsuranceShare() public {
        vm.prank(RISK_MANAGER);
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: OTHER, insuranceShare: 0}));
        oracle.setPrice(_price(2300));
        uint256 ratio = uint256(23_000e18) / 21_000;
        uint256 fee = (5_250 * USDC * _bonus(ratio) * 0.3e18 + 1e36 - 1) / 1e36;
        _liquidate(type(uint256).max);
        assertEq(quote.balanceOf(OTHER), fee, "the whole fee, rounded up");
        assertEq(quote.balanceOf(address(fund)), 0, "nothing to the insurance fund");
    }

    function test_liquidationSchedule_revertsForAnUnknownPosition() public {
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.UnknownPosition.selector, 777));
        engine.liquidationSchedule(777, _price(2300));
    }
}
