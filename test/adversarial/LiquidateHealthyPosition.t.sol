// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: liquidating a position that is at or above maintenance, or pushing a healthy position below it.
/// BORROWER's position: 10 WETH against 21,000 USDC, so maintenance (1.20) is crossed at exactly 2,520 USDC per WETH.
contract LiquidateHealthyPositionTest is AdversarialBase {
    uint256 internal constant MAINTENANCE_PRICE_USDC = 2520;

    function setUp() public override {
        super.setUp();
        _fundAttacker(1_000_000 * USDC);
    }

    function _attackerLiquidates(uint256 id, uint256 maxRepay) internal {
        vm.prank(ATTACKER);
        engine.liquidate(id, maxRepay, ATTACKER, "");
    }

    /// @dev Any price at or above the maintenance price, any repayment bound: the attempt reverts and moves nothing.
    function testFuzz_healthyPosition_cannotBeLiquidated(uint256 priceCents, uint256 maxRepay) public {
        priceCents = bound(priceCents, MAINTENANCE_PRICE_USDC * 100, 1_000_000);
        maxRepay = bound(maxRepay, 1, type(uint128).max);
        uint256 price = (_price(priceCents) / 100);
        oracle.setPrice(price);
        Books memory before = _books(positionId, price);
        IMarginVault.Position memory p = vault.position(positionId);

        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.PositionHealthy.selector,
                positionId,
                (p.collateralAssets * price) / (vault.debtAssetsOf(positionId) * 1e18),
                1.2e18
            )
        );
        engine.liquidate(positionId, maxRepay, ATTACKER, "");

        _assertNoProfitNoLoss(before, _books(positionId, price), 0, 0);
        assertEq(vault.position(positionId).collateralAssets, p.collateralAssets, "collateral untouched");
        assertEq(vault.position(positionId).debtShares, p.debtShares, "debt untouched");
    }

    function test_exactlyAtMaintenance_isHealthy_oneUnitBelowIsNot() public {
        oracle.setPrice(_price(MAINTENANCE_PRICE_USDC));
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, positionId, 1.2e18, 1.2e18)
        );
        engine.liquidate(positionId, type(uint256).max, ATTACKER, "");

        oracle.setPrice(_price(MAINTENANCE_PRICE_USDC) - 1);
        _attackerLiquidates(positionId, type(uint256).max);
        assertEq(engine.trancheState(positionId).tranchesExecuted, 1, "one unit below maintenance: liquidatable");
    }

    function test_batchOfHealthyPositions_isSkippedAndCostsNothing() public {
        uint256 second = _openPosition(5e18, 9_000 * USDC);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (positionId, second);
        uint256[] memory maxRepays = new uint256[](2);
        (maxRepays[0], maxRepays[1]) = (type(uint256).max, type(uint256).max);
        uint256 price = _oraclePrice();
        Books memory before = _books(positionId, price);

        vm.prank(ATTACKER);
        uint256 liquidated = engine.liquidateMany(ids, maxRepays, ATTACKER, "");

        assertEq(liquidated, 0, "nothing liquidated");
        _assertNoProfitNoLoss(before, _books(positionId, price), 0, 0);
        assertEq(_equity(second, price), int256(15_000 * USDC) - int256(vault.debtAssetsOf(second)));
    }

    /// @dev A third party can only add collateral or repay (both raise the ratio); it cannot withdraw or borrow on
    /// someone else's position to push it under maintenance.
    function test_thirdParty_cannotLowerAnotherPositionsRatio() public {
        vm.startPrank(ATTACKER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NotOwnerOrOperator.selector, positionId, ATTACKER));
        vault.withdrawCollateral(positionId, 1e18, ATTACKER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NotOwnerOrOperator.selector, positionId, ATTACKER));
        vault.borrow(positionId, 1_000 * USDC, ATTACKER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NotOwnerOrOperator.selector, positionId, ATTACKER));
        vault.closePosition(positionId, ATTACKER);
        vm.stopPrank();
    }

    /// @dev After a tranche the position is back at the target ratio, or the tranche was capped at
    /// `maxTrancheShare` of the debt; either way no second tranche follows in the grace window, and the keeper earned
    /// no more than its share of the bonus.
    function testFuzz_afterOneTranche_targetOrCapAndNothingMore(uint256 priceUsdc) public {
        // Partial-tranche region: ratio in (1.08, 1.20), i.e. a price in (2268, 2520).
        priceUsdc = bound(priceUsdc, 2269, 2519);
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        Books memory before = _books(positionId, price);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        uint256 cap = (vault.debtAssetsOf(positionId) * 0.25e18) / 1e18;

        _attackerLiquidates(positionId, type(uint256).max);

        uint256 allowed = (preview.repaidAssets * preview.bonus * 0.7e18) / 1e36 + 1;
        assertLe(_books(positionId, price).attacker, before.attacker + allowed, "keeper share of the bonus at most");
        uint256 ratioAfter = vault.positionHealth(positionId).ratio;
        assertTrue(ratioAfter >= 1.25e18 || preview.repaidAssets == cap, "restored to the target, or capped");
        _expectNoFurtherTranche(ATTACKER, positionId);
    }
}
