// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {LiquidationRules} from "../../contracts/libraries/LiquidationRules.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice The engine's price-speed measure (issue #19) through its entry points: what records it, what it stores,
/// and what a fast fall changes for a tranche (the grace window skipped, a larger tranche) against a calm market.
/// The fixture's position: 10 WETH against 21,000 USDC (ratio 1.4286 at 3000).
contract LiquidationEngineSpeedTest is EngineBaseTest {
    /// @dev Falls `basisPointsPerBlock` hundredths of a percent per 12-s block for `blocks` blocks, from the oracle's
    /// price, recording the speed every block (as keepers' tranches and flags would).
    function _fall(uint256 basisPointsPerBlock, uint256 blocks) internal {
        for (uint256 i = 0; i < blocks; ++i) {
            skip(12);
            (uint256 price, ) = oracle.price();
            oracle.setPrice((price * (10_000 - basisPointsPerBlock)) / 10_000);
            engine.recordPriceSpeed(marketId);
        }
    }

    function test_recordPriceSpeed_storesTheObservation() public {
        engine.recordPriceSpeed(marketId);
        (uint256 at, uint256 price, uint256 rate) = engine.priceSpeed(marketId);
        assertEq(at, block.timestamp);
        assertEq(price, _price(3000));
        assertEq(rate, 0, "the first observation starts at rest");
        skip(12);
        oracle.setPrice(_price(2970)); // -1 %
        uint256 measured = engine.recordPriceSpeed(marketId);
        assertEq(measured, uint256(0.01e18) / 312);
        (, , rate) = engine.priceSpeed(marketId);
        assertEq(rate, measured);
        assertEq(engine.dropRate(marketId), measured, "same second: what a tranche would measure");
    }

    function test_recordPriceSpeed_refusesAnUnknownMarketOrAnInvalidPrice() public {
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownMarket.selector, 99));
        engine.recordPriceSpeed(99);
        oracle.setStatus(IOracle.PriceStatus.Invalid);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, marketId));
        engine.recordPriceSpeed(marketId);
        assertEq(engine.dropRate(marketId), 0, "no rate without a valid price");
    }

    function test_priceAbove2To144_isStoredByItsTopBits() public {
        uint256 huge = (uint256(1) << 200) + 12345;
        oracle.setPrice(huge);
        engine.recordPriceSpeed(marketId);
        (, uint256 stored, ) = engine.priceSpeed(marketId);
        assertEq(stored, (huge >> 57) << 57, "the 144 most significant bits");
    }

    /// @dev After a tranche, a fall of 1 % per block (-11.4 % in 144 s): at that speed the position would reach the
    /// full-liquidation ratio before its grace window ends, so the next tranche may run at once.
    function test_fastFall_skipsTheGraceWindow() public {
        oracle.setPrice(_price(2500)); // ratio 1.19
        engine.recordPriceSpeed(marketId);
        _liquidate(type(uint256).max);
        uint256 graceEnd = engine.nextEligibleAt(positionId);
        _fall(100, 12);
        assertLt(block.timestamp, graceEnd, "inside the grace window");
        assertLt(vault.positionHealth(positionId).ratio, 1.2e18, "below maintenance again");
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        assertEq(uint8(preview.reason), uint8(ILiquidationEngine.Reason.None), "the fall skips the window");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, preview.repaidAssets, "the preview is what the tranche did");
    }

    /// @dev A 4 % jump just after a tranche puts the position below maintenance inside its grace window; at the speed
    /// that measures (4 % over 310 s) it stays well above the full-liquidation ratio, so the window holds.
    function test_moderateFall_keepsTheGraceWindow() public {
        oracle.setPrice(_price(2500));
        engine.recordPriceSpeed(marketId);
        _liquidate(type(uint256).max);
        uint256 graceEnd = engine.nextEligibleAt(positionId);
        skip(10);
        oracle.setPrice(_price(2400));
        assertLt(vault.positionHealth(positionId).ratio, 1.2e18, "below maintenance");
        assertGe(engine.dropRate(marketId) * 300, LiquidationRules.CALM_DROP, "not calm");
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InGracePeriod.selector, positionId, graceEnd));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
    }

    /// @dev A first tranche during a measured fall restores a raised target (what stays at the target over one grace
    /// window at that speed), larger than the static tranche.
    function test_fastFall_raisesTheTarget() public {
        engine.recordPriceSpeed(marketId);
        skip(12);
        oracle.setPrice(_price(2540)); // ratio 1.2095, still healthy
        _fall(30, 10); // -3 % in 120 s: ratio ~1.173
        uint256 rate = engine.dropRate(marketId);
        assertGe(rate * 300, LiquidationRules.CALM_DROP, "not calm");
        ILiquidationEngine.Preview memory moving = engine.previewLiquidation(positionId);
        // The same state with a calm measure: let the rate decay (a day of flat prices), then compare.
        uint256 snapshot = vm.snapshotState();
        skip(1 days);
        engine.recordPriceSpeed(marketId);
        ILiquidationEngine.Preview memory calm = engine.previewLiquidation(positionId);
        vm.revertToState(snapshot);
        assertEq(uint8(moving.kind), uint8(TrancheMath.TrancheKind.Partial));
        assertGt(moving.repaidAssets, calm.repaidAssets, "a larger tranche at speed");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, moving.repaidAssets);
        assertGt(vault.positionHealth(positionId).ratio, 1.25e18, "above the static target");
    }
}
