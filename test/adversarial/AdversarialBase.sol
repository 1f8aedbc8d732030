// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {EngineBaseTest} from "../core/EngineBaseTest.sol";

/// @notice Shared set-up of the adversarial suite: the engine fixture (a 10M USDC pool, BORROWER's position of 10 WETH
/// against 21,000 USDC at 3000, a funded KEEPER) plus an ATTACKER and the books every attack is judged by.
/// @dev Values are in quote units at one valuation price (the oracle's before the attack), so that a price move the
/// attacker does not cause is not counted as profit or loss.
abstract contract AdversarialBase is EngineBaseTest {
    address internal ATTACKER = makeAddr("ATTACKER");

    /// @dev What every party holds, valued in quote units.
    struct Books {
        uint256 attacker;
        int256 victimEquity;
        uint256 lenderAssets;
        uint256 insurance;
        uint256 sharePrice;
    }

    function setUp() public virtual override {
        super.setUp();
        vm.startPrank(ATTACKER);
        quote.approve(address(pool), type(uint256).max);
        quote.approve(address(vault), type(uint256).max);
        quote.approve(address(engine), type(uint256).max);
        collateral.approve(address(vault), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev Tokens and lender shares of `account`, valued at `price` (1e36-scaled quote per collateral unit).
    function _walletValue(address account, uint256 price) internal view returns (uint256) {
        return
            quote.balanceOf(account) +
            (collateral.balanceOf(account) * price) / 1e36 +
            pool.convertToAssets(pool.balanceOf(account));
    }

    /// @dev A position's collateral value at `price` less its debt (negative when under water).
    function _equity(uint256 id, uint256 price) internal view returns (int256) {
        uint256 value = (vault.position(id).collateralAssets * price) / 1e36;
        return int256(value) - int256(vault.debtAssetsOf(id));
    }

    /// @dev Lender share price: assets of 1e18 lender shares (1e12 shares per quote unit at par).
    function _sharePrice() internal view returns (uint256) {
        return pool.convertToAssets(1e18);
    }

    /// @dev The books at `price`, with `victimPosition` as the honest borrower's position.
    function _books(uint256 victimPosition, uint256 price) internal view returns (Books memory b) {
        b.attacker = _walletValue(ATTACKER, price);
        b.victimEquity = _equity(victimPosition, price);
        b.lenderAssets = pool.convertToAssets(pool.balanceOf(LENDER));
        // The insurance fund's resources: its balance and the pool's unswept reserves (where fees arrive).
        b.insurance = quote.balanceOf(address(fund)) + pool.reserveAssets();
        b.sharePrice = _sharePrice();
    }

    /// @dev The attacker did not gain beyond `allowed`, and no honest party (borrower, lenders, insurance) lost more
    /// than `tolerance` quote units (rounding).
    function _assertNoProfitNoLoss(
        Books memory before,
        Books memory afterwards,
        uint256 allowed,
        uint256 tolerance
    ) internal pure {
        assertLe(afterwards.attacker, before.attacker + allowed, "attacker richer than allowed");
        assertGe(afterwards.victimEquity + int256(tolerance), before.victimEquity, "victim poorer");
        assertGe(afterwards.lenderAssets + tolerance, before.lenderAssets, "lender poorer");
        assertGe(afterwards.insurance + tolerance, before.insurance, "insurance fund poorer");
        assertGe(afterwards.sharePrice + tolerance, before.sharePrice, "share price fell");
    }

    /// @dev Right after a tranche nothing more can be taken from `id`: below maintenance the grace window refuses
    /// (until `block.timestamp + 300`), at or above it the position is healthy (a tranche capped by
    /// `maxTrancheShare` may stop between maintenance and the target).
    function _expectNoFurtherTranche(address keeper, uint256 id) internal {
        _expectNoFurtherTrancheUntil(keeper, id, block.timestamp + 300);
    }

    /// @dev `_expectNoFurtherTranche` with the grace window ending at `graceEnd` (a tranche split into pieces dates it
    /// from the first piece).
    function _expectNoFurtherTrancheUntil(address keeper, uint256 id, uint256 graceEnd) internal {
        uint256 ratio = vault.positionHealth(id).ratio;
        vm.prank(keeper);
        if (ratio < 1.2e18) {
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InGracePeriod.selector, id, graceEnd));
        } else {
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.PositionHealthy.selector, id, ratio, 1.2e18));
        }
        engine.liquidate(id, type(uint256).max, keeper, "");
    }

    function _oraclePrice() internal view returns (uint256 price) {
        (price, ) = oracle.price();
    }

    /// @dev Gives the attacker `assets` of quote.
    function _fundAttacker(uint256 assets) internal {
        quote.mint(ATTACKER, assets);
    }
}
