// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {TransferLib} from "../../contracts/libraries/TransferLib.sol";
import {MockHookToken} from "../mocks/MockHookToken.sol";
import {AdversarialBase} from "./AdversarialBase.sol";
import {ReentrancyAttacker} from "./attackers/ReentrancyAttacker.sol";

/// @notice Attack: re-entrancy through ERC-777-style token hooks. A market whose collateral and quote are both
/// hook tokens; the attacker is a contract registered for the hooks, acting as borrower, lender and keeper, and
/// from each hook it tries the call that would pay twice: withdraw again while a withdrawal's transfer is under way,
/// borrow again from inside a borrow, redeem again from inside a redemption, liquidate again from inside a
/// liquidation. Every entry point of the vault, pool and engine holds a reentrancy lock and writes its state before
/// it transfers, so each second call is refused and the attacker gets exactly what one call gives.
contract ReentrancyTokenHooksTest is AdversarialBase {
    MockHookToken internal hookQuote;
    MockHookToken internal hookCollateral;
    LendingPool internal hookPool;
    uint256 internal hookMarket;
    uint256 internal victim;
    ReentrancyAttacker internal attacker;
    uint256 internal attackerPosition;

    function setUp() public override {
        super.setUp();
        hookQuote = new MockHookToken("Hook USD", "hUSD", 6);
        hookCollateral = new MockHookToken("Hook Ether", "hETH", 18);
        hookPool = new LendingPool(
            IERC20(address(hookQuote)),
            "Sluice hUSD",
            "slhUSD",
            ADMIN,
            irm,
            0.1e18,
            INSURANCE,
            address(vault)
        );
        vm.startPrank(ADMIN);
        hookMarket = vault.createMarket(IERC20(address(hookCollateral)), hookPool, oracle, _riskParams());
        vm.stopPrank();

        hookQuote.mint(LENDER, 1_000_000 * USDC);
        vm.startPrank(LENDER);
        hookQuote.approve(address(hookPool), type(uint256).max);
        hookPool.deposit(1_000_000 * USDC, LENDER);
        vm.stopPrank();

        hookCollateral.mint(BORROWER, 10e18);
        vm.startPrank(BORROWER);
        hookCollateral.approve(address(vault), type(uint256).max);
        victim = vault.openPosition(hookMarket);
        vault.depositCollateral(victim, 10e18);
        vault.borrow(victim, 21_000 * USDC, BORROWER);
        vm.stopPrank();

        attacker = new ReentrancyAttacker(IERC20(address(hookQuote)), address(engine));
        hookQuote.mint(address(attacker), 1_000_000 * USDC);
        hookCollateral.mint(address(attacker), 10e18);
        _asAttacker(address(hookCollateral), abi.encodeCall(IERC20.approve, (address(vault), type(uint256).max)));
        _asAttacker(address(hookQuote), abi.encodeCall(IERC20.approve, (address(vault), type(uint256).max)));
        _asAttacker(address(hookQuote), abi.encodeCall(IERC20.approve, (address(hookPool), type(uint256).max)));
        _asAttacker(address(hookQuote), abi.encodeCall(IERC20.approve, (address(engine), type(uint256).max)));
        bytes memory opened = _asAttacker(address(vault), abi.encodeCall(vault.openPosition, (hookMarket)));
        attackerPosition = abi.decode(opened, (uint256));
        _asAttacker(address(vault), abi.encodeCall(vault.depositCollateral, (attackerPosition, 10e18)));
        _asAttacker(address(hookQuote), abi.encodeCall(MockHookToken.setHooked, (true)));
        _asAttacker(address(hookCollateral), abi.encodeCall(MockHookToken.setHooked, (true)));
    }

    function _asAttacker(address to, bytes memory data) internal returns (bytes memory) {
        return attacker.exec(to, data);
    }

    /// @dev Arms the attacker, runs `outer` as the attacker, and checks the re-entrant call was refused by a lock.
    function _attack(
        ReentrancyAttacker.Trigger trigger,
        address target,
        bytes memory reentry,
        address outerTarget,
        bytes memory outer
    ) internal {
        attacker.arm(trigger, target, reentry, false);
        attacker.exec(outerTarget, outer);
        assertEq(attacker.attempts(), 1, "the hook fired");
        assertFalse(attacker.lastSucceeded(), "the re-entrant call failed");
        assertEq(attacker.lastSelector(), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector, "locked");
    }

    function test_withdrawCollateral_reenteredFromReceiveHook_paysOnce() public {
        _attack(
            ReentrancyAttacker.Trigger.TokensReceived,
            address(vault),
            abi.encodeCall(vault.withdrawCollateral, (attackerPosition, 4e18, address(attacker))),
            address(vault),
            abi.encodeCall(vault.withdrawCollateral, (attackerPosition, 6e18, address(attacker)))
        );
        assertEq(hookCollateral.balanceOf(address(attacker)), 6e18, "one withdrawal");
        assertEq(vault.position(attackerPosition).collateralAssets, 4e18);
        assertEq(hookCollateral.balanceOf(address(vault)), 14e18, "vault holds what positions record");
    }

    function test_borrow_reenteredFromReceiveHook_lendsOnce() public {
        _attack(
            ReentrancyAttacker.Trigger.TokensReceived,
            address(vault),
            abi.encodeCall(vault.borrow, (attackerPosition, 20_000 * USDC, address(attacker))),
            address(vault),
            abi.encodeCall(vault.borrow, (attackerPosition, 20_000 * USDC, address(attacker)))
        );
        assertEq(vault.debtAssetsOf(attackerPosition), 20_000 * USDC, "one loan");
        assertEq(hookQuote.balanceOf(address(attacker)), 1_020_000 * USDC);
    }

    function test_redeem_reenteredFromReceiveHook_paysOnce() public {
        _asAttacker(address(hookPool), abi.encodeCall(hookPool.deposit, (100_000 * USDC, address(attacker))));
        uint256 shares = hookPool.balanceOf(address(attacker));
        _attack(
            ReentrancyAttacker.Trigger.TokensReceived,
            address(hookPool),
            abi.encodeCall(hookPool.redeem, (shares / 2, address(attacker), address(attacker))),
            address(hookPool),
            abi.encodeCall(hookPool.redeem, (shares / 2, address(attacker), address(attacker)))
        );
        assertEq(hookPool.balanceOf(address(attacker)), shares - shares / 2, "one redemption");
        assertLe(hookQuote.balanceOf(address(attacker)), 950_000 * USDC, "at most half back");
    }

    function test_repay_reenteredFromSendHook_cannotWithdrawMidRepayment() public {
        _asAttacker(address(vault), abi.encodeCall(vault.borrow, (attackerPosition, 20_000 * USDC, address(attacker))));
        _attack(
            ReentrancyAttacker.Trigger.TokensToSend,
            address(vault),
            abi.encodeCall(vault.withdrawCollateral, (attackerPosition, 10e18, address(attacker))),
            address(vault),
            abi.encodeCall(vault.repay, (attackerPosition, type(uint256).max))
        );
        assertEq(vault.debtAssetsOf(attackerPosition), 0, "repaid");
        assertEq(vault.position(attackerPosition).collateralAssets, 10e18, "collateral still in the vault");
    }

    /// @dev As keeper: the seized collateral arrives (receive hook) while the engine and the vault are locked.
    function test_liquidation_reenteredFromReceiveHook_takesOneTranche() public {
        oracle.setPrice(_price(2400));
        uint256 price = _oraclePrice();
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(victim);
        uint256 before =
            hookQuote.balanceOf(address(attacker)) + (hookCollateral.balanceOf(address(attacker)) * price) / 1e36;
        _attack(
            ReentrancyAttacker.Trigger.TokensReceived,
            address(engine),
            abi.encodeCall(engine.liquidate, (victim, type(uint256).max, address(attacker), "")),
            address(engine),
            abi.encodeCall(engine.liquidate, (victim, type(uint256).max, address(attacker), ""))
        );
        uint256 afterwards =
            hookQuote.balanceOf(address(attacker)) + (hookCollateral.balanceOf(address(attacker)) * price) / 1e36;
        assertEq(engine.trancheState(victim).tranchesExecuted, 1, "one tranche");
        assertLe(afterwards, before + (preview.repaidAssets * preview.bonus * 0.7e18) / 1e36 + 1, "one bonus");
    }

    /// @dev As keeper paying with a hook token: from the send hook it repays the victim's debt itself (the vault is
    /// not locked then). The engine pays the keeper's money straight into the pool and checks the pool received
    /// exactly the tranche's repayment and the fee's reserve part (one transfer); the hook's extra repayment lands in
    /// the same window, so the whole
    /// liquidation reverts and nothing moves.
    function test_liquidationPayment_sendHookRepayingTheVictim_revertsTheWholeLiquidation() public {
        oracle.setPrice(_price(2400));
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(victim);
        uint256 quoteBefore = hookQuote.balanceOf(address(attacker));
        uint256 collateralBefore = hookCollateral.balanceOf(address(attacker));
        uint256 debtBefore = vault.debtAssetsOf(victim);
        attacker.arm(
            ReentrancyAttacker.Trigger.TokensToSend,
            address(vault),
            abi.encodeCall(vault.repay, (victim, 1_000 * USDC)),
            false
        );
        bytes memory mismatch = abi.encodeWithSelector(
            TransferLib.TransferAmountMismatch.selector,
            address(hookQuote),
            preview.repaidAssets + preview.protocolFee,
            preview.repaidAssets + preview.protocolFee + 1_000 * USDC
        );
        vm.expectRevert(abi.encodeWithSelector(ReentrancyAttacker.CallFailed.selector, mismatch));
        attacker.exec(
            address(engine),
            abi.encodeCall(engine.liquidate, (victim, type(uint256).max, address(attacker), ""))
        );
        assertEq(hookQuote.balanceOf(address(attacker)), quoteBefore, "attacker's quote unchanged");
        assertEq(hookCollateral.balanceOf(address(attacker)), collateralBefore, "attacker's collateral unchanged");
        assertEq(vault.debtAssetsOf(victim), debtBefore, "victim's debt unchanged");
        assertEq(engine.trancheState(victim).tranchesExecuted, 0, "no tranche");
        (uint256 cash, , ) = hookPool.expectedBalances();
        assertEq(cash, hookQuote.balanceOf(address(hookPool)), "pool cash matches its balance");
    }
}
