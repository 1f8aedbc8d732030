// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {SharesMath} from "../../contracts/libraries/SharesMath.sol";

/// @notice SharesMath.repayment, the one rule for what a repayment burns and leaves (the vault's `repay` and the
/// engine's tranche both use it): it never burns more than the position has, never repays more than the debt, rounds
/// in the pool's favour, and its "debt left" is the position's debt at the pool's totals after the repayment.
contract SharesMathTest is Test {
    /// Pool totals with shares at least assets × 1e6 (the virtual offset's rate) and up to 1e30 of assets.
    function _totals(uint256 totalAssets, uint256 rateBps) internal pure returns (uint256, uint256) {
        totalAssets = bound(totalAssets, 1, 1e30);
        // Shares per asset between 1e6 (no interest yet) and 1e6 / 10 (the debt grew tenfold).
        uint256 totalShares = (totalAssets * 1e6 * 10_000) / bound(rateBps, 10_000, 100_000);
        return (totalAssets, totalShares);
    }

    function testFuzz_repayment_boundsRoundingAndDebtLeft(
        uint256 totalAssets,
        uint256 rateBps,
        uint256 positionShares,
        uint256 assets
    ) public pure {
        uint256 totalShares;
        (totalAssets, totalShares) = _totals(totalAssets, rateBps);
        positionShares = bound(positionShares, 1, totalShares);
        uint256 debt = SharesMath.toAssetsUp(positionShares, totalAssets, totalShares);
        assets = bound(assets, 1, debt * 2 + 1);

        (uint256 repaid, uint256 shares, uint256 debtLeft) = SharesMath.repayment(
            assets,
            positionShares,
            totalAssets,
            totalShares
        );
        assertLe(repaid, assets, "never more than offered");
        assertLe(repaid, debt, "never more than the debt");
        assertLe(shares, positionShares, "never more shares than the position has");
        if (assets >= debt) {
            assertEq(repaid, debt, "the whole debt");
            assertEq(shares, positionShares, "every share");
            assertEq(debtLeft, 0);
        } else {
            assertEq(repaid, assets);
            assertLt(shares, positionShares, "a partial repayment leaves shares");
            // Rounded down: the shares burned are worth at most what was paid.
            assertLe(SharesMath.toAssetsDown(shares, totalAssets, totalShares), assets, "burns no more than paid for");
            uint256 assetsAfter = totalAssets - (assets < totalAssets ? assets : totalAssets);
            assertEq(
                debtLeft,
                SharesMath.toAssetsUp(positionShares - shares, assetsAfter, totalShares - shares),
                "the debt at the totals after"
            );
            assertGt(debtLeft, 0, "a partial repayment leaves debt");
        }
    }

    function test_repayment_exactDebtIsAFullRepayment() public pure {
        (uint256 totalAssets, uint256 totalShares) = (1_000e6, 1_000e12);
        uint256 debt = SharesMath.toAssetsUp(400e12, totalAssets, totalShares);
        (uint256 repaid, uint256 shares, uint256 debtLeft) = SharesMath.repayment(
            debt,
            400e12,
            totalAssets,
            totalShares
        );
        assertEq(repaid, debt);
        assertEq(shares, 400e12);
        assertEq(debtLeft, 0);
        // One unit less is partial and leaves debt.
        (repaid, shares, debtLeft) = SharesMath.repayment(debt - 1, 400e12, totalAssets, totalShares);
        assertEq(repaid, debt - 1);
        assertLt(shares, 400e12);
        assertGt(debtLeft, 0);
    }
}
