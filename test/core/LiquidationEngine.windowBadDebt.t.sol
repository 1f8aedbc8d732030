// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice The market window and bad debt, on the fixture of `LiquidationEngine.t.sol` (split from it so each file's
/// instrumented coverage build fits the wasm compiler).
contract LiquidationEngineWindowBadDebtTest is EngineBaseTest {
    function _setWindowLimit(uint256 limit) internal returns (IMarginVault.RiskParams memory p) {
        p = _riskParams();
        p.windowLimit = uint128(limit);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
    }

    function test_liquidate_marketWindowCapsThenFullCloseBypasses() public {
        _setWindowLimit(5_000 * USDC);
        oracle.setPrice(_price(2300));
        assertEq(engine.windowStart(marketId), 0, "no window before the first tranche");
        // A zero start is a window [0, window): the test chain's clock (1 s) is still inside it, so the first tranche
        // books into that window instead of opening one (on a real chain it opens one at its timestamp).
        uint256 openedAt = 0;
        // A position's first tranche in a window is not bound by the window (audit finding L-2: filling the window
        // must not starve other positions): the 25 % cap, 5,250 USDC, above the 5,000 USDC window.
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, 5_250 * USDC, "first tranche in the window: the share cap, not the window");
        assertEq(engine.windowRemaining(marketId), 0);
        assertEq(engine.windowStart(marketId), openedAt, "still the window [0, window)");
        assertEq(engine.windowLiquidatedAssets(marketId), 5_250 * USDC, "counted in full");
        skip(300);
        // Its repeat tranche in the same window is held back.
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.WindowExhausted.selector, marketId));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
        uint256 debt = vault.debtAssetsOf(positionId);
        uint256 price = (1.07e18 * debt * 1e18) / vault.position(positionId).collateralAssets;
        oracle.setPrice(price);
        (uint256 full, ) = _liquidate(type(uint256).max);
        assertEq(full, debt, "a full close is never blocked by the window");
        assertEq(engine.windowLiquidatedAssets(marketId), 5_250 * USDC, "a full close does not use the window up");
        assertEq(engine.windowStart(marketId), openedAt);
        skip(3600);
        assertEq(engine.windowRemaining(marketId), 5_000 * USDC, "the window rolls over");
    }

    function test_liquidate_firstTrancheAfterExpiryOpensANewWindowAtItsTimestamp() public {
        IMarginVault.RiskParams memory p = _setWindowLimit(5_000 * USDC);
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max);
        skip(p.window + 1);
        assertEq(engine.windowRemaining(marketId), 5_000 * USDC, "expired: the whole limit again");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, 0);
        assertEq(engine.windowStart(marketId), block.timestamp, "opened by this tranche");
        assertEq(engine.windowLiquidatedAssets(marketId), repaid, "counts only this window's tranches");
        assertEq(engine.windowRemaining(marketId), 5_000 * USDC - repaid);
    }

    // ------------------------------------------------------------------ bad debt

    function test_liquidate_badDebtCoveredByInsuranceThenLenders() public {
        quote.mint(address(fund), 1_000 * USDC);
        oracle.setPrice(_price(1800)); // 18,000 of collateral against 21,000
        uint256 reservesBefore = _reservesNow();
        uint256 lenderAssetsBefore = pool.totalAssets();
        // Keeper pays the collateral's value at the max bonus: 18,000 / 1.06, rounded up.
        uint256 valueWad = 18_000e6 * 1e18;
        uint256 expectedRepaid = (valueWad + 1.06e18 - 1) / 1.06e18;
        uint256 badDebt = 21_000e6 - expectedRepaid;
        // The fund pays all its 1,000 towards the bad debt; the pool writes off the rest, from its reserves first
        // (this liquidation's fee, booked there with the repayment, included), then from lenders.
        uint256 fee = (expectedRepaid * 0.06e18 * 0.3e18 + 1e36 - 1) / 1e36;
        uint256 covered = 1_000 * USDC;
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.BadDebtRealized(positionId, covered, badDebt - covered);
        (uint256 repaid, uint256 seized) = _liquidate(type(uint256).max);
        assertEq(repaid, expectedRepaid);
        assertEq(seized, 10e18, "all collateral");
        assertEq(vault.debtAssetsOf(positionId), 0, "nothing left owed");
        assertEq(quote.balanceOf(address(fund)), 0, "the fund paid all it had");
        assertEq(pool.reserveAssets(), 0, "the reserves absorbed what they held");
        assertEq(
            pool.totalAssets(),
            lenderAssetsBefore - (badDebt - covered - fee - reservesBefore),
            "lenders bear the rest"
        );
        _assertClosed(positionId);
    }

    function test_liquidate_badDebtFullyCoveredByInsuranceStillClosesThePosition() public {
        quote.mint(address(fund), 10_000 * USDC);
        oracle.setPrice(_price(1800));
        uint256 lenderAssetsBefore = pool.totalAssets();
        uint256 valueWad = 18_000e6 * 1e18;
        uint256 badDebt = 21_000e6 - (valueWad + 1.06e18 - 1) / 1.06e18;
        vm.expectEmit(address(vault));
        emit IMarginVault.CloseBadDebt(positionId, 0, 0);
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.BadDebtRealized(positionId, badDebt, 0);
        _liquidate(type(uint256).max);
        assertGe(pool.totalAssets(), lenderAssetsBefore, "lenders lose nothing");
        _assertClosed(positionId);
    }

    /// @dev The position is gone: no owner (its entry stays in the append-only market list), nothing to preview, no
    /// clock running.
    function _assertClosed(uint256 id) internal view {
        assertEq(vault.position(id).owner, address(0), "position deleted");
        uint256[] memory listed = vault.marketPositions(marketId, 0, vault.marketPositionCount(marketId));
        bool found;
        for (uint256 i = 0; i < listed.length; ++i) found = found || listed[i] == id;
        assertTrue(found, "still listed, as a closed entry");
        assertEq(vault.market(marketId).totalCollateralAssets, 0);
        assertEq(vault.market(marketId).totalDebtShares, 0);
        assertEq(uint8(engine.previewLiquidation(id).reason), uint8(ILiquidationEngine.Reason.UnknownPosition));
        assertEq(engine.trancheState(id).liquidatableSince, 0, "not flagged");
    }

    // ------------------------------------------------------------------ callback
}
