// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";

import {IFlashLiquidator} from "../../contracts/interfaces/IFlashLiquidator.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {ILiquidationUpkeep} from "../../contracts/interfaces/ILiquidationUpkeep.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {FlashLiquidator} from "../../contracts/periphery/FlashLiquidator.sol";
import {LiquidationUpkeep} from "../../contracts/periphery/LiquidationUpkeep.sol";
import {PeripheryBaseTest} from "./PeripheryBaseTest.sol";
import {MockSwapRouter} from "../mocks/MockSwapRouter.sol";

/// @notice LiquidationUpkeep over the real engine and FlashLiquidator, with a router stand-in selling at the oracle
/// price (the real Uniswap V3 pool is exercised in test/periphery/flashLiquidator.uniswap.test.ts).
contract LiquidationUpkeepTest is PeripheryBaseTest {
    address internal OWNER = makeAddr("OWNER");
    address internal FORWARDER = makeAddr("FORWARDER");
    MockSwapRouter internal router;
    FlashLiquidator internal flash;
    LiquidationUpkeep internal upkeep;
    bytes internal path;
    /// @dev The routes' bound on each sale against the oracle (1 %): the router stand-in sells at the oracle price.
    uint256 internal constant SLIPPAGE = 0.01e18;

    function setUp() public override {
        super.setUp();
        router = new MockSwapRouter(IERC20(address(collateral)), quote);
        flash = new FlashLiquidator(engine, vault, ISwapRouter(address(router)), OWNER);
        upkeep = new LiquidationUpkeep(engine, vault, flash, OWNER);
        path = abi.encodePacked(address(collateral), uint24(3000), address(quote));
        vm.startPrank(OWNER);
        flash.setOperator(address(upkeep), true);
        upkeep.setRoute(marketId, path, SLIPPAGE, 0);
        vm.stopPrank();
    }

    function _check(uint256 offset, uint256 limit) internal view returns (bool needed, uint256[] memory ids) {
        bytes memory performData;
        (needed, performData) = upkeep.checkUpkeep(abi.encode(marketId, offset, limit));
        if (performData.length == 0) return (needed, new uint256[](0));
        uint256 market;
        (market, ids) = abi.decode(performData, (uint256, uint256[]));
        assertEq(market, marketId);
    }

    /// @dev Opens `n` positions of 1 WETH against `debtUsd` USDC at 3000 and returns their ids.
    function _open(uint256 n, uint256 debtUsd) internal returns (uint256[] memory ids) {
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            ids[i] = _openPosition(1e18, debtUsd * USDC);
        }
    }

    // ------------------------------------------------------------------ checkUpkeep

    function test_checkUpkeep_returnsOnlyPositionsLiquidatableNow() public {
        // Set-up position 1: 10 WETH / 21,000. Then: 2 deep (full close at 2300), 3 healthy at 2300, 4 like 1.
        uint256 deep = _openPosition(1e18, 2_130 * USDC);
        uint256 healthy = _openPosition(1e18, 1_500 * USDC);
        uint256 fourth = _openPosition(10e18, 21_000 * USDC);
        (bool needed, uint256[] memory ids) = _check(0, 10);
        assertFalse(needed, "all healthy at 3000");
        assertEq(ids.length, 0);

        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        vm.prank(KEEPER);
        engine.liquidate(fourth, type(uint256).max, KEEPER, ""); // now in its grace window
        (needed, ids) = _check(0, 10);
        assertTrue(needed);
        assertEq(ids.length, 2, "the position in its grace window and the healthy one are left out");
        assertEq(ids[0], positionId);
        assertEq(ids[1], deep);
        assertTrue(healthy != ids[0] && healthy != ids[1]);
    }

    function test_checkUpkeep_pagesAndStopsAtMaxBatch() public {
        _open(24, 2_100); // ratio 1.095 at 2300: all liquidatable
        oracle.setPrice(_price(2300));
        (bool needed, uint256[] memory ids) = _check(0, 100);
        assertTrue(needed);
        assertEq(ids.length, upkeep.MAX_BATCH(), "capped at MAX_BATCH");
        assertEq(ids[0], 1);
        assertEq(ids[19], 20);
        (, ids) = _check(20, 100);
        assertEq(ids.length, 5, "positions 21..25");
        assertEq(ids[0], 21);
        (needed, ids) = _check(25, 100);
        assertFalse(needed, "past the end");
        assertEq(ids.length, 0);
    }

    function test_checkUpkeep_nothingWhilePriceInvalid() public {
        oracle.setPrice(_price(2300));
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        (bool needed, bytes memory performData) = upkeep.checkUpkeep(abi.encode(marketId, 0, 10));
        assertFalse(needed);
        assertEq(performData.length, 0);
    }

    function test_checkUpkeep_rejectsBadScanAndUnroutedMarket() public {
        uint256 max = upkeep.MAX_SCAN();
        vm.expectRevert(abi.encodeWithSelector(ILiquidationUpkeep.BadScanSize.selector, 0, max));
        upkeep.checkUpkeep(abi.encode(marketId, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(ILiquidationUpkeep.BadScanSize.selector, max + 1, max));
        upkeep.checkUpkeep(abi.encode(marketId, 0, max + 1));
        vm.expectRevert(abi.encodeWithSelector(ILiquidationUpkeep.NoRoute.selector, 7));
        upkeep.checkUpkeep(abi.encode(7, 0, 10));
    }

    // ------------------------------------------------------------------ performUpkeep

    function test_performUpkeep_liquidatesThroughFlashAndOwnerGetsProfit() public {
        uint256 second = _openPosition(10e18, 21_000 * USDC);
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        (bool needed, bytes memory performData) = upkeep.checkUpkeep(abi.encode(marketId, 0, 10));
        assertTrue(needed);
        ILiquidationEngine.Preview memory p = engine.previewLiquidation(positionId);
        uint256 each = (p.seizedAssets * _price(2300)) / 1e36 - p.repaidAssets - p.protocolFee;

        vm.expectEmit(address(upkeep));
        emit ILiquidationUpkeep.UpkeepPerformed(marketId, 2, 2, 2 * each);
        upkeep.performUpkeep(performData);
        assertEq(quote.balanceOf(OWNER), 2 * each, "the flash liquidator's owner is paid");
        assertEq(engine.trancheState(positionId).tranchesExecuted, 1);
        assertEq(engine.trancheState(second).tranchesExecuted, 1);

        // The same performData again: both are in their grace windows; the engine skips them, nothing reverts.
        vm.expectEmit(address(upkeep));
        emit ILiquidationUpkeep.UpkeepPerformed(marketId, 2, 0, 0);
        upkeep.performUpkeep(performData);
        (needed, ) = upkeep.checkUpkeep(abi.encode(marketId, 0, 10));
        assertFalse(needed, "nothing until the grace windows end");
        skip(300);
        (needed, ) = upkeep.checkUpkeep(abi.encode(marketId, 0, 10));
        assertTrue(needed, "the next tranches are due");
    }

    function test_performUpkeep_minProfitRevertsTheWholeBatch() public {
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        (, bytes memory performData) = upkeep.checkUpkeep(abi.encode(marketId, 0, 10));
        ILiquidationEngine.Preview memory p = engine.previewLiquidation(positionId);
        uint256 profit = (p.seizedAssets * _price(2300)) / 1e36 - p.repaidAssets - p.protocolFee;
        vm.prank(OWNER);
        upkeep.setRoute(marketId, path, SLIPPAGE, profit + 1);
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.ProfitTooLow.selector, profit, profit + 1));
        upkeep.performUpkeep(performData);
        assertEq(engine.trancheState(positionId).tranchesExecuted, 0);
    }

    function test_performUpkeep_rejectsBadBatchForwarderAndUnroutedMarket() public {
        uint256 max = upkeep.MAX_BATCH();
        vm.expectRevert(abi.encodeWithSelector(ILiquidationUpkeep.BadBatchSize.selector, 0, max));
        upkeep.performUpkeep(abi.encode(marketId, new uint256[](0)));
        vm.expectRevert(abi.encodeWithSelector(ILiquidationUpkeep.BadBatchSize.selector, max + 1, max));
        upkeep.performUpkeep(abi.encode(marketId, new uint256[](max + 1)));
        vm.expectRevert(abi.encodeWithSelector(ILiquidationUpkeep.NoRoute.selector, 9));
        upkeep.performUpkeep(abi.encode(9, new uint256[](1)));

        vm.expectEmit(address(upkeep));
        emit ILiquidationUpkeep.SetForwarder(FORWARDER);
        vm.prank(OWNER);
        upkeep.setForwarder(FORWARDER);
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        uint256[] memory ids = new uint256[](1);
        ids[0] = positionId;
        vm.expectRevert(abi.encodeWithSelector(ILiquidationUpkeep.NotForwarder.selector, address(this), FORWARDER));
        upkeep.performUpkeep(abi.encode(marketId, ids));
        vm.prank(FORWARDER);
        upkeep.performUpkeep(abi.encode(marketId, ids));
        assertEq(engine.trancheState(positionId).tranchesExecuted, 1, "the forwarder may");
    }

    function test_performUpkeep_revertsWhenNotAnOperatorOfTheFlashLiquidator() public {
        vm.prank(OWNER);
        flash.setOperator(address(upkeep), false);
        uint256[] memory ids = new uint256[](1);
        ids[0] = positionId;
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.NotOperator.selector, address(upkeep)));
        upkeep.performUpkeep(abi.encode(marketId, ids));
    }

    // ------------------------------------------------------------------ governance

    function test_setRoute_onlyOwnerAndKnownMarkets() public {
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, OTHER));
        upkeep.setRoute(marketId, path, 0.02e18, 5);
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, OTHER));
        upkeep.setForwarder(OTHER);
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownMarket.selector, 42));
        upkeep.setRoute(42, path, 0.02e18, 5);
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.SlippageTooHigh.selector, 0.2e18 + 1, 0.2e18));
        upkeep.setRoute(marketId, path, 0.2e18 + 1, 5);
        vm.expectEmit(address(upkeep));
        emit ILiquidationUpkeep.SetRoute(marketId, path, 0.02e18, 5);
        vm.prank(OWNER);
        upkeep.setRoute(marketId, path, 0.02e18, 5);
        ILiquidationUpkeep.Route memory r = upkeep.route(marketId);
        assertEq(r.path, path);
        assertEq(r.maxSlippage, 0.02e18);
        assertEq(r.minProfit, 5);
    }

    function test_constructor_rejectsZeroAddresses() public {
        vm.expectRevert(ILiquidationUpkeep.ZeroAddress.selector);
        new LiquidationUpkeep(ILiquidationEngine(address(0)), vault, flash, OWNER);
        vm.expectRevert(ILiquidationUpkeep.ZeroAddress.selector);
        new LiquidationUpkeep(engine, IMarginVault(address(0)), flash, OWNER);
        vm.expectRevert(ILiquidationUpkeep.ZeroAddress.selector);
        new LiquidationUpkeep(engine, vault, IFlashLiquidator(address(0)), OWNER);
    }

    // ------------------------------------------------------------------ bounded gas

    /// @notice Gas of a check over MAX_SCAN healthy positions, a check that finds MAX_BATCH, and a perform of
    /// MAX_BATCH tranches (unoptimized test build; printed and bounded by Chainlink's default 10M check limit and a
    /// block's 30M).
    function test_gas_checkAndPerformAreBounded() public {
        uint256 max = upkeep.MAX_SCAN();
        _open(max - 1, 2_100);
        uint256 before = gasleft();
        (bool needed, ) = upkeep.checkUpkeep(abi.encode(marketId, 0, max));
        uint256 healthyScan = before - gasleft();
        assertFalse(needed);

        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        before = gasleft();
        (, bytes memory performData) = upkeep.checkUpkeep(abi.encode(marketId, 0, max));
        uint256 crashScan = before - gasleft();
        before = gasleft();
        upkeep.performUpkeep(performData);
        uint256 perform = before - gasleft();
        emit log_named_uint("gas: checkUpkeep, MAX_SCAN healthy positions", healthyScan);
        emit log_named_uint("gas: checkUpkeep, finds MAX_BATCH", crashScan);
        emit log_named_uint("gas: performUpkeep, MAX_BATCH tranches", perform);
        assertLt(healthyScan, 10_000_000);
        assertLt(crashScan, 10_000_000);
        assertLt(perform, 30_000_000);
    }
}
