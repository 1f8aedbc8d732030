// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {MarkToModelOracle} from "../../contracts/oracles/MarkToModelOracle.sol";
import {IMarkToModelOracle} from "../../contracts/interfaces/IMarkToModelOracle.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {MockOracle} from "../mocks/MockOracle.sol";
import {UniswapV3PoolMock} from "../mocks/UniswapV3PoolMock.sol";

/// @notice Unit and fuzz tests for MarkToModelOracle against a primary-oracle double and a pool double: which source
/// prices in each state, what is recorded and emitted, the TWAP conversion for both token orders, and every
/// constructor error.
contract MarkToModelOracleTest is Test {
    uint256 internal constant NOW = 1_700_000_000;
    uint32 internal constant WINDOW = 30 minutes;
    uint128 internal constant MIN_LIQUIDITY = 1e18;
    uint256 internal constant MAX_DEVIATION = 0.05e18; // 5 %
    uint256 internal constant MAX_ANCHOR_AGE = 1 days;

    /// @dev Lower address, so the pool's token0; the collateral in `oracle0`, the quote in `oracle1`.
    address internal constant TOKEN_LOW = address(0x1000);
    /// @dev Higher address, so the pool's token1.
    address internal constant TOKEN_HIGH = address(0x2000);

    /// @dev WETH (18 decimals) as token0 priced in USDC (6) as token1, ~3000 USDC per WETH: pool tick -196,257.
    /// Exactly, 1.0001^-196257 * 1e36 = 2,999,804,309,975,331,015,275,944,613.90... (80 digits, off-chain);
    /// TickMath's Q64.96 square root carries a relative error of ~1e-25, so the oracle's value is `TWAP_TOKEN0`.
    int24 internal constant TICK_TOKEN0 = -196_257;
    uint256 internal constant EXACT_TOKEN0 = 2_999_804_309_975_331_015_275_944_613;
    uint256 internal constant TWAP_TOKEN0 = 2_999_804_309_975_331_015_275_945_380;
    /// @dev WETH as token1 priced in USDC as token0: pool tick 196,256 (WETH units per USDC unit).
    /// Exactly, 1e36 / 1.0001^196256 = 3,000,104,290,406,328,548,377,472,208.37...; the oracle floors the same integer.
    int24 internal constant TICK_TOKEN1 = 196_256;
    uint256 internal constant EXACT_TOKEN1 = 3_000_104_290_406_328_548_377_472_208;
    uint256 internal constant TWAP_TOKEN1 = 3_000_104_290_406_328_548_377_472_208;
    /// @dev 3000 USDC per WETH as a 1e36-scaled price of one wei.
    uint256 internal constant PRICE_3000 = 3e27;

    MockOracle internal primary;
    UniswapV3PoolMock internal pool;
    /// @dev Collateral is token0.
    MarkToModelOracle internal oracle0;
    /// @dev Collateral is token1 (same pool, roles swapped).
    MarkToModelOracle internal oracle1;

    function setUp() public {
        vm.warp(NOW);
        primary = new MockOracle(0);
        pool = new UniswapV3PoolMock(TOKEN_LOW, TOKEN_HIGH);
        pool.setLiquidity(MIN_LIQUIDITY);
        oracle0 = _deploy(TOKEN_LOW, TOKEN_HIGH);
        oracle1 = _deploy(TOKEN_HIGH, TOKEN_LOW);
    }

    function _deploy(address collateralToken, address quoteToken) internal returns (MarkToModelOracle) {
        return
            new MarkToModelOracle(
                primary,
                IUniswapV3Pool(address(pool)),
                collateralToken,
                quoteToken,
                WINDOW,
                MIN_LIQUIDITY,
                MAX_DEVIATION,
                MAX_ANCHOR_AGE
            );
    }

    /// @dev Makes the pool's TWAP over `WINDOW` sit at `tick`.
    function _setMeanTick(int24 tick) internal {
        pool.setTickCumulatives(1_000_000, 1_000_000 + int56(tick) * int56(uint56(WINDOW)));
    }

    /// @dev Records `anchorPrice` as the last good primary price of `o`, then makes the primary invalid.
    function _recordThenFailPrimary(MarkToModelOracle o, uint256 anchorPrice) internal {
        primary.set(anchorPrice, IOracle.PriceStatus.Primary);
        o.updatePrice();
        primary.set(0, IOracle.PriceStatus.Invalid);
    }

    function _assertStatus(MarkToModelOracle o, IOracle.PriceStatus expectedStatus, uint256 expectedPrice) internal {
        (uint256 p, IOracle.PriceStatus s) = o.price();
        assertEq(uint8(s), uint8(expectedStatus), "price() status");
        assertEq(p, expectedPrice, "price() price");
        vm.expectEmit(true, false, false, true, address(o));
        emit IMarkToModelOracle.PriceSourced(expectedStatus, expectedPrice);
        (p, s) = o.updatePrice();
        assertEq(uint8(s), uint8(expectedStatus), "updatePrice() status");
        assertEq(p, expectedPrice, "updatePrice() price");
    }

    // ------------------------------------------------------------------ primary

    function test_updatePrice_primaryValidReturnsPrimaryAndRecords() public {
        primary.set(PRICE_3000, IOracle.PriceStatus.Primary);
        vm.expectEmit(true, false, false, true, address(oracle0));
        emit IMarkToModelOracle.PriceSourced(IOracle.PriceStatus.Primary, PRICE_3000);
        (uint256 p, IOracle.PriceStatus s) = oracle0.updatePrice();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Primary));
        assertEq(p, PRICE_3000);
        assertEq(oracle0.lastGoodPrice(), PRICE_3000);
        assertEq(oracle0.lastGoodPriceAt(), NOW);
        assertEq(primary.updateCount(), 1, "forwards updatePrice to the primary");

        // A later good price replaces it, with its time.
        vm.warp(NOW + 1 hours);
        primary.set(3100e24, IOracle.PriceStatus.Primary);
        oracle0.updatePrice();
        assertEq(oracle0.lastGoodPrice(), 3100e24);
        assertEq(oracle0.lastGoodPriceAt(), NOW + 1 hours);
    }

    function test_price_primaryValidIsViewAndRecordsNothing() public {
        primary.set(PRICE_3000, IOracle.PriceStatus.Primary);
        (uint256 p, IOracle.PriceStatus s) = oracle0.price();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Primary));
        assertEq(p, PRICE_3000);
        assertEq(oracle0.lastGoodPrice(), 0);
        assertEq(oracle0.lastGoodPriceAt(), 0);
        assertEq(primary.updateCount(), 0);
    }

    function test_updatePrice_primaryPreferredOverTwapEvenFarFromIt() public {
        _setMeanTick(0); // TWAP 1e36, far from the primary
        primary.set(PRICE_3000, IOracle.PriceStatus.Primary);
        _assertStatus(oracle0, IOracle.PriceStatus.Primary, PRICE_3000);
    }

    // ------------------------------------------------------------------ fallback

    function test_updatePrice_fallbackWhenPrimaryInvalidAndTwapOk() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        // The fallback price is not recorded as a good primary price.
        assertEq(oracle0.lastGoodPrice(), PRICE_3000);
        assertEq(oracle0.lastGoodPriceAt(), NOW);
    }

    function test_updatePrice_noFallbackDuringSequencerOutageOrItsGracePeriod() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        primary.setOutage(NOW - 1 hours, type(uint256).max); // down
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        primary.setOutage(NOW - 1 hours, NOW + 30 minutes); // restarted, in its grace period
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        (uint256 downAt, uint256 resumedAt) = oracle0.lastOutage();
        assertEq(downAt, NOW - 1 hours, "forwards the primary's outage");
        assertEq(resumedAt, NOW + 30 minutes);
        vm.warp(NOW + 30 minutes); // grace period over: the TWAP may price again
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
    }

    function test_lastOutage_noneWhenPrimaryReverts() public {
        primary.setOutage(NOW - 1 hours, type(uint256).max);
        primary.setReverts(true);
        (uint256 downAt, uint256 resumedAt) = oracle0.lastOutage();
        assertEq(downAt, 0);
        assertEq(resumedAt, 0);
    }

    function test_updatePrice_fallbackWhenCollateralIsToken1() public {
        _setMeanTick(TICK_TOKEN1);
        _recordThenFailPrimary(oracle1, PRICE_3000);
        _assertStatus(oracle1, IOracle.PriceStatus.Fallback, TWAP_TOKEN1);
    }

    function test_updatePrice_fallbackWhenPrimaryReverts() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        primary.setReverts(true);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
    }

    function test_updatePrice_primaryReportingFallbackIsNotRecordedAsPrimary() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        // A primary that itself falls back is not a valid primary: our own TWAP prices, nothing is recorded.
        vm.warp(NOW + 1);
        primary.set(3050e24, IOracle.PriceStatus.Fallback);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        assertEq(oracle0.lastGoodPrice(), PRICE_3000);
        assertEq(oracle0.lastGoodPriceAt(), NOW);
    }

    function test_updatePrice_primaryZeroPriceIsInvalid() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        primary.set(0, IOracle.PriceStatus.Primary);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        assertEq(oracle0.lastGoodPrice(), PRICE_3000);
    }

    function test_updatePrice_invalidWithoutLastGoodPrice() public {
        _setMeanTick(TICK_TOKEN0);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        primary.setReverts(true);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
    }

    function test_updatePrice_invalidWhenLiquidityThin() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        pool.setLiquidity(MIN_LIQUIDITY - 1);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        pool.setLiquidity(0);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        // Exactly the minimum is deep enough.
        pool.setLiquidity(MIN_LIQUIDITY);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
    }

    function test_updatePrice_invalidWhenObserveReverts() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        pool.setObserveReverts(true);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
    }

    function test_updatePrice_invalidWhenDeviationTooLarge() public {
        _setMeanTick(TICK_TOKEN0); // TWAP ~2999.80
        // Anchor 3158: |2999.80 - 3158| / 3158 = 5.009 % > 5 %.
        _recordThenFailPrimary(oracle0, 3158e24);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        // Anchor 2856: |2999.80 - 2856| / 2856 = 5.035 % > 5 % (TWAP above the anchor).
        _recordThenFailPrimary(oracle0, 2856e24);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
    }

    function test_updatePrice_fallbackJustInsideDeviation() public {
        _setMeanTick(TICK_TOKEN0);
        // Anchor 3157: 4.980 % below; anchor 2857: 4.998 % above. Both within 5 %.
        _recordThenFailPrimary(oracle0, 3157e24);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        _recordThenFailPrimary(oracle0, 2857e24);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
    }

    function test_updatePrice_deviationExactlyAtTheLimitAcceptedAndRoundedUpBeyond() public {
        MarkToModelOracle o = _deployWith(
            primary,
            address(pool),
            TOKEN_LOW,
            TOKEN_HIGH,
            WINDOW,
            MIN_LIQUIDITY,
            0.25e18
        );
        _setMeanTick(0); // TWAP exactly 1e36
        // Anchor 0.8e36: |1e36 - 0.8e36| / 0.8e36 = 25 % exactly: accepted.
        _recordThenFailPrimary(o, 0.8e36);
        _assertStatus(o, IOracle.PriceStatus.Fallback, 1e36);
        // Anchor 0.8e36 - 1: 25 % + 1.5625e-36, which a rounded-down check would see as 25 %: rejected.
        _recordThenFailPrimary(o, 0.8e36 - 1);
        _assertStatus(o, IOracle.PriceStatus.Invalid, 0);
    }

    // ------------------------------------------------------------------ anchor (audit #17, L-1)

    function test_fallback_refusesTwapFarFromPrimaryLatestAnswer() public {
        _setMeanTick(TICK_TOKEN0); // TWAP ~2999.80
        _recordThenFailPrimary(oracle0, PRICE_3000); // the recorded anchor alone would accept it
        // The primary's latest answer is 3158 (the TWAP is 5.009 % under it): it anchors, though nobody recorded it.
        primary.setLatestAnswer(3158e24, NOW);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        (uint256 anchorPrice, uint256 anchorAt) = oracle0.latestAnswer();
        assertEq(anchorPrice, 3158e24);
        assertEq(anchorAt, NOW);
        assertEq(oracle0.lastGoodPrice(), PRICE_3000, "nothing recorded");
    }

    function test_fallback_acceptsTwapNearPrimaryLatestAnswerWithoutAnyRecording() public {
        _setMeanTick(TICK_TOKEN0);
        primary.set(0, IOracle.PriceStatus.Invalid);
        primary.setLatestAnswer(PRICE_3000, NOW - 2 hours); // stale, but the newest price the primary has
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        assertEq(oracle0.lastGoodPrice(), 0, "a fallback price is not recorded");
    }

    function test_fallback_primaryLatestAnswerWinsOverALaterRecording() public {
        _setMeanTick(TICK_TOKEN0);
        // Recorded at NOW: 3158 (outside the band). The primary's answer, 3000, is dated 20 h earlier (a two-feed
        // price takes the older feed's time), yet it is the primary's newest price: it anchors.
        _recordThenFailPrimary(oracle0, 3158e24);
        primary.setLatestAnswer(PRICE_3000, NOW - 20 hours);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        // Its age counts from its own time: the later recording does not extend it.
        vm.warp(NOW - 20 hours + MAX_ANCHOR_AGE);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        vm.warp(NOW - 20 hours + MAX_ANCHOR_AGE + 1);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
    }

    function test_fallback_recordedAnchorWhenPrimaryHasNoUsableLatestAnswer() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        // Each of these would refuse the TWAP if it anchored (3158 is 5.009 % away); none does.
        primary.setLatestAnswer(0, NOW); // no price
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        primary.setLatestAnswer(3158e24, 0); // undated
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        primary.setLatestAnswer(3158e24, NOW + 1); // from the future
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        primary.setLatestAnswer(3158e24, NOW);
        primary.setLatestAnswerReverts(true); // a primary without latestAnswer
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        (uint256 anchorPrice, uint256 anchorAt) = oracle0.latestAnswer();
        assertEq(anchorPrice, PRICE_3000, "the recorded price");
        assertEq(anchorAt, NOW, "at its recording");
    }

    function test_fallback_refusesRecordedAnchorOlderThanMaxAnchorAge() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        vm.warp(NOW + MAX_ANCHOR_AGE);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        vm.warp(NOW + MAX_ANCHOR_AGE + 1);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
    }

    function test_fallback_refusesPrimaryAnswerOlderThanMaxAnchorAge() public {
        _setMeanTick(TICK_TOKEN1);
        primary.set(0, IOracle.PriceStatus.Invalid);
        primary.setLatestAnswer(PRICE_3000, NOW);
        vm.warp(NOW + MAX_ANCHOR_AGE);
        _assertStatus(oracle1, IOracle.PriceStatus.Fallback, TWAP_TOKEN1);
        vm.warp(NOW + MAX_ANCHOR_AGE + 1);
        _assertStatus(oracle1, IOracle.PriceStatus.Invalid, 0);
        // A newer answer anchors again.
        primary.setLatestAnswer(PRICE_3000, NOW + MAX_ANCHOR_AGE);
        _assertStatus(oracle1, IOracle.PriceStatus.Fallback, TWAP_TOKEN1);
    }

    function test_latestAnswer_isTheAnchorAndNeverATwap() public {
        _setMeanTick(TICK_TOKEN0);
        (uint256 anchorPrice, uint256 anchorAt) = oracle0.latestAnswer();
        assertEq(anchorPrice, 0, "none before any");
        assertEq(anchorAt, 0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        vm.warp(NOW + 1 hours);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, TWAP_TOKEN0);
        (anchorPrice, anchorAt) = oracle0.latestAnswer();
        assertEq(anchorPrice, PRICE_3000, "the recorded primary price, not the TWAP");
        assertEq(anchorAt, NOW);
        primary.setLatestAnswer(3010e24, NOW + 30 minutes);
        (anchorPrice, anchorAt) = oracle0.latestAnswer();
        assertEq(anchorPrice, 3010e24);
        assertEq(anchorAt, NOW + 30 minutes);
        // Another MarkToModelOracle over this one anchors on this one's anchor, not on its TWAP.
        MarkToModelOracle outer = _deployWith(
            oracle0,
            address(pool),
            TOKEN_LOW,
            TOKEN_HIGH,
            WINDOW,
            MIN_LIQUIDITY,
            0.001e18
        );
        (anchorPrice, anchorAt) = outer.latestAnswer();
        assertEq(anchorPrice, 3010e24);
        // The TWAP (2999.80) is 0.33 % from that anchor: beyond the outer 0.1 % band. The inner Fallback price is not
        // a Primary one for the outer oracle, so it falls back on its own TWAP and refuses it.
        _assertStatus(outer, IOracle.PriceStatus.Invalid, 0);
    }

    // ------------------------------------------------------------------ TWAP conversion

    function test_twap_realisticPricesMatchExactValuesForBothOrders() public {
        _setMeanTick(TICK_TOKEN0);
        _recordThenFailPrimary(oracle0, PRICE_3000);
        (uint256 p0, ) = oracle0.price();
        _setMeanTick(TICK_TOKEN1);
        _recordThenFailPrimary(oracle1, PRICE_3000);
        (uint256 p1, ) = oracle1.price();
        assertEq(p0, TWAP_TOKEN0);
        assertEq(p1, TWAP_TOKEN1);
        // Within 1e-18 relative (forge's finest tolerance) of the exact values; the actual error is ~1e-25.
        assertApproxEqRel(p0, EXACT_TOKEN0, 1);
        assertApproxEqRel(p1, EXACT_TOKEN1, 1);
        // Both are within one tick (1 bp) of 3000 USDC per WETH.
        assertApproxEqRel(p0, PRICE_3000, 0.0001e18);
        assertApproxEqRel(p1, PRICE_3000, 0.0001e18);
    }

    function test_twap_tickZeroIsOneForBothOrders() public {
        _setMeanTick(0);
        _recordThenFailPrimary(oracle0, 1e36);
        _recordThenFailPrimary(oracle1, 1e36);
        _assertStatus(oracle0, IOracle.PriceStatus.Fallback, 1e36);
        _assertStatus(oracle1, IOracle.PriceStatus.Fallback, 1e36);
    }

    function test_twap_meanTickRoundsTowardsNegativeInfinity() public {
        // A cumulative difference of -1 over the window is a mean tick of -1/1800: rounded down to -1, not to 0.
        pool.setTickCumulatives(0, -1);
        _recordThenFailPrimary(oracle0, 1e36);
        (uint256 p, IOracle.PriceStatus s) = oracle0.price();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Fallback));
        assertLt(p, 1e36, "below the tick-0 price");
        // 1.0001^-1 * 1e36 = 0.99990000999900009999...e36, within rounding.
        assertApproxEqRel(p, 999_900_009_999_000_099_990_000_999_900_009_999, 1e3);
        // A positive difference of 1 rounds towards zero: tick 0.
        pool.setTickCumulatives(0, 1);
        (p, ) = oracle0.price();
        assertEq(p, 1e36);
    }

    function test_twap_invalidWhenMeanTickOutOfRange() public {
        _recordThenFailPrimary(oracle0, 1e36);
        int56 window = int56(uint56(WINDOW));
        pool.setTickCumulatives(0, (int56(TickMath.MAX_TICK) + 1) * window);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
        pool.setTickCumulatives(0, (int56(TickMath.MIN_TICK) - 1) * window);
        _assertStatus(oracle0, IOracle.PriceStatus.Invalid, 0);
    }

    function test_twap_extremeTicksDoNotOverflow() public {
        // 1.0001^887272 * 1e36 = 3.40256786836388...e74 for the collateral as token0 at MAX_TICK, and the same for
        // the collateral as token1 at MIN_TICK. sqrtPriceX96 is then about 2^160: the over-2^128 branch.
        uint256 expected =
            340_256_786_836_388_094_050_805_785_052_946_541_066_751_507_546_701_582_068_884_050_462_948_821_114;
        _setMeanTick(TickMath.MAX_TICK);
        _recordThenFailPrimary(oracle0, expected);
        (uint256 p, IOracle.PriceStatus s) = oracle0.price();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Fallback));
        // TickMath is least precise at its ends: 4e-10 relative here.
        assertApproxEqRel(p, expected, 1e9);

        _setMeanTick(TickMath.MIN_TICK);
        _recordThenFailPrimary(oracle1, expected);
        (p, s) = oracle1.price();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Fallback));
        assertApproxEqRel(p, expected, 1e9);
    }

    // ------------------------------------------------------------------ configuration

    function test_constructor_storesConfiguration() public view {
        assertEq(address(oracle0.PRIMARY()), address(primary));
        assertEq(address(oracle0.POOL()), address(pool));
        assertEq(oracle0.COLLATERAL_TOKEN(), TOKEN_LOW);
        assertEq(oracle0.QUOTE_TOKEN(), TOKEN_HIGH);
        assertTrue(oracle0.COLLATERAL_IS_TOKEN0());
        assertFalse(oracle1.COLLATERAL_IS_TOKEN0());
        assertEq(oracle1.COLLATERAL_TOKEN(), TOKEN_HIGH);
        assertEq(oracle0.TWAP_WINDOW(), WINDOW);
        assertEq(oracle0.MIN_LIQUIDITY(), MIN_LIQUIDITY);
        assertEq(oracle0.MAX_DEVIATION(), MAX_DEVIATION);
        assertEq(oracle0.MIN_TWAP_WINDOW(), 30 minutes);
        assertEq(oracle0.MAX_DEVIATION_LIMIT(), 0.5e18);
        assertEq(oracle0.MAX_ANCHOR_AGE(), MAX_ANCHOR_AGE);
        assertEq(oracle0.MIN_ANCHOR_AGE_LIMIT(), 1 hours);
        assertEq(oracle0.MAX_ANCHOR_AGE_LIMIT(), 7 days);
    }

    function _deployWith(
        IOracle primary_,
        address pool_,
        address collateralToken,
        address quoteToken,
        uint32 window,
        uint128 minLiquidity,
        uint256 maxDeviation
    ) internal returns (MarkToModelOracle) {
        return
            _deployWith(
                primary_,
                pool_,
                collateralToken,
                quoteToken,
                window,
                minLiquidity,
                maxDeviation,
                MAX_ANCHOR_AGE
            );
    }

    function _deployWith(
        IOracle primary_,
        address pool_,
        address collateralToken,
        address quoteToken,
        uint32 window,
        uint128 minLiquidity,
        uint256 maxDeviation,
        uint256 maxAnchorAge
    ) internal returns (MarkToModelOracle) {
        return
            new MarkToModelOracle(
                primary_,
                IUniswapV3Pool(pool_),
                collateralToken,
                quoteToken,
                window,
                minLiquidity,
                maxDeviation,
                maxAnchorAge
            );
    }

    function test_constructor_revertsOnZeroPrimary() public {
        vm.expectRevert(IMarkToModelOracle.ZeroPrimary.selector);
        _deployWith(IOracle(address(0)), address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION);
    }

    function test_constructor_revertsOnZeroPool() public {
        vm.expectRevert(IMarkToModelOracle.ZeroPool.selector);
        _deployWith(primary, address(0), TOKEN_LOW, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION);
    }

    function test_constructor_revertsOnTwapWindowTooShort() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMarkToModelOracle.TwapWindowTooShort.selector, uint32(30 minutes - 1), 30 minutes)
        );
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, 30 minutes - 1, MIN_LIQUIDITY, MAX_DEVIATION);
    }

    function test_constructor_revertsOnZeroMinLiquidity() public {
        vm.expectRevert(IMarkToModelOracle.ZeroMinLiquidity.selector);
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, 0, MAX_DEVIATION);
    }

    function test_constructor_revertsOnZeroMaxDeviation() public {
        vm.expectRevert(abi.encodeWithSelector(IMarkToModelOracle.InvalidMaxDeviation.selector, 0, 0.5e18));
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, 0);
    }

    function test_constructor_revertsOnMaxDeviationAboveLimit() public {
        vm.expectRevert(abi.encodeWithSelector(IMarkToModelOracle.InvalidMaxDeviation.selector, 0.5e18 + 1, 0.5e18));
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, 0.5e18 + 1);
    }

    function test_constructor_acceptsLimits() public {
        MarkToModelOracle o = _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, 30 minutes, 1, 0.5e18);
        assertEq(o.TWAP_WINDOW(), 30 minutes);
        assertEq(o.MAX_DEVIATION(), 0.5e18);
    }

    function test_constructor_revertsOnMaxAnchorAgeBelowLimit() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMarkToModelOracle.InvalidMaxAnchorAge.selector, 1 hours - 1, 1 hours, 7 days)
        );
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION, 1 hours - 1);
        vm.expectRevert(abi.encodeWithSelector(IMarkToModelOracle.InvalidMaxAnchorAge.selector, 0, 1 hours, 7 days));
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION, 0);
    }

    function test_constructor_revertsOnMaxAnchorAgeAboveLimit() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMarkToModelOracle.InvalidMaxAnchorAge.selector, 7 days + 1, 1 hours, 7 days)
        );
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION, 7 days + 1);
    }

    function test_constructor_acceptsMaxAnchorAgeLimits() public {
        MarkToModelOracle o = _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, 1, 0.5e18, 1 hours);
        assertEq(o.MAX_ANCHOR_AGE(), 1 hours);
        o = _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_HIGH, WINDOW, 1, 0.5e18, 7 days);
        assertEq(o.MAX_ANCHOR_AGE(), 7 days);
    }

    function test_constructor_revertsWhenTokensNotInPool() public {
        address other = address(0x3000);
        vm.expectRevert(
            abi.encodeWithSelector(IMarkToModelOracle.TokensNotInPool.selector, address(pool), other, TOKEN_HIGH)
        );
        _deployWith(primary, address(pool), other, TOKEN_HIGH, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION);

        vm.expectRevert(
            abi.encodeWithSelector(IMarkToModelOracle.TokensNotInPool.selector, address(pool), TOKEN_LOW, other)
        );
        _deployWith(primary, address(pool), TOKEN_LOW, other, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION);

        vm.expectRevert(
            abi.encodeWithSelector(IMarkToModelOracle.TokensNotInPool.selector, address(pool), TOKEN_LOW, TOKEN_LOW)
        );
        _deployWith(primary, address(pool), TOKEN_LOW, TOKEN_LOW, WINDOW, MIN_LIQUIDITY, MAX_DEVIATION);
    }

    // ------------------------------------------------------------------ fuzz

    /// @notice At any tick the fallback price is the exact `floor(sqrtPriceX96^2 * 1e36 / 2^192)` (collateral token0)
    /// or `floor(2^192 * 1e36 / sqrtPriceX96^2)` (collateral token1), within one unit above sqrt prices of 2^128 where
    /// the oracle divides the square by 2^64 first; and the token0 price rises by one basis point per tick.
    function testFuzz_twap_matchesExactConversionForBothOrders(int24 tick) public {
        // Above tick ~828,000 one collateral unit as token1 is worth less than 1e-36 quote units (price 0).
        tick = int24(bound(tick, -500_000, 700_000));
        uint256 p0 = _fallbackAtMeanTick(oracle0, tick);
        _fallbackAtMeanTick(oracle1, tick);

        uint256 next0 = _fallbackAtMeanTick(oracle0, tick + 1);
        assertGe(next0, p0, "monotonic");
        assertApproxEqRel(next0, (p0 * 10_001) / 10_000, 1e9, "one tick = 1 bp");
    }

    /// @notice The fallback is never used once the anchor, recorded or the primary's own answer, is older than
    /// `MAX_ANCHOR_AGE`, and always used up to that age (here the TWAP sits at the anchor).
    function testFuzz_fallback_neverAcceptedPastMaxAnchorAge(uint256 anchorAge, bool fromPrimary) public {
        anchorAge = bound(anchorAge, 0, 30 days);
        _setMeanTick(TICK_TOKEN0);
        if (fromPrimary) {
            primary.set(0, IOracle.PriceStatus.Invalid);
            primary.setLatestAnswer(TWAP_TOKEN0, NOW);
        } else {
            _recordThenFailPrimary(oracle0, TWAP_TOKEN0);
        }
        vm.warp(NOW + anchorAge);
        bool fresh = anchorAge <= MAX_ANCHOR_AGE;
        _assertStatus(
            oracle0,
            fresh ? IOracle.PriceStatus.Fallback : IOracle.PriceStatus.Invalid,
            fresh ? TWAP_TOKEN0 : 0
        );
    }

    /// @notice The fallback is used exactly when `|twap - anchor| / anchor <= MAX_DEVIATION`, in exact arithmetic.
    function testFuzz_fallback_usedExactlyWithinDeviation(uint256 anchor) public {
        _setMeanTick(TICK_TOKEN0);
        anchor = bound(anchor, TWAP_TOKEN0 / 2, TWAP_TOKEN0 * 2);
        _recordThenFailPrimary(oracle0, anchor);
        (uint256 p, IOracle.PriceStatus s) = oracle0.price();
        uint256 distance = TWAP_TOKEN0 > anchor ? TWAP_TOKEN0 - anchor : anchor - TWAP_TOKEN0;
        // distance / anchor <= 5 %  <=>  distance * 1e18 <= 5e16 * anchor (no overflow at these magnitudes).
        bool within = distance * 1e18 <= MAX_DEVIATION * anchor;
        assertEq(uint8(s), uint8(within ? IOracle.PriceStatus.Fallback : IOracle.PriceStatus.Invalid));
        assertEq(p, within ? TWAP_TOKEN0 : 0);
    }

    /// @dev Puts the pool's mean tick at `tick`, anchors `o` at the exact conversion of that tick (so the deviation
    /// check passes), and returns the fallback price after checking it is within one unit of the exact conversion.
    function _fallbackAtMeanTick(MarkToModelOracle o, int24 tick) internal returns (uint256 p) {
        _setMeanTick(tick);
        uint256 expected = _exactPriceAtTick(tick, o.COLLATERAL_IS_TOKEN0());
        _recordThenFailPrimary(o, expected);
        IOracle.PriceStatus s;
        (p, s) = o.price();
        assertEq(uint8(s), uint8(IOracle.PriceStatus.Fallback), "fallback");
        assertApproxEqAbs(p, expected, 1, "exact conversion");
    }

    /// @dev Reference conversion, computed differently from the oracle, with OpenZeppelin's 512-bit mulDiv:
    /// token0 `floor((sqrt * 1e18)^2 / 2^192)` (exact, `sqrt * 1e18 < 2^220`); token1
    /// `floor(floor(2^192 * 1e36 / sqrt) / sqrt)` (exact, and fits for `sqrt >= 2^60`, i.e. ticks above -500,000).
    function _exactPriceAtTick(int24 tick, bool collateralIsToken0) internal pure returns (uint256) {
        uint256 sqrtPriceX96 = TickMath.getSqrtPriceAtTick(tick);
        if (collateralIsToken0) return Math.mulDiv(sqrtPriceX96 * 1e18, sqrtPriceX96 * 1e18, 1 << 192);
        return Math.mulDiv(1 << 192, 1e36, sqrtPriceX96) / sqrtPriceX96;
    }
}
