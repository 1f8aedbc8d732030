// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice positionHealth, marketState, maxBorrow, maxWithdraw.
contract MarginVaultViewsTest is BaseTest {
    uint256 internal positionId;

    function setUp() public override {
        super.setUp();
        _lend(1_000_000 * USDC);
        positionId = _openPosition(10e18, 20_000 * USDC);
    }

    function test_positionHealth_reportsValueDebtRatioAndLiquidationPrice() public view {
        IMarginVault.Health memory h = vault.positionHealth(positionId);
        assertEq(h.collateralAssets, 10e18);
        assertEq(h.collateralValue, 30_000 * USDC);
        assertEq(h.debtAssets, 20_000 * USDC);
        assertEq(h.ratio, 1.5e18);
        // 20,000 * 1.2 / 10 = 2,400 USDC per WETH.
        assertEq(h.liquidationPrice, (2400e6 * 1e36) / 1e18);
        assertEq(h.price, PRICE_3000);
        assertEq(uint8(h.priceStatus), uint8(IOracle.PriceStatus.Primary));
    }

    function test_positionHealth_invalidPriceReportsZeroRatio() public {
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        IMarginVault.Health memory h = vault.positionHealth(positionId);
        assertEq(h.ratio, 0);
        assertEq(h.collateralValue, 0);
        assertEq(h.debtAssets, 20_000 * USDC);
    }

    function test_positionHealth_noDebtNoLiquidationPrice() public {
        uint256 id = _openPosition(1e18, 0);
        IMarginVault.Health memory h = vault.positionHealth(id);
        assertEq(h.ratio, type(uint256).max);
        assertEq(h.liquidationPrice, 0);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownPosition.selector, 99));
        vault.positionHealth(99);
    }

    function test_positionHealth_debtWithoutCollateralLiquidatesAtAnyPrice() public {
        vm.prank(BORROWER);
        vault.setOperator(ENGINE, true); // irrelevant; the engine seizes below
        vm.prank(ENGINE);
        vault.settleTranche(positionId, 0, 0, 10e18, 0, 0, 0, ENGINE);
        assertEq(vault.positionHealth(positionId).liquidationPrice, type(uint256).max);
    }

    function test_liquidationContext_isThePositionItsMarketAndTheKeepersOperatorFlag() public {
        IMarginVault.LiquidationContext memory c = vault.liquidationContext(positionId, OPERATOR);
        IMarginVault.Position memory p = vault.position(positionId);
        assertEq(c.position.owner, p.owner);
        assertEq(c.position.marketId, p.marketId);
        assertEq(c.position.collateralAssets, p.collateralAssets);
        assertEq(c.position.debtShares, p.debtShares);
        assertFalse(c.keeperIsOperator);
        assertEq(address(c.pool), address(vault.market(marketId).pool));
        assertEq(address(c.oracle), address(vault.market(marketId).oracle));
        assertEq(address(c.quoteToken), pool.asset(), "the pool's asset");
        assertEq(keccak256(abi.encode(c.params)), keccak256(abi.encode(vault.riskParams(marketId))));
        vm.prank(BORROWER);
        vault.setOperator(OPERATOR, true);
        assertTrue(vault.liquidationContext(positionId, OPERATOR).keeperIsOperator);
        assertFalse(vault.liquidationContext(positionId, KEEPER).keeperIsOperator);
    }

    function test_liquidationContext_unknownPositionIsEmpty() public view {
        IMarginVault.LiquidationContext memory c = vault.liquidationContext(99, OPERATOR);
        assertEq(c.position.owner, address(0));
        assertEq(address(c.pool), address(0));
        assertEq(c.params.maintenanceRatio, 0);
    }

    function test_marketState_reportsTotalsRatesAndCaps() public {
        IMarginVault.MarketState memory s = vault.marketState(marketId);
        assertEq(s.totalCollateralAssets, 10e18);
        assertEq(s.totalDebtAssets, 20_000 * USDC);
        assertEq(s.positionCount, 1);
        assertEq(s.poolUtilization, 0.02e18);
        // 2 % utilization: 0.04 * 0.02 / 0.8 = 0.1 % a year.
        assertEq(s.borrowRatePerSecond, uint256(0.001e18) / 365 days);
        assertEq(s.borrowCap, 100_000_000 * USDC);
        assertFalse(s.borrowPaused);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownMarket.selector, 3));
        vault.marketState(3);
    }

    function test_maxBorrow_isBorrowableExactly() public {
        uint256 room = vault.maxBorrow(positionId);
        // 30,000 / 1.4 - 20,000 = 1,428.571428 USDC, less one unit of share rounding.
        assertEq(room, 1_428_571_427);
        vm.prank(BORROWER);
        vault.borrow(positionId, room, BORROWER);
        assertGe(vault.positionHealth(positionId).ratio, 1.4e18);
    }

    function test_maxBorrow_zeroWhenPausedOrNoPrimaryPrice() public {
        oracle.setStatus(IOracle.PriceStatus.Fallback);
        assertEq(vault.maxBorrow(positionId), 0);
        oracle.setStatus(IOracle.PriceStatus.Primary);
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        assertEq(vault.maxBorrow(positionId), 0);
    }

    function test_maxBorrow_boundedByCapAndCash() public {
        uint256 rich = _openPosition(10_000e18, 0);
        assertEq(vault.maxBorrow(rich), 980_000 * USDC, "pool cash");
        IMarginVault.RiskParams memory p = _riskParams();
        p.borrowCap = uint128(50_000 * USDC);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        assertEq(vault.maxBorrow(rich), 30_000 * USDC - 1, "borrow cap");
    }

    function test_maxWithdraw_isWithdrawableExactly() public {
        uint256 room = vault.maxWithdraw(positionId);
        // Needed at 1.4: 28,000 USDC = 9.3333 WETH.
        assertEq(room, 10e18 - 9333333333333333334);
        vm.prank(BORROWER);
        vault.withdrawCollateral(positionId, room, BORROWER);
        assertGe(vault.positionHealth(positionId).ratio, 1.4e18);
    }

    function test_maxWithdraw_zeroWithoutPrimaryPriceAndAllWithoutDebt() public {
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        assertEq(vault.maxWithdraw(positionId), 0);
        uint256 id = _openPosition(3e18, 0);
        assertEq(vault.maxWithdraw(id), 3e18);
        oracle.setStatus(IOracle.PriceStatus.Primary);
        oracle.setPrice(PRICE_3000 / 2);
        assertEq(vault.maxWithdraw(positionId), 0, "underwater at the initial ratio");
    }
}
