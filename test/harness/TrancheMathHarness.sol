// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";

/// @title TrancheMathHarness
/// @notice Test-only: exposes TrancheMath so TypeScript tests can hold the TypeScript mirror to it.
contract TrancheMathHarness {
    /// @notice One parity case: a position, a market's parameters and the window's remaining room.
    struct Case {
        TrancheMath.PositionState position;
        TrancheMath.Params params;
        uint256 windowRemainingAssets;
        uint256 extraBonus;
    }

    function validateParams(TrancheMath.Params memory params) external pure {
        TrancheMath.validateParams(params);
    }

    function computeTranche(
        TrancheMath.PositionState memory position,
        TrancheMath.Params memory params,
        uint256 windowRemainingAssets
    ) external pure returns (TrancheMath.Tranche memory) {
        return TrancheMath.computeTranche(position, params, windowRemainingAssets);
    }

    /// @notice Sizes many tranches in one call (parity tests send thousands of cases).
    function computeTranches(Case[] memory cases) external pure returns (TrancheMath.Tranche[] memory tranches) {
        tranches = new TrancheMath.Tranche[](cases.length);
        for (uint256 i = 0; i < cases.length; ++i) {
            tranches[i] = TrancheMath.computeTrancheWithExtraBonus(
                cases[i].position,
                cases[i].params,
                cases[i].windowRemainingAssets,
                cases[i].extraBonus
            );
        }
    }
}
