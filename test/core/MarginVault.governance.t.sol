// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {MarginVault} from "../../contracts/core/MarginVault.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice createMarket, setRiskParams, setBorrowPaused, setLiquidationEngine and the roles.
contract MarginVaultGovernanceTest is BaseTest {
    function test_constructor_revertsOnZeroRoleHolder() public {
        vm.expectRevert(IMarginVault.ZeroAddress.selector);
        new MarginVault(address(0), RISK_MANAGER, GUARDIAN);
    }

    function test_createMarket_listsWithParams() public {
        IMarginVault.Market memory m = vault.market(marketId);
        assertEq(address(m.collateralToken), address(collateral));
        assertEq(address(m.pool), address(pool));
        assertEq(address(m.oracle), address(oracle));
        assertEq(vault.marketCount(), 1);
        assertEq(vault.riskParams(marketId).targetRatio, 1.25e18);
    }

    function test_createMarket_onlyAdmin() public {
        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.prank(RISK_MANAGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, RISK_MANAGER, role)
        );
        vault.createMarket(IERC20(address(collateral)), pool, oracle, _riskParams());
    }

    function test_createMarket_revertsOnZeroAddress() public {
        vm.prank(ADMIN);
        vm.expectRevert(IMarginVault.ZeroAddress.selector);
        vault.createMarket(IERC20(address(0)), pool, oracle, _riskParams());
    }

    function test_createMarket_revertsWhenPoolLendsElsewhere() public {
        LendingPool other = new LendingPool(IERC20(address(quote)), "x", "x", ADMIN, irm, 0, INSURANCE, OTHER);
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.PoolNotConnected.selector, address(other)));
        vault.createMarket(IERC20(address(collateral)), other, oracle, _riskParams());
    }

    function test_createMarket_revertsWhenCollateralIsQuote() public {
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.CollateralIsQuote.selector, address(quote)));
        vault.createMarket(IERC20(address(quote)), pool, oracle, _riskParams());
    }

    function test_createMarket_revertsOnBadParams() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.targetRatio = 1.2e18;
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(TrancheMath.TargetNotAboveMaintenance.selector, 1.2e18, 1.2e18));
        vault.createMarket(IERC20(address(collateral)), pool, oracle, p);
    }

    function test_setRiskParams_updatesAndEmits() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.maintenanceRatio = 1.15e18;
        vm.expectEmit(address(vault));
        emit IMarginVault.SetRiskParams(marketId, p);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        assertEq(vault.riskParams(marketId).maintenanceRatio, 1.15e18);
    }

    /// The configuration lives in a data contract's code, read word by word: every field of a change reads back as
    /// set (caps and minimum debt as the deposit and repayment read them), and the market's fixed parts stay.
    function testFuzz_setRiskParams_everyFieldReadsBackFromTheDataContract(
        uint128 minDebt,
        uint128 borrowCap,
        uint128 collateralCap,
        uint32 cooldown
    ) public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.minDebt = uint128(bound(minDebt, 0, p.maxTrancheDebt));
        p.borrowCap = borrowCap;
        p.collateralCap = collateralCap;
        p.trancheCooldown = uint32(bound(cooldown, 0, vault.MAX_TRANCHE_COOLDOWN()));
        p.targetRatio = 1.3e18;
        vm.assume(keccak256(abi.encode(p)) != keccak256(abi.encode(vault.riskParams(marketId))));
        IMarginVault.Market memory before = vault.market(marketId);
        vm.prank(RISK_MANAGER);
        vault.setRiskParams(marketId, p);
        assertEq(keccak256(abi.encode(vault.riskParams(marketId))), keccak256(abi.encode(p)));
        IMarginVault.Market memory afterChange = vault.market(marketId);
        assertEq(address(afterChange.collateralToken), address(before.collateralToken));
        assertEq(address(afterChange.pool), address(before.pool));
        assertEq(address(afterChange.oracle), address(before.oracle));
        IMarginVault.MarketState memory state = vault.marketState(marketId);
        assertEq(state.borrowCap, borrowCap);
        assertEq(state.collateralCap, collateralCap);
        // The deposit reads the collateral cap as one word of the configuration.
        collateral.mint(BORROWER, 1);
        vm.startPrank(BORROWER);
        uint256 id = vault.openPosition(marketId);
        collateral.approve(address(vault), 1);
        if (collateralCap == 0) {
            vm.expectRevert(abi.encodeWithSelector(IMarginVault.CollateralCapExceeded.selector, marketId, 1, 0));
        }
        vault.depositCollateral(id, 1);
        vm.stopPrank();
    }

    /// A position names its market in 16 bits: the vault lists at most `MAX_MARKETS`. (The count is set in storage
    /// rather than by listing 65,535 markets; the slot is found as the one that follows `marketCount`.)
    function test_createMarket_revertsPastTheSixteenBitMarketId() public {
        IMarginVault.RiskParams memory p = _riskParams();
        uint256 slot = type(uint256).max;
        for (uint256 i = 0; i < 16 && slot == type(uint256).max; ++i) {
            if (uint256(vm.load(address(vault), bytes32(i))) != vault.marketCount()) continue;
            vm.store(address(vault), bytes32(i), bytes32(uint256(7)));
            if (vault.marketCount() == 7) slot = i;
            vm.store(address(vault), bytes32(i), bytes32(uint256(1)));
        }
        assertLt(slot, 16, "marketCount's slot found");
        uint256 limit = vault.MAX_MARKETS();
        assertEq(limit, 65_535);
        vm.store(address(vault), bytes32(slot), bytes32(limit - 1));
        vm.startPrank(ADMIN);
        assertEq(
            vault.createMarket(IERC20(address(collateral)), pool, oracle, p),
            limit,
            "the last id a position holds"
        );
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.TooManyMarkets.selector, limit));
        vault.createMarket(IERC20(address(collateral)), pool, oracle, p);
        vm.stopPrank();
    }

    function test_market_unknownMarketIsEmpty() public view {
        IMarginVault.Market memory m = vault.market(9);
        assertEq(address(m.pool), address(0));
        assertEq(address(m.oracle), address(0));
        assertEq(vault.riskParams(9).maintenanceRatio, 0);
    }

    function test_setRiskParams_revertsOnNoChange() public {
        IMarginVault.RiskParams memory p = _riskParams();
        vm.prank(RISK_MANAGER);
        vm.expectRevert(IMarginVault.NoChange.selector);
        vault.setRiskParams(marketId, p);
    }

    function test_setRiskParams_revertsOnUnknownMarket() public {
        IMarginVault.RiskParams memory p = _riskParams();
        vm.prank(RISK_MANAGER);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.UnknownMarket.selector, 9));
        vault.setRiskParams(9, p);
    }

    function test_setRiskParams_onlyRiskManager() public {
        bytes32 role = vault.RISK_MANAGER_ROLE();
        IMarginVault.RiskParams memory p = _riskParams();
        vm.prank(GUARDIAN);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, GUARDIAN, role)
        );
        vault.setRiskParams(marketId, p);
    }

    function _expectBadParams(IMarginVault.RiskParams memory p, bytes memory error) internal {
        vm.prank(RISK_MANAGER);
        vm.expectRevert(error);
        vault.setRiskParams(marketId, p);
    }

    function test_setRiskParams_enforcesEveryHardBound() public {
        IMarginVault.RiskParams memory p = _riskParams();
        p.fullLiquidationRatio = 1.05e18; // below 1 + maxBonus (1.06)
        _expectBadParams(p, abi.encodeWithSelector(TrancheMath.FullBelowOnePlusBonus.selector, 1.05e18, 0.06e18));

        p = _riskParams();
        p.initialRatio = 1.24e18;
        _expectBadParams(p, abi.encodeWithSelector(TrancheMath.InitialBelowTarget.selector, 1.24e18, 1.25e18));

        p = _riskParams();
        p.minDebt = uint128(300_000 * USDC);
        _expectBadParams(
            p,
            abi.encodeWithSelector(IMarginVault.MinDebtAboveTrancheDebt.selector, 300_000 * USDC, 250_000 * USDC)
        );

        p = _riskParams();
        p.keeperShare = 1e18 + 1;
        _expectBadParams(p, abi.encodeWithSelector(IMarginVault.KeeperShareTooHigh.selector, 1e18 + 1));

        p = _riskParams();
        p.trancheCooldown = 1 days + 1;
        _expectBadParams(p, abi.encodeWithSelector(IMarginVault.TrancheCooldownTooLong.selector, 1 days + 1, 1 days));

        p = _riskParams();
        p.window = 0;
        _expectBadParams(p, abi.encodeWithSelector(IMarginVault.InvalidWindow.selector, 0, 7 days));

        p = _riskParams();
        p.window = 7 days + 1;
        _expectBadParams(p, abi.encodeWithSelector(IMarginVault.InvalidWindow.selector, 7 days + 1, 7 days));

        p = _riskParams();
        p.windowLimit = 0;
        _expectBadParams(p, abi.encodeWithSelector(IMarginVault.ZeroWindowLimit.selector));

        assertEq(vault.riskParams(marketId).fullLiquidationRatio, 1.08e18, "nothing changed");
    }

    function test_setBorrowPaused_guardianPausesAndResumes() public {
        vm.expectEmit(address(vault));
        emit IMarginVault.SetBorrowPaused(marketId, true);
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, true);
        assertTrue(vault.market(marketId).borrowPaused);
        vm.prank(GUARDIAN);
        vm.expectRevert(IMarginVault.NoChange.selector);
        vault.setBorrowPaused(marketId, true);
        vm.prank(GUARDIAN);
        vault.setBorrowPaused(marketId, false);
        assertFalse(vault.market(marketId).borrowPaused);
    }

    function test_setBorrowPaused_onlyGuardian() public {
        bytes32 role = vault.GUARDIAN_ROLE();
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, role));
        vault.setBorrowPaused(marketId, true);
    }

    function test_guardianHasNoOtherPower() public {
        IMarginVault.RiskParams memory p = _riskParams();
        vm.startPrank(GUARDIAN);
        vm.expectRevert();
        vault.setRiskParams(marketId, p);
        vm.expectRevert();
        vault.createMarket(IERC20(address(collateral)), pool, oracle, p);
        vm.expectRevert();
        vault.settleTranche(1, 0, 0, 1, 0, 0, 0, GUARDIAN);
        vm.stopPrank();
    }

    function test_setLiquidationEngine_onlyOnce() public {
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IMarginVault.LiquidationEngineAlreadySet.selector, ENGINE));
        vault.setLiquidationEngine(OTHER);
        MarginVault fresh = new MarginVault(ADMIN, RISK_MANAGER, GUARDIAN);
        vm.startPrank(ADMIN);
        vm.expectRevert(IMarginVault.ZeroAddress.selector);
        fresh.setLiquidationEngine(address(0));
        vm.expectEmit(address(fresh));
        emit IMarginVault.SetLiquidationEngine(ENGINE);
        fresh.setLiquidationEngine(ENGINE);
        vm.stopPrank();
        assertEq(fresh.liquidationEngine(), ENGINE);
    }
}
