// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: splitting one liquidation into many small ones (via `maxRepayAssets`) to collect a larger bonus.
/// Each piece's bonus is read from the ratio before it, and a piece repaying at a bonus below `ratio - 1` raises the
/// ratio, so later pieces get a bonus no larger; in the partial region the pieces of one grace window together repay
/// at most the tranche the engine sized before the first of them (`ILiquidationEngine.TrancheState`).
/// Compared against the same liquidation done in one go, from the same state (a state snapshot).
contract SplitLiquidationBonusTest is AdversarialBase {
    /// @dev Keeper's gain, at `price`, from whatever it did since `valueBefore`.
    function _keeperGain(uint256 valueBefore, uint256 price) internal view returns (uint256) {
        return _walletValue(KEEPER, price) - valueBefore;
    }

    /// @dev Full-close region (ratio in (1.06, 1.08]): n pieces in one block earn no more than one full close, and
    /// leave the borrower no worse off.
    function testFuzz_split_fullCloseRegion_noMoreThanOneClose(uint256 priceUsdc, uint256 pieces) public {
        priceUsdc = bound(priceUsdc, 2227, 2268);
        pieces = bound(pieces, 2, 8);
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        uint256 debt = vault.debtAssetsOf(positionId);
        uint256 valueBefore = _walletValue(KEEPER, price);

        uint256 snapshot = vm.snapshotState();
        _liquidate(type(uint256).max);
        uint256 singleGain = _keeperGain(valueBefore, price);
        int256 singleEquity = vault.position(positionId).owner == address(0) ? int256(0) : _equity(positionId, price);
        uint256 singleLender = pool.convertToAssets(pool.balanceOf(LENDER));
        vm.revertToState(snapshot);

        uint256 executed;
        for (uint256 i = 0; i < pieces; ++i) {
            uint256 maxRepay = i + 1 == pieces ? type(uint256).max : debt / pieces;
            vm.prank(KEEPER);
            try engine.liquidate(positionId, maxRepay, KEEPER, "") {
                ++executed;
            } catch (bytes memory reason) {
                // Once a piece lifts the ratio above the full-liquidation ratio, the rest waits for the grace window.
                assertEq(bytes4(reason), ILiquidationEngine.InGracePeriod.selector, "only the grace window stops it");
                break;
            }
        }

        assertGe(executed, 1);
        assertLe(_keeperGain(valueBefore, price), singleGain, "split earns no more than one close");
        int256 splitEquity = vault.position(positionId).owner == address(0) ? int256(0) : _equity(positionId, price);
        assertGe(splitEquity, singleEquity, "borrower no worse off");
        assertGe(pool.convertToAssets(pool.balanceOf(LENDER)), singleLender, "lenders no worse off");
    }

    /// @dev Partial region: a piece smaller than the sized tranche leaves the rest of it open (no grace window), and
    /// piece plus rest, in one block, repay no more than the single tranche and earn the keeper no more; after them
    /// the grace window holds.
    function testFuzz_split_partialRegion_pieceAndRest_noMoreThanOneTranche(uint256 priceUsdc, uint256 part) public {
        priceUsdc = bound(priceUsdc, 2269, 2519);
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        uint256 tranche = engine.previewLiquidation(positionId).repaidAssets;
        uint256 debt = vault.debtAssetsOf(positionId);
        part = bound(part, 1, tranche - 1);
        uint256 valueBefore = _walletValue(KEEPER, price);

        uint256 snapshot = vm.snapshotState();
        _liquidate(type(uint256).max);
        uint256 singleGain = _keeperGain(valueBefore, price);
        vm.revertToState(snapshot);

        _liquidate(part);
        assertEq(engine.trancheState(positionId).lastTrancheAt, 0, "the piece started no grace window");
        if (engine.previewLiquidation(positionId).reason == ILiquidationEngine.Reason.None)
            _liquidate(type(uint256).max);
        assertLe(debt - vault.debtAssetsOf(positionId), tranche, "no more than the sized tranche");
        // Up to one unit per piece: the fee on a smaller repayment rounds up from a smaller amount (found by the
        // fuzzer: a piece 4 units short of the tranche that lifts the position above maintenance gains 1 unit more).
        assertLe(_keeperGain(valueBefore, price), singleGain + 2, "split earns no more than one tranche");
        _expectNoFurtherTranche(KEEPER, positionId);
    }

    /// @dev Keeps liquidating (after each grace window) until the position is healthy: the first `pieces` tranches
    /// repay at most `piece` each, the rest take whatever the engine allows. Returns the keeper's gain and the number
    /// of tranches.
    function _liquidateUntilHealthy(
        uint256 pieces,
        uint256 piece,
        uint256 price
    ) internal returns (uint256 gain, uint256 tranches) {
        uint256 valueBefore = _walletValue(KEEPER, price);
        for (uint256 i = 0; i < 40; ++i) {
            ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
            if (preview.reason != ILiquidationEngine.Reason.None) break;
            uint256 maxRepay = i < pieces && piece < preview.repaidAssets ? piece : type(uint256).max;
            uint256 debtLeft = vault.debtAssetsOf(positionId) - Math.min(maxRepay, vault.debtAssetsOf(positionId));
            if (debtLeft > 0 && debtLeft < 100 * USDC) maxRepay = type(uint256).max;
            _liquidate(maxRepay);
            ++tranches;
            skip(300);
        }
        gain = _keeperGain(valueBefore, price);
    }

    /// @dev Partial region, pieces spread over grace windows until the position is healthy: the later pieces see a
    /// higher ratio, hence a lower bonus, so splitting earns no more than full tranches until healthy.
    function testFuzz_split_partialRegion_untilHealthy_noMoreThanFullTranches(
        uint256 priceUsdc,
        uint256 pieces
    ) public {
        priceUsdc = bound(priceUsdc, 2269, 2519);
        pieces = bound(pieces, 2, 6);
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        uint256 piece = engine.previewLiquidation(positionId).repaidAssets / pieces;

        uint256 snapshot = vm.snapshotState();
        (uint256 fullGain, uint256 fullTranches) = _liquidateUntilHealthy(0, 0, price);
        vm.revertToState(snapshot);
        (uint256 splitGain, uint256 splitTranches) = _liquidateUntilHealthy(pieces, piece, price);

        assertGe(splitTranches, fullTranches, "the split took at least as many tranches");
        // Interest on 21,000 USDC at 0.2 % utilization accrues under 100 units (0.0001 USDC) per grace window; the
        // split's extra windows may let the debt (and so the bonus base) grow by that much.
        assertLe(splitGain, fullGain + 100 * (splitTranches - fullTranches + 1), "split earns no more");
    }
}
