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
    }

    function validateParams(TrancheMath.Params memory params) external pure {
        TrancheMath.validateParams(params);
    }

    function ratioDown(uint256 collateralAssets, uint256 price, uint256 debtAssets) external pure returns (uint256) {
        return TrancheMath.ratioDown(collateralAssets, price, debtAssets);
    }

    function bonusDown(uint256 ratio, TrancheMath.Params memory params) external pure returns (uint256) {
        return TrancheMath.bonusDown(ratio, params);
    }

    function repayToTargetUp(
        uint256 collateralAssets,
        uint256 price,
        uint256 debtAssets,
        uint256 targetRatio,
        uint256 bonus
    ) external pure returns (uint256) {
        return TrancheMath.repayToTargetUp(collateralAssets, price, debtAssets, targetRatio, bonus);
    }

    function seizedAssetsDown(uint256 repaidAssets, uint256 bonus, uint256 price) external pure returns (uint256) {
        return TrancheMath.seizedAssetsDown(repaidAssets, bonus, price);
    }

    function repayForCollateralUp(
        uint256 collateralAssets,
        uint256 price,
        uint256 bonus
    ) external pure returns (uint256) {
        return TrancheMath.repayForCollateralUp(collateralAssets, price, bonus);
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
            tranches[i] = TrancheMath.computeTranche(
                cases[i].position,
                cases[i].params,
                cases[i].windowRemainingAssets
            );
        }
    }
}
