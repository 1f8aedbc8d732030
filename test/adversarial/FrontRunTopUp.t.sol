// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: front-running an owner's top-up. A keeper that gets in first takes one tranche (sized to the
/// target, not the whole position) and the top-up still lands; the grace window then protects the owner. A griefer
/// that fills the market's collateral cap blocks collateral top-ups (a known limitation, SECURITY.md) but never
/// repayment, which rescues the position as well.
contract FrontRunTopUpTest is AdversarialBase {
    function setUp() public override {
        super.setUp();
        collateral.mint(BORROWER, 5e18);
        _fundAttacker(1_000_000 * USDC);
    }

    function testFuzz_frontRun_takesOneTrancheThenTopUpLandsAndProtects(uint256 priceUsdc, uint256 topUp) public {
        priceUsdc = bound(priceUsdc, 2269, 2519);
        topUp = bound(topUp, 1e18, 5e18);
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        Books memory before = _books(positionId, price);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);

        // The keeper's transaction lands first.
        vm.prank(ATTACKER);
        (uint256 repaid, ) = engine.liquidate(positionId, type(uint256).max, ATTACKER, "");
        // The owner's top-up still lands.
        vm.prank(BORROWER);
        vault.depositCollateral(positionId, topUp);

        assertEq(repaid, preview.repaidAssets, "one tranche, not the whole position");
        assertLt(repaid, vault.debtAssetsOf(positionId) + repaid, "debt remains");
        Books memory afterwards = _books(positionId, price);
        uint256 keeperBonus = (repaid * preview.bonus * 0.7e18) / 1e36 + 1;
        assertLe(afterwards.attacker, before.attacker + keeperBonus, "keeper: its share of one bonus at most");
        uint256 ownerCost = (repaid * preview.bonus) / 1e18 + 1;
        int256 topUpValue = int256((topUp * price) / 1e36);
        assertGe(afterwards.victimEquity + int256(ownerCost), before.victimEquity + topUpValue, "owner: one bonus");

        // Nothing more for any keeper, in the grace window or after it.
        vm.prank(ATTACKER);
        vm.expectRevert();
        engine.liquidate(positionId, type(uint256).max, ATTACKER, "");
        skip(301);
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.PositionHealthy.selector,
                positionId,
                vault.positionHealth(positionId).ratio,
                1.2e18
            )
        );
        engine.liquidate(positionId, type(uint256).max, ATTACKER, "");
    }

    /// @dev Known limitation: the collateral cap counts every position, so collateral parked by a griefer (without
    /// debt, withdrawable at any time) can make a top-up revert. Repayment is never capped and rescues the position.
    function test_griefFillsCollateralCap_topUpBlocked_repayStillRescues() public {
        IMarginVault.RiskParams memory params = _riskParams();
        params.collateralCap = uint128(20e18);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, params);
        collateral.mint(ATTACKER, 10e18);
        uint256 price = _price(2400);
        oracle.setPrice(price);
        Books memory before = _books(positionId, price);
        vm.startPrank(ATTACKER);
        uint256 parking = vault.openPosition(marketId);
        vault.depositCollateral(parking, 10e18);
        vm.stopPrank();

        vm.prank(BORROWER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.CollateralCapExceeded.selector, marketId, 21e18, 20e18));
        vault.depositCollateral(positionId, 1e18);

        quote.mint(BORROWER, 5_000 * USDC);
        vm.prank(BORROWER);
        vault.repay(positionId, 5_000 * USDC);
        assertGe(vault.positionHealth(positionId).ratio, 1.2e18, "repayment restored the position");
        vm.prank(ATTACKER);
        vm.expectRevert();
        engine.liquidate(positionId, type(uint256).max, ATTACKER, "");

        vm.prank(ATTACKER);
        vault.closePosition(parking, ATTACKER);
        Books memory afterwards = _books(positionId, price);
        assertEq(afterwards.attacker, before.attacker, "the griefer gained nothing");
        // The owner's 5,000 USDC moved from its wallet into the position's equity, one for one.
        assertEq(afterwards.victimEquity, before.victimEquity + int256(5_000 * USDC), "the owner lost nothing");
    }

    /// @dev Known limitation (documented on `flagLiquidatable`): a flag left from an earlier dip gives the next
    /// episode's first tranche a head start on the time bonus, never beyond `maxBonus`; the owner clears it.
    function test_staleFlag_headStartIsCappedAndOwnerCanClearIt() public {
        uint256 maxTimeBonus = engine.MAX_TIME_BONUS_PER_SECOND();
        vm.prank(RISK_MANAGER);
        engine.setTimeBonus(marketId, maxTimeBonus);
        oracle.setPrice(_price(2500));
        vm.prank(ATTACKER);
        engine.flagLiquidatable(positionId);
        oracle.setPrice(_price(3000));
        skip(30 days);
        oracle.setPrice(_price(2500));
        ILiquidationEngine.Preview memory stale = engine.previewLiquidation(positionId);
        assertEq(stale.bonus, 0.06e18, "head start capped at maxBonus");

        oracle.setPrice(_price(3000));
        vm.prank(BORROWER);
        engine.flagLiquidatable(positionId);
        oracle.setPrice(_price(2500));
        assertLt(engine.previewLiquidation(positionId).bonus, 0.06e18, "cleared: the ramp bonus only");
    }
}
