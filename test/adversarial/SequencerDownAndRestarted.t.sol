// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ChainlinkOracle} from "../../contracts/oracles/ChainlinkOracle.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: an L2 sequencer outage. While it is down, owners cannot send top-ups, so a keeper (with a
/// privileged path to the chain, or first in line at the restart) would like to liquidate on the first block after
/// it, at a price that moved during the outage; and a borrower would like to borrow on a price that has not caught
/// up. The oracle is invalid while down and for a grace period after the restart: no liquidation and no borrowing,
/// while owners repay and top up; after the grace period an owner who topped up is healthy.
contract SequencerDownAndRestartedTest is AdversarialBase {
    uint256 internal constant GRACE = 1 hours;

    MockV3Aggregator internal feed;
    MockV3Aggregator internal sequencer;
    ChainlinkOracle internal chainlink;
    uint256 internal l2Market;
    uint256 internal victimPosition;

    function setUp() public override {
        super.setUp();
        vm.warp(1_700_000_000);
        feed = new MockV3Aggregator(8, 3000e8);
        sequencer = new MockV3Aggregator(0, 0); // 0 = up, since now
        skip(GRACE);
        feed.updateAnswer(3000e8);
        chainlink = new ChainlinkOracle(
            AggregatorV3Interface(address(feed)),
            1 hours,
            AggregatorV3Interface(address(0)),
            0,
            18,
            6,
            AggregatorV3Interface(address(sequencer)),
            GRACE
        );
        vm.prank(ADMIN);
        l2Market = vault.createMarket(IERC20(address(collateral)), pool, chainlink, _riskParams());
        collateral.mint(BORROWER, 15e18);
        vm.startPrank(BORROWER);
        victimPosition = vault.openPosition(l2Market);
        vault.depositCollateral(victimPosition, 10e18);
        vault.borrow(victimPosition, 21_000 * USDC, BORROWER);
        vm.stopPrank();
        _fundAttacker(1_000_000 * USDC);
    }

    /// @dev The sequencer goes down; during the outage the price falls to `lowUsd` (the feed keeps updating on L1).
    function _outage(uint256 lowUsd) internal {
        sequencer.updateAnswer(1);
        skip(10 minutes);
        feed.updateAnswer(int256(lowUsd * 1e8));
    }

    function _expectRefused() internal {
        vm.prank(ATTACKER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, l2Market));
        engine.liquidate(victimPosition, type(uint256).max, ATTACKER, "");
        vm.prank(BORROWER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.NoValidPrimaryPrice.selector, l2Market, IOracle.PriceStatus.Invalid)
        );
        vault.borrow(victimPosition, 100 * USDC, BORROWER);
    }

    /// @dev Down, then restarted `sinceRestart` seconds ago (inside the grace period): refused throughout.
    function testFuzz_downAndInGrace_liquidationAndBorrowRefused(uint256 lowUsd, uint256 sinceRestart) public {
        lowUsd = bound(lowUsd, 1500, 2500);
        sinceRestart = bound(sinceRestart, 0, GRACE - 1);
        uint256 valuation = _price(lowUsd);
        _outage(lowUsd);
        Books memory before = _books(victimPosition, valuation);
        uint256 debtBefore = vault.debtAssetsOf(victimPosition);
        _expectRefused();
        sequencer.updateAnswer(0);
        skip(sinceRestart);
        feed.updateAnswer(int256(lowUsd * 1e8));
        _expectRefused();
        // The only change to the owner's equity is the interest accrued while waiting.
        uint256 interest = vault.debtAssetsOf(victimPosition) - debtBefore;
        _assertNoProfitNoLoss(before, _books(victimPosition, valuation), 0, interest);
    }

    /// @dev The owner tops up during the grace period (no price needed); when prices resume the keeper that waited
    /// for the first valid block finds a healthy position.
    function testFuzz_ownerTopsUpInGrace_keeperFindsNothing(uint256 lowUsd) public {
        lowUsd = bound(lowUsd, 1800, 2500);
        _outage(lowUsd);
        sequencer.updateAnswer(0);
        // 5 more WETH: 15 * 1800 / 21,000 = 1.29 at the lowest price, above maintenance.
        vm.prank(BORROWER);
        vault.depositCollateral(victimPosition, 5e18);
        skip(GRACE);
        feed.updateAnswer(int256(lowUsd * 1e8));
        (, IOracle.PriceStatus status) = chainlink.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Primary), "prices resumed");

        uint256 ratio = vault.positionHealth(victimPosition).ratio;
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, victimPosition, ratio, 1.2e18)
        );
        engine.liquidate(victimPosition, type(uint256).max, ATTACKER, "");
    }

    /// @dev An owner who did nothing is liquidatable once the grace period is over, one tranche at a time.
    function test_afterGrace_ownerWhoDidNothingIsLiquidatedByOneTranche() public {
        _outage(2400);
        sequencer.updateAnswer(0);
        skip(GRACE);
        feed.updateAnswer(2400e8);
        uint256 debt = vault.debtAssetsOf(victimPosition);
        vm.prank(ATTACKER);
        (uint256 repaid, ) = engine.liquidate(victimPosition, type(uint256).max, ATTACKER, "");
        assertLe(repaid, debt / 4 + 1, "one capped tranche, not the whole position");
    }
}
