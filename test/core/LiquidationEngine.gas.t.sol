// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {console2} from "forge-std/console2.sol";

import {EngineBaseTest} from "./EngineBaseTest.sol";

/// @notice Gas of a tranche, a full close, a bad-debt close and liquidateMany for 1, 10 and 50 positions, printed
/// and bounded (the bounds are regression guards on the unoptimized test build, not targets).
contract LiquidationEngineGasTest is EngineBaseTest {
    function _measureLiquidate(uint256 id) internal returns (uint256 used) {
        vm.prank(KEEPER);
        uint256 before = gasleft();
        engine.liquidate(id, type(uint256).max, KEEPER, "");
        used = before - gasleft();
    }

    function test_gas_trancheFullCloseAndBadDebt() public {
        uint256 a = _openPosition(10e18, 21_000 * USDC);
        uint256 b = _openPosition(10e18, 21_000 * USDC);
        oracle.setPrice(_price(2300));
        uint256 tranche = _measureLiquidate(a);
        oracle.setPrice(_price(2240)); // 22,400 / 21,000 = 1.067: full close
        uint256 fullClose = _measureLiquidate(b);
        oracle.setPrice(_price(1800)); // the original position: 18,000 against 21,000
        uint256 badDebt = _measureLiquidate(positionId);
        console2.log("gas: tranche", tranche);
        console2.log("gas: full close", fullClose);
        console2.log("gas: bad-debt close", badDebt);
        assertLt(tranche, 450_000);
        assertLt(fullClose, 450_000);
        assertLt(badDebt, 550_000);
    }

    function _measureMany(uint256 n) internal returns (uint256 used) {
        uint256[] memory ids = new uint256[](n);
        uint256[] memory maxRepays = new uint256[](n);
        oracle.setPrice(_price(3000));
        for (uint256 i = 0; i < n; ++i) {
            ids[i] = _openPosition(1e18, 2_100 * USDC);
            maxRepays[i] = type(uint256).max;
        }
        oracle.setPrice(_price(2300));
        vm.prank(KEEPER);
        uint256 before = gasleft();
        uint256 liquidated = engine.liquidateMany(ids, maxRepays, KEEPER, "");
        used = before - gasleft();
        assertEq(liquidated, n);
    }

    function test_gas_liquidateManyScalesLinearly() public {
        uint256 one = _measureMany(1);
        uint256 ten = _measureMany(10);
        uint256 fifty = _measureMany(50);
        console2.log("gas: liquidateMany(1)", one);
        console2.log("gas: liquidateMany(10)", ten);
        console2.log("gas: liquidateMany(50)", fifty);
        // Per-position cost does not grow with the batch (no loop over other positions).
        assertLt(fifty / 50, (one * 12) / 10);
    }
}
