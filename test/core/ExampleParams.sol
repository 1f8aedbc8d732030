// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";

/// @notice ARCHITECTURE.md's example parameters for a WETH market against a 6-decimals quote asset, with no minimum
/// tranche (`minTrancheDebt` 0: tranches sized exactly as the target and caps ask; the minimum has its own tests).
function exampleRiskParams() pure returns (IMarginVault.RiskParams memory) {
    return
        IMarginVault.RiskParams({
            initialRatio: 1.4e18,
            targetRatio: 1.25e18,
            maintenanceRatio: 1.2e18,
            fullLiquidationRatio: 1.08e18,
            minBonus: 0.02e18,
            maxBonus: 0.06e18,
            keeperShare: 0.7e18,
            maxTrancheShare: 0.25e18,
            maxTrancheDebt: uint128(250_000 * 1e6),
            minTrancheDebt: 0,
            minDebt: uint128(100 * 1e6),
            windowLimit: uint128(2_000_000 * 1e6),
            window: 3600,
            trancheCooldown: 300,
            borrowCap: uint128(100_000_000 * 1e6),
            collateralCap: uint128(1_000_000e18)
        });
}
