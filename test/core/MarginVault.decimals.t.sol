// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InterestRateModel} from "../../contracts/core/InterestRateModel.sol";
import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {MarginVault} from "../../contracts/core/MarginVault.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockOracle} from "../mocks/MockOracle.sol";

/// @notice Collateral and quote tokens of 6, 8 and 18 decimals, in every pairing, through a whole position lifecycle.
contract MarginVaultDecimalsTest is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant LENDER = address(0x1E1D);
    address internal constant BORROWER = address(0xB0B);

    MockERC20 internal c;
    MockERC20 internal q;
    LendingPool internal pool;
    MarginVault internal vault;
    uint256 internal marketId;

    function _decimals(uint256 seed) internal pure returns (uint8) {
        uint8[3] memory options = [6, 8, 18];
        return options[seed % 3];
    }

    /// @notice For every pairing: borrowing at the initial ratio works, one unit more fails, and the ratio the vault
    /// reports equals collateral value over debt whatever the decimals.
    function testFuzz_lifecycleWorksForAnyDecimals(uint256 cSeed, uint256 qSeed, uint256 usdPrice) public {
        uint8 cDec = _decimals(cSeed);
        uint8 qDec = _decimals(qSeed);
        usdPrice = bound(usdPrice, 1, 100_000); // collateral worth 1 to 100,000 quote tokens
        c = new MockERC20("C", "C", cDec);
        q = new MockERC20("Q", "Q", qDec);
        // price = usdPrice * 10^qDec / 10^cDec * 1e36
        _deploy((usdPrice * 10 ** qDec * 1e36) / 10 ** cDec, qDec);
        _run(cDec, qDec, usdPrice);
    }

    function _deploy(uint256 price, uint8 qDec) internal {
        MockOracle oracle = new MockOracle(price);
        InterestRateModel irm = new InterestRateModel(0, 0.04e18, 0.6e18, 0.8e18);
        vault = new MarginVault(ADMIN, ADMIN, ADMIN);
        pool = new LendingPool(IERC20(address(q)), "P", "P", ADMIN, irm, 0, ADMIN, address(vault));
        IMarginVault.RiskParams memory p = IMarginVault.RiskParams({
            initialRatio: 1.5e18,
            targetRatio: 1.25e18,
            maintenanceRatio: 1.2e18,
            fullLiquidationRatio: 1.08e18,
            minBonus: 0.02e18,
            maxBonus: 0.06e18,
            keeperShare: 0.7e18,
            maxTrancheShare: 0.25e18,
            maxTrancheDebt: uint128(250_000 * 10 ** qDec),
            minTrancheDebt: uint128(1_000 * 10 ** qDec),
            minDebt: uint128(10 ** qDec),
            windowLimit: uint128(2_000_000 * 10 ** qDec),
            window: 3600,
            trancheCooldown: 300,
            borrowCap: type(uint128).max,
            collateralCap: type(uint128).max
        });
        vm.startPrank(ADMIN);
        marketId = vault.createMarket(IERC20(address(c)), pool, oracle, p);
        vm.stopPrank();
    }

    function _run(uint8 cDec, uint8 qDec, uint256 usdPrice) internal {
        q.mint(LENDER, 10_000_000 * 10 ** qDec);
        vm.startPrank(LENDER);
        q.approve(address(pool), type(uint256).max);
        pool.deposit(10_000_000 * 10 ** qDec, LENDER);
        vm.stopPrank();

        // 30 collateral tokens, worth 30 * usdPrice quote tokens; borrow value / 1.5.
        uint256 collateralAssets = 30 * 10 ** cDec;
        c.mint(BORROWER, collateralAssets);
        uint256 debt = (30 * usdPrice * 10 ** qDec * 1e18) / 1.5e18;
        vm.startPrank(BORROWER);
        c.approve(address(vault), type(uint256).max);
        q.approve(address(vault), type(uint256).max);
        uint256 id = vault.openPosition(marketId);
        vault.depositCollateral(id, collateralAssets);
        vm.expectRevert();
        vault.borrow(id, debt + 1, BORROWER);
        vault.borrow(id, debt, BORROWER);
        assertEq(vault.positionHealth(id).ratio, 1.5e18, "ratio is value over debt");
        assertEq(vault.positionHealth(id).collateralValue, 30 * usdPrice * 10 ** qDec);
        vault.repay(id, type(uint256).max);
        vault.closePosition(id, BORROWER);
        vm.stopPrank();
        assertEq(c.balanceOf(BORROWER), collateralAssets, "all collateral back");
        assertEq(q.balanceOf(address(pool)), 10_000_000 * 10 ** qDec, "pool made whole");
    }
}
