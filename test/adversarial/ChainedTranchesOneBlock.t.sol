// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {AdversarialBase} from "./AdversarialBase.sol";
import {ReentrancyAttacker} from "./attackers/ReentrancyAttacker.sol";

/// @notice Attack: chaining several tranches of one position inside one block (again, through a batch, from other
/// accounts, or from the callback) to take the whole position at a bonus meant for one tranche, and chaining
/// tranches of many positions past the market's circuit breaker.
contract ChainedTranchesOneBlockTest is AdversarialBase {
    address internal KEEPER_2 = makeAddr("KEEPER_2");

    function setUp() public override {
        super.setUp();
        quote.mint(KEEPER_2, 1_000_000 * USDC);
        vm.prank(KEEPER_2);
        quote.approve(address(engine), type(uint256).max);
        // Partial-tranche region: ratio 2400 * 10 / 21000 = 1.1428.
        oracle.setPrice(_price(2400));
    }

    function testFuzz_sameBlock_secondTrancheRefusedForEveryKeeper(uint256 priceUsdc) public {
        priceUsdc = bound(priceUsdc, 2269, 2519);
        uint256 price = _price(priceUsdc);
        oracle.setPrice(price);
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(positionId);
        (uint256 repaid, ) = _liquidate(type(uint256).max);
        assertEq(repaid, preview.repaidAssets);
        _expectNoFurtherTranche(KEEPER, positionId);
        _expectNoFurtherTranche(KEEPER_2, positionId);
        assertEq(engine.trancheState(positionId).tranchesExecuted, 1, "one tranche per block");
    }

    function test_batchListingThePositionTwice_liquidatesItOnce() public {
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (positionId, positionId, positionId);
        uint256[] memory maxRepays = new uint256[](3);
        (maxRepays[0], maxRepays[1], maxRepays[2]) = (type(uint256).max, type(uint256).max, type(uint256).max);
        uint256 tranche = engine.previewLiquidation(positionId).repaidAssets;
        uint256 debtBefore = vault.debtAssetsOf(positionId);

        vm.prank(KEEPER);
        uint256 liquidated = engine.liquidateMany(ids, maxRepays, KEEPER, "");

        assertEq(liquidated, 1, "once");
        assertEq(debtBefore - vault.debtAssetsOf(positionId), tranche, "exactly one tranche repaid");
    }

    function test_callbackChainingASecondTranche_isBlocked() public {
        ReentrancyAttacker attacker = new ReentrancyAttacker(IERC20(address(quote)), address(engine));
        quote.mint(address(attacker), 1_000_000 * USDC);
        attacker.arm(
            ReentrancyAttacker.Trigger.Callback,
            address(engine),
            abi.encodeCall(engine.liquidate, (positionId, type(uint256).max, address(attacker), "")),
            false
        );
        attacker.exec(
            address(engine),
            abi.encodeCall(engine.liquidate, (positionId, type(uint256).max, address(attacker), "chain"))
        );
        assertEq(attacker.attempts(), 1);
        assertFalse(attacker.lastSucceeded(), "the chained call failed");
        assertEq(attacker.lastSelector(), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        assertEq(engine.trancheState(positionId).tranchesExecuted, 1);
    }

    /// @dev Many positions liquidated in one block: each position's first tranche in the window goes through even
    /// past the market's window limit (so that nobody can fill the window to starve others, audit finding L-2), and
    /// the window, used up, then holds back every repeat tranche until it rolls over.
    function test_manyPositionsInOneBlock_oneTrancheEach_thenTheWindowHoldsRepeats() public {
        IMarginVault.RiskParams memory params = _riskParams();
        params.windowLimit = uint128(5_000 * USDC);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, params);
        uint256[] memory ids = new uint256[](6);
        uint256[] memory maxRepays = new uint256[](6);
        oracle.setPrice(_price(3000));
        for (uint256 i = 0; i < ids.length; ++i) {
            ids[i] = _openPosition(10e18, 21_000 * USDC);
            maxRepays[i] = type(uint256).max;
        }
        oracle.setPrice(_price(2400));
        uint256 sized = engine.previewLiquidation(ids[0]).repaidAssets;
        uint256 debtBefore;
        for (uint256 i = 0; i < ids.length; ++i) debtBefore += vault.debtAssetsOf(ids[i]);

        vm.prank(KEEPER);
        uint256 liquidated = engine.liquidateMany(ids, maxRepays, KEEPER, "");

        uint256 debtAfter;
        for (uint256 i = 0; i < ids.length; ++i) debtAfter += vault.debtAssetsOf(ids[i]);
        assertEq(liquidated, ids.length, "one tranche for each position");
        assertEq(debtBefore - debtAfter, ids.length * sized, "each one sized tranche, nothing more");
        assertEq(engine.windowRemaining(marketId), 0, "window used up");

        skip(300);
        vm.prank(KEEPER);
        assertEq(engine.liquidateMany(ids, maxRepays, KEEPER, ""), 0, "repeat tranches wait for the window");
        skip(3600);
        vm.prank(KEEPER);
        assertEq(engine.liquidateMany(ids, maxRepays, KEEPER, ""), ids.length, "a new window: one tranche each");
    }
}
