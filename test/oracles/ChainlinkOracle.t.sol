// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ChainlinkOracle} from "../../contracts/oracles/ChainlinkOracle.sol";
import {IChainlinkOracle} from "../../contracts/interfaces/IChainlinkOracle.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";

/// @notice Unit and fuzz tests for ChainlinkOracle: prices for 6/8/18-decimal tokens and 8/18-decimal feeds, every
/// validity rule, the L2 sequencer check and every constructor error.
contract ChainlinkOracleTest is Test {
    uint256 internal constant NOW = 1_700_000_000;
    uint256 internal constant HEARTBEAT = 1 hours;
    uint256 internal constant QUOTE_HEARTBEAT = 1 days;
    uint256 internal constant GRACE_PERIOD = 1 hours;
    AggregatorV3Interface internal constant NO_FEED = AggregatorV3Interface(address(0));

    MockV3Aggregator internal ethUsd;
    MockV3Aggregator internal usdcUsd;
    MockV3Aggregator internal sequencer;
    /// @dev WETH (18) priced in USDC (6) through ETH/USD and USDC/USD (8-decimal feeds) on an L2 with a sequencer.
    ChainlinkOracle internal oracle;

    function setUp() public {
        vm.warp(NOW);
        ethUsd = new MockV3Aggregator(8, 3000e8);
        usdcUsd = new MockV3Aggregator(8, 1e8);
        sequencer = new MockV3Aggregator(0, 0);
        // The sequencer has been up since well before the grace period.
        sequencer.updateRoundData(1, 0, NOW - 1 days, NOW - 1 days);
        oracle = _deploy(ethUsd, HEARTBEAT, usdcUsd, QUOTE_HEARTBEAT, 18, 6, sequencer, GRACE_PERIOD);
    }

    function _deploy(
        AggregatorV3Interface baseFeed,
        uint256 baseHeartbeat,
        AggregatorV3Interface quoteFeed,
        uint256 quoteHeartbeat,
        uint8 collateralDecimals,
        uint8 quoteDecimals,
        AggregatorV3Interface sequencerFeed,
        uint256 gracePeriod
    ) internal returns (ChainlinkOracle) {
        return
            new ChainlinkOracle(
                baseFeed,
                baseHeartbeat,
                quoteFeed,
                quoteHeartbeat,
                collateralDecimals,
                quoteDecimals,
                sequencerFeed,
                gracePeriod
            );
    }

    /// @dev Two-feed oracle without a sequencer.
    function _deploy(
        AggregatorV3Interface baseFeed,
        AggregatorV3Interface quoteFeed,
        uint8 collateralDecimals,
        uint8 quoteDecimals
    ) internal returns (ChainlinkOracle) {
        return _deploy(baseFeed, HEARTBEAT, quoteFeed, QUOTE_HEARTBEAT, collateralDecimals, quoteDecimals, NO_FEED, 0);
    }

    function _assertInvalid(IOracle o) internal {
        (uint256 p, IOracle.PriceStatus s) = o.price();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Invalid), "status");
        assertEq(p, 0, "price");
        (p, s) = o.updatePrice();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Invalid), "update status");
        assertEq(p, 0, "update price");
    }

    function _assertPrimary(IOracle o, uint256 expectedPrice) internal {
        (uint256 p, IOracle.PriceStatus s) = o.price();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Primary), "status");
        assertEq(p, expectedPrice, "price");
        (p, s) = o.updatePrice();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Primary), "update status");
        assertEq(p, expectedPrice, "update price");
    }

    // ------------------------------------------------------------------ prices

    function test_price_wethInUsdcWith8DecimalFeeds() public {
        // 1 wei of WETH = 3000 USD / 1e18 = 3000e6 / 1e18 USDC units = 3e-9; times 1e36 = 3e27.
        // SCALE_FACTOR = 10^(36 + 6 + 8 - 18 - 8) = 1e24; 3000e8 * 1e24 / 1e8 = 3e27.
        assertEq(oracle.SCALE_FACTOR(), 1e24);
        _assertPrimary(oracle, 3e27);
    }

    function test_price_wbtcInUsdcWith8DecimalFeedsRoundsDown() public {
        MockV3Aggregator btcUsd = new MockV3Aggregator(8, 60_000e8);
        MockV3Aggregator usdcDepegged = new MockV3Aggregator(8, 0.9998e8);
        ChainlinkOracle o = _deploy(btcUsd, usdcDepegged, 8, 6);
        // 1 sat = 60,000 / 1e8 USD = 6e-4 USD = 6e-4 / 0.9998 USDC = 600.120024004800960192... USDC units.
        // SCALE_FACTOR = 10^(36 + 6 + 8 - 8 - 8) = 1e34; 60,000e8 * 1e34 / 99,980,000, floored.
        assertEq(o.SCALE_FACTOR(), 1e34);
        _assertPrimary(o, 600_120_024_004_800_960_192_038_407_681_536_307_261);
    }

    function test_price_wethInDaiWith18And8DecimalFeeds() public {
        MockV3Aggregator ethUsd18 = new MockV3Aggregator(18, 3000e18);
        MockV3Aggregator daiUsd = new MockV3Aggregator(8, 1.0001e8);
        ChainlinkOracle o = _deploy(ethUsd18, daiUsd, 18, 18);
        // 1 wei of WETH = 3000 / 1.0001 DAI wei = 2999.70002999700029997...; times 1e36.
        // SCALE_FACTOR = 10^(36 + 18 + 8 - 18 - 18) = 1e26; 3000e18 * 1e26 / 100,010,000, floored.
        assertEq(o.SCALE_FACTOR(), 1e26);
        _assertPrimary(o, 2_999_700_029_997_000_299_970_002_999_700_029_997_000);
    }

    function test_price_usdcInWethSixDecimalCollateralEighteenDecimalQuote() public {
        MockV3Aggregator ethUsd2500 = new MockV3Aggregator(8, 2500e8);
        ChainlinkOracle o = _deploy(usdcUsd, ethUsd2500, 6, 18);
        // 1 USDC unit = 1e-6 USD = 4e-10 ETH = 4e8 wei; times 1e36 = 4e44.
        // SCALE_FACTOR = 10^(36 + 18 + 8 - 6 - 8) = 1e48; 1e8 * 1e48 / 2500e8 = 4e44.
        assertEq(o.SCALE_FACTOR(), 1e48);
        _assertPrimary(o, 4e44);
    }

    function test_price_directFeed() public {
        // A stETH/ETH feed (18 decimals) pricing stETH (18) in WETH (18): 1 stETH = 0.999 WETH.
        MockV3Aggregator stethEth = new MockV3Aggregator(18, 0.999e18);
        ChainlinkOracle o = _deploy(stethEth, HEARTBEAT, NO_FEED, 0, 18, 18, NO_FEED, 0);
        // SCALE_FACTOR = 10^(36 + 18 + 0 - 18 - 18) = 1e18; 0.999e18 * 1e18 = 0.999e36.
        assertEq(o.SCALE_FACTOR(), 1e18);
        _assertPrimary(o, 0.999e36);
    }

    function test_price_directFeedEightDecimalsInSixDecimalQuote() public {
        // A WBTC/USDC-style direct feed (8 decimals): 1 WBTC (8) = 60,000 USDC (6) -> 1 sat = 600 USDC units.
        MockV3Aggregator btcUsdc = new MockV3Aggregator(8, 60_000e8);
        ChainlinkOracle o = _deploy(btcUsdc, HEARTBEAT, NO_FEED, 0, 8, 6, NO_FEED, 0);
        // SCALE_FACTOR = 10^(36 + 6 + 0 - 8 - 8) = 1e26; 60,000e8 * 1e26 = 6e38.
        assertEq(o.SCALE_FACTOR(), 1e26);
        _assertPrimary(o, 600e36);
    }

    function test_price_validWithoutSequencerFeed() public {
        ChainlinkOracle o = _deploy(ethUsd, usdcUsd, 18, 6);
        _assertPrimary(o, 3e27);
    }

    // ------------------------------------------------------------------ staleness and bad answers

    function test_price_validAtExactlyTheHeartbeat() public {
        vm.warp(NOW + HEARTBEAT);
        // The quote feed has a longer heartbeat, so only the base feed is at its limit.
        _assertPrimary(oracle, 3e27);
    }

    function test_price_invalidWhenStale() public {
        vm.warp(NOW + HEARTBEAT + 1);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenQuoteFeedStale() public {
        vm.warp(NOW + QUOTE_HEARTBEAT);
        ethUsd.updateAnswer(3000e8); // the base feed is fresh
        _assertPrimary(oracle, 3e27);
        vm.warp(NOW + QUOTE_HEARTBEAT + 1);
        ethUsd.updateAnswer(3000e8);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenZero() public {
        ethUsd.updateAnswer(0);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenNegative() public {
        ethUsd.updateAnswer(-1);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenQuoteAnswerZero() public {
        usdcUsd.updateAnswer(0);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenUpdatedInTheFuture() public {
        ethUsd.updateRoundData(2, 3000e8, NOW + 1, NOW);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenUpdatedAtIsZero() public {
        ethUsd.updateRoundData(2, 3000e8, 0, 0);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenRoundIncomplete() public {
        // answeredInRound (4) < roundId (5): the answer was carried over from an earlier round.
        vm.mockCall(
            address(ethUsd),
            abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector),
            abi.encode(uint80(5), int256(3000e8), NOW, NOW, uint80(4))
        );
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenFeedReverts() public {
        vm.mockCallRevert(
            address(ethUsd),
            abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector),
            "feed down"
        );
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenQuoteFeedReverts() public {
        vm.mockCallRevert(address(usdcUsd), abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector), "");
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenPriceDoesNotFitIn256Bits() public {
        // SCALE_FACTOR = 10^(36 + 18 + 18 - 0 - 8) = 1e64; an answer of 1e20 with a quote answer of 1 gives 1e84.
        MockV3Aggregator huge = new MockV3Aggregator(8, 1e20);
        MockV3Aggregator tiny = new MockV3Aggregator(18, 1);
        ChainlinkOracle o = _deploy(huge, tiny, 0, 18);
        assertEq(o.SCALE_FACTOR(), 1e64);
        _assertInvalid(o);
        // The boundary: the high half of 1e84 (over 2^256) is 8,636,168. Divided by exactly that, the quotient is
        // 2^256 or more: invalid. Divided by one more, it fits: 1e84 / 8,636,169, floored, just below 2^256.
        tiny.updateAnswer(8_636_168);
        _assertInvalid(o);
        tiny.updateAnswer(8_636_169);
        _assertPrimary(
            o,
            115_792_083_272_108_269_303_206_085_939_263_115_392_947_961_069_312_098_917_934_561_030_475_434_188_469
        );
        // The same product over a larger divisor fits: 1e84 / 1e10 = 1e74 (computed in 512 bits).
        tiny.updateAnswer(1e10);
        _assertPrimary(o, 1e74);
        // A small product fits directly: 1e8 * 1e64 / 1 = 1e72.
        huge.updateAnswer(1e8);
        tiny.updateAnswer(1);
        _assertPrimary(o, 1e72);
    }

    // ------------------------------------------------------------------ sequencer

    function test_price_invalidWhenSequencerDown() public {
        sequencer.updateRoundData(2, 1, NOW - 10 minutes, NOW - 10 minutes);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenSequencerJustRestarted() public {
        // Down, then back up 10 minutes ago: inside the 1-hour grace period.
        sequencer.updateRoundData(3, 0, NOW - 10 minutes, NOW - 10 minutes);
        _assertInvalid(oracle);
        // One second before the end of the grace period, still invalid.
        vm.warp(NOW - 10 minutes + GRACE_PERIOD - 1);
        ethUsd.updateAnswer(3000e8);
        usdcUsd.updateAnswer(1e8);
        _assertInvalid(oracle);
    }

    function test_price_validWhenSequencerUpForTheGracePeriod() public {
        sequencer.updateRoundData(3, 0, NOW - 10 minutes, NOW - 10 minutes);
        vm.warp(NOW - 10 minutes + GRACE_PERIOD);
        ethUsd.updateAnswer(3000e8);
        usdcUsd.updateAnswer(1e8);
        _assertPrimary(oracle, 3e27);
    }

    function test_price_validAfterTheGracePeriod() public {
        sequencer.updateRoundData(3, 0, NOW - 2 hours, NOW - 2 hours);
        _assertPrimary(oracle, 3e27);
    }

    function test_price_invalidWhenSequencerStartedAtIsZero() public {
        sequencer.updateRoundData(2, 0, NOW, 0);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenSequencerStartedInTheFuture() public {
        sequencer.updateRoundData(2, 0, NOW, NOW + 1);
        _assertInvalid(oracle);
    }

    function test_price_invalidWhenSequencerFeedReverts() public {
        vm.mockCallRevert(
            address(sequencer),
            abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector),
            ""
        );
        _assertInvalid(oracle);
    }

    // ------------------------------------------------------------------ lastOutage

    function _assertOutage(ChainlinkOracle o, uint256 downAt, uint256 resumedAt) internal view {
        (uint256 d, uint256 r) = o.lastOutage();
        assertEq(d, downAt, "downAt");
        assertEq(r, resumedAt, "resumedAt");
    }

    function test_lastOutage_noneWithoutSequencerFeed() public {
        _assertOutage(_deploy(ethUsd, usdcUsd, 18, 6), 0, 0);
    }

    function test_lastOutage_downSinceStartedAtAndNotResumed() public {
        sequencer.updateRoundData(2, 1, NOW - 10 minutes, NOW - 10 minutes);
        _assertOutage(oracle, NOW - 10 minutes, type(uint256).max);
    }

    function test_lastOutage_restartedReportsDownTimeAndRestartPlusGrace() public {
        sequencer.updateRoundData(2, 1, NOW - 3 hours, NOW - 3 hours);
        sequencer.updateRoundData(3, 0, NOW - 10 minutes, NOW - 10 minutes);
        // Still in the grace period: the resumption lies in the future.
        _assertOutage(oracle, NOW - 3 hours, NOW - 10 minutes + GRACE_PERIOD);
        vm.warp(NOW + 2 hours);
        _assertOutage(oracle, NOW - 3 hours, NOW - 10 minutes + GRACE_PERIOD);
    }

    function test_lastOutage_unknownStartWhenPreviousRoundIsNotDown() public {
        // setUp's round 1 is "up": no outage start to report, only the restart of round 2.
        sequencer.updateRoundData(2, 0, NOW - 10 minutes, NOW - 10 minutes);
        _assertOutage(oracle, 0, NOW - 10 minutes + GRACE_PERIOD);
        // Round 1 is the first: there is no round before it (round 0 reads as empty).
        sequencer.updateRoundData(1, 0, NOW - 1 days, NOW - 1 days);
        _assertOutage(oracle, 0, NOW - 1 days + GRACE_PERIOD);
    }

    function test_lastOutage_unknownStartWhenPreviousRoundReverts() public {
        sequencer.updateRoundData(2, 1, NOW - 3 hours, NOW - 3 hours);
        sequencer.updateRoundData(3, 0, NOW - 10 minutes, NOW - 10 minutes);
        vm.mockCallRevert(address(sequencer), abi.encodeWithSelector(AggregatorV3Interface.getRoundData.selector), "");
        _assertOutage(oracle, 0, NOW - 10 minutes + GRACE_PERIOD);
    }

    function test_lastOutage_previousDownRoundAfterTheRestartIsIgnored() public {
        // A malformed feed whose "down" round starts after the "up" round it precedes: the start is not trusted.
        sequencer.updateRoundData(2, 1, NOW - 5 minutes, NOW - 5 minutes);
        sequencer.updateRoundData(3, 0, NOW - 10 minutes, NOW - 10 minutes);
        _assertOutage(oracle, 0, NOW - 10 minutes + GRACE_PERIOD);
    }

    function test_lastOutage_notResumedWhenStatusUnknown() public {
        sequencer.updateRoundData(2, 0, NOW, 0);
        _assertOutage(oracle, 0, type(uint256).max);
        sequencer.updateRoundData(2, 0, NOW, NOW + 1);
        _assertOutage(oracle, 0, type(uint256).max);
        vm.mockCallRevert(
            address(sequencer),
            abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector),
            ""
        );
        _assertOutage(oracle, 0, type(uint256).max);
    }

    // ------------------------------------------------------------------ configuration

    function test_constructor_storesConfiguration() public view {
        assertEq(address(oracle.BASE_FEED()), address(ethUsd));
        assertEq(oracle.BASE_FEED_HEARTBEAT(), HEARTBEAT);
        assertEq(address(oracle.QUOTE_FEED()), address(usdcUsd));
        assertEq(oracle.QUOTE_FEED_HEARTBEAT(), QUOTE_HEARTBEAT);
        assertEq(oracle.COLLATERAL_DECIMALS(), 18);
        assertEq(oracle.QUOTE_DECIMALS(), 6);
        assertEq(address(oracle.SEQUENCER_UPTIME_FEED()), address(sequencer));
        assertEq(oracle.SEQUENCER_GRACE_PERIOD(), GRACE_PERIOD);
        assertEq(oracle.SCALE_FACTOR(), 1e24);
        assertEq(oracle.MAX_DECIMALS(), 18);
    }

    function test_constructor_scaleFactorExtremes() public {
        MockV3Aggregator feed0 = new MockV3Aggregator(0, 1);
        MockV3Aggregator feed18 = new MockV3Aggregator(18, 1);
        // Smallest exponent: 36 + 0 + 0 - 18 - 18 = 0.
        assertEq(_deploy(feed18, HEARTBEAT, NO_FEED, 0, 18, 0, NO_FEED, 0).SCALE_FACTOR(), 1);
        // Largest exponent: 36 + 18 + 18 - 0 - 0 = 72.
        assertEq(_deploy(feed0, feed18, 0, 18).SCALE_FACTOR(), 1e72);
    }

    function test_constructor_revertsOnZeroBaseFeed() public {
        vm.expectRevert(IChainlinkOracle.ZeroBaseFeed.selector);
        _deploy(NO_FEED, usdcUsd, 18, 6);
    }

    function test_constructor_revertsOnZeroBaseHeartbeat() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.ZeroHeartbeat.selector, address(ethUsd)));
        _deploy(ethUsd, 0, usdcUsd, QUOTE_HEARTBEAT, 18, 6, NO_FEED, 0);
    }

    function test_constructor_revertsOnZeroQuoteHeartbeat() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.ZeroHeartbeat.selector, address(usdcUsd)));
        _deploy(ethUsd, HEARTBEAT, usdcUsd, 0, 18, 6, NO_FEED, 0);
    }

    function test_constructor_revertsOnQuoteHeartbeatWithoutQuoteFeed() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.HeartbeatWithoutFeed.selector, QUOTE_HEARTBEAT));
        _deploy(ethUsd, HEARTBEAT, NO_FEED, QUOTE_HEARTBEAT, 18, 6, NO_FEED, 0);
    }

    function test_constructor_revertsOnSameBaseAndQuoteFeed() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.SameBaseAndQuoteFeed.selector, address(ethUsd)));
        _deploy(ethUsd, ethUsd, 18, 6);
    }

    function test_constructor_revertsOnCollateralDecimalsAbove18() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.TokenDecimalsTooHigh.selector, uint8(19), uint8(18)));
        _deploy(ethUsd, usdcUsd, 19, 6);
    }

    function test_constructor_revertsOnQuoteDecimalsAbove18() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.TokenDecimalsTooHigh.selector, uint8(24), uint8(18)));
        _deploy(ethUsd, usdcUsd, 18, 24);
    }

    function test_constructor_revertsOnBaseFeedDecimalsAbove18() public {
        MockV3Aggregator feed19 = new MockV3Aggregator(19, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IChainlinkOracle.FeedDecimalsTooHigh.selector, address(feed19), uint8(19), 18)
        );
        _deploy(feed19, usdcUsd, 18, 6);
    }

    function test_constructor_revertsOnQuoteFeedDecimalsAbove18() public {
        MockV3Aggregator feed20 = new MockV3Aggregator(20, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IChainlinkOracle.FeedDecimalsTooHigh.selector, address(feed20), uint8(20), 18)
        );
        _deploy(ethUsd, feed20, 18, 6);
    }

    function test_constructor_revertsOnSequencerWithoutGracePeriod() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.ZeroGracePeriod.selector, address(sequencer)));
        _deploy(ethUsd, HEARTBEAT, usdcUsd, QUOTE_HEARTBEAT, 18, 6, sequencer, 0);
    }

    function test_constructor_revertsOnGracePeriodWithoutSequencer() public {
        vm.expectRevert(abi.encodeWithSelector(IChainlinkOracle.GracePeriodWithoutSequencer.selector, GRACE_PERIOD));
        _deploy(ethUsd, HEARTBEAT, usdcUsd, QUOTE_HEARTBEAT, 18, 6, NO_FEED, GRACE_PERIOD);
    }

    // ------------------------------------------------------------------ fuzz

    /// @notice For any token and feed decimals in [0, 18], a collateral token worth `collateralUsd` USD and a quote
    /// token worth `quoteUsd` USD, the price is the exact number of quote units per collateral unit,
    /// `collateralUsd / quoteUsd * 10^quoteDecimals / 10^collateralDecimals`, times 1e36, floored: the decimals of
    /// the feeds cancel out and the token decimals go the right way.
    function testFuzz_price_scaleCorrectAcrossDecimals(
        uint8 collateralDecimals,
        uint8 quoteDecimals,
        uint8 baseFeedDecimals,
        uint8 quoteFeedDecimals,
        uint256 collateralUsd,
        uint256 quoteUsd
    ) public {
        collateralDecimals = uint8(bound(collateralDecimals, 0, 18));
        quoteDecimals = uint8(bound(quoteDecimals, 0, 18));
        baseFeedDecimals = uint8(bound(baseFeedDecimals, 0, 18));
        quoteFeedDecimals = uint8(bound(quoteFeedDecimals, 0, 18));
        collateralUsd = bound(collateralUsd, 1, 1e12); // whole USD per collateral token
        quoteUsd = bound(quoteUsd, 1, 1e6); // whole USD per quote token

        MockV3Aggregator baseFeed = new MockV3Aggregator(
            baseFeedDecimals,
            int256(collateralUsd * 10 ** baseFeedDecimals)
        );
        MockV3Aggregator quoteFeed = new MockV3Aggregator(
            quoteFeedDecimals,
            int256(quoteUsd * 10 ** quoteFeedDecimals)
        );
        ChainlinkOracle o = _deploy(baseFeed, quoteFeed, collateralDecimals, quoteDecimals);

        uint256 expected = Math.mulDiv(collateralUsd * 10 ** quoteDecimals, 1e36, quoteUsd * 10 ** collateralDecimals);
        _assertPrimary(o, expected);

        // Sanity in the protocol's own terms: one whole collateral token is worth collateralUsd / quoteUsd whole
        // quote tokens, in quote units, rounded down (twice at most one unit off).
        uint256 valueOfOneToken = Math.mulDiv(10 ** collateralDecimals, expected, 1e36);
        uint256 exactValue = (collateralUsd * 10 ** quoteDecimals) / quoteUsd;
        assertLe(valueOfOneToken, exactValue);
        assertGe(valueOfOneToken + 1, exactValue);
    }

    /// @notice A direct feed prices one collateral unit at `answer / 10^feedDecimals * 10^quoteDecimals /
    /// 10^collateralDecimals` quote units, times 1e36, for any decimals in [0, 18].
    function testFuzz_price_directFeedScaleCorrectAcrossDecimals(
        uint8 collateralDecimals,
        uint8 quoteDecimals,
        uint8 feedDecimals,
        uint256 quotePerCollateral
    ) public {
        collateralDecimals = uint8(bound(collateralDecimals, 0, 18));
        quoteDecimals = uint8(bound(quoteDecimals, 0, 18));
        feedDecimals = uint8(bound(feedDecimals, 0, 18));
        quotePerCollateral = bound(quotePerCollateral, 1, 1e12);

        MockV3Aggregator feed = new MockV3Aggregator(feedDecimals, int256(quotePerCollateral * 10 ** feedDecimals));
        ChainlinkOracle o = _deploy(feed, HEARTBEAT, NO_FEED, 0, collateralDecimals, quoteDecimals, NO_FEED, 0);

        _assertPrimary(o, Math.mulDiv(quotePerCollateral * 10 ** quoteDecimals, 1e36, 10 ** collateralDecimals));
    }

    // ------------------------------------------------------------------ latest answer (the fallback's anchor)

    function test_latestAnswer_freshAnswerWithTheOlderFeedsTime() public {
        vm.warp(NOW + 10 minutes);
        ethUsd.updateAnswer(3100e8);
        (uint256 p, uint256 updatedAt) = oracle.latestAnswer();
        assertEq(p, 3100e24, "the price of price()");
        (uint256 current, ) = oracle.price();
        assertEq(p, current);
        assertEq(updatedAt, NOW, "USDC/USD's answer (NOW) is older than ETH/USD's (NOW + 10 min)");
        usdcUsd.updateAnswer(1e8);
        (, updatedAt) = oracle.latestAnswer();
        assertEq(updatedAt, NOW + 10 minutes, "both at NOW + 10 min");
    }

    function test_latestAnswer_staleAnswerStillReturnedWithItsTime() public {
        ethUsd.updateAnswer(2780e8);
        vm.warp(NOW + 3 days);
        _assertInvalid(oracle);
        (uint256 p, uint256 updatedAt) = oracle.latestAnswer();
        assertEq(p, 2780e24);
        assertEq(updatedAt, NOW);
    }

    function test_latestAnswer_ignoresTheSequencer() public {
        sequencer.updateRoundData(2, 1, NOW - 10 minutes, NOW - 10 minutes);
        _assertInvalid(oracle);
        (uint256 p, uint256 updatedAt) = oracle.latestAnswer();
        assertEq(p, 3e27);
        assertEq(updatedAt, NOW);
    }

    function test_latestAnswer_directFeed() public {
        MockV3Aggregator ethUsdc = new MockV3Aggregator(8, 2999e8);
        ChainlinkOracle o = _deploy(ethUsdc, HEARTBEAT, NO_FEED, 0, 18, 6, NO_FEED, 0);
        vm.warp(NOW + 1 days);
        (uint256 p, uint256 updatedAt) = o.latestAnswer();
        assertEq(p, 2999e24);
        assertEq(updatedAt, NOW);
    }

    function _assertNoLatestAnswer(IOracle o) internal view {
        (uint256 p, uint256 updatedAt) = o.latestAnswer();
        assertEq(p, 0, "no price");
        assertEq(updatedAt, 0, "no time");
    }

    function test_latestAnswer_noneWhenNegativeOrZero() public {
        ethUsd.updateAnswer(-1);
        _assertNoLatestAnswer(oracle);
        ethUsd.updateAnswer(0);
        _assertNoLatestAnswer(oracle);
        ethUsd.updateAnswer(3000e8);
        usdcUsd.updateAnswer(-1);
        _assertNoLatestAnswer(oracle);
    }

    function test_latestAnswer_noneWhenFromTheFutureOrUndated() public {
        ethUsd.updateRoundData(2, 3000e8, NOW + 1, NOW);
        _assertNoLatestAnswer(oracle);
        ethUsd.updateRoundData(3, 3000e8, 0, 0);
        _assertNoLatestAnswer(oracle);
    }

    function test_latestAnswer_noneWhenRoundIncomplete() public {
        vm.mockCall(
            address(ethUsd),
            abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector),
            abi.encode(uint80(5), int256(3000e8), NOW, NOW, uint80(4))
        );
        _assertNoLatestAnswer(oracle);
    }

    function test_latestAnswer_noneWhenAFeedReverts() public {
        vm.mockCallRevert(address(ethUsd), abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector), "");
        _assertNoLatestAnswer(oracle);
        vm.clearMockedCalls();
        vm.mockCallRevert(address(usdcUsd), abi.encodeWithSelector(AggregatorV3Interface.latestRoundData.selector), "");
        _assertNoLatestAnswer(oracle);
    }

    function test_latestAnswer_noneWhenThePriceDoesNotFit() public {
        MockV3Aggregator huge = new MockV3Aggregator(8, 1e20);
        MockV3Aggregator tiny = new MockV3Aggregator(18, 8_636_168);
        ChainlinkOracle o = _deploy(huge, tiny, 0, 18);
        _assertNoLatestAnswer(o);
        tiny.updateAnswer(1e10);
        (uint256 p, ) = o.latestAnswer();
        assertEq(p, 1e74);
    }
}
