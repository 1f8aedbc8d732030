// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

import {MarkToModelOracle} from "../../contracts/oracles/MarkToModelOracle.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {MockOracle} from "../mocks/MockOracle.sol";
import {UniswapV3PoolMock} from "../mocks/UniswapV3PoolMock.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: manipulating the Uniswap V3 TWAP that `MarkToModelOracle` falls back to while the primary feed is
/// invalid, inside one block (a spike that lasts one 12-second block of a 30-minute window) or over the whole
/// window (a sustained push). The fallback is used only for liquidation (borrowing and withdrawal need the primary),
/// only from a deep pool, and only within 5 % of the last good primary price; so a position whose ratio at the
/// last good price is at least `maintenance / 0.95` cannot be liquidated by any TWAP, and nobody can borrow against
/// a pumped one. Positions closer to maintenance can be: a known limitation with a bounded cost (SECURITY.md).
contract TwapManipulationTest is AdversarialBase {
    uint32 internal constant WINDOW = 30 minutes;
    uint256 internal constant MAX_DEVIATION = 0.05e18;
    uint256 internal constant MAX_ANCHOR_AGE = 2 days;
    uint128 internal constant MIN_LIQUIDITY = 1e18;
    /// @dev 3000 USDC per WETH as a pool tick, for WETH as token0 or as token1 (see MarkToModelOracle.t.sol).
    int24 internal constant TICK_COLLATERAL_TOKEN0 = -196_257;
    int24 internal constant TICK_COLLATERAL_TOKEN1 = 196_256;

    MockOracle internal primary;
    UniswapV3PoolMock internal uniPool;
    MarkToModelOracle internal mark;
    uint256 internal twapMarket;
    uint256 internal victimPosition;
    uint256 internal attackerPosition;
    int24 internal baseTick;
    /// @dev +1 when a higher tick means a higher collateral price, -1 otherwise.
    int56 internal direction;

    function setUp() public override {
        super.setUp();
        primary = new MockOracle(PRICE_3000);
        uniPool = new UniswapV3PoolMock(address(collateral), address(quote));
        uniPool.setLiquidity(MIN_LIQUIDITY);
        bool collateralIsToken0 = uniPool.token0() == address(collateral);
        (baseTick, direction) = collateralIsToken0 ? (TICK_COLLATERAL_TOKEN0, int56(1)) : (TICK_COLLATERAL_TOKEN1, -1);
        _setMeanTick(baseTick);
        mark = new MarkToModelOracle(
            primary,
            IUniswapV3Pool(address(uniPool)),
            address(collateral),
            address(quote),
            WINDOW,
            MIN_LIQUIDITY,
            MAX_DEVIATION,
            MAX_ANCHOR_AGE
        );
        vm.prank(ADMIN);
        twapMarket = vault.createMarket(IERC20(address(collateral)), pool, mark, _riskParams());
        // Victim: 10 WETH against 21,000 USDC (ratio 1.4286, above 1.2 / 0.95 = 1.2632).
        victimPosition = _openIn(BORROWER, 10e18, 21_000 * USDC);
        collateral.mint(ATTACKER, 10e18);
        attackerPosition = _openIn(ATTACKER, 10e18, 15_000 * USDC);
        _fundAttacker(1_000_000 * USDC);
        // The primary fails; 3000 stays the last good price.
        primary.setStatus(IOracle.PriceStatus.Invalid);
    }

    function _openIn(address owner, uint256 collateralAssets, uint256 debtAssets) internal returns (uint256 id) {
        if (owner == BORROWER) collateral.mint(BORROWER, collateralAssets);
        vm.startPrank(owner);
        id = vault.openPosition(twapMarket);
        vault.depositCollateral(id, collateralAssets);
        vault.borrow(id, debtAssets, owner);
        vm.stopPrank();
    }

    function _setMeanTick(int56 tick) internal {
        uniPool.setTickCumulatives(0, tick * int56(uint56(WINDOW)));
    }

    /// @dev The attack's outcome on the victim (healthy by a margin) and on borrowing: whatever the TWAP, no
    /// liquidation, no borrowing against it, nothing moved.
    function _assertManipulationUseless() internal {
        (uint256 twapPrice, IOracle.PriceStatus status) = mark.price();
        Books memory before = _books(victimPosition, PRICE_3000);
        vm.prank(ATTACKER);
        if (status == IOracle.PriceStatus.Invalid) {
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InvalidPrice.selector, twapMarket));
        } else {
            assertEq(uint8(status), uint8(IOracle.PriceStatus.Fallback));
            assertLe(twapPrice, (PRICE_3000 * 1.05e18) / 1e18 + 1, "within 5 % above");
            assertGe(twapPrice, (PRICE_3000 * 0.95e18) / 1e18 - 1, "within 5 % below");
            uint256 ratio = (10e18 * twapPrice) / (vault.debtAssetsOf(victimPosition) * 1e18);
            vm.expectRevert(
                abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, victimPosition, ratio, 1.2e18)
            );
        }
        engine.liquidate(victimPosition, type(uint256).max, ATTACKER, "");
        vm.prank(ATTACKER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.NoValidPrimaryPrice.selector, twapMarket, status));
        vault.borrow(attackerPosition, 1_000 * USDC, ATTACKER);
        _assertNoProfitNoLoss(before, _books(victimPosition, PRICE_3000), 0, 0);
    }

    /// @dev One block (12 s) of the window at a spot `spikeTicks` away: the mean moves by spikeTicks * 12 / 1800.
    function testFuzz_oneBlockSpike_cannotLiquidateOrBorrow(int256 spikeTicks) public {
        spikeTicks = bound(spikeTicks, -600_000, 600_000);
        int56 base = int56(baseTick);
        uniPool.setTickCumulatives(0, base * int56(uint56(WINDOW)) + direction * int56(spikeTicks) * 12);
        _assertManipulationUseless();
    }

    /// @dev The whole window pushed to any mean tick: still no liquidation of a position with margin, no borrowing.
    function testFuzz_sustainedOverTheWindow_cannotLiquidateOrBorrow(int256 meanTickOffset) public {
        meanTickOffset = bound(meanTickOffset, -100_000, 100_000);
        _setMeanTick(int56(baseTick) + direction * int56(meanTickOffset));
        _assertManipulationUseless();
    }

    /// @dev A thin pool (the cheap one to manipulate) is not used at all.
    function testFuzz_thinPool_isNotUsed(uint128 liquidity) public {
        liquidity = uint128(bound(liquidity, 0, MIN_LIQUIDITY - 1));
        uniPool.setLiquidity(liquidity);
        _setMeanTick(int56(baseTick) - direction * 500); // about 5 % down
        (, IOracle.PriceStatus status) = mark.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Invalid));
        _assertManipulationUseless();
    }

    /// @dev Known limitation: a position within 5 % of maintenance at the last good price can be liquidated on a TWAP
    /// pushed down by up to 5 %. The owner's loss, valued at the last good price, is at most
    /// `repaid * ((1 + maxBonus) / 0.95 - 1)`.
    function test_knownLimitation_nearMaintenanceLiquidatedOnALowTwap_boundedLoss() public {
        // Last good price 2600: the victim's ratio is 26,000 / 21,000 = 1.238, within 5 % of maintenance.
        uint256 anchor = _price(2600);
        primary.set(anchor, IOracle.PriceStatus.Primary);
        mark.updatePrice();
        primary.setStatus(IOracle.PriceStatus.Invalid);
        // 2600 is 1431 ticks below 3000; 490 ticks more is 4.8 % lower: a TWAP of about 2476 (ratio 1.18).
        _setMeanTick(int56(baseTick) - direction * (1431 + 490));
        (uint256 twapPrice, IOracle.PriceStatus status) = mark.price();
        assertEq(uint8(status), uint8(IOracle.PriceStatus.Fallback));
        int256 equityBefore = _equity(victimPosition, anchor);

        vm.prank(ATTACKER);
        (uint256 repaid, ) = engine.liquidate(victimPosition, type(uint256).max, ATTACKER, "");

        assertLt(twapPrice, anchor, "liquidated on the low TWAP");
        uint256 maxLoss = (repaid * 1.06e18) / 0.95e18 - repaid + 1;
        assertLe(equityBefore - _equity(victimPosition, anchor), int256(maxLoss), "owner's loss bounded");
    }
}
