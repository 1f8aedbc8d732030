// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ILendingPool} from "../../contracts/interfaces/ILendingPool.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {InterestRateModel} from "../../contracts/core/InterestRateModel.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {AdversarialBase} from "./AdversarialBase.sol";

/// @notice Attack: governance (a captured or careless risk manager, or the timelocked admin) setting parameters
/// outside the hard bounds, to make liquidations impossible, unprofitable or confiscatory. Every setter refuses
/// out-of-bound values, so whatever a risk manager sets, a position can still be brought back to health, a bonus
/// never exceeds 25 %, a tranche never lowers the ratio and no one-off change takes a borrower's equity.
/// @dev What stays within the bounds but still needs trust (a long cooldown, a tiny window limit, a fee sink) is
/// listed in SECURITY.md.
contract GovernanceOutOfBoundsTest is AdversarialBase {
    uint256 internal constant MAX_BONUS = 0.25e18;
    uint256 internal constant MAX_RATIO = 10e18;

    function _setParams(IMarginVault.RiskParams memory params, bytes memory expected) internal {
        vm.prank(RISK_MANAGER);
        vm.expectRevert(expected);
        vault.setRiskParams(marketId, params);
    }

    function test_ratioAndBonusBounds_areEnforced() public {
        IMarginVault.RiskParams memory p = _riskParams();

        p.initialRatio = uint64(MAX_RATIO + 1);
        p.targetRatio = uint64(MAX_RATIO);
        _setParams(p, abi.encodeWithSelector(TrancheMath.RatioTooHigh.selector, MAX_RATIO + 1, MAX_RATIO));

        p = _riskParams();
        p.initialRatio = 1.24e18;
        _setParams(p, abi.encodeWithSelector(TrancheMath.InitialBelowTarget.selector, 1.24e18, 1.25e18));

        p = _riskParams();
        p.targetRatio = 1.2e18;
        _setParams(p, abi.encodeWithSelector(TrancheMath.TargetNotAboveMaintenance.selector, 1.2e18, 1.2e18));

        p = _riskParams();
        p.fullLiquidationRatio = 1.2e18;
        _setParams(p, abi.encodeWithSelector(TrancheMath.MaintenanceNotAboveFull.selector, 1.2e18, 1.2e18));

        p = _riskParams();
        p.maxBonus = uint64(MAX_BONUS + 1);
        _setParams(p, abi.encodeWithSelector(TrancheMath.BonusTooHigh.selector, MAX_BONUS + 1, MAX_BONUS));

        p = _riskParams();
        p.minBonus = 0.07e18;
        _setParams(p, abi.encodeWithSelector(TrancheMath.MinBonusAboveMax.selector, 0.07e18, 0.06e18));

        // A bonus above `fullLiquidationRatio - 1` would let tranches lower the ratio (and take equity).
        p = _riskParams();
        p.maxBonus = 0.09e18;
        _setParams(p, abi.encodeWithSelector(TrancheMath.FullBelowOnePlusBonus.selector, 1.08e18, 0.09e18));

        p = _riskParams();
        p.maxTrancheShare = 0;
        _setParams(p, abi.encodeWithSelector(TrancheMath.InvalidTrancheShare.selector, 0));
        p.maxTrancheShare = 1e18 + 1;
        _setParams(p, abi.encodeWithSelector(TrancheMath.InvalidTrancheShare.selector, 1e18 + 1));

        p = _riskParams();
        p.maxTrancheDebt = 0;
        p.minDebt = 0;
        _setParams(p, abi.encodeWithSelector(TrancheMath.ZeroTrancheDebt.selector));
        assertEq(keccak256(abi.encode(vault.riskParams(marketId))), keccak256(abi.encode(_riskParams())));
    }

    function test_sizeShareAndTimeBounds_areEnforced() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.minDebt = p.maxTrancheDebt + 1;
        _setParams(
            p,
            abi.encodeWithSelector(IMarginVault.MinDebtAboveTrancheDebt.selector, p.minDebt, p.maxTrancheDebt)
        );

        p = _riskParams();
        p.keeperShare = 1e18 + 1;
        _setParams(p, abi.encodeWithSelector(IMarginVault.KeeperShareTooHigh.selector, 1e18 + 1));

        p = _riskParams();
        p.trancheCooldown = 1 days + 1;
        _setParams(p, abi.encodeWithSelector(IMarginVault.TrancheCooldownTooLong.selector, 1 days + 1, 1 days));

        p = _riskParams();
        p.window = 0;
        _setParams(p, abi.encodeWithSelector(IMarginVault.InvalidWindow.selector, 0, 7 days));
        p.window = 7 days + 1;
        _setParams(p, abi.encodeWithSelector(IMarginVault.InvalidWindow.selector, 7 days + 1, 7 days));

        p = _riskParams();
        p.windowLimit = 0;
        _setParams(p, abi.encodeWithSelector(IMarginVault.ZeroWindowLimit.selector));

        assertEq(keccak256(abi.encode(vault.riskParams(marketId))), keccak256(abi.encode(_riskParams())));
    }

    /// @dev Any parameter set the vault accepts satisfies the whole chain of bounds.
    function testFuzz_acceptedParams_alwaysSatisfyTheBounds(IMarginVault.RiskParams memory p) public {
        vm.prank(RISK_MANAGER);
        try vault.setRiskParams(marketId, p) {
            IMarginVault.RiskParams memory s = vault.riskParams(marketId);
            assertLe(s.initialRatio, MAX_RATIO);
            assertGe(s.initialRatio, s.targetRatio);
            assertGt(s.targetRatio, s.maintenanceRatio);
            assertGt(s.maintenanceRatio, s.fullLiquidationRatio);
            assertGe(s.fullLiquidationRatio, 1e18 + uint256(s.maxBonus));
            assertLe(s.minBonus, s.maxBonus);
            assertLe(s.maxBonus, MAX_BONUS);
            assertLe(s.keeperShare, 1e18);
            assertGt(s.maxTrancheShare, 0);
            assertLe(s.maxTrancheShare, 1e18);
            assertLe(s.minDebt, s.maxTrancheDebt);
            assertLe(s.trancheCooldown, 1 days);
            assertGt(s.window, 0);
            assertLe(s.window, 7 days);
            assertGt(s.windowLimit, 0);
        } catch {
            assertEq(keccak256(abi.encode(vault.riskParams(marketId))), keccak256(abi.encode(_riskParams())));
        }
    }

    /// @dev With the most borrower-hostile parameters the bounds allow, a liquidation still takes no more than the
    /// position's debt plus a 25 % bonus, and a position above `1 + maxBonus` keeps positive equity.
    function test_harshestAllowedParams_neverTakeMoreThanDebtPlusBonus() public {
        IMarginVault.RiskParams memory p = _riskParams();
        (p.initialRatio, p.targetRatio, p.maintenanceRatio, p.fullLiquidationRatio) = (10e18, 10e18, 9e18, 1.25e18);
        (p.minBonus, p.maxBonus, p.keeperShare) = (0.25e18, 0.25e18, 1e18);
        p.maxTrancheShare = 1e18;
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        _fundAttacker(1_000_000 * USDC);
        uint256 price = _oraclePrice();
        Books memory before = _books(positionId, price);
        uint256 debt = vault.debtAssetsOf(positionId);

        vm.prank(ATTACKER);
        (uint256 repaid, uint256 seized) = engine.liquidate(positionId, type(uint256).max, ATTACKER, "");

        assertLe((seized * price) / 1e36, (repaid * 1.25e18) / 1e18, "seized worth at most repaid + 25 %");
        assertLe(repaid, debt);
        Books memory afterwards = _books(positionId, price);
        assertLe(afterwards.attacker, before.attacker + (repaid * 0.25e18) / 1e18 + 1, "keeper: the bonus at most");
        assertGe(afterwards.lenderAssets, before.lenderAssets, "lenders whole");
    }

    function test_engineAndPoolSetters_enforceTheirBounds() public {
        uint256 limit = engine.MAX_TIME_BONUS_PER_SECOND();
        vm.startPrank(RISK_MANAGER);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.TimeBonusTooHigh.selector, limit + 1, limit));
        engine.setTimeBonus(marketId, limit + 1);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.InsuranceShareTooHigh.selector, 1e18 + 1));
        engine.setFeeConfig(marketId, ILiquidationEngine.FeeConfig({feeSink: OTHER, insuranceShare: 1e18 + 1}));
        vm.stopPrank();

        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(ILendingPool.ReserveFactorTooHigh.selector, 0.5e18 + 1, 0.5e18));
        pool.setReserveFactor(0.5e18 + 1);
        // The vault's engine is set once and the pool's vault is immutable: governance cannot swap them later.
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.LiquidationEngineAlreadySet.selector, address(engine)));
        vault.setLiquidationEngine(ATTACKER);
        // The old setter's selector, called raw: the pool has no such function (and no fallback).
        // solhint-disable-next-line avoid-low-level-calls
        (bool swapped, ) = address(pool).call(abi.encodeWithSignature("setVault(address)", ATTACKER));
        assertFalse(swapped, "the pool has no vault setter");
        assertEq(pool.vault(), address(vault));
        vm.stopPrank();
    }

    /// @dev An interest-rate model is only bounded by its own constructor: a new one charges from now on, never
    /// retroactively (interest up to the change accrues at the old rate).
    function test_newRateModel_isNotRetroactive() public {
        skip(30 days);
        uint256 debtBefore = vault.debtAssetsOf(positionId);
        InterestRateModel steep = new InterestRateModel(1e18, 1e18, 1e18, 0.8e18);
        vm.prank(ADMIN);
        pool.setInterestRateModel(steep);
        assertEq(vault.debtAssetsOf(positionId), debtBefore, "the change itself costs the borrower nothing");
    }

    function test_rolesCannotBeUsedByOthers() public {
        bytes32 riskRole = vault.RISK_MANAGER_ROLE();
        IMarginVault.RiskParams memory p = _riskParams();
        p.minBonus = 0.03e18;
        vm.prank(ATTACKER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ATTACKER, riskRole)
        );
        vault.setRiskParams(marketId, p);
        vm.prank(ADMIN);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, riskRole)
        );
        vault.setRiskParams(marketId, p);
    }
}
