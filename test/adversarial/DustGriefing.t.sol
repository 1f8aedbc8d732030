// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: dust griefing. Many tiny positions to make liquidations or scans expensive, and debts too small
/// to be worth liquidating (bad debt nobody clears). No debt below `minDebt` (100 USDC) can be opened, left by a
/// repayment or left by a liquidation, and no state-changing path loops over the positions of a market.
/// @dev Empty positions still lengthen the list keepers page through (`marketPositions`); that costs keepers reads,
/// not the protocol gas (SECURITY.md).
contract DustGriefingTest is AdversarialBase {
    uint256 internal constant DUST_POSITIONS = 150;

    function setUp() public override {
        super.setUp();
        collateral.mint(ATTACKER, 1_000e18);
    }

    function _openDust(uint256 count) internal {
        vm.startPrank(ATTACKER);
        for (uint256 i = 0; i < count; ++i) {
            uint256 id = vault.openPosition(marketId);
            vault.depositCollateral(id, 1);
        }
        vm.stopPrank();
    }

    function test_dustDebt_cannotBeOpenedOrLeftByARepayment() public {
        vm.startPrank(ATTACKER);
        uint256 id = vault.openPosition(marketId);
        vault.depositCollateral(id, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.DebtBelowMinimum.selector, id, 90 * USDC, 100 * USDC));
        vault.borrow(id, 90 * USDC, ATTACKER);
        vault.borrow(id, 150 * USDC, ATTACKER);
        uint256 debtLeft = vault.debtAssetsOf(id) - (50 * USDC + 1);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.DebtBelowMinimum.selector, id, debtLeft, 100 * USDC));
        vault.repay(id, 50 * USDC + 1);
        vm.stopPrank();
    }

    function testFuzz_liquidation_neverLeavesDust(uint256 priceUsdc, uint256 maxRepay) public {
        priceUsdc = bound(priceUsdc, 2269, 2519);
        oracle.setPrice(_price(priceUsdc));
        uint256 debt = vault.debtAssetsOf(positionId);
        maxRepay = bound(maxRepay, 1, debt);
        vm.prank(KEEPER);
        try engine.liquidate(positionId, maxRepay, KEEPER, "") {
            uint256 left = vault.debtAssetsOf(positionId);
            assertTrue(left == 0 || left >= 100 * USDC, "no dust left");
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), ILiquidationEngine.LeavesDust.selector, "refused only for dust");
            assertLt(debt - maxRepay, 100 * USDC);
        }
    }

    /// @dev A liquidation costs no more gas with 150 empty positions in the market than with none. A first run
    /// (discarded) warms the storage the liquidation touches, so both measured runs start alike.
    function test_manyTinyPositions_doNotRaiseLiquidationGas() public {
        oracle.setPrice(_price(2400));
        uint256 snapshot = vm.snapshotState();
        _liquidate(type(uint256).max);
        vm.revertToState(snapshot);
        snapshot = vm.snapshotState();
        uint256 gasBefore = gasleft();
        _liquidate(type(uint256).max);
        uint256 gasAlone = gasBefore - gasleft();
        vm.revertToState(snapshot);

        oracle.setPrice(_price(3000));
        _openDust(DUST_POSITIONS);
        oracle.setPrice(_price(2400));
        assertEq(vault.marketPositionCount(marketId), DUST_POSITIONS + 1);
        gasBefore = gasleft();
        _liquidate(type(uint256).max);
        uint256 gasWithDust = gasBefore - gasleft();

        assertLe(gasWithDust, (gasAlone * 101) / 100, "no more gas with many positions");
    }

    /// @dev The smallest debt a position can have still pays a keeper: at maintenance the tranche bonus on a
    /// `minDebt` position is at least `minDebt * minBonus * keeperShare` = 1.4 USDC (example parameters).
    function test_smallestDebt_stillPaysAKeeper() public {
        uint256 id = _openPosition(1e17, 100 * USDC); // 300 USDC of collateral against 100 USDC: ratio 3.0
        oracle.setPrice(_price(1190)); // ratio 1.19
        uint256 price = _oraclePrice();
        uint256 before = _walletValue(KEEPER, price);
        vm.prank(KEEPER);
        engine.liquidate(id, type(uint256).max, KEEPER, "");
        assertEq(vault.debtAssetsOf(id), 0, "a minDebt position closes whole");
        assertGe(_walletValue(KEEPER, price) - before, 1.4e6 - 1, "keeper paid at least 1.4 USDC");
    }
}
