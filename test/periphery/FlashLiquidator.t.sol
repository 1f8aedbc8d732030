// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";

import {IFlashLiquidator} from "../../contracts/interfaces/IFlashLiquidator.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {FlashLiquidator} from "../../contracts/periphery/FlashLiquidator.sol";
import {PeripheryBaseTest} from "./PeripheryBaseTest.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockSwapRouter} from "../mocks/MockSwapRouter.sol";

/// @notice FlashLiquidator against the real engine and a router stand-in that sells at a set rate (the real Uniswap V3
/// router and pool are exercised in test/periphery/flashLiquidator.uniswap.test.ts). Expected amounts are worked out
/// here from the formulas of ARCHITECTURE.md, not by the engine.
contract FlashLiquidatorTest is PeripheryBaseTest {
    address internal OWNER = makeAddr("OWNER");
    address internal BOT = makeAddr("BOT");
    MockSwapRouter internal router;
    FlashLiquidator internal flash;
    bytes internal path;

    function setUp() public override {
        super.setUp();
        router = new MockSwapRouter(IERC20(address(collateral)), quote);
        flash = new FlashLiquidator(engine, vault, ISwapRouter(address(router)), OWNER);
        path = abi.encodePacked(address(collateral), uint24(3000), address(quote));
    }

    /// @dev The tranche at `priceUsd` for the set-up position (10 WETH, 21,000 USDC), when it is capped at 25 % of
    /// the debt: repaid, seized (down), protocol fee (up).
    function _expectedCappedTranche(
        uint256 priceUsd
    ) internal pure returns (uint256 repaid, uint256 seized, uint256 fee) {
        uint256 price = _price(priceUsd);
        uint256 ratio = (((10e18 * price) / 1e36) * 1e18) / (21_000 * USDC);
        uint256 bonus = _bonus(ratio);
        repaid = 5_250 * USDC;
        seized = (repaid * (1e18 + bonus) * 1e18) / price;
        fee = (repaid * bonus * 0.3e18 + 1e36 - 1) / 1e36;
    }

    function _sell(uint256 minAmountOut, uint256 minProfit) internal returns (uint256) {
        vm.prank(OWNER);
        return flash.liquidate(positionId, type(uint256).max, path, minAmountOut, minProfit);
    }

    // ------------------------------------------------------------------ the flash path

    function test_liquidate_sellsSeizedCollateralPaysEngineAndSendsProfitToOwner() public {
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        (uint256 repaid, uint256 seized, uint256 fee) = _expectedCappedTranche(2300);
        uint256 proceeds = (seized * _price(2300)) / 1e36;
        uint256 expectedProfit = proceeds - repaid - fee;

        vm.expectEmit(address(flash));
        emit IFlashLiquidator.LiquidationProfit(address(quote), OWNER, expectedProfit);
        uint256 profit = _sell(0, 0);

        assertEq(profit, expectedProfit);
        assertEq(quote.balanceOf(OWNER), expectedProfit, "owner paid");
        pool.sweepReserves();
        assertGe(quote.balanceOf(address(fund)), fee, "the fee, booked as the pool's reserves, reaches the fund");
        assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC - repaid);
        assertEq(vault.position(positionId).collateralAssets, 10e18 - seized);
        assertEq(quote.balanceOf(address(flash)), 0, "holds no quote");
        assertEq(collateral.balanceOf(address(flash)), 0, "holds no collateral");
        assertEq(router.lastPath(), path);
        assertEq(quote.allowance(address(flash), address(engine)), 0, "allowance used up");
        // Keeper's profit is its share of the bonus, within the rounding of seized (down) and fee (up).
        uint256 ratio = uint256(23_000e18) / 21_000;
        uint256 keeperBonus = (repaid * _bonus(ratio) * 0.7e18) / 1e36;
        assertApproxEqAbs(profit, keeperBonus, 2);
        assertLe(profit, keeperBonus);
    }

    function test_liquidate_revertsWithShortfallWhenSaleCannotPayTheTranche() public {
        oracle.setPrice(_price(2300));
        router.setRate(_price(2150)); // the pool pays 6.5 % under the oracle: more than the 3.3 % bonus
        (uint256 repaid, uint256 seized, uint256 fee) = _expectedCappedTranche(2300);
        uint256 proceeds = (seized * _price(2150)) / 1e36;
        vm.expectRevert(
            abi.encodeWithSelector(IFlashLiquidator.SwapShortfall.selector, positionId, proceeds, repaid + fee)
        );
        _sell(0, 0);
        assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC, "nothing happened");
    }

    function test_liquidate_honoursMinAmountOutAndMinProfit() public {
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        (uint256 repaid, uint256 seized, uint256 fee) = _expectedCappedTranche(2300);
        uint256 proceeds = (seized * _price(2300)) / 1e36;
        vm.expectRevert(bytes("Too little received"));
        _sell(proceeds + 1, 0);
        uint256 profit = proceeds - repaid - fee;
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.ProfitTooLow.selector, profit, profit + 1));
        _sell(proceeds, profit + 1);
        assertEq(_sell(proceeds, profit), profit, "exact minimums pass");
    }

    function test_liquidate_rejectsMalformedAndMismatchedPaths() public {
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        bytes[3] memory malformed = [
            abi.encodePacked(address(collateral)),
            abi.encodePacked(address(collateral), address(quote)),
            abi.encodePacked(address(collateral), uint24(3000), address(quote), uint8(0))
        ];
        for (uint256 i = 0; i < malformed.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.InvalidPath.selector, malformed[i].length));
            vm.prank(OWNER);
            flash.liquidate(positionId, type(uint256).max, malformed[i], 0, 0);
        }
        address other = address(new MockERC20("Other", "OTH", 6));
        bytes memory viaOther = abi.encodePacked(address(collateral), uint24(3000), other);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlashLiquidator.PathMismatch.selector,
                positionId,
                address(collateral),
                other,
                address(collateral),
                address(quote)
            )
        );
        vm.prank(OWNER);
        flash.liquidate(positionId, type(uint256).max, viaOther, 0, 0);
        assertEq(engine.trancheState(positionId).tranchesExecuted, 0, "nothing happened");
    }

    function test_liquidate_reversedPathIsAPathMismatch() public {
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        bytes memory reversed = abi.encodePacked(address(quote), uint24(3000), address(collateral));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlashLiquidator.PathMismatch.selector,
                positionId,
                address(quote),
                address(collateral),
                address(collateral),
                address(quote)
            )
        );
        vm.prank(OWNER);
        flash.liquidate(positionId, type(uint256).max, reversed, 0, 0);
    }

    function test_liquidateMany_sellsEachTrancheSkipsFailuresAndPaysTheTotal() public {
        uint256 second = _openPosition(10e18, 21_000 * USDC);
        uint256 healthy = _openPosition(20e18, 21_000 * USDC);
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        (uint256 repaid, uint256 seized, uint256 fee) = _expectedCappedTranche(2300);
        uint256 eachProfit = (seized * _price(2300)) / 1e36 - repaid - fee;
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (positionId, healthy, second);
        uint256[] memory maxRepays = new uint256[](3);
        maxRepays[0] = maxRepays[1] = maxRepays[2] = type(uint256).max;

        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.ProfitTooLow.selector, 2 * eachProfit, 3 * eachProfit));
        flash.liquidateMany(ids, maxRepays, path, 0.01e18, 3 * eachProfit);

        vm.prank(OWNER);
        (uint256 liquidated, uint256 profit) = flash.liquidateMany(ids, maxRepays, path, 0.01e18, 2 * eachProfit);
        assertEq(liquidated, 2);
        assertEq(profit, 2 * eachProfit);
        assertEq(quote.balanceOf(OWNER), 2 * eachProfit);
        assertEq(router.swaps(), 2, "the healthy position sold nothing");
        assertEq(vault.debtAssetsOf(healthy), 21_000 * USDC);
        assertEq(vault.debtAssetsOf(second), 21_000 * USDC - repaid);
    }

    // ------------------------------------------------------------------ the batch's oracle floor (L-3)

    /// @dev One-position batch of the set-up position with `maxSlippage`, by the owner.
    function _sellBatch(uint256 maxSlippage) internal returns (uint256 liquidated, uint256 profit) {
        uint256[] memory ids = new uint256[](1);
        ids[0] = positionId;
        uint256[] memory maxRepays = new uint256[](1);
        maxRepays[0] = type(uint256).max;
        vm.prank(OWNER);
        return flash.liquidateMany(ids, maxRepays, path, maxSlippage, 0);
    }

    function test_liquidateMany_rejectsASlippageAboveTheBound() public {
        assertEq(flash.MAX_SLIPPAGE(), 0.2e18);
        uint256[] memory none = new uint256[](0);
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.SlippageTooHigh.selector, 0.2e18 + 1, 0.2e18));
        flash.liquidateMany(none, none, path, 0.2e18 + 1, 0);
        vm.prank(OWNER);
        (uint256 liquidated, uint256 profit) = flash.liquidateMany(none, none, path, 0.2e18, 0);
        assertEq(liquidated + profit, 0, "the bound itself is allowed");
    }

    function test_liquidateMany_skipsASaleBelowTheOracleFloorAndKeepsTheRest() public {
        uint256 second = _openPosition(10e18, 21_000 * USDC);
        oracle.setPrice(_price(2300));
        router.setRate((_price(2300) * 98) / 100); // the pool pays 2 % under the oracle (the bonus still covers it)
        (uint256 repaid, uint256 seized, uint256 fee) = _expectedCappedTranche(2300);
        uint256 proceeds = (seized * ((_price(2300) * 98) / 100)) / 1e36;
        assertGt(proceeds, repaid + fee, "without the floor the sale would pay");
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (positionId, second);
        uint256[] memory maxRepays = new uint256[](2);
        maxRepays[0] = maxRepays[1] = type(uint256).max;

        // 1 % tolerated: both sales fall short of the floor; the engine skips them with the router's reason.
        bytes memory reason = abi.encodeWithSignature("Error(string)", "Too little received");
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.LiquidationSkipped(positionId, reason);
        vm.expectEmit(address(engine));
        emit ILiquidationEngine.LiquidationSkipped(second, reason);
        vm.prank(OWNER);
        (uint256 liquidated, uint256 profit) = flash.liquidateMany(ids, maxRepays, path, 0.01e18, 0);
        assertEq(liquidated, 0);
        assertEq(profit, 0);
        assertEq(router.swaps(), 0, "nothing sold");
        assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC);
        assertEq(collateral.balanceOf(address(flash)), 0, "the seized collateral went back with the revert");

        // 2.1 % tolerated (2 % and the rounding of the stand-in's rate): the floor is met and both are liquidated.
        vm.prank(OWNER);
        (liquidated, profit) = flash.liquidateMany(ids, maxRepays, path, 0.021e18, 0);
        assertEq(liquidated, 2);
        assertEq(profit, 2 * (proceeds - repaid - fee));
        assertEq(quote.balanceOf(OWNER), profit);
    }

    function test_liquidateMany_saleAtTheFloorPassesOneUnitBelowIsSkipped() public {
        oracle.setPrice(_price(2300));
        (uint256 repaid, uint256 seized, uint256 fee) = _expectedCappedTranche(2300);
        uint256 floorAssets = flash.oracleFloor(seized, _price(2300), 0.01e18);
        // The stand-in router's rate at which the sale returns exactly the floor (seized < 1e36).
        uint256 rateAtFloor = Math.mulDiv(floorAssets, 1e36, seized, Math.Rounding.Ceil);
        assertEq((seized * rateAtFloor) / 1e36, floorAssets);
        assertEq((seized * (rateAtFloor - 1)) / 1e36, floorAssets - 1);

        uint256 snapshot = vm.snapshotState();
        router.setRate(rateAtFloor - 1);
        (uint256 liquidated, ) = _sellBatch(0.01e18);
        assertEq(liquidated, 0, "one unit under the floor");
        vm.revertToState(snapshot);
        router.setRate(rateAtFloor);
        uint256 profit;
        (liquidated, profit) = _sellBatch(0.01e18);
        assertEq(liquidated, 1, "exactly the floor");
        assertEq(profit, floorAssets - repaid - fee);
    }

    function test_liquidate_hasNoOracleFloor() public {
        oracle.setPrice(_price(2300));
        router.setRate((_price(2300) * 98) / 100);
        (uint256 repaid, uint256 seized, uint256 fee) = _expectedCappedTranche(2300);
        uint256 proceeds = (seized * ((_price(2300) * 98) / 100)) / 1e36;
        assertEq(_sell(0, 0), proceeds - repaid - fee, "only the caller's own minimums guard a single tranche");
    }

    function test_oracleFloor_examples() public view {
        uint256 price = _price(2300);
        assertEq(flash.oracleFloor(1e18, price, 0.01e18), 2_277 * USDC, "1 WETH at 2,300 less 1 %");
        assertEq(flash.oracleFloor(1e18, price, 0), 2_300 * USDC);
        assertEq(flash.oracleFloor(1e18, price, 1e18), 0, "100 %: no floor");
        assertEq(flash.oracleFloor(0, price, 0), 0);
        assertEq(flash.oracleFloor(1, 1, 0), 1, "a value of 1e-36 rounds up to one unit");
        // 1e-9 WETH is worth 2.3 units: up to 3, less half is 1.5, up to 2 (the exact 1.15 also gives 2).
        assertEq(flash.oracleFloor(1e9, price, 0.5e18), 2);
    }

    /// @notice Fuzz: the floor is the exact `seized * price * (1 - maxSlippage) / 1e36` rounded up, or one unit above
    /// it (two roundings up), never below; and a larger slippage never raises it.
    function testFuzz_oracleFloor_isTheValueLessSlippageRoundedUp(
        uint256 seizedAssets,
        uint256 price,
        uint256 maxSlippage,
        uint256 moreSlippage
    ) public view {
        seizedAssets = bound(seizedAssets, 0, 1e30); // up to 1e12 tokens of 18 decimals
        price = bound(price, 0, 1e48); // up to 1e12 quote units per collateral unit
        maxSlippage = bound(maxSlippage, 0, 1e18);
        moreSlippage = bound(moreSlippage, maxSlippage, 1e18);
        uint256 floorAssets = flash.oracleFloor(seizedAssets, price, maxSlippage);
        uint256 exactUp = Math.mulDiv(seizedAssets, price * (1e18 - maxSlippage), 1e54, Math.Rounding.Ceil);
        assertGe(floorAssets, exactUp, "never below the value less slippage");
        assertLe(floorAssets, exactUp + 1, "at most one unit above it");
        assertLe(flash.oracleFloor(seizedAssets, price, moreSlippage), floorAssets, "monotone in the slippage");
    }

    /// @notice Fuzz: a batch sale is executed exactly when it meets both the oracle floor and the tranche's cost; then
    /// the owner gets proceeds − repaid − fee; otherwise the position is skipped and nothing changes.
    function testFuzz_liquidateMany_executesOnlySalesAboveTheFloor(uint256 rateBps, uint256 maxSlippage) public {
        rateBps = bound(rateBps, 9_000, 11_000);
        maxSlippage = bound(maxSlippage, 0, 0.2e18);
        uint256 price = _price(2300);
        uint256 rate = (price * rateBps) / 10_000;
        oracle.setPrice(price);
        router.setRate(rate);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        uint256 proceeds = (preview.seizedAssets * rate) / 1e36;
        uint256 owed = preview.repaidAssets + preview.protocolFee;
        bool sells = proceeds >= flash.oracleFloor(preview.seizedAssets, price, maxSlippage) && proceeds >= owed;
        (uint256 liquidated, uint256 profit) = _sellBatch(maxSlippage);
        if (sells) {
            assertEq(liquidated, 1);
            assertEq(profit, proceeds - owed);
            assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC - preview.repaidAssets);
        } else {
            assertEq(liquidated, 0);
            assertEq(profit, 0);
            assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC);
            assertEq(router.swaps(), 0);
        }
        assertEq(quote.balanceOf(address(flash)), 0);
        assertEq(collateral.balanceOf(address(flash)), 0);
    }

    function test_liquidate_fullCloseRepaysAllDebtAndSellsTheSeizedCollateral() public {
        oracle.setPrice(_price(2250)); // ratio 1.0714 ≤ 1.08: whole position at the max bonus
        router.setRate(_price(2250));
        uint256 debt = 21_000 * USDC;
        uint256 seized = (debt * 1.06e18 * 1e18) / _price(2250);
        uint256 fee = (debt * 0.06e18 * 0.3e18 + 1e36 - 1) / 1e36;
        uint256 profit = _sell(0, 0);
        assertEq(profit, (seized * _price(2250)) / 1e36 - debt - fee);
        assertEq(vault.debtAssetsOf(positionId), 0);
        assertEq(vault.position(positionId).collateralAssets, 10e18 - seized, "the rest stays with the owner");
    }

    // ------------------------------------------------------------------ access

    function test_onlyOwnerAndApprovedOperatorsLiquidateAndProfitGoesToOwner() public {
        oracle.setPrice(_price(2300));
        router.setRate(_price(2300));
        vm.prank(BOT);
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.NotOperator.selector, BOT));
        flash.liquidate(positionId, type(uint256).max, path, 0, 0);

        vm.prank(BOT);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, BOT));
        flash.setOperator(BOT, true);
        vm.expectEmit(address(flash));
        emit IFlashLiquidator.SetOperator(BOT, true);
        vm.prank(OWNER);
        flash.setOperator(BOT, true);
        assertTrue(flash.isOperator(BOT));
        assertTrue(flash.isOperator(OWNER));
        assertFalse(flash.isOperator(OTHER));

        vm.prank(BOT);
        uint256 profit = flash.liquidate(positionId, type(uint256).max, path, 0, 0);
        assertGt(profit, 0);
        assertEq(quote.balanceOf(OWNER), profit);
        assertEq(quote.balanceOf(BOT), 0);

        vm.prank(OWNER);
        flash.setOperator(BOT, false);
        vm.prank(BOT);
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.NotOperator.selector, BOT));
        flash.liquidateMany(new uint256[](0), new uint256[](0), path, 0, 0);
        vm.prank(OWNER);
        vm.expectRevert(IFlashLiquidator.ZeroAddress.selector);
        flash.setOperator(address(0), true);
    }

    function test_onTrancheLiquidation_onlyFromTheEngine() public {
        vm.expectRevert(abi.encodeWithSelector(IFlashLiquidator.NotEngine.selector, address(this)));
        flash.onTrancheLiquidation(positionId, 1, 1, 0, abi.encodePacked(uint256(0), uint256(0), path));
    }

    function test_sweep_onlyOwnerRecoversTokens() public {
        quote.mint(address(flash), 7 * USDC);
        vm.prank(BOT);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, BOT));
        flash.sweep(address(quote), BOT, 7 * USDC);
        vm.prank(OWNER);
        vm.expectRevert(IFlashLiquidator.ZeroAddress.selector);
        flash.sweep(address(quote), address(0), 7 * USDC);
        vm.prank(OWNER);
        flash.sweep(address(quote), OTHER, 7 * USDC);
        assertEq(quote.balanceOf(OTHER), 7 * USDC);
    }

    function test_constructor_rejectsZeroAddresses() public {
        ISwapRouter r = ISwapRouter(address(router));
        vm.expectRevert(IFlashLiquidator.ZeroAddress.selector);
        new FlashLiquidator(ILiquidationEngine(address(0)), vault, r, OWNER);
        vm.expectRevert(IFlashLiquidator.ZeroAddress.selector);
        new FlashLiquidator(engine, IMarginVault(address(0)), r, OWNER);
        vm.expectRevert(IFlashLiquidator.ZeroAddress.selector);
        new FlashLiquidator(engine, vault, ISwapRouter(address(0)), OWNER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new FlashLiquidator(engine, vault, r, address(0));
    }

    // ------------------------------------------------------------------ fuzz

    /// @notice For any price between the full-liquidation ratio and maintenance and any sale rate within ±10 % of the
    /// oracle: either the sale covers the tranche and the owner gets exactly proceeds − repaid − fee, with nothing left
    /// in the liquidator, or the call reverts with the shortfall and nothing changes.
    function testFuzz_liquidate_profitIsProceedsLessPaymentOrNothingHappens(uint256 priceUsd, uint256 rateBps) public {
        priceUsd = bound(priceUsd, 2270, 2519); // ratio 1.081 .. 1.1995
        rateBps = bound(rateBps, 9_000, 11_000);
        uint256 price = _price(priceUsd);
        uint256 rate = (price * rateBps) / 10_000;
        oracle.setPrice(price);
        router.setRate(rate);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        uint256 proceeds = (preview.seizedAssets * rate) / 1e36;
        uint256 owed = preview.repaidAssets + preview.protocolFee;
        if (proceeds < owed) {
            vm.expectRevert(
                abi.encodeWithSelector(IFlashLiquidator.SwapShortfall.selector, positionId, proceeds, owed)
            );
            _sell(0, 0);
            assertEq(vault.debtAssetsOf(positionId), 21_000 * USDC);
        } else {
            assertEq(_sell(0, 0), proceeds - owed);
            assertEq(quote.balanceOf(OWNER), proceeds - owed);
            assertEq(quote.balanceOf(address(flash)), 0);
            assertEq(collateral.balanceOf(address(flash)), 0);
        }
    }
}
