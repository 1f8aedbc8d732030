// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice Fuzz: what one tranche does to value, to the keeper and to the position's ratio.
contract LiquidationEngineFuzzTest is EngineBaseTest {
    struct Snapshot {
        uint256 collateral;
        uint256 debt;
        uint256 keeperQuote;
        uint256 reserves;
    }

    function _snapshot(uint256 id) internal view returns (Snapshot memory s) {
        s.collateral = vault.position(id).collateralAssets;
        s.debt = vault.debtAssetsOf(id);
        s.keeperQuote = quote.balanceOf(KEEPER);
        s.reserves = pool.reserveAssets();
    }

    /// @notice For any position and any price below maintenance: the keeper's collateral is worth at most
    /// `repaid * (1 + bonus)`, its profit at the oracle price is at most its share of the bonus, the borrower loses
    /// exactly what the keeper and the protocol gain (to rounding), and the position's books move by exactly the
    /// repaid and seized amounts.
    function testFuzz_trancheConservesValueAndBoundsKeeperProfit(
        uint256 collateralAssets,
        uint256 debtShareOfMax,
        uint256 dropBps
    ) public {
        collateralAssets = bound(collateralAssets, 0.1e18, 1_000e18);
        uint256 maxDebt = (collateralAssets * 3000e6) / 1.4e18; // at the initial ratio, price 3000
        uint256 debt = (bound(debtShareOfMax, 0.5e18, 1e18) * maxDebt) / 1e18;
        vm.assume(debt >= 100 * USDC);
        uint256 id = _openPosition(collateralAssets, debt);
        oracle.setPrice((_price(3000) * bound(dropBps, 1, 9_000)) / 10_000);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(id);
        if (preview.reason != ILiquidationEngine.Reason.None) return;

        pool.accrueInterest(); // so the reserves grow by the fee alone
        Snapshot memory before = _snapshot(id);
        vm.prank(KEEPER);
        (uint256 repaid, uint256 seized) = engine.liquidate(id, type(uint256).max, KEEPER, "");
        Snapshot memory after_ = _snapshot(id);

        (uint256 price, ) = oracle.price();
        uint256 seizedValue = (seized * price) / 1e36;
        uint256 fee = preview.protocolFee;
        uint256 keeperPaid = before.keeperQuote - after_.keeperQuote;
        assertEq(keeperPaid, repaid + fee, "keeper pays repaid + fee");
        // Without bad debt the whole fee is booked as the pool's reserves, for the insurance fund (with it, the
        // write-off takes it from the reserves first).
        if (preview.badDebtAssets == 0) assertEq(after_.reserves - before.reserves, fee, "fee to the reserves");
        assertLe(
            seizedValue,
            repaid + (repaid * preview.bonus) / 1e18 + 1,
            "seized worth at most repaid * (1 + bonus)"
        );
        // Keeper profit at the oracle price never exceeds its share of the bonus.
        uint256 keeperBonus = (repaid * preview.bonus * 0.7e18) / 1e36;
        if (seizedValue > keeperPaid) assertLe(seizedValue - keeperPaid, keeperBonus + 1, "keeper profit <= its share");
        // Borrower's loss (collateral value out minus debt removed) = keeper profit + fee, to rounding.
        if (preview.badDebtAssets == 0) {
            assertEq(before.debt - after_.debt, repaid, "debt falls by exactly the repayment");
            assertApproxEqAbs(seizedValue - repaid, (seizedValue - keeperPaid) + fee, 1, "value conserved");
        }
        assertEq(before.collateral - after_.collateral, seized, "collateral falls by exactly the seizure");
        assertEq(repaid, preview.repaidAssets, "preview was exact");
        assertEq(seized, preview.seizedAssets, "preview was exact");
    }

    /// @notice An uncapped partial tranche always leaves the position at or above the target ratio, so above
    /// maintenance; only a capped tranche, a full close or bad debt can leave it below.
    function testFuzz_uncappedTrancheLeavesPositionHealthy(uint256 collateralAssets, uint256 dropBps) public {
        collateralAssets = bound(collateralAssets, 1e18, 100e18);
        uint256 debt = (collateralAssets * 3000e6) / 1.4e18;
        uint256 id = _openPosition(collateralAssets, debt);
        oracle.setPrice((_price(3000) * bound(dropBps, 8_000, 9_000)) / 10_000);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(id);
        if (preview.reason != ILiquidationEngine.Reason.None || preview.fullClose) return;
        bool capped =
            preview.repaidAssets == (debt + 3) / 4 || preview.repaidAssets == (vault.debtAssetsOf(id) + 3) / 4;
        vm.prank(KEEPER);
        engine.liquidate(id, type(uint256).max, KEEPER, "");
        uint256 ratioAfter = vault.positionHealth(id).ratio;
        if (!capped) assertGe(ratioAfter, 1.25e18, "uncapped: target reached");
        assertGe(ratioAfter, preview.ratioBefore, "a tranche above 1 + bonus never lowers the ratio");
    }
}
