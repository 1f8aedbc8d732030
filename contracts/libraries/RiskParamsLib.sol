// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarginVault} from "../interfaces/IMarginVault.sol";
import {TrancheMath} from "./TrancheMath.sol";

/// @title RiskParamsLib
/// @notice The liquidation subset of a market's risk parameters, as TrancheMath takes them.
library RiskParamsLib {
    /// @notice TrancheMath's view of `params`.
    function toTrancheParams(IMarginVault.RiskParams memory params) internal pure returns (TrancheMath.Params memory) {
        return
            TrancheMath.Params({
                initialRatio: params.initialRatio,
                targetRatio: params.targetRatio,
                maintenanceRatio: params.maintenanceRatio,
                fullLiquidationRatio: params.fullLiquidationRatio,
                minBonus: params.minBonus,
                maxBonus: params.maxBonus,
                maxTrancheShare: params.maxTrancheShare,
                maxTrancheDebt: params.maxTrancheDebt,
                minTrancheDebt: params.minTrancheDebt,
                minDebt: params.minDebt
            });
    }
}
