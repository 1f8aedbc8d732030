// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InterestRateModel} from "../../contracts/core/InterestRateModel.sol";
import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {MarginVault} from "../../contracts/core/MarginVault.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {IOracle} from "../../contracts/interfaces/IOracle.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockOracle} from "../mocks/MockOracle.sol";
import {exampleRiskParams} from "./ExampleParams.sol";
import {TestActors} from "./TestActors.sol";

/// @notice Shared set-up: a USDC-like pool (6 decimals) lending to a vault with one WETH-like market (18 decimals)
/// at 3000 USDC, the ARCHITECTURE.md example parameters, and named actors.
abstract contract BaseTest is TestActors {
    MockERC20 internal quote;
    MockERC20 internal collateral;
    MockOracle internal oracle;
    InterestRateModel internal irm;
    LendingPool internal pool;
    MarginVault internal vault;
    uint256 internal marketId;

    function setUp() public virtual {
        quote = new MockERC20("USD Coin", "USDC", 6);
        collateral = new MockERC20("Wrapped Ether", "WETH", 18);
        oracle = new MockOracle(PRICE_3000);
        // 0 % base, 4 % up to 80 % utilization, then +60 %.
        irm = new InterestRateModel(0, 0.04e18, 0.6e18, 0.8e18);
        vault = new MarginVault(ADMIN, RISK_MANAGER, GUARDIAN);
        pool = new LendingPool(
            IERC20(address(quote)),
            "Sluice USDC",
            "slUSDC",
            ADMIN,
            irm,
            0.1e18,
            INSURANCE,
            address(vault)
        );
        address engine = _deployEngine();
        vm.startPrank(ADMIN);
        vault.setLiquidationEngine(engine);
        marketId = vault.createMarket(IERC20(address(collateral)), pool, oracle, _riskParams());
        vm.stopPrank();

        vm.prank(LENDER);
        quote.approve(address(pool), type(uint256).max);
        vm.startPrank(BORROWER);
        collateral.approve(address(vault), type(uint256).max);
        quote.approve(address(vault), type(uint256).max);
        vm.stopPrank();
        vm.startPrank(OTHER);
        collateral.approve(address(vault), type(uint256).max);
        quote.approve(address(vault), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev The liquidation engine the vault trusts; a plain address by default, the real engine in engine tests.
    function _deployEngine() internal virtual returns (address) {
        return ENGINE;
    }

    function _riskParams() internal pure returns (IMarginVault.RiskParams memory) {
        return exampleRiskParams();
    }

    function _lend(uint256 assets) internal {
        quote.mint(LENDER, assets);
        vm.prank(LENDER);
        pool.deposit(assets, LENDER);
    }

    /// @dev Opens a position for BORROWER with `collateralAssets` deposited and `debtAssets` borrowed.
    function _openPosition(uint256 collateralAssets, uint256 debtAssets) internal returns (uint256 positionId) {
        collateral.mint(BORROWER, collateralAssets);
        vm.startPrank(BORROWER);
        positionId = vault.openPosition(marketId);
        if (collateralAssets > 0) vault.depositCollateral(positionId, collateralAssets);
        if (debtAssets > 0) vault.borrow(positionId, debtAssets, BORROWER);
        vm.stopPrank();
    }

    /// @dev The pool's books: lenders' assets plus reserves are cash plus loans, and the tracked cash is the balance.
    function _assertPoolBooks() internal view {
        (uint256 cash, uint256 borrows, uint256 reserves) = pool.expectedBalances();
        assertEq(pool.totalAssets() + reserves, cash + borrows, "totalAssets + reserves == cash + borrows");
        assertEq(pool.cashAssets(), quote.balanceOf(address(pool)), "tracked cash == balance");
    }

    function _status(IOracle.PriceStatus s) internal pure returns (uint8) {
        return uint8(s);
    }
}
