// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack (issue #19): a keeper allied with the owner takes all but 1 unit of the sized tranche at once,
/// then the last unit just before the open remainder expires. Before the fix the completing 1-unit tranche started
/// the grace window at its own time, so every sized tranche held honest keepers off for almost two grace windows
/// instead of one, while the position stayed below maintenance (a 1-unit tranche holding honest keepers off).
/// Defence: a tranche that completes an open remainder starts the grace window as of the first piece, so however a
/// sized tranche is split, the next one may run one grace window after the split began.
contract LateCompletionGraceDelayTest is AdversarialBase {
    uint256 internal constant COOLDOWN = 300;

    function setUp() public override {
        super.setUp();
        _fundAttacker(20_000 * USDC);
        // Partial-tranche region: ratio 2400 * 10 / 21000 = 1.1428 (maintenance 1.2, full liquidation 1.08).
        oracle.setPrice(_price(2400));
    }

    function test_lateOneUnitCompletion_doesNotExtendTheGraceWindow() public {
        uint256 splitAt = block.timestamp;
        uint256 sized = engine.previewLiquidation(positionId).repaidAssets;
        vm.prank(ATTACKER);
        engine.liquidate(positionId, sized - 1, ATTACKER, "");
        vm.warp(splitAt + COOLDOWN - 1);
        vm.prank(ATTACKER);
        (uint256 lastUnit, ) = engine.liquidate(positionId, type(uint256).max, ATTACKER, "");
        assertEq(lastUnit, 1, "the attacker completed the sized tranche with 1 unit");

        // The price keeps falling: the position is below maintenance again when the first grace window ends.
        oracle.setPrice(_price(2150));
        vm.warp(splitAt + COOLDOWN);
        assertLt(vault.positionHealth(positionId).ratio, 1.2e18, "below maintenance");
        assertEq(engine.nextEligibleAt(positionId), splitAt + COOLDOWN, "one grace window from the split");
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, 0, "the honest keeper liquidates one grace window after the split began");
    }
}
