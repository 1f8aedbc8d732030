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

/// @notice Attack: acting on a bad Chainlink answer. A keeper liquidating on a stale, zero, negative or
/// future-dated price (say, a stale low price after the market recovered), or a borrower borrowing / withdrawing
/// against a stale high price. A second market priced by the real `ChainlinkOracle` (ETH/USD, 8 decimals, 1 hour
/// heartbeat): every such price is invalid, so liquidation, borrowing and withdrawal refuse it and move nothing,
/// while repayment and top-up (which need no price) still work.
contract OracleStaleZeroNegativeTest is AdversarialBase {
    uint256 internal constant HEARTBEAT = 1 hours;

    MockV3Aggregator internal feed;
    ChainlinkOracle internal chainlink;
    uint256 internal feedMarket;
    uint256 internal victimPosition;
    uint256 internal attackerPosition;

    function setUp() public override {
        super.setUp();
        vm.warp(1_700_000_000);
        feed = new MockV3Aggregator(8, 3000e8);
        chainlink = new ChainlinkOracle(
            AggregatorV3Interface(address(feed)),
            HEARTBEAT,
            AggregatorV3Interface(address(0)),
            0,
            18,
            6,
            AggregatorV3Interface(address(0)),
            0
        );
        vm.prank(ADMIN);
        feedMarket = vault.createMarket(IERC20(address(collateral)), pool, chainlink, _riskParams());
        victimPosition = _openIn(BORROWER, 10e18, 21_000 * USDC); // ratio 1.43 at 3000
        collateral.mint(ATTACKER, 10e18);
        attackerPosition = _openIn(ATTACKER, 10e18, 20_000 * USDC); // ratio 1.5 at 3000
        _fundAttacker(1_000_000 * USDC);
    }

    function _openIn(address owner, uint256 collateralAssets, uint256 debtAssets) internal returns (uint256 id) {
        if (owner == BORROWER) collateral.mint(BORROWER, collateralAssets);
        vm.startPrank(owner);
        id = vault.openPosition(feedMarket);
        vault.depositCollateral(id, collateralAssets);
        vault.borrow(id, debtAssets, owner);
        vm.stopPrank();
    }

    /// @dev Every attack path on the current (bad) price: the keeper's liquidation and the borrower's borrow and
    /// withdrawal all revert, nothing moves, and the honest owner can still repay and top up.
    function _assertBadPriceRefused() internal {
        (, IOracle.PriceStatus status) = chainlink.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Invalid), "price invalid");
        uint256 valuation = PRICE_3000;
        Books memory before = _books(victimPosition, valuation);

        vm.prank(ATTACKER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, feedMarket));
        engine.liquidate(victimPosition, type(uint256).max, ATTACKER, "");
        vm.startPrank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.NoValidPrimaryPrice.selector, feedMarket, IOracle.PriceStatus.Invalid)
        );
        vault.borrow(attackerPosition, 1_000 * USDC, ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginVault.NoValidPrimaryPrice.selector, feedMarket, IOracle.PriceStatus.Invalid)
        );
        vault.withdrawCollateral(attackerPosition, 1e18, ATTACKER);
        vm.stopPrank();
        _assertNoProfitNoLoss(before, _books(victimPosition, valuation), 0, 0);

        quote.mint(BORROWER, 1_000 * USDC);
        collateral.mint(BORROWER, 1e18);
        vm.startPrank(BORROWER);
        vault.repay(victimPosition, 1_000 * USDC);
        vault.depositCollateral(victimPosition, 1e18);
        vm.stopPrank();
    }

    /// @dev A low answer that has gone stale (the market recovered, the feed stopped): refused.
    function testFuzz_staleLowPrice_isRefused(uint256 age, uint256 lowUsd) public {
        age = bound(age, HEARTBEAT + 1, 30 days);
        lowUsd = bound(lowUsd, 1, 2999);
        feed.updateAnswer(int256(lowUsd * 1e8));
        skip(age);
        _assertBadPriceRefused();
    }

    function testFuzz_zeroOrNegativeAnswer_isRefused(int256 answer) public {
        answer = bound(answer, type(int256).min, 0);
        feed.updateAnswer(answer);
        _assertBadPriceRefused();
    }

    /// @dev A round dated in the future (a faulty or malicious feed) is not fresh, it is invalid.
    function testFuzz_futureDatedAnswer_isRefused(uint256 ahead) public {
        ahead = bound(ahead, 1, 365 days);
        feed.updateRoundData(2, 1000e8, block.timestamp + ahead, block.timestamp);
        _assertBadPriceRefused();
    }

    /// @dev A round answered in an earlier round (carried-over answer) is invalid.
    function test_carriedOverAnswer_isRefused() public {
        vm.mockCall(
            address(feed),
            abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector),
            abi.encode(uint80(5), int256(1000e8), block.timestamp, block.timestamp, uint80(4))
        );
        _assertBadPriceRefused();
    }

    /// @dev A reverting feed (deprecated or paused aggregator) is invalid, not a revert that would hide a bug.
    function test_revertingFeed_isRefused() public {
        vm.mockCallRevert(address(feed), abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector), "");
        _assertBadPriceRefused();
    }

    /// @dev Just inside the heartbeat the price is valid again and a real shortfall is liquidatable.
    function test_freshLowPrice_isLiquidatable() public {
        feed.updateAnswer(2300e8);
        skip(HEARTBEAT);
        vm.prank(ATTACKER);
        (uint256 repaid, ) = engine.liquidate(victimPosition, type(uint256).max, ATTACKER, "");
        assertGt(repaid, 0);
    }
}
