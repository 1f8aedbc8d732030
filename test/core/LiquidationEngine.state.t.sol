// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {ITrancheLiquidationCallback} from "../../contracts/interfaces/ITrancheLiquidationCallback.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice A keeper that, inside its callback, tops the position up with collateral of its own (as anyone may).
contract ToppingUpKeeper is ITrancheLiquidationCallback {
    ILiquidationEngine internal immutable engine;
    IMarginVault internal immutable vault;
    MockERC20 internal immutable quote;
    MockERC20 internal immutable collateral;
    uint256 internal immutable topUp;

    constructor(ILiquidationEngine engine_, IMarginVault vault_, MockERC20 quote_, MockERC20 collateral_, uint256 up) {
        (engine, vault, quote, collateral, topUp) = (engine_, vault_, quote_, collateral_, up);
    }

    function liquidate(uint256 positionId) external returns (uint256, uint256) {
        return engine.liquidate(positionId, type(uint256).max, address(this), bytes("top up"));
    }

    function onTrancheLiquidation(uint256 positionId, uint256 repaid, uint256, uint256 fee, bytes calldata) external {
        collateral.mint(address(this), topUp);
        collateral.approve(address(vault), topUp);
        vault.depositCollateral(positionId, topUp);
        quote.mint(address(this), repaid + fee);
        quote.approve(address(engine), repaid + fee);
    }
}

/// @notice Where a position's tranche state lives: in the 80 bits of the vault's `Position.engineState` (clocks,
/// count, an open-remainder flag), with only an open remainder in the engine's own storage. At 2400 the fixture's
/// position (10 WETH against 21,000 USDC) is at ratio 1.1428 and the engine sizes 5,250 USDC (the 25 % cap).
contract LiquidationEngineStateTest is EngineBaseTest {
    uint256 internal constant SIZED = 5_250 * USDC;

    function setUp() public override {
        super.setUp();
        oracle.setPrice(_price(2400));
    }

    /// @dev The bits as the engine lays them out: 0-31, 32-63, 64-78, 79.
    function _bits(uint256 id) internal view returns (uint256 since, uint256 last, uint256 count, bool open) {
        uint256 bits = vault.position(id).engineState;
        return (uint32(bits), uint32(bits >> 32), (bits >> 64) & (2 ** 15 - 1), (bits >> 79) & 1 == 1);
    }

    function test_tranche_storesItsClocksAndCountInTheVaultsPosition() public {
        assertEq(vault.position(positionId).engineState, 0, "nothing before the first tranche");
        _liquidate(type(uint256).max);
        (uint256 since, uint256 last, uint256 count, bool open) = _bits(positionId);
        ILiquidationEngine.TrancheState memory state = engine.trancheState(positionId);
        assertEq(last, block.timestamp, "the grace window starts now");
        assertEq(since, block.timestamp, "still below maintenance after the capped tranche");
        assertEq(count, 1);
        assertFalse(open);
        assertEq(state.lastTrancheAt, last);
        assertEq(state.liquidatableSince, since);
        assertEq(state.tranchesExecuted, count);
        assertEq(state.openTrancheAt, 0);
    }

    function test_incompleteTranche_setsTheOpenFlagAndCompletingItClearsIt() public {
        _liquidate(1_000 * USDC);
        (, uint256 last, uint256 count, bool open) = _bits(positionId);
        assertTrue(open, "a remainder is open");
        assertEq(last, 0, "no grace window for an incomplete tranche");
        assertEq(count, 1);
        ILiquidationEngine.TrancheState memory state = engine.trancheState(positionId);
        assertEq(state.openTrancheAt, block.timestamp);
        assertEq(state.openTrancheAssets, SIZED - 1_000 * USDC);

        _liquidate(type(uint256).max);
        (, last, count, open) = _bits(positionId);
        assertFalse(open, "the remainder is taken");
        assertEq(last, block.timestamp);
        assertEq(count, 2);
        state = engine.trancheState(positionId);
        assertEq(state.openTrancheAt, 0, "no stale remainder read back");
        assertEq(state.openTrancheAssets, 0);
    }

    /// The liquidatable clock is set from the ratio the tranche's booking leaves, before the callback (the state is
    /// stored with the booking, before any token moves). A top-up inside the callback is then like any other top-up:
    /// it does not clear the clock by itself, and `flagLiquidatable` (anyone) clears it.
    function test_liquidate_aTopUpInsideTheCallbackIsLikeAnyTopUp_flagClearsTheClock() public {
        ToppingUpKeeper keeper = new ToppingUpKeeper(engine, vault, quote, collateral, 10e18);
        keeper.liquidate(positionId);
        (uint256 since, uint256 last, uint256 count, ) = _bits(positionId);
        assertEq(since, block.timestamp, "the booking left the position below maintenance");
        assertEq(last, block.timestamp, "the tranche starts the grace window");
        assertEq(count, 1);
        assertGe(vault.positionHealth(positionId).ratio, 1.2e18, "above maintenance after the top-up");
        engine.flagLiquidatable(positionId);
        (since, , , ) = _bits(positionId);
        assertEq(since, 0, "flagging a healthy position clears the clock");
    }

    function test_flagLiquidatable_writesTheClockIntoTheVaultAndKeepsTheRest() public {
        _liquidate(type(uint256).max);
        (, uint256 last, uint256 count, ) = _bits(positionId);
        // Topped up above maintenance: flagging clears the liquidatable clock, and only it.
        collateral.mint(BORROWER, 10e18);
        vm.startPrank(BORROWER);
        collateral.approve(address(vault), 10e18);
        vault.depositCollateral(positionId, 10e18);
        vm.stopPrank();
        engine.flagLiquidatable(positionId);
        (uint256 since, uint256 lastAfter, uint256 countAfter, bool open) = _bits(positionId);
        assertEq(since, 0, "healthy: no liquidatable clock");
        assertEq(lastAfter, last, "grace window kept");
        assertEq(countAfter, count, "count kept");
        assertFalse(open);
    }

    function test_liquidate_from2106OnRevertsOnTheClockInsteadOfWrappingIt() public {
        vm.warp(uint256(type(uint32).max) + 1);
        oracle.setPrice(_price(2400)); // fresh at the new time
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 32, block.timestamp));
        engine.liquidate(positionId, type(uint256).max, KEEPER, "");
    }

    function test_positionsKeepTheirOwnState() public {
        oracle.setPrice(_price(3000));
        uint256 other = _openPosition(10e18, 21_000 * USDC);
        oracle.setPrice(_price(2400));
        _liquidate(type(uint256).max);
        assertEq(vault.position(other).engineState, 0, "the other position is untouched");
        assertEq(engine.trancheState(other).tranchesExecuted, 0);
    }
}
