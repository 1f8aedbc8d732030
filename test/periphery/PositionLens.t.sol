// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {IPositionLens} from "../../contracts/interfaces/IPositionLens.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {PositionLens} from "../../contracts/periphery/PositionLens.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockOracle} from "../mocks/MockOracle.sol";
import {exampleRiskParams} from "../core/ExampleParams.sol";
import {ICoreAdmin, PeripheryBaseTest} from "./PeripheryBaseTest.sol";

/// @notice PositionLens. Expected values are worked out in each test from the formulas (ratio, ramp bonus, caps, fee)
/// or read from the vault and the engine themselves (`positionHealth`, `debtAssetsOf`, `previewLiquidation`), never
/// from the lens. The set-up position (`positionId`) is 10 WETH against 21,000 USDC.
contract PositionLensTest is PeripheryBaseTest {
    PositionLens internal lens;

    function setUp() public override {
        super.setUp();
        lens = new PositionLens(vault, engine);
    }

    // ------------------------------------------------------------------ helpers

    function _view(uint256 id) internal view returns (IPositionLens.PositionView memory) {
        return lens.positionView(id);
    }

    function _assertState(uint256 id, IPositionLens.PositionState expected, string memory what) internal view {
        assertEq(uint8(lens.positionView(id).state), uint8(expected), what);
    }

    function _assertPreviewEq(
        ILiquidationEngine.Preview memory a,
        ILiquidationEngine.Preview memory b,
        string memory what
    ) internal pure {
        assertEq(uint8(a.reason), uint8(b.reason), string.concat(what, ": reason"));
        assertEq(uint8(a.kind), uint8(b.kind), string.concat(what, ": kind"));
        assertEq(a.ratioBefore, b.ratioBefore, string.concat(what, ": ratioBefore"));
        assertEq(a.bonus, b.bonus, string.concat(what, ": bonus"));
        assertEq(a.repaidAssets, b.repaidAssets, string.concat(what, ": repaidAssets"));
        assertEq(a.seizedAssets, b.seizedAssets, string.concat(what, ": seizedAssets"));
        assertEq(a.protocolFee, b.protocolFee, string.concat(what, ": protocolFee"));
        assertEq(a.badDebtAssets, b.badDebtAssets, string.concat(what, ": badDebtAssets"));
        assertEq(a.fullClose, b.fullClose, string.concat(what, ": fullClose"));
        assertEq(a.nextEligibleAt, b.nextEligibleAt, string.concat(what, ": nextEligibleAt"));
    }

    /// @dev Everything a view reports that the vault or the engine also reports, compared with them.
    function _assertMatchesCore(IPositionLens.PositionView memory v) internal view {
        IMarginVault.Position memory p = vault.position(v.id);
        assertEq(v.owner, p.owner, "owner");
        assertEq(v.marketId, p.marketId, "marketId");
        assertEq(v.collateralAssets, p.collateralAssets, "collateral");
        assertEq(v.debtAssets, vault.debtAssetsOf(v.id), "debt == vault.debtAssetsOf");
        IMarginVault.Health memory h = vault.positionHealth(v.id);
        assertEq(v.liquidationPriceUp, h.liquidationPrice, "liquidation price == vault.positionHealth");
        if (v.debtAssets == 0) assertEq(v.ratio, type(uint256).max, "no debt: max ratio");
        else assertEq(v.ratio, h.ratio, "ratio == vault.positionHealth (0 without a price)");
        _assertPreviewEq(v.preview, engine.previewLiquidation(v.id), "preview == engine.previewLiquidation");
        assertEq(v.nextEligibleAt, engine.nextEligibleAt(v.id), "nextEligibleAt == engine");
        ILiquidationEngine.TrancheState memory t = engine.trancheState(v.id);
        assertEq(v.liquidatableSince, t.liquidatableSince, "liquidatableSince");
        assertEq(v.tranchesExecuted, t.tranchesExecuted, "tranchesExecuted");
    }

    /// @dev The state the documentation defines, from the engine's preview and the vault's health (not the lens).
    function _expectedState(uint256 id) internal view returns (IPositionLens.PositionState) {
        if (vault.debtAssetsOf(id) == 0) return IPositionLens.PositionState.NoDebt;
        ILiquidationEngine.Preview memory p = engine.previewLiquidation(id);
        if (p.reason == ILiquidationEngine.Reason.InvalidPrice) return IPositionLens.PositionState.NoPrice;
        if (vault.positionHealth(id).ratio >= 1.2e18) return IPositionLens.PositionState.Healthy;
        if (p.reason == ILiquidationEngine.Reason.GracePeriod) return IPositionLens.PositionState.GracePeriod;
        if (p.reason == ILiquidationEngine.Reason.WindowExhausted) return IPositionLens.PositionState.WindowExhausted;
        assertEq(uint8(p.reason), uint8(ILiquidationEngine.Reason.None), "otherwise liquidatable now");
        return
            p.repaidAssets + p.badDebtAssets == vault.debtAssetsOf(id)
                ? IPositionLens.PositionState.FullCloseable
                : IPositionLens.PositionState.Liquidatable;
    }

    function _openFor(
        address owner,
        uint256 market,
        MockERC20 token,
        uint256 collateralAssets,
        uint256 debtAssets
    ) internal returns (uint256 id) {
        token.mint(owner, collateralAssets);
        vm.startPrank(owner);
        token.approve(address(vault), collateralAssets);
        id = vault.openPosition(market);
        if (collateralAssets > 0) vault.depositCollateral(id, collateralAssets);
        if (debtAssets > 0) vault.borrow(id, debtAssets, owner);
        vm.stopPrank();
    }

    function _setWindowLimit(uint256 limit) internal {
        IMarginVault.RiskParams memory p = exampleRiskParams();
        p.windowLimit = uint128(limit);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
    }

    /// @dev A second market (WBTC-like, 8 decimals, 60,000 USDC) on the same pool.
    function _secondMarket() internal returns (uint256 id, MockERC20 token, MockOracle priceFeed) {
        token = new MockERC20("Wrapped Bitcoin", "WBTC", 8);
        priceFeed = new MockOracle((60_000e6 * 1e36) / 1e8);
        vm.prank(ADMIN);
        id = vault.createMarket(IERC20(address(token)), pool, priceFeed, exampleRiskParams());
    }

    // ------------------------------------------------------------------ constructor

    function test_constructor_revertsOnZeroAddress() public {
        vm.expectRevert(IPositionLens.ZeroAddress.selector);
        new PositionLens(IMarginVault(address(0)), engine);
        vm.expectRevert(IPositionLens.ZeroAddress.selector);
        new PositionLens(vault, ILiquidationEngine(address(0)));
        assertEq(address(lens.vault()), address(vault));
        assertEq(address(lens.engine()), address(engine));
    }

    // ------------------------------------------------------------------ states

    /// @notice At 3,000: 30,000 / 21,000 = 1.428571...; liquidation price 21,000 * 1.2 / 10 = 2,520 USDC per WETH.
    function test_positionView_healthy() public view {
        IPositionLens.PositionView memory v = _view(positionId);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.Healthy));
        assertEq(v.id, positionId);
        assertEq(v.owner, BORROWER);
        assertEq(v.marketId, marketId);
        assertEq(v.collateralAssets, 10e18);
        assertEq(v.debtAssets, 21_000 * USDC);
        assertEq(v.ratio, (10e18 * PRICE_3000) / (21_000e6 * 1e18));
        assertEq(v.ratio, 1_428_571_428_571_428_571);
        assertEq(v.liquidationPriceUp, _price(2520));
        assertEq(uint8(v.preview.reason), uint8(ILiquidationEngine.Reason.Healthy));
        assertEq(v.preview.repaidAssets, 0);
        assertEq(v.nextEligibleAt, 0, "never liquidated");
        assertEq(v.tranchesExecuted, 0);
        _assertMatchesCore(v);
    }

    /// @notice The liquidation price is the lowest price that is not liquidatable: the engine agrees one unit either
    /// side of it, on amounts where the division does not come out even.
    function test_positionView_liquidationPriceIsTheExactBoundary() public {
        uint256 collateralAssets = 10e18 + 7;
        uint256 debtAssets = 20_999 * USDC + 3;
        uint256 id = _openPosition(collateralAssets, debtAssets);
        uint256 numerator = debtAssets * 1.2e18 * 1e18;
        uint256 expected = (numerator + collateralAssets - 1) / collateralAssets;
        assertGt(expected * collateralAssets, numerator, "not an exact division: the rounding matters");
        assertEq(_view(id).liquidationPriceUp, expected);

        oracle.setPrice(expected);
        assertEq(uint8(engine.previewLiquidation(id).reason), uint8(ILiquidationEngine.Reason.Healthy));
        _assertState(id, IPositionLens.PositionState.Healthy, "at the liquidation price: healthy");
        oracle.setPrice(expected - 1);
        assertEq(uint8(engine.previewLiquidation(id).reason), uint8(ILiquidationEngine.Reason.None));
        _assertState(id, IPositionLens.PositionState.Liquidatable, "one unit below: liquidatable");
    }

    /// @notice At 2,300: 23,000 / 21,000 = 1.0952 (above full): a partial tranche capped at 25 % of the debt.
    function test_positionView_liquidatable() public {
        oracle.setPrice(_price(2300));
        IPositionLens.PositionView memory v = _view(positionId);
        uint256 ratio = (10e18 * _price(2300)) / (21_000e6 * 1e18);
        uint256 bonus = _bonus(ratio);
        uint256 repaid = 5_250 * USDC;
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.Liquidatable));
        assertEq(v.ratio, ratio);
        assertEq(uint8(v.preview.reason), uint8(ILiquidationEngine.Reason.None));
        assertEq(uint8(v.preview.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertEq(v.preview.bonus, bonus);
        assertEq(v.preview.repaidAssets, repaid);
        assertEq(v.preview.seizedAssets, (repaid * (1e18 + bonus) * 1e18) / _price(2300));
        assertEq(v.preview.protocolFee, (repaid * bonus * 0.3e18 + 1e36 - 1) / 1e36);
        assertFalse(v.preview.fullClose);
        _assertMatchesCore(v);

        // The preview is what the engine then does.
        (uint256 repaidActual, uint256 seizedActual) = _liquidate(type(uint256).max);
        assertEq(repaidActual, v.preview.repaidAssets);
        assertEq(seizedActual, v.preview.seizedAssets);
    }

    function test_positionView_gracePeriodThenLiquidatableAgain() public {
        oracle.setPrice(_price(2300));
        uint256 t = block.timestamp;
        _liquidate(type(uint256).max);
        IPositionLens.PositionView memory v = _view(positionId);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.GracePeriod));
        assertLt(v.ratio, 1.2e18, "still below maintenance");
        assertEq(v.nextEligibleAt, t + 300);
        assertEq(v.preview.nextEligibleAt, t + 300);
        assertEq(v.tranchesExecuted, 1);
        assertEq(v.liquidatableSince, t, "a tranche that leaves it below maintenance flags it");
        assertEq(v.debtAssets, 15_750 * USDC);
        _assertMatchesCore(v);

        skip(299);
        _assertState(positionId, IPositionLens.PositionState.GracePeriod, "one second before the end");
        skip(1);
        v = _view(positionId);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.Liquidatable), "window over");
        _assertMatchesCore(v);
    }

    /// @notice Down to a ratio of 1.07 inside the grace window: a full close ignores the window.
    function test_positionView_fullCloseableAtFullRatioEvenInGraceWindow() public {
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max);
        uint256 debt = vault.debtAssetsOf(positionId);
        uint256 collateralAssets = vault.position(positionId).collateralAssets;
        uint256 price = (1.07e18 * debt * 1e18) / collateralAssets;
        oracle.setPrice(price);
        IPositionLens.PositionView memory v = _view(positionId);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.FullCloseable));
        assertGt(v.nextEligibleAt, block.timestamp, "inside the grace window");
        assertLe(v.ratio, 1.08e18);
        assertEq(uint8(v.preview.kind), uint8(TrancheMath.TrancheKind.FullClose));
        assertEq(v.preview.bonus, 0.06e18);
        assertEq(v.preview.repaidAssets, debt);
        assertEq(v.preview.seizedAssets, (debt * 1.06e18 * 1e18) / price);
        assertEq(v.preview.badDebtAssets, 0);
        assertTrue(v.preview.fullClose);
        _assertMatchesCore(v);
    }

    /// @notice At 1,800: 18,000 of collateral against 21,000. All of it is seized, the keeper repays its value at
    /// the max bonus (rounded up) and the rest is bad debt.
    function test_positionView_fullCloseableWithBadDebt() public {
        oracle.setPrice(_price(1800));
        IPositionLens.PositionView memory v = _view(positionId);
        uint256 valueWad = 18_000e6 * 1e18;
        uint256 repaid = (valueWad + 1.06e18 - 1) / 1.06e18;
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.FullCloseable));
        assertEq(v.preview.seizedAssets, 10e18, "all the collateral");
        assertEq(v.preview.repaidAssets, repaid);
        assertEq(v.preview.badDebtAssets, 21_000 * USDC - repaid);
        assertEq(v.liquidationPriceUp, _price(2520), "the liquidation price does not depend on the price");
        _assertMatchesCore(v);
    }

    /// @notice 0.05 WETH against 100 USDC (the minimum debt) at 2,300: 1.15, a partial tranche would leave dust.
    function test_positionView_fullCloseableForDust() public {
        uint256 small = _openPosition(0.05e18, 100 * USDC);
        oracle.setPrice(_price(2300));
        IPositionLens.PositionView memory v = _view(small);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.FullCloseable));
        assertGt(v.ratio, 1.08e18, "above the full ratio");
        assertEq(uint8(v.preview.kind), uint8(TrancheMath.TrancheKind.DustClose));
        assertEq(v.preview.repaidAssets, 100 * USDC);
        assertTrue(v.preview.fullClose);
        _assertMatchesCore(v);
    }

    /// @notice A 5,000-USDC window: the first tranche uses it all; another liquidatable position waits for it, and
    /// so does the first once its grace window is over (grace is reported first).
    /// @dev A used-up window holds back a position's repeat tranche, not a position's first one in the window
    /// (audit finding L-2), as the engine does.
    function test_positionView_windowExhausted() public {
        _setWindowLimit(5_000 * USDC);
        uint256 other = _openPosition(1e18, 2_100 * USDC);
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max);
        assertEq(engine.windowRemaining(marketId), 0);

        IPositionLens.PositionView memory first = _view(other);
        assertEq(uint8(first.state), uint8(IPositionLens.PositionState.Liquidatable), "first tranche in the window");
        assertGt(first.preview.repaidAssets, 0);
        _assertMatchesCore(first);
        _assertState(positionId, IPositionLens.PositionState.GracePeriod, "grace before window");
        skip(300);
        IPositionLens.PositionView memory v = _view(positionId);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.WindowExhausted), "then the window");
        assertLt(v.ratio, 1.2e18);
        assertEq(v.preview.repaidAssets, 0);
        _assertMatchesCore(v);
        skip(3600);
        _assertState(positionId, IPositionLens.PositionState.Liquidatable, "the window rolls over");
        _assertState(other, IPositionLens.PositionState.Liquidatable, "for both");
    }

    function test_positionView_noPrice() public {
        oracle.setPrice(_price(2300));
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        IPositionLens.PositionView memory v = _view(positionId);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.NoPrice));
        assertEq(v.ratio, 0);
        assertEq(v.debtAssets, 21_000 * USDC);
        assertEq(v.liquidationPriceUp, _price(2520), "computed without the oracle");
        assertEq(uint8(v.preview.reason), uint8(ILiquidationEngine.Reason.InvalidPrice));
        _assertMatchesCore(v);
        (uint256[] memory ids, , ) = lens.liquidatablePositions(marketId, 0, 10);
        assertEq(ids.length, 0, "nothing to liquidate without a price");
        // A fallback price is good enough for liquidation.
        oracle.setStatus(IOracle.PriceStatus.Fallback);
        _assertState(positionId, IPositionLens.PositionState.Liquidatable, "fallback price");
    }

    function test_positionView_noDebt() public {
        uint256 empty = _openPosition(1e18, 0);
        IPositionLens.PositionView memory v = _view(empty);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.NoDebt));
        assertEq(v.ratio, type(uint256).max);
        assertEq(v.debtAssets, 0);
        assertEq(v.liquidationPriceUp, 0);
        assertEq(uint8(v.preview.reason), uint8(ILiquidationEngine.Reason.NoDebt));
        _assertMatchesCore(v);
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        _assertState(empty, IPositionLens.PositionState.NoDebt, "no debt wins over no price");
        assertEq(uint8(_view(empty).preview.reason), uint8(ILiquidationEngine.Reason.InvalidPrice), "as the engine");
    }

    function test_positionView_revertsForUnknownPosition() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionLens.UnknownPosition.selector, 42));
        lens.positionView(42);
    }

    /// @notice Flagged at 2,300 with a time bonus of 1e13 per second: after 100 s the bonus is the ramp's plus 1e15.
    function test_positionView_timeBonusAsTheEngine() public {
        vm.prank(RISK_MANAGER);
        ICoreAdmin(address(engine)).setTimeBonus(marketId, 1e13);
        oracle.setPrice(_price(2300));
        uint256 flaggedAt = block.timestamp;
        engine.flagLiquidatable(positionId);
        skip(100);
        IPositionLens.PositionView memory v = _view(positionId);
        uint256 debt = vault.debtAssetsOf(positionId);
        assertGt(debt, 21_000 * USDC, "interest accrued");
        uint256 ratio = (10e18 * _price(2300)) / (debt * 1e18);
        assertEq(v.liquidatableSince, flaggedAt);
        assertEq(v.preview.bonus, _bonus(ratio) + 1e15);
        uint256 repaid = (debt + 3) / 4; // 25 % of the debt, rounded up
        assertEq(v.preview.repaidAssets, repaid);
        assertEq(v.preview.seizedAssets, (repaid * (1e18 + _bonus(ratio) + 1e15) * 1e18) / _price(2300));
        _assertMatchesCore(v);
    }

    /// @notice A tranche at T, a sequencer outage from T + 50 to T + 250: the 250 s of the window left when it went
    /// down run again from T + 250, so the grace window ends at T + 500 instead of T + 300.
    function test_positionView_outageExtendsGraceAsTheEngine() public {
        oracle.setPrice(_price(2300));
        uint256 t = block.timestamp;
        _liquidate(type(uint256).max);
        skip(260);
        oracle.setOutage(t + 50, t + 250);
        skip(140); // T + 400: past T + 300, still inside the extended window
        IPositionLens.PositionView memory v = _view(positionId);
        assertEq(v.nextEligibleAt, t + 500);
        assertEq(uint8(v.state), uint8(IPositionLens.PositionState.GracePeriod));
        _assertMatchesCore(v);
        skip(100);
        _assertState(positionId, IPositionLens.PositionState.Liquidatable, "at T + 500");
    }

    /// @notice Previews, debts and ratios equal the engine's and the vault's for positions in every state, at any
    /// price, time, time bonus and outage.
    function testFuzz_viewsMatchEngineAndVault(uint256 priceUsd, uint256 elapsed, bool flag, bool outage) public {
        priceUsd = bound(priceUsd, 1_500, 3_500);
        elapsed = bound(elapsed, 0, 2 hours);
        vm.prank(RISK_MANAGER);
        ICoreAdmin(address(engine)).setTimeBonus(marketId, 1e13);
        _setWindowLimit(20_000 * USDC);
        _openPosition(1e18, 1_500 * USDC);
        uint256 second = _openPosition(1e18, 2_100 * USDC);
        _openPosition(1e18, 2_140 * USDC);
        _openPosition(0.05e18, 100 * USDC);
        _openPosition(1e18, 0);
        _openPosition(25e18, 52_000 * USDC);
        oracle.setPrice(_price(2300));
        uint256 t = block.timestamp;
        _liquidate(type(uint256).max);
        if (flag) engine.flagLiquidatable(second);
        oracle.setPrice(_price(priceUsd));
        if (outage) oracle.setOutage(t + 10, t + 10 + elapsed / 2);
        skip(elapsed);

        (IPositionLens.PositionView[] memory views, uint256 total) = lens.positionsOfMarket(marketId, 0, 100);
        assertEq(total, 7);
        assertEq(views.length, 7);
        for (uint256 i = 0; i < views.length; ++i) {
            _assertMatchesCore(views[i]);
            assertEq(uint8(views[i].state), uint8(_expectedState(views[i].id)), "state");
        }
    }

    // ------------------------------------------------------------------ pages of a market

    function test_positionsOfMarket_pages() public {
        uint256[] memory all = new uint256[](5);
        all[0] = positionId;
        for (uint256 i = 1; i < 5; ++i) all[i] = _openPosition(2e18, 1_000 * USDC * i);

        (IPositionLens.PositionView[] memory views, uint256 total) = lens.positionsOfMarket(marketId, 0, 5);
        assertEq(total, 5);
        assertEq(views.length, 5);
        uint256[] memory order = vault.marketPositions(marketId, 0, 5);
        for (uint256 i = 0; i < 5; ++i) {
            assertEq(views[i].id, order[i], "the vault's order");
            assertEq(views[i].id, all[i], "ids");
            _assertMatchesCore(views[i]);
        }

        (views, total) = lens.positionsOfMarket(marketId, 1, 2);
        assertEq(total, 5);
        assertEq(views.length, 2);
        assertEq(views[0].id, all[1]);
        assertEq(views[1].id, all[2]);
        assertEq(views[1].debtAssets, 2_000 * USDC);

        (views, total) = lens.positionsOfMarket(marketId, 3, 10);
        assertEq(views.length, 2, "a limit past the end gives the rest");
        assertEq(views[0].id, all[3]);
        assertEq(views[1].id, all[4]);
        assertEq(total, 5);

        (views, total) = lens.positionsOfMarket(marketId, 2, type(uint256).max);
        assertEq(views.length, 3, "the largest limit does not overflow");

        (views, total) = lens.positionsOfMarket(marketId, 5, 10);
        assertEq(views.length, 0, "offset at the end");
        assertEq(total, 5);
        (views, total) = lens.positionsOfMarket(marketId, 50, 10);
        assertEq(views.length, 0, "offset past the end");
        assertEq(total, 5);
        (views, total) = lens.positionsOfMarket(marketId, 0, 0);
        assertEq(views.length, 0, "limit 0");
        assertEq(total, 5);
    }

    function test_positionsOfMarket_closedPositionLeavesThePage() public {
        uint256 empty = _openPosition(1e18, 0);
        (, uint256 total) = lens.positionsOfMarket(marketId, 0, 10);
        assertEq(total, 2);
        vm.prank(BORROWER);
        vault.closePosition(empty, BORROWER);
        (IPositionLens.PositionView[] memory views, uint256 totalAfter) = lens.positionsOfMarket(marketId, 0, 10);
        // The closed entry stays in the vault's append-only list (total counts entries), and the page leaves it out.
        assertEq(totalAfter, 2);
        assertEq(views.length, 1);
        assertEq(views[0].id, positionId);
        // A page of only the closed entry is empty, and one after it holds what was opened later, in order.
        (views, ) = lens.positionsOfMarket(marketId, 1, 1);
        assertEq(views.length, 0);
        uint256 later = _openPosition(1e18, 0);
        (views, totalAfter) = lens.positionsOfMarket(marketId, 1, 10);
        assertEq(totalAfter, 3);
        assertEq(views.length, 1);
        assertEq(views[0].id, later);
        (uint256[] memory ids, , ) = lens.liquidatablePositions(marketId, 0, 10);
        assertEq(ids.length, 0, "a closed entry is never liquidatable");
    }

    function test_positionsOfMarket_revertsForUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionLens.UnknownMarket.selector, 7));
        lens.positionsOfMarket(7, 0, 10);
        vm.expectRevert(abi.encodeWithSelector(IPositionLens.UnknownMarket.selector, 0));
        lens.liquidatablePositions(0, 0, 10);
        vm.expectRevert(abi.encodeWithSelector(IPositionLens.UnknownMarket.selector, 7));
        lens.marketSummary(7);
    }

    /// @notice Healthy, liquidatable, full-closeable, dust, in grace, without debt: only the liquidatable-now ones
    /// come back, in the vault's order, with the engine's previews.
    function test_liquidatablePositions_onlyThoseLiquidatableNow() public {
        uint256 healthy = _openPosition(1e18, 1_500 * USDC);
        uint256 partialOne = _openPosition(1e18, 2_100 * USDC);
        uint256 full = _openPosition(1e18, 2_140 * USDC);
        uint256 dust = _openPosition(0.05e18, 100 * USDC);
        uint256 noDebt = _openPosition(1e18, 0);
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max); // `positionId` now in its grace window

        (uint256[] memory ids, ILiquidationEngine.Preview[] memory previews, uint256 total) = lens
            .liquidatablePositions(marketId, 0, 100);
        assertEq(total, 6);
        assertEq(ids.length, 3);
        assertEq(previews.length, 3);
        assertEq(ids[0], partialOne);
        assertEq(ids[1], full);
        assertEq(ids[2], dust);
        for (uint256 i = 0; i < ids.length; ++i) {
            _assertPreviewEq(previews[i], engine.previewLiquidation(ids[i]), "preview");
            assertEq(uint8(previews[i].reason), uint8(ILiquidationEngine.Reason.None));
        }
        assertFalse(previews[0].fullClose);
        assertTrue(previews[1].fullClose);
        assertTrue(previews[2].fullClose);
        _assertState(healthy, IPositionLens.PositionState.Healthy, "healthy left out");
        _assertState(noDebt, IPositionLens.PositionState.NoDebt, "no debt left out");
        _assertState(positionId, IPositionLens.PositionState.GracePeriod, "grace left out");

        // Pages: [1, 3) holds `healthy` and `partialOne`; [4, 6) holds `dust` and `noDebt`.
        (ids, previews, total) = lens.liquidatablePositions(marketId, 1, 2);
        assertEq(ids.length, 1);
        assertEq(ids[0], partialOne);
        assertEq(previews[0].repaidAssets, engine.previewLiquidation(partialOne).repaidAssets);
        (ids, , ) = lens.liquidatablePositions(marketId, 4, 2);
        assertEq(ids.length, 1);
        assertEq(ids[0], dust);
        (ids, , total) = lens.liquidatablePositions(marketId, 6, 2);
        assertEq(ids.length, 0, "offset at the end");
        assertEq(total, 6);
        (ids, , ) = lens.liquidatablePositions(marketId, 0, 0);
        assertEq(ids.length, 0, "limit 0");
        (ids, , ) = lens.liquidatablePositions(marketId, 2, type(uint256).max);
        assertEq(ids.length, 3, "the largest limit does not overflow");
    }

    // ------------------------------------------------------------------ an owner's positions

    /// @dev Ids: 1 BORROWER (set-up), 2 OTHER, 3 BORROWER, 4 OTHER, 5 BORROWER in a second market (priced so its
    /// ratio is 1.5), 6 OTHER (closed).
    function _ownersLayout() internal returns (uint256 second) {
        MockERC20 wbtc;
        MockOracle wbtcOracle;
        (second, wbtc, wbtcOracle) = _secondMarket();
        assertEq(_openFor(OTHER, marketId, collateral, 1e18, 1_000 * USDC), 2);
        assertEq(_openPosition(2e18, 2_000 * USDC), 3);
        assertEq(_openFor(OTHER, marketId, collateral, 1e18, 0), 4);
        assertEq(_openFor(BORROWER, second, wbtc, 1e8, 30_000 * USDC), 5);
        assertEq(_openFor(OTHER, marketId, collateral, 1e18, 0), 6);
        vm.prank(OTHER);
        vault.closePosition(6, OTHER);
        assertEq(vault.nextPositionId(), 7);
        wbtcOracle.setPrice((45_000e6 * 1e36) / 1e8); // 45,000 / 30,000 = 1.5 in the second market
    }

    function test_positionsOf_filtersByOwner() public {
        uint256 second = _ownersLayout();
        (IPositionLens.PositionView[] memory views, uint256 nextFromId) = lens.positionsOf(BORROWER, 1, 100);
        assertEq(nextFromId, 7, "scanned up to nextPositionId");
        assertEq(views.length, 3);
        assertEq(views[0].id, positionId);
        assertEq(views[1].id, 3);
        assertEq(views[2].id, 5);
        assertEq(views[2].marketId, second);
        assertEq(views[2].ratio, 1.5e18, "priced by its own market's oracle");
        for (uint256 i = 0; i < views.length; ++i) {
            assertEq(views[i].owner, BORROWER);
            _assertMatchesCore(views[i]);
        }

        (views, nextFromId) = lens.positionsOf(OTHER, 0, 100);
        assertEq(views.length, 2, "the closed one is left out; fromId 0 starts at 1");
        assertEq(views[0].id, 2);
        assertEq(views[1].id, 4);
        assertEq(nextFromId, 7);
        (views, ) = lens.positionsOf(address(0), 1, 100);
        assertEq(views.length, 0, "closed positions have owner 0, and belong to nobody");
        (views, ) = lens.positionsOf(LENDER, 1, 100);
        assertEq(views.length, 0, "no positions");
    }

    function test_positionsOf_pages() public {
        _ownersLayout();
        (IPositionLens.PositionView[] memory views, uint256 nextFromId) = lens.positionsOf(BORROWER, 2, 2);
        assertEq(views.length, 1, "ids 2 and 3");
        assertEq(views[0].id, 3);
        assertEq(nextFromId, 4);
        (views, nextFromId) = lens.positionsOf(BORROWER, nextFromId, 2);
        assertEq(views.length, 1, "ids 4 and 5");
        assertEq(views[0].id, 5);
        assertEq(nextFromId, 6);
        (views, nextFromId) = lens.positionsOf(BORROWER, nextFromId, 2);
        assertEq(views.length, 0, "id 6 only: the end");
        assertEq(nextFromId, 7);

        (views, nextFromId) = lens.positionsOf(BORROWER, 3, 0);
        assertEq(views.length, 0, "limit 0");
        assertEq(nextFromId, 3);
        (views, nextFromId) = lens.positionsOf(BORROWER, 9, 5);
        assertEq(views.length, 0, "past nextPositionId");
        assertEq(nextFromId, 9);
        (views, nextFromId) = lens.positionsOf(BORROWER, 5, type(uint256).max);
        assertEq(views.length, 1, "the largest limit does not overflow");
        assertEq(nextFromId, 7);
    }

    // ------------------------------------------------------------------ markets

    function test_marketSummary() public {
        vm.startPrank(RISK_MANAGER);
        ICoreAdmin(address(engine)).setTimeBonus(marketId, 1e13);
        ICoreAdmin(address(engine)).setFeeConfig(
            marketId,
            ILiquidationEngine.FeeConfig({feeSink: address(pool), insuranceShare: 0.4e18})
        );
        vm.stopPrank();
        _openPosition(2e18, 0);

        IPositionLens.MarketSummary memory s = lens.marketSummary(marketId);
        assertEq(s.marketId, marketId);
        assertEq(address(s.collateralToken), address(collateral));
        assertEq(address(s.quoteToken), address(quote));
        assertEq(address(s.pool), address(pool));
        assertEq(address(s.oracle), address(oracle));
        assertEq(s.price, PRICE_3000);
        assertEq(uint8(s.priceStatus), uint8(IOracle.PriceStatus.Primary));
        IMarginVault.RiskParams memory p = exampleRiskParams();
        assertEq(s.params.maintenanceRatio, p.maintenanceRatio);
        assertEq(s.params.fullLiquidationRatio, p.fullLiquidationRatio);
        assertEq(s.params.trancheCooldown, p.trancheCooldown);
        assertEq(s.params.windowLimit, p.windowLimit);
        assertEq(s.params.collateralCap, p.collateralCap);
        assertEq(s.state.totalCollateralAssets, 12e18);
        assertEq(s.state.totalDebtAssets, 21_000 * USDC);
        assertEq(s.state.positionCount, 2);
        assertEq(s.state.poolUtilization, (21_000 * USDC * 1e18) / (10_000_000 * USDC), "21,000 of 10,000,000 lent");
        assertEq(s.state.borrowCap, p.borrowCap);
        assertFalse(s.state.borrowPaused);
        assertEq(s.windowRemaining, 2_000_000 * USDC);
        assertEq(s.feeConfig.feeSink, address(pool));
        assertEq(s.feeConfig.insuranceShare, 0.4e18);
        assertEq(s.timeBonusPerSecond, 1e13);

        // A tranche uses the window; an invalid price reads 0 with its status; a pause shows.
        oracle.setPrice(_price(2300));
        _liquidate(type(uint256).max);
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        s = lens.marketSummary(marketId);
        assertEq(s.windowRemaining, 2_000_000 * USDC - 5_250 * USDC);
        assertEq(s.state.totalDebtAssets, 15_750 * USDC);
        assertEq(s.price, 0);
        assertEq(uint8(s.priceStatus), uint8(IOracle.PriceStatus.Invalid));
        assertTrue(s.state.borrowPaused);
    }

    function test_marketSummaries_pages() public {
        (uint256 second, MockERC20 wbtc, MockOracle wbtcOracle) = _secondMarket();
        (IPositionLens.MarketSummary[] memory all, uint256 total) = lens.marketSummaries(0, 10);
        assertEq(total, 2);
        assertEq(all.length, 2);
        assertEq(all[0].marketId, marketId);
        assertEq(address(all[0].collateralToken), address(collateral));
        assertEq(all[1].marketId, second);
        assertEq(address(all[1].collateralToken), address(wbtc));
        assertEq(address(all[1].oracle), address(wbtcOracle));
        assertEq(all[1].price, (60_000e6 * 1e36) / 1e8);
        assertEq(all[1].state.positionCount, 0);

        (IPositionLens.MarketSummary[] memory page, uint256 total2) = lens.marketSummaries(1, 1);
        assertEq(total2, 2);
        assertEq(page.length, 1);
        assertEq(page[0].marketId, second);
        (page, ) = lens.marketSummaries(2, 5);
        assertEq(page.length, 0, "offset at the end");
        (page, ) = lens.marketSummaries(0, 0);
        assertEq(page.length, 0, "limit 0");
        (page, ) = lens.marketSummaries(1, type(uint256).max);
        assertEq(page.length, 1, "the largest limit does not overflow");
    }
}
