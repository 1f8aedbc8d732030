// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {InsuranceFund} from "../../contracts/core/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/core/LiquidationEngine.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice BaseTest with the real LiquidationEngine and InsuranceFund, a lent pool, one position and a funded keeper.
abstract contract EngineBaseTest is BaseTest {
    InsuranceFund internal fund;
    LiquidationEngine internal engine;
    uint256 internal positionId;

    function _deployEngine() internal override returns (address) {
        fund = new InsuranceFund(ADMIN);
        engine = new LiquidationEngine(vault, fund, ADMIN, RISK_MANAGER);
        vm.prank(ADMIN);
        fund.setLiquidationEngine(address(engine));
        return address(engine);
    }

    function setUp() public virtual override {
        super.setUp();
        // The pool's reserves (where the protocol fee's insurance part arrives) are swept to the engine's fund.
        vm.prank(ADMIN);
        pool.setInsuranceFund(address(fund));
        _lend(10_000_000 * USDC);
        // 10 WETH at 3000 = 30,000 USDC against 21,000 USDC: ratio 1.4286.
        positionId = _openPosition(10e18, 21_000 * USDC);
        quote.mint(KEEPER, 10_000_000 * USDC);
        vm.prank(KEEPER);
        quote.approve(address(engine), type(uint256).max);
    }

    /// @dev The pool's reserves after accruing now, so that what a liquidation adds to them next is its fee alone.
    function _reservesNow() internal returns (uint256) {
        pool.accrueInterest();
        return pool.reserveAssets();
    }

    function _liquidate(uint256 maxRepay) internal returns (uint256 repaid, uint256 seized) {
        vm.prank(KEEPER);
        (repaid, seized) = engine.liquidate(positionId, maxRepay, KEEPER, "");
    }
}
