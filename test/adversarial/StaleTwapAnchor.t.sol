// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {ChainlinkOracle} from "../../contracts/oracles/ChainlinkOracle.sol";
import {MarkToModelOracle} from "../../contracts/oracles/MarkToModelOracle.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {UniswapV3PoolMock} from "../mocks/UniswapV3PoolMock.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack (audit issue #17, L-1): the mark-to-model fallback's band is centred on an anchor that only
/// `updatePrice()` (borrow, withdraw, liquidate) refreshes. After three quiet days in which Chainlink's ETH/USD rose
/// from 2,650 to 2,780 without any `updatePrice()`, the primary goes stale and a pool TWAP held 4.99 % under the
/// stale 2,650 anchor (9.4 % under the last valid primary price) prices a liquidation of a position at ratio 1.32 at
/// that last valid price, above the 1.2 / 0.95 = 1.2632 bound SECURITY.md promises. In the other direction an honest
/// TWAP just above 2,780 is refused, and after a quiet fall liquidations stop for the whole outage.
/// Defence: the fallback's anchor is the primary's latest answer (stale or not, here 2,780 or 2,480) on every read
/// path, and at most `MAX_ANCHOR_AGE` old. The first commit of this file asserted the attack on the code before the
/// fix (all three attack tests passed there); these tests assert the defence.
contract StaleTwapAnchorTest is AdversarialBase {
    uint256 internal constant T0 = 1_700_000_000;
    uint32 internal constant WINDOW = 30 minutes;
    uint256 internal constant MAX_DEVIATION = 0.05e18;
    uint128 internal constant MIN_LIQUIDITY = 1e18;
    uint256 internal constant MAINTENANCE = 1.2e18;
    /// @dev The mainnet parameter file's value.
    uint256 internal constant MAX_ANCHOR_AGE = 2 days;
    /// @dev The mainnet parameter file's heartbeats: ETH/USD 1 h 15 min, USDC/USD 25 h.
    uint256 internal constant ETH_HEARTBEAT = 4500;
    uint256 internal constant USDC_HEARTBEAT = 90_000;
    /// @dev Pool ticks with the collateral (18 decimals) as token0 priced in the quote (6 decimals); negated when the
    /// collateral is token1. 1.0001^-198009 * 1e12 = 2,517.73 (4.99 % under 2,650); 1.0001^-196982 * 1e12 = 2,789.75
    /// (0.35 % over 2,780); 1.0001^-198160 * 1e12 = 2,480.00.
    int24 internal constant TICK_LOW_TWAP = -198_009;
    int24 internal constant TICK_HONEST_AFTER_RISE = -196_982;
    int24 internal constant TICK_HONEST_AFTER_FALL = -198_160;

    MockV3Aggregator internal ethUsd;
    MockV3Aggregator internal usdcUsd;
    ChainlinkOracle internal chainlink;
    UniswapV3PoolMock internal uniPool;
    MarkToModelOracle internal mark;
    uint256 internal anchorMarket;
    /// @dev 10 WETH against 21,060 USDC: ratio 1.4245 at 3,000, 1.258 at 2,650, 1.32 at 2,780.
    uint256 internal victim;
    bool internal collateralIsToken0;

    function setUp() public override {
        vm.warp(T0);
        super.setUp();
        ethUsd = new MockV3Aggregator(8, 3000e8);
        usdcUsd = new MockV3Aggregator(8, 1e8);
        chainlink = new ChainlinkOracle(
            AggregatorV3Interface(address(ethUsd)),
            ETH_HEARTBEAT,
            AggregatorV3Interface(address(usdcUsd)),
            USDC_HEARTBEAT,
            18,
            6,
            AggregatorV3Interface(address(0)),
            0
        );
        uniPool = new UniswapV3PoolMock(address(collateral), address(quote));
        uniPool.setLiquidity(MIN_LIQUIDITY);
        collateralIsToken0 = uniPool.token0() == address(collateral);
        mark = new MarkToModelOracle(
            chainlink,
            IUniswapV3Pool(address(uniPool)),
            address(collateral),
            address(quote),
            WINDOW,
            MIN_LIQUIDITY,
            MAX_DEVIATION,
            MAX_ANCHOR_AGE
        );
        vm.prank(ADMIN);
        anchorMarket = vault.createMarket(IERC20(address(collateral)), pool, mark, _riskParams());
        victim = _openIn(anchorMarket, 10e18, 21_060 * USDC);
    }

    function _openIn(uint256 market, uint256 collateralAssets, uint256 debtAssets) internal returns (uint256 id) {
        collateral.mint(BORROWER, collateralAssets);
        vm.startPrank(BORROWER);
        id = vault.openPosition(market);
        vault.depositCollateral(id, collateralAssets);
        vault.borrow(id, debtAssets, BORROWER);
        vm.stopPrank();
    }

    /// @dev Makes the pool's TWAP over the window sit at `tickToken0` (as if the collateral were token0).
    function _setTwapTick(int24 tickToken0) internal {
        int56 tick = collateralIsToken0 ? int56(tickToken0) : -int56(tickToken0);
        uniPool.setTickCumulatives(0, tick * int56(uint56(WINDOW)));
    }

    /// @dev ETH/USD drops to 2,650 and someone pokes `updatePrice()`: 2,650 is recorded as the last good price. Then
    /// three quiet days: ETH/USD publishes each day's move (`lastDayUsd` on the third), USDC/USD its daily heartbeat
    /// round, and nobody borrows, withdraws or liquidates. Then ETH/USD stops: past its heartbeat the primary is
    /// invalid, its last valid price `lastDayUsd`. Returns the time of the last answers (both feeds answer then).
    function _quietDaysThenOutage(uint256 secondDayUsd, uint256 lastDayUsd) internal returns (uint256 lastAnswerAt) {
        ethUsd.updateAnswer(2650e8);
        mark.updatePrice();
        assertEq(mark.lastGoodPrice(), _price(2650), "2,650 recorded");
        vm.warp(block.timestamp + 1 days);
        ethUsd.updateAnswer(int256((2650 + secondDayUsd) / 2) * 1e8);
        usdcUsd.updateAnswer(1e8);
        vm.warp(block.timestamp + 1 days);
        ethUsd.updateAnswer(int256(secondDayUsd) * 1e8);
        usdcUsd.updateAnswer(1e8);
        vm.warp(block.timestamp + 1 days);
        ethUsd.updateAnswer(int256(lastDayUsd) * 1e8);
        usdcUsd.updateAnswer(1e8);
        lastAnswerAt = block.timestamp;
        (uint256 lastValid, IOracle.PriceStatus lastStatus) = chainlink.price();
        assertEq(uint8(lastStatus), uint8(IOracle.PriceStatus.Primary));
        assertEq(lastValid, _price(lastDayUsd), "the last valid primary price");
        vm.warp(block.timestamp + ETH_HEARTBEAT + 1);
        (, IOracle.PriceStatus primaryStatus) = chainlink.price();
        assertEq(uint8(primaryStatus), uint8(IOracle.PriceStatus.Invalid), "ETH/USD stale");
        assertEq(mark.lastGoodPrice(), _price(2650), "still the stale anchor");
    }

    /// @dev Collateral ratio of `id` at `price` (WAD).
    function _ratioAt(uint256 id, uint256 price) internal view returns (uint256) {
        return (vault.position(id).collateralAssets * price) / (vault.debtAssetsOf(id) * 1e18);
    }

    function test_fallback_refusesTwapFarFromPrimaryLatestAnswer() public {
        uint256 lastAnswerAt = _quietDaysThenOutage(2740, 2780);
        uint256 lastValid = _price(2780);
        assertGe(_ratioAt(victim, lastValid), 1.319e18, "ratio ~1.32 at the last valid primary price");
        // The anchor is the primary's latest (stale) answer, though nobody recorded it.
        (uint256 anchorPrice, uint256 anchorAt) = mark.latestAnswer();
        assertEq(anchorPrice, lastValid, "anchored at 2,780");
        assertEq(anchorAt, lastAnswerAt, "at its publication");

        _setTwapTick(TICK_LOW_TWAP); // 2,517.73: 9.4 % under the anchor
        (uint256 twapPrice, IOracle.PriceStatus status) = mark.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Invalid), "the low TWAP is refused");
        assertEq(twapPrice, 0);
        _fundAttacker(1_000_000 * USDC);
        Books memory before = _books(victim, lastValid);
        vm.prank(ATTACKER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, anchorMarket));
        engine.liquidate(victim, type(uint256).max, ATTACKER, "");
        _assertNoProfitNoLoss(before, _books(victim, lastValid), 0, 0);
    }

    function test_fallback_acceptsHonestTwapNearPrimaryLatestAnswer() public {
        _quietDaysThenOutage(2740, 2780);
        _setTwapTick(TICK_HONEST_AFTER_RISE); // 2,789.75: 0.35 % over the anchor
        (uint256 twapPrice, IOracle.PriceStatus status) = mark.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Fallback), "the honest TWAP is accepted");
        assertApproxEqRel(twapPrice, _price(2789), 0.001e18);
        (uint256 sourced, IOracle.PriceStatus sourcedStatus) = mark.updatePrice();
        assertEq(uint8(sourcedStatus), uint8(IOracle.PriceStatus.Fallback));
        assertEq(sourced, twapPrice, "updatePrice() anchors the same way");
        assertEq(mark.lastGoodPrice(), _price(2650), "a fallback price is not recorded");
        // And the victim, healthy at that price, stays untouched.
        uint256 ratio = (10e18 * twapPrice) / (vault.debtAssetsOf(victim) * 1e18);
        vm.prank(KEEPER);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, victim, ratio, MAINTENANCE)
        );
        engine.liquidate(victim, type(uint256).max, KEEPER, "");
    }

    function test_fallback_honestTwapAfterQuietFall_liquidates() public {
        // 10 WETH against 21,400 USDC: ratio 1.40 at 3,000, 1.238 at 2,650 (healthy when recorded), 1.159 at 2,480.
        uint256 risky = _openIn(anchorMarket, 10e18, 21_400 * USDC);
        _quietDaysThenOutage(2560, 2480);
        _setTwapTick(TICK_HONEST_AFTER_FALL);
        (uint256 twapPrice, IOracle.PriceStatus status) = mark.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Fallback), "the honest TWAP (2,480) is accepted");
        assertApproxEqRel(twapPrice, _price(2480), 0.0001e18);
        assertLt(_ratioAt(risky, twapPrice), MAINTENANCE);
        vm.prank(KEEPER);
        (uint256 repaid, uint256 seized) = engine.liquidate(risky, type(uint256).max, KEEPER, "");
        assertGt(repaid, 0, "liquidations go on during the outage");
        assertGt(seized, 0);
    }

    function test_fallback_refusesAnchorOlderThanMaxAnchorAge() public {
        uint256 risky = _openIn(anchorMarket, 10e18, 21_400 * USDC);
        uint256 lastAnswerAt = _quietDaysThenOutage(2560, 2480);
        _setTwapTick(TICK_HONEST_AFTER_FALL);
        // Exactly MAX_ANCHOR_AGE after the last answers: still anchored.
        vm.warp(lastAnswerAt + MAX_ANCHOR_AGE);
        (, IOracle.PriceStatus status) = mark.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Fallback), "at the maximum age");
        // One second later the fallback fails closed, on both read paths, even for an honest TWAP.
        vm.warp(lastAnswerAt + MAX_ANCHOR_AGE + 1);
        (uint256 twapPrice, IOracle.PriceStatus late) = mark.price();
        assertEq(uint8(late), uint8(IOracle.PriceStatus.Invalid), "anchor too old");
        assertEq(twapPrice, 0);
        (, late) = mark.updatePrice();
        assertEq(uint8(late), uint8(IOracle.PriceStatus.Invalid));
        vm.prank(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, anchorMarket));
        engine.liquidate(risky, type(uint256).max, KEEPER, "");
    }

    /// @dev Whatever the TWAP during the outage, a position whose ratio at the last valid primary price is above
    /// `maintenance / (1 - MAX_DEVIATION)` = 1.2632 (here 1.32) is not liquidated, although nobody recorded that price.
    function testFuzz_anyTwap_cannotLiquidateAboveTheBoundAtTheLastValidPrice(int256 tickOffset) public {
        _quietDaysThenOutage(2740, 2780);
        tickOffset = bound(tickOffset, -20_000, 20_000);
        // Tick -197,018 is 2,779.9, the last valid primary price.
        _setTwapTick(int24(-197_018 + tickOffset));
        (uint256 twapPrice, IOracle.PriceStatus status) = mark.price();
        vm.prank(KEEPER);
        if (status == IOracle.PriceStatus.Invalid) {
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, anchorMarket));
        } else {
            assertGe(twapPrice, (_price(2780) * 0.95e18) / 1e18, "within the band of the last valid price");
            uint256 ratio = (10e18 * twapPrice) / (vault.debtAssetsOf(victim) * 1e18);
            vm.expectRevert(
                abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, victim, ratio, MAINTENANCE)
            );
        }
        engine.liquidate(victim, type(uint256).max, KEEPER, "");
    }
}
