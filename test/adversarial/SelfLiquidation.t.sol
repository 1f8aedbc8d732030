// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: a borrower liquidating its own position to pocket the liquidation bonus. The owner and its
/// operators are refused outright; through a second account the bonus is paid out of the owner's own collateral, so
/// owner plus second account end poorer by the protocol fee. Positions are non-recourse: a position is worth
/// `max(equity, 0)` to its owner.
contract SelfLiquidationTest is AdversarialBase {
    address internal SOCK = makeAddr("SOCK");
    uint256 internal attackerPosition;

    function setUp() public override {
        super.setUp();
        // The attacker's own position: 10 WETH against 21,000 USDC, like BORROWER's.
        collateral.mint(ATTACKER, 10e18);
        vm.startPrank(ATTACKER);
        attackerPosition = vault.openPosition(marketId);
        vault.depositCollateral(attackerPosition, 10e18);
        vault.borrow(attackerPosition, 21_000 * USDC, ATTACKER);
        vm.stopPrank();
        quote.mint(SOCK, 1_000_000 * USDC);
        vm.prank(SOCK);
        quote.approve(address(engine), type(uint256).max);
    }

    /// @dev Owner and second account together, with the position at its non-recourse value.
    function _attackerTotal(uint256 price) internal view returns (uint256) {
        int256 equity = _equity(attackerPosition, price);
        uint256 positionValue = equity > 0 ? uint256(equity) : 0;
        return _walletValue(ATTACKER, price) + _walletValue(SOCK, price) + positionValue;
    }

    function test_ownerAndOperator_areRefused() public {
        oracle.setPrice(_price(2400));
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.SelfLiquidation.selector, attackerPosition, ATTACKER)
        );
        engine.liquidate(attackerPosition, type(uint256).max, ATTACKER, "");

        vm.prank(ATTACKER);
        vault.setOperator(SOCK, true);
        vm.prank(SOCK);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.SelfLiquidation.selector, attackerPosition, SOCK));
        engine.liquidate(attackerPosition, type(uint256).max, SOCK, "");
    }

    /// @dev Above water (ratio above 1 + bonus): the second account's bonus comes out of the owner's collateral, the
    /// protocol fee leaves the pair, so the pair never gains, whatever the keeper share (up to 100 %).
    function testFuzz_throughSecondAccount_isNeverProfitableAboveWater(uint256 priceUsdc, uint256 keeperShare) public {
        priceUsdc = bound(priceUsdc, 2227, 2519); // ratio in (1.06, 1.20): bonus 2-6 %, never bad debt
        keeperShare = bound(keeperShare, 0, 1e18);
        IMarginVault.RiskParams memory params = _riskParams();
        if (keeperShare != params.keeperShare) {
            params.keeperShare = uint64(keeperShare);
            vm.prank(RISK_MANAGER);
            vault.setRiskParams(marketId, params);
        }
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        uint256 totalBefore = _attackerTotal(price);
        Books memory before = _books(positionId, price);

        vm.prank(SOCK);
        (uint256 repaid, ) = engine.liquidate(attackerPosition, type(uint256).max, SOCK, "");

        assertGt(repaid, 0, "the tranche ran");
        assertLe(_attackerTotal(price), totalBefore, "owner + second account no richer");
        _assertNoProfitNoLoss(before, _books(positionId, price), 0, 0);
    }

    /// @dev Under water the position is worth nothing to its owner, so its second account earns the keeper's part of
    /// the bonus, exactly what an honest keeper would have earned; lenders and the insurance fund end exactly as they
    /// would with an honest keeper (the bad debt is the price's doing, not the liquidator's).
    function testFuzz_underWater_secondAccountEarnsNoMoreThanAnHonestKeeper(uint256 priceUsdc) public {
        priceUsdc = bound(priceUsdc, 1000, 2099); // ratio below 1.0
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        quote.mint(address(fund), 500 * USDC);

        uint256 snapshot = vm.snapshotState();
        uint256 keeperBefore = _walletValue(KEEPER, price);
        vm.prank(KEEPER);
        engine.liquidate(attackerPosition, type(uint256).max, KEEPER, "");
        uint256 honestKeeperGain = _walletValue(KEEPER, price) - keeperBefore;
        uint256 honestLender = pool.convertToAssets(pool.balanceOf(LENDER));
        uint256 honestFund = quote.balanceOf(address(fund));
        vm.revertToState(snapshot);

        uint256 totalBefore = _attackerTotal(price);
        vm.prank(SOCK);
        engine.liquidate(attackerPosition, type(uint256).max, SOCK, "");

        assertEq(_attackerTotal(price) - totalBefore, honestKeeperGain, "no more than an honest keeper");
        assertEq(pool.convertToAssets(pool.balanceOf(LENDER)), honestLender, "lenders as with an honest keeper");
        assertEq(quote.balanceOf(address(fund)), honestFund, "fund as with an honest keeper");
        assertEq(vault.position(attackerPosition).owner, address(0), "bad debt realized, position closed");
    }
}
