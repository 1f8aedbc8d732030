// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {ILendingPool} from "../../contracts/interfaces/ILendingPool.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockOracle} from "../mocks/MockOracle.sol";
import {exampleRiskParams} from "../core/ExampleParams.sol";
import {TestActors} from "../core/TestActors.sol";

/// @dev Governance setters of the core that its interfaces leave out (tests call them as their roles).
interface ICoreAdmin {
    function setLiquidationEngine(address engine) external;
    function setTimeBonus(uint256 marketId, uint256 bonusPerSecond) external;
    function setFeeConfig(uint256 marketId, ILiquidationEngine.FeeConfig calldata config) external;
}

/// @notice The set-up of `EngineBaseTest` (same actors, pool, market, parameters and opening position) for the
/// periphery's tests, with one difference: the core is deployed from its compiled artifacts (`deployCode`) and held
/// through its interfaces. A periphery test's compilation unit then holds the periphery contract under test and the
/// interfaces, not the vault, engine and pool sources: with them, the coverage build of a periphery test outgrows the
/// wasm compiler's heap (HHE908), and the periphery went unmeasured. The core's own coverage comes from its own tests.
abstract contract PeripheryBaseTest is TestActors {
    MockERC20 internal quote;
    MockERC20 internal collateral;
    MockOracle internal oracle;
    address internal irm;
    ILendingPool internal pool;
    IMarginVault internal vault;
    IInsuranceFund internal fund;
    ILiquidationEngine internal engine;
    uint256 internal marketId;
    uint256 internal positionId;

    function setUp() public virtual {
        quote = new MockERC20("USD Coin", "USDC", 6);
        collateral = new MockERC20("Wrapped Ether", "WETH", 18);
        oracle = new MockOracle(PRICE_3000);
        irm = deployCode(
            "InterestRateModel.sol:InterestRateModel",
            abi.encode(uint256(0), uint256(0.04e18), uint256(0.6e18), uint256(0.8e18))
        );
        // The pool's reserves (where the protocol fee's insurance part arrives) are swept to the engine's fund.
        fund = IInsuranceFund(deployCode("InsuranceFund.sol:InsuranceFund", abi.encode(ADMIN)));
        vault = IMarginVault(deployCode("MarginVault.sol:MarginVault", abi.encode(ADMIN, RISK_MANAGER, GUARDIAN)));
        pool = ILendingPool(
            deployCode(
                "LendingPool.sol:LendingPool",
                abi.encode(
                    address(quote),
                    "Sluice USDC",
                    "slUSDC",
                    ADMIN,
                    irm,
                    uint256(0.1e18),
                    address(fund),
                    address(vault)
                )
            )
        );
        engine = ILiquidationEngine(
            deployCode(
                "LiquidationEngine.sol:LiquidationEngine",
                abi.encode(address(vault), address(fund), ADMIN, RISK_MANAGER)
            )
        );
        vm.startPrank(ADMIN);
        ICoreAdmin(address(fund)).setLiquidationEngine(address(engine));
        ICoreAdmin(address(vault)).setLiquidationEngine(address(engine));
        marketId = vault.createMarket(IERC20(address(collateral)), pool, oracle, exampleRiskParams());
        vm.stopPrank();

        vm.prank(LENDER);
        quote.approve(address(pool), type(uint256).max);
        vm.startPrank(BORROWER);
        collateral.approve(address(vault), type(uint256).max);
        quote.approve(address(vault), type(uint256).max);
        vm.stopPrank();

        _lend(10_000_000 * USDC);
        // 10 WETH at 3000 = 30,000 USDC against 21,000 USDC: ratio 1.4286.
        positionId = _openPosition(10e18, 21_000 * USDC);
        quote.mint(KEEPER, 10_000_000 * USDC);
        vm.prank(KEEPER);
        quote.approve(address(engine), type(uint256).max);
    }

    function _lend(uint256 assets) internal {
        quote.mint(LENDER, assets);
        vm.prank(LENDER);
        pool.deposit(assets, LENDER);
    }

    function _openPosition(uint256 collateralAssets, uint256 debtAssets) internal returns (uint256 id) {
        collateral.mint(BORROWER, collateralAssets);
        vm.startPrank(BORROWER);
        id = vault.openPosition(marketId);
        if (collateralAssets > 0) vault.depositCollateral(id, collateralAssets);
        if (debtAssets > 0) vault.borrow(id, debtAssets, BORROWER);
        vm.stopPrank();
    }

    function _liquidate(uint256 maxRepay) internal returns (uint256 repaid, uint256 seized) {
        vm.prank(KEEPER);
        (repaid, seized) = engine.liquidate(positionId, maxRepay, KEEPER, "");
    }
}
