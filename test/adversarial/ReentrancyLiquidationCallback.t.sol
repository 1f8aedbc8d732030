// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";
import {ReentrancyAttacker} from "./attackers/ReentrancyAttacker.sol";

/// @notice Attack: re-entering the protocol from the liquidation callback, after the tranche is booked and the
/// collateral sent and before the payment is pulled: a second liquidation, a batch, taking more collateral,
/// repaying the position to make the engine's repayment short, or adding collateral to block a bad-debt write-off.
/// Every such call is refused by a reentrancy lock or a role check, lands on the already-booked tranche at the
/// attacker's own cost, or makes the whole liquidation revert; the attacker ends with at most the keeper's share of
/// one tranche's bonus.
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

    function test_settleDirectly_isEngineOnly() public {
        _assertRefusedAndOneTranche(
            abi.encodeCall(vault.settleTranche, (positionId, 1, 1, 1e18, 0, 0, 0, address(attacker))),
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

    /// @dev Repays `extraAssets` of the position from the callback, after the engine booked the tranche: the
    /// tranche stands as booked (its repayment is not made short), the attacker pays for the extra repayment itself
    /// and gains at most the keeper's share of one bonus.
    function _repayInCallback(uint256 extraAssets) internal returns (uint256 debtAfterTranche) {
        vm.prank(address(attacker));
        quote.approve(address(vault), type(uint256).max);
        uint256 price = _oraclePrice();
        uint256 before = _value(price);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        debtAfterTranche = vault.debtAssetsOf(positionId) - preview.repaidAssets;
        uint256 collateralBefore = vault.position(positionId).collateralAssets;
        attacker.arm(
            ReentrancyAttacker.Trigger.Callback,
            address(vault),
            abi.encodeCall(vault.repay, (positionId, extraAssets)),
            false
        );

        _liquidateThroughAttacker();

        assertTrue(attacker.lastSucceeded(), "the repayment from the callback went through");
        assertEq(engine.trancheState(positionId).tranchesExecuted, 1, "one tranche");
        assertEq(vault.position(positionId).collateralAssets, collateralBefore - preview.seizedAssets, "as booked");
        assertEq(collateral.balanceOf(address(attacker)), preview.seizedAssets, "the tranche's collateral");
        uint256 allowed = (preview.repaidAssets * preview.bonus * 0.7e18) / 1e36 + 1;
        assertLe(_value(price), before + allowed, "at most one bonus share");
        _assertPoolBooks();
    }

    /// @dev Old order (repayment booked after the callback): repaying the whole position from the callback left the
    /// engine's booking nothing to repay and reverted the liquidation. Now the booking comes first.
    function test_repayWholePositionInCallback_landsOnTheBookedTranche() public {
        _repayInCallback(type(uint256).max);
        assertEq(vault.debtAssetsOf(positionId), 0, "the attacker repaid the rest with its own tokens");
    }

    /// @dev Old order: a partial repayment from the callback made the booking come out short
    /// (`PositionChangedDuringCallback`). Now it is a repayment on top of the booked tranche.
    function test_partialRepayInCallback_landsOnTheBookedTranche() public {
        uint256 debtNow = vault.debtAssetsOf(positionId);
        uint256 extra = (debtNow - engine.previewLiquidation(positionId).repaidAssets) / 2;
        uint256 debtAfterTranche = _repayInCallback(extra);
        assertApproxEqAbs(vault.debtAssetsOf(positionId), debtAfterTranche - extra, 1, "both repayments count");
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
