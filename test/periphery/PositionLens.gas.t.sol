// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {console2} from "forge-std/console2.sol";

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionLens} from "../../contracts/interfaces/IPositionLens.sol";
import {PositionLens} from "../../contracts/periphery/PositionLens.sol";
import {PeripheryBaseTest} from "./PeripheryBaseTest.sol";

/// @notice Gas of one `positionsOfMarket` page of 500 positions (and of `liquidatablePositions` over the same page)
/// against geth's default `eth_call` gas cap (`RPCGasCap`, 50,000,000), on the unoptimized test build (the deployed,
/// optimized lens costs less), with every account and slot cold as in a fresh `eth_call`, including the caller's
/// decoding of the result.
/// Measured 2026-11-24: `positionsOfMarket(500)` 22,322,677 gas (44,645 per position); `liquidatablePositions(500)`
/// 17,027,599. For comparison: 100 positions 3,924,099, 1,000 positions 52,477,716 (memory grows with the page, so
/// the cost per position rises slowly: keep pages at 500); warm, 20.1 M for 500. The first version, which called
/// `engine.previewLiquidation` per position, took 54,647,965 for 500 and did not fit.
contract PositionLensGasTest is PeripheryBaseTest {
    uint256 internal constant PAGE = 500;
    uint256 internal constant RPC_GAS_CAP = 50_000_000;

    PositionLens internal lens;

    /// @dev 500 more positions of 1 WETH, a quarter each: healthy (1,500 USDC of debt), liquidatable (2,100), in the
    /// grace window after a tranche (2,100, liquidated once) and full-closeable (2,140). The price then falls to 2,300,
    /// and a minute passes so that interest is pending in every debt read.
    function setUp() public override {
        super.setUp();
        lens = new PositionLens(vault, engine);
        uint256[4] memory debts = [uint256(1_500 * USDC), 2_100 * USDC, 2_100 * USDC, 2_140 * USDC];
        uint256[] memory grace = new uint256[](PAGE / 4);
        for (uint256 i = 0; i < PAGE; ++i) {
            uint256 id = _openPosition(1e18, debts[i % 4]);
            if (i % 4 == 2) grace[i / 4] = id;
        }
        oracle.setPrice(_price(2300));
        for (uint256 i = 0; i < grace.length; ++i) {
            vm.prank(KEEPER);
            engine.liquidate(grace[i], type(uint256).max, KEEPER, "");
        }
        skip(60);
    }

    function _cool() internal {
        vm.cool(address(lens));
        vm.cool(address(vault));
        vm.cool(address(engine));
        vm.cool(address(pool));
        vm.cool(address(oracle));
        vm.cool(address(irm));
    }

    /// @notice Measured 2026-11-24: 22,322,677 gas, 44,645 per position (printed by the test).
    function test_gas_positionsOfMarket500FitsRpcGasCap() public {
        _cool();
        uint256 before = gasleft();
        (IPositionLens.PositionView[] memory views, uint256 total) = lens.positionsOfMarket(marketId, 0, PAGE);
        uint256 used = before - gasleft();
        console2.log("gas: positionsOfMarket(500)", used);
        console2.log("gas: per position", used / PAGE);

        assertEq(views.length, PAGE, "a full page");
        assertEq(total, PAGE + 1, "the set-up position and 500 more");
        uint256[7] memory counts;
        for (uint256 i = 0; i < views.length; ++i) ++counts[uint256(views[i].state)];
        assertGe(counts[uint256(IPositionLens.PositionState.Healthy)], 124, "healthy");
        assertGe(counts[uint256(IPositionLens.PositionState.Liquidatable)], 124, "liquidatable");
        assertGe(counts[uint256(IPositionLens.PositionState.GracePeriod)], 124, "in grace");
        assertGe(counts[uint256(IPositionLens.PositionState.FullCloseable)], 124, "full-closeable");
        assertLt(used, RPC_GAS_CAP, "one eth_call serves 500 positions");
    }

    function test_gas_liquidatablePositions500FitsRpcGasCap() public {
        _cool();
        uint256 before = gasleft();
        (uint256[] memory ids, ILiquidationEngine.Preview[] memory previews, ) = lens.liquidatablePositions(
            marketId,
            0,
            PAGE
        );
        uint256 used = before - gasleft();
        console2.log("gas: liquidatablePositions(500)", used);
        assertEq(ids.length, previews.length);
        assertGe(ids.length, 249, "liquidatable and full-closeable ones");
        assertLt(used, RPC_GAS_CAP, "one eth_call scans 500 positions");
    }
}
