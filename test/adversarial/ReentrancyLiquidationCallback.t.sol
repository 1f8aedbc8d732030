// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";
import {ReentrancyAttacker} from "./attackers/ReentrancyAttacker.sol";

/// @notice Attack: re-entering the protocol from the liquidation callback, after the collateral has been sent and
/// before the payment is pulled: a second liquidation, a batch, taking more collateral, repaying the position so
/// that the engine's repayment is short, or adding collateral to block a bad-debt write-off. Every such call is
/// refused by a reentrancy lock or a role check, or makes the whole liquidation revert; the attacker ends with at
/// most the keeper's share of one tranche's bonus.
contract ReentrancyLiquidationCallbackTest is AdversarialBase {
    ReentrancyAttacker internal attacker;

    function setUp() public override {
        super.setUp();
        attacker = new ReentrancyAttacker(IERC20(address(quote)), address(engine));
        quote.mint(address(attacker), 1_000_000 * USDC);
        oracle.setPrice(_price(2400));
    }

    function _value(uint256 price) internal view returns (uint256) {
        return quote.balanceOf(address(attacker)) + (collateral.balanceOf(address(attacker)) * price) / 1e36;
    }

    function _liquidateThroughAttacker() internal {
        attacker.exec(
            address(engine),
            abi.encodeCall(engine.liquidate, (positionId, type(uint256).max, address(attacker), "callback"))
        );
    }

    /// @dev The re-entrant call `payload` fails with `selector`; the outer tranche completes and pays no more than
    /// one bonus share.
    function _assertRefusedAndOneTranche(bytes memory payload, bytes4 selector, address target) internal {
        uint256 price = _oraclePrice();
        uint256 before = _value(price);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        attacker.arm(ReentrancyAttacker.Trigger.Callback, target, payload, false);

        _liquidateThroughAttacker();

        assertEq(attacker.attempts(), 1, "the callback ran");
        assertFalse(attacker.lastSucceeded(), "the re-entrant call failed");
        assertEq(attacker.lastSelector(), selector, "refused for the expected reason");
        assertEq(engine.trancheState(positionId).tranchesExecuted, 1, "one tranche");
        uint256 allowed = (preview.repaidAssets * preview.bonus * 0.7e18) / 1e36 + 1;
        assertLe(_value(price), before + allowed, "at most one bonus share");
        _assertPoolBooks();
    }

    function test_reenterLiquidate_isLocked() public {
        _assertRefusedAndOneTranche(
            abi.encodeCall(engine.liquidate, (positionId, type(uint256).max, address(attacker), "")),
            ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector,
            address(engine)
        );
    }

    function test_reenterLiquidateMany_isLocked() public {
        uint256[] memory ids = new uint256[](1);
        ids[0] = positionId;
        uint256[] memory maxRepays = new uint256[](1);
        maxRepays[0] = type(uint256).max;
        _assertRefusedAndOneTranche(
            abi.encodeCall(engine.liquidateMany, (ids, maxRepays, address(attacker), "")),
            ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector,
            address(engine)
        );
    }

    function test_reenterFlag_isLocked() public {
        _assertRefusedAndOneTranche(
            abi.encodeCall(engine.flagLiquidatable, (positionId)),
            ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector,
            address(engine)
        );
    }

    function test_seizeDirectly_isEngineOnly() public {
        _assertRefusedAndOneTranche(
            abi.encodeCall(vault.seize, (positionId, 1e18, address(attacker))),
            IMarginVault.OnlyLiquidationEngine.selector,
            address(vault)
        );
    }

    function test_withdrawOwnersCollateral_isOwnerOnly() public {
        _assertRefusedAndOneTranche(
            abi.encodeCall(vault.withdrawCollateral, (positionId, 1e18, address(attacker))),
            IMarginVault.NotOwnerOrOperator.selector,
            address(vault)
        );
    }

    function test_batchEntryFromOutside_isRefused() public {
        _assertRefusedAndOneTranche(
            abi.encodeCall(engine.liquidateFromBatch, (positionId, type(uint256).max, address(attacker), KEEPER, "")),
            ILiquidationEngine.OnlyBatch.selector,
            address(engine)
        );
    }

    /// @dev Repaying the whole position from the callback (so the engine's repayment finds no debt) makes the
    /// whole liquidation revert: the collateral sent out comes back.
    function test_repayWholePositionInCallback_revertsEverything() public {
        vm.prank(address(attacker));
        quote.approve(address(vault), type(uint256).max);
        uint256 collateralBefore = vault.position(positionId).collateralAssets;
        attacker.arm(
            ReentrancyAttacker.Trigger.Callback,
            address(vault),
            abi.encodeCall(vault.repay, (positionId, type(uint256).max)),
            false
        );
        vm.expectRevert();
        _liquidateThroughAttacker();
        assertEq(vault.position(positionId).collateralAssets, collateralBefore, "nothing seized");
        assertEq(collateral.balanceOf(address(attacker)), 0);
    }

    /// @dev Repaying most of the position from the callback, leaving less debt than the tranche repays, makes the
    /// engine's booking come out short: `PositionChangedDuringCallback`, and the whole liquidation reverts (the
    /// attacker's own repayment with it).
    function test_partialRepayInCallback_revertsWithPositionChanged() public {
        vm.prank(address(attacker));
        quote.approve(address(vault), type(uint256).max);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        uint256 debtBefore = vault.debtAssetsOf(positionId);
        uint256 collateralBefore = vault.position(positionId).collateralAssets;
        uint256 quoteBefore = quote.balanceOf(address(attacker));
        // Leaves half the tranche's repayment as debt (above the market's minimum debt).
        attacker.arm(
            ReentrancyAttacker.Trigger.Callback,
            address(vault),
            abi.encodeCall(vault.repay, (positionId, debtBefore - preview.repaidAssets / 2)),
            false
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                ReentrancyAttacker.CallFailed.selector,
                abi.encodeWithSelector(ILiquidationEngine.PositionChangedDuringCallback.selector, positionId)
            )
        );
        _liquidateThroughAttacker();
        assertEq(vault.debtAssetsOf(positionId), debtBefore, "debt unchanged");
        assertEq(vault.position(positionId).collateralAssets, collateralBefore, "nothing seized");
        assertEq(quote.balanceOf(address(attacker)), quoteBefore, "the attacker's repayment came back");
        assertEq(engine.trancheState(positionId).tranchesExecuted, 0, "no tranche");
    }

    /// @dev Under water: adding collateral in the callback blocks the bad-debt close, so the whole liquidation
    /// reverts; the attacker only blocks itself (any other keeper can liquidate).
    function test_topUpDuringBadDebtLiquidation_revertsOnlyTheAttacker() public {
        oracle.setPrice(_price(1800));
        collateral.mint(address(attacker), 1);
        vm.prank(address(attacker));
        collateral.approve(address(vault), 1);
        attacker.arm(
            ReentrancyAttacker.Trigger.Callback,
            address(vault),
            abi.encodeCall(vault.depositCollateral, (positionId, 1)),
            false
        );
        vm.expectRevert();
        _liquidateThroughAttacker();

        _liquidate(type(uint256).max);
        assertEq(vault.position(positionId).owner, address(0), "an honest keeper realizes the bad debt");
    }
}
