// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice Incomplete tranches (bounded by `maxRepayAssets` below the sized tranche) and the market window room of
/// `LiquidationRules.trancheRoom`, on hand-picked states: at 2400 the fixture's position (10 WETH against 21,000 USDC)
/// is at ratio 1.1428 and the engine sizes 5,250 USDC (the 25 % cap).
contract LiquidationEngineIncompleteTrancheTest is EngineBaseTest {
    uint256 internal constant SIZED = 5_250 * USDC;

    function setUp() public override {
        super.setUp();
        oracle.setPrice(_price(2400));
    }

    function test_incompleteTranche_leavesTheClockAndOpensTheRest() public {
        (uint256 repaid, ) = _liquidate(1_000 * USDC);
        assertEq(repaid, 1_000 * USDC);
        ILiquidationEngine.TrancheState memory state = engine.trancheState(positionId);
        assertEq(state.lastTrancheAt, 0, "no grace window");
        assertEq(state.openTrancheAt, block.timestamp);
        assertEq(state.openTrancheAssets, SIZED - 1_000 * USDC);
        assertEq(state.tranchesExecuted, 1);
        assertEq(engine.nextEligibleAt(positionId), 0);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        assertEq(uint8(preview.reason), uint8(ILiquidationEngine.Reason.None));
        assertEq(preview.repaidAssets, SIZED - 1_000 * USDC, "sized to the open rest");
    }

    /// @dev A second incomplete piece continues the same remainder: its time stays the first piece's.
    function test_secondIncompletePiece_keepsTheFirstPiecesTime() public {
        _liquidate(1_000 * USDC);
        uint256 openedAt = block.timestamp;
        skip(100);
        _liquidate(2_000 * USDC);
        ILiquidationEngine.TrancheState memory state = engine.trancheState(positionId);
        assertEq(state.openTrancheAt, openedAt, "still the first piece's time");
        assertEq(state.openTrancheAssets, SIZED - 3_000 * USDC);
        assertEq(state.lastTrancheAt, 0);

        (uint256 rest, ) = _liquidate(type(uint256).max);
        assertEq(rest, SIZED - 3_000 * USDC, "the rest, and no more");
        state = engine.trancheState(positionId);
        assertEq(state.lastTrancheAt, openedAt, "complete: the grace window runs from the first piece");
        assertEq(state.openTrancheAt, 0);
        assertEq(state.openTrancheAssets, 0);
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InGracePeriod.selector, positionId, openedAt + 300));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
    }

    /// @dev One grace window after the first piece the rest has expired: the position is sized afresh.
    function test_openRest_expiresOneGraceWindowAfterTheFirstPiece() public {
        _liquidate(1_000 * USDC);
        skip(299);
        assertEq(engine.previewLiquidation(positionId).repaidAssets, SIZED - 1_000 * USDC, "open until 300 s");
        skip(1);
        uint256 fresh = engine.previewLiquidation(positionId).repaidAssets;
        assertGt(fresh, SIZED - 1_000 * USDC, "sized afresh");
        // A new incomplete piece opens a new remainder from now.
        _liquidate(500 * USDC);
        ILiquidationEngine.TrancheState memory state = engine.trancheState(positionId);
        assertEq(state.openTrancheAt, block.timestamp);
        assertEq(state.openTrancheAssets, fresh - 500 * USDC);
    }

    /// @dev The open rest is not bound by a used-up market window: it belongs to a tranche the window admitted.
    function test_openRest_ignoresAUsedUpWindow() public {
        IMarginVault.RiskParams memory params = _riskParams();
        params.windowLimit = uint128(3_000 * USDC);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, params);
        (uint256 first, ) = _liquidate(3_000 * USDC);
        assertEq(first, 3_000 * USDC);
        assertEq(engine.windowRemaining(marketId), 0, "window used up");
        (uint256 rest, ) = _liquidate(type(uint256).max);
        assertEq(rest, SIZED - 3_000 * USDC, "the rest goes through");
        assertEq(engine.windowLiquidatedAssets(marketId), SIZED, "and counts in the window");
    }

    /// @dev A full close at or below the full-liquidation ratio is not bound by an open rest.
    function test_fullClose_ignoresAnOpenRest() public {
        _liquidate(1_000 * USDC);
        oracle.setPrice(_price(2200)); // ratio 10 * 2200 / 20,000 = 1.10 ... then lower
        oracle.setPrice(_price(2100)); // ratio 1.05 < 1.08: full close
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        assertTrue(preview.fullClose);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertGt(repaid, SIZED, "the whole debt, not the open rest");
    }
}
