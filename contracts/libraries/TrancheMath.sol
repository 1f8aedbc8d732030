// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title TrancheMath
/// @notice The pure math of an incremental liquidation: collateral ratio, the bonus ramp, the repayment that
/// restores the target ratio, the caps, the dust rule, the full-close rule and the bad-debt split.
/// @dev Units: amounts are token-native units; ratios and bonuses are WAD (1e18 = 100 %); a price is the value of
/// one collateral unit in quote units scaled by `ORACLE_PRICE_SCALE` (1e36), so
/// `value = collateralAssets * price / 1e36` needs no decimals.
/// Rounding always favours the protocol and is named in each function: the ratio and the seized collateral round
/// down, the repayment that restores the target and the repayment for all collateral round up.
/// Domain: `debtAssets < 2^128` and a collateral value below `2^256 / 1e18` quote units; outside it the arithmetic
/// reverts with a panic rather than returning a wrong number. The TypeScript mirror in
/// `src/sdk/math/trancheMath.ts` follows every step and every rounding of this file.
library TrancheMath {
    /// @notice 100 % in WAD.
    uint256 internal constant WAD = 1e18;
    /// @notice Scale of oracle prices (Morpho convention).
    uint256 internal constant ORACLE_PRICE_SCALE = 1e36;
    /// @notice Largest liquidation bonus a market may use (25 %).
    uint256 internal constant MAX_BONUS = 0.25e18;
    /// @notice Largest ratio parameter a market may use (1000 %); also bounds `targetRatio * debtAssets`.
    uint256 internal constant MAX_RATIO = 10e18;

    /// @notice What a tranche does.
    /// @dev `Healthy`: ratio at or above maintenance, nothing to do. `WindowExhausted`: liquidatable, but the market's
    /// rolling window has no room left. `Partial`: a capped or target-sized tranche that leaves at least `minDebt`.
    /// `DustClose`: the tranche would have left less than `minDebt` (or nothing), so the whole debt is repaid.
    /// `FullClose`: ratio at or below `fullLiquidationRatio`, caps lifted, the whole debt may be repaid.
    enum TrancheKind {
        Healthy,
        WindowExhausted,
        Partial,
        DustClose,
        FullClose
    }

    /// @notice The liquidation subset of a market's risk parameters.
    /// @param initialRatio Ratio needed after a borrow or a withdrawal (WAD).
    /// @param targetRatio Ratio a tranche restores, just above maintenance (WAD).
    /// @param maintenanceRatio Below this ratio a position is liquidatable (WAD).
    /// @param fullLiquidationRatio At or below this ratio the whole position may be closed at once (WAD).
    /// @param minBonus Bonus at the maintenance ratio (WAD).
    /// @param maxBonus Bonus at and below the full-liquidation ratio (WAD).
    /// @param maxTrancheShare Largest fraction of the debt repaid by one tranche (WAD, in (0, 1]).
    /// @param maxTrancheDebt Largest debt repaid by one tranche (quote units, > 0).
    /// @param minTrancheDebt Smallest debt a partial tranche repays, whatever the target and `maxTrancheShare` ask
    /// (quote units, at most `maxTrancheDebt`; 0: no floor), so that every tranche pays for a keeper's gas; the
    /// market window and the debt itself still bound it.
    /// @param minDebt No tranche leaves a position with a positive debt below this (quote units).
    struct Params {
        uint256 initialRatio;
        uint256 targetRatio;
        uint256 maintenanceRatio;
        uint256 fullLiquidationRatio;
        uint256 minBonus;
        uint256 maxBonus;
        uint256 maxTrancheShare;
        uint256 maxTrancheDebt;
        uint256 minTrancheDebt;
        uint256 minDebt;
    }

    /// @notice A position as the math sees it.
    /// @param collateralAssets Collateral, in collateral units.
    /// @param debtAssets Debt, in quote units, already rounded up from borrow shares.
    /// @param price Price of one collateral unit in quote units, scaled by 1e36; must be > 0.
    struct PositionState {
        uint256 collateralAssets;
        uint256 debtAssets;
        uint256 price;
    }

    /// @notice The result of sizing one tranche.
    /// @param kind What the tranche does.
    /// @param ratioBefore Collateral ratio before the tranche (WAD, rounded down; `type(uint256).max` with no debt).
    /// @param bonus Bonus applied to the repaid debt (WAD, rounded down).
    /// @param repaidAssets Debt the keeper repays (quote units).
    /// @param seizedAssets Collateral taken from the position (collateral units, rounded down).
    /// @param badDebtAssets Debt left with no collateral behind it once all collateral is seized (quote units).
    struct Tranche {
        TrancheKind kind;
        uint256 ratioBefore;
        uint256 bonus;
        uint256 repaidAssets;
        uint256 seizedAssets;
        uint256 badDebtAssets;
    }

    /// @notice Thrown when `targetRatio` is not above `maintenanceRatio`.
    error TargetNotAboveMaintenance(uint256 targetRatio, uint256 maintenanceRatio);
    /// @notice Thrown when `initialRatio` is below `targetRatio`.
    error InitialBelowTarget(uint256 initialRatio, uint256 targetRatio);
    /// @notice Thrown when `maintenanceRatio` is not above `fullLiquidationRatio`.
    error MaintenanceNotAboveFull(uint256 maintenanceRatio, uint256 fullLiquidationRatio);
    /// @notice Thrown when `fullLiquidationRatio` is below `1 + maxBonus`: below it a tranche lowers the ratio.
    error FullBelowOnePlusBonus(uint256 fullLiquidationRatio, uint256 maxBonus);
    /// @notice Thrown when `minBonus` is above `maxBonus`.
    error MinBonusAboveMax(uint256 minBonus, uint256 maxBonus);
    /// @notice Thrown when `maxBonus` is above `MAX_BONUS`.
    error BonusTooHigh(uint256 maxBonus, uint256 limit);
    /// @notice Thrown when `initialRatio` is above `MAX_RATIO`.
    error RatioTooHigh(uint256 initialRatio, uint256 limit);
    /// @notice Thrown when `maxTrancheShare` is zero or above 100 %.
    error InvalidTrancheShare(uint256 maxTrancheShare);
    /// @notice Thrown when `maxTrancheDebt` is zero.
    error ZeroTrancheDebt();
    /// @notice Thrown when `minTrancheDebt` is above `maxTrancheDebt`.
    error MinTrancheAboveMax(uint256 minTrancheDebt, uint256 maxTrancheDebt);
    /// @notice Thrown when a price of zero is given.
    error ZeroPrice();

    /// @notice Reverts with a named error unless
    /// `MAX_RATIO >= initialRatio >= targetRatio > maintenanceRatio > fullLiquidationRatio >= 1 + maxBonus`,
    /// `minBonus <= maxBonus <= MAX_BONUS`, `0 < maxTrancheShare <= 1`, `maxTrancheDebt > 0` and
    /// `minTrancheDebt <= maxTrancheDebt`.
    /// @dev `fullLiquidationRatio >= 1 + maxBonus` matters: below `1 + bonus` a tranche lowers the ratio, so only a
    /// full close helps, and this bound makes every such position full-closeable. It also implies
    /// `targetRatio > 1 + bonus`, which keeps the denominator of `repayToTargetUp` positive.
    function validateParams(Params memory params) internal pure {
        if (params.initialRatio > MAX_RATIO) revert RatioTooHigh(params.initialRatio, MAX_RATIO);
        if (params.initialRatio < params.targetRatio) {
            revert InitialBelowTarget(params.initialRatio, params.targetRatio);
        }
        if (params.targetRatio <= params.maintenanceRatio) {
            revert TargetNotAboveMaintenance(params.targetRatio, params.maintenanceRatio);
        }
        if (params.maintenanceRatio <= params.fullLiquidationRatio) {
            revert MaintenanceNotAboveFull(params.maintenanceRatio, params.fullLiquidationRatio);
        }
        if (params.maxBonus > MAX_BONUS) revert BonusTooHigh(params.maxBonus, MAX_BONUS);
        if (params.minBonus > params.maxBonus) revert MinBonusAboveMax(params.minBonus, params.maxBonus);
        if (params.fullLiquidationRatio < WAD + params.maxBonus) {
            revert FullBelowOnePlusBonus(params.fullLiquidationRatio, params.maxBonus);
        }
        if (params.maxTrancheShare == 0 || params.maxTrancheShare > WAD) {
            revert InvalidTrancheShare(params.maxTrancheShare);
        }
        if (params.maxTrancheDebt == 0) revert ZeroTrancheDebt();
        if (params.minTrancheDebt > params.maxTrancheDebt) {
            revert MinTrancheAboveMax(params.minTrancheDebt, params.maxTrancheDebt);
        }
    }

    /// @notice Collateral ratio `collateralAssets * price / 1e36 / debtAssets` in WAD, rounded down once.
    /// @dev Computed as `collateralAssets * price / (debtAssets * 1e18)` in 512-bit precision, so the only rounding is
    /// the final floor: `ratioDown(...) >= x` holds exactly when the true ratio is `>= x`.
    /// @return ratio The ratio, or `type(uint256).max` when there is no debt.
    function ratioDown(
        uint256 collateralAssets,
        uint256 price,
        uint256 debtAssets
    ) internal pure returns (uint256 ratio) {
        if (debtAssets == 0) return type(uint256).max;
        return Math.mulDiv(collateralAssets, price, debtAssets * WAD);
    }

    /// @notice Bonus for a position at `ratio`: `minBonus` at maintenance, ramping linearly to `maxBonus` at the
    /// full-liquidation ratio and below, rounded down.
    /// @dev `bonus = minBonus + (maxBonus - minBonus) * (maintenance - ratio) / (maintenance - full)`.
    function bonusDown(uint256 ratio, Params memory params) internal pure returns (uint256 bonus) {
        if (ratio >= params.maintenanceRatio) return params.minBonus;
        if (ratio <= params.fullLiquidationRatio) return params.maxBonus;
        return
            params.minBonus +
            Math.mulDiv(
                params.maxBonus - params.minBonus,
                params.maintenanceRatio - ratio,
                params.maintenanceRatio - params.fullLiquidationRatio
            );
    }

    /// @notice The repayment that brings the position to `targetRatio`, rounded up; 0 when it is already there.
    /// @dev Repaying `r` seizes collateral worth `r * (1 + b)`. Solving `(V - r(1+b)) / (D - r) = T` gives
    /// `r = (T·D - V) / (T - 1 - b)`. In WAD integers, with `Vw = floor(collateral * price / 1e18)` (the value
    /// scaled by WAD): `r = ceil((T·D - Vw) / (T - WAD - b))`. Flooring `Vw` cannot change the result: for an
    /// integer N and 0 <= f < 1, `ceil((N - f) / den) = ceil(N / den)`. So `r` is the exact real solution rounded up,
    /// at most one unit above it, and since the seized collateral rounds down, the ratio after repaying `r` is at
    /// least `T`. Requires `targetRatio > WAD + bonus` (guaranteed by `validateParams`).
    function repayToTargetUp(
        uint256 collateralAssets,
        uint256 price,
        uint256 debtAssets,
        uint256 targetRatio,
        uint256 bonus
    ) internal pure returns (uint256 repaidAssets) {
        uint256 valueWad = Math.mulDiv(collateralAssets, price, WAD);
        uint256 targetDebtWad = targetRatio * debtAssets;
        if (valueWad >= targetDebtWad) return 0;
        return Math.ceilDiv(targetDebtWad - valueWad, targetRatio - WAD - bonus);
    }

    /// @notice Collateral seized for repaying `repaidAssets` at `bonus`: worth `repaidAssets * (1 + bonus)`, rounded
    /// down once.
    /// @dev `repaid * (1 + b) * 1e36 / price` with the WAD of `1 + b` folded into the price scale:
    /// `repaid * (WAD + b) * (1e36 / WAD) / price`.
    function seizedAssetsDown(
        uint256 repaidAssets,
        uint256 bonus,
        uint256 price
    ) internal pure returns (uint256 seizedAssets) {
        return Math.mulDiv(repaidAssets, (WAD + bonus) * (ORACLE_PRICE_SCALE / WAD), price);
    }

    /// @notice Debt a keeper repays for all of `collateralAssets` at `bonus`: the collateral's value divided by
    /// `1 + bonus`, rounded up once, so the keeper never pays less than the fair amount.
    /// @dev `collateral * price / 1e36 / (1 + b) = collateral * price / ((WAD + b) * (1e36 / WAD))`.
    function repayForCollateralUp(
        uint256 collateralAssets,
        uint256 price,
        uint256 bonus
    ) internal pure returns (uint256 repaidAssets) {
        return Math.mulDiv(collateralAssets, price, (WAD + bonus) * (ORACLE_PRICE_SCALE / WAD), Math.Rounding.Ceil);
    }

    /// @notice Protocol fee on a tranche: `repaidAssets * bonus * (1 - keeperShare)`, rounded up. The keeper receives
    /// collateral worth `repaid * (1 + bonus)` and pays `repaid + fee`, so it nets `keeperShare` of the bonus.
    function protocolFeeUp(uint256 repaidAssets, uint256 bonus, uint256 keeperShare) internal pure returns (uint256) {
        return Math.mulDiv(repaidAssets * bonus, WAD - keeperShare, WAD * WAD, Math.Rounding.Ceil);
    }

    /// @notice The repayment that restores the target ratio, capped by `maxTrancheShare * debt` (rounded up, so it is
    /// never 0 for a positive debt), then raised to `minTrancheDebt`, then capped by `maxTrancheDebt`,
    /// `windowRemainingAssets` and the debt itself.
    function cappedRepayToTargetUp(
        PositionState memory position,
        Params memory params,
        uint256 bonus,
        uint256 windowRemainingAssets
    ) internal pure returns (uint256 repaidAssets) {
        uint256 debtAssets = position.debtAssets;
        repaidAssets = repayToTargetUp(
            position.collateralAssets,
            position.price,
            debtAssets,
            params.targetRatio,
            bonus
        );
        repaidAssets = Math.min(repaidAssets, Math.mulDiv(debtAssets, params.maxTrancheShare, WAD, Math.Rounding.Ceil));
        repaidAssets = Math.max(repaidAssets, params.minTrancheDebt);
        repaidAssets = Math.min(repaidAssets, params.maxTrancheDebt);
        repaidAssets = Math.min(repaidAssets, windowRemainingAssets);
        repaidAssets = Math.min(repaidAssets, debtAssets);
    }

    /// @notice Sizes the tranche a keeper may liquidate now.
    /// @dev Steps:
    /// 1. ratio at or above maintenance (or no debt): `Healthy`, nothing repaid.
    /// 2. ratio at or below `fullLiquidationRatio`: `FullClose` at `maxBonus`, the whole debt, no cap.
    /// 3. otherwise the target repayment, capped and raised to the minimum tranche (`cappedRepayToTargetUp`);
    ///    if it would leave a debt below `minDebt` (or none), it becomes the whole debt (`DustClose`; this may exceed
    ///    the caps, and the window by less than `minDebt`); if the window leaves nothing, `WindowExhausted`.
    /// 4. the seized collateral is worth `repaid * (1 + bonus)`; if that is more than the position holds, all the
    ///    collateral is seized, the repayment becomes what it is worth at the bonus, and the rest of the debt is bad
    ///    debt (only a full close can get here when the parameters are valid).
    /// @param position The position's collateral, debt and the current price.
    /// @param params The market's parameters, valid by `validateParams` (the vault checks them when they are set;
    /// they are not checked again on every tranche).
    /// @param windowRemainingAssets Debt the market's rolling window still allows to be liquidated.
    function computeTranche(
        PositionState memory position,
        Params memory params,
        uint256 windowRemainingAssets
    ) internal pure returns (Tranche memory tranche) {
        return computeTrancheWithExtraBonus(position, params, windowRemainingAssets, 0);
    }

    /// @notice `computeTranche` with `extraBonus` (WAD) added to the ramp bonus of a partial or dust tranche, the sum
    /// capped at `maxBonus` (the time component of the bonus: it grows while a liquidatable position waits).
    function computeTrancheWithExtraBonus(
        PositionState memory position,
        Params memory params,
        uint256 windowRemainingAssets,
        uint256 extraBonus
    ) internal pure returns (Tranche memory tranche) {
        if (position.price == 0) revert ZeroPrice();

        uint256 debtAssets = position.debtAssets;
        tranche.ratioBefore = ratioDown(position.collateralAssets, position.price, debtAssets);
        if (tranche.ratioBefore >= params.maintenanceRatio) {
            tranche.kind = TrancheKind.Healthy;
            return tranche;
        }

        uint256 repaidAssets;
        if (tranche.ratioBefore <= params.fullLiquidationRatio) {
            tranche.kind = TrancheKind.FullClose;
            tranche.bonus = params.maxBonus;
            repaidAssets = debtAssets;
        } else {
            uint256 rampBonus = bonusDown(tranche.ratioBefore, params);
            tranche.bonus = extraBonus >= params.maxBonus - rampBonus ? params.maxBonus : rampBonus + extraBonus;
            repaidAssets = cappedRepayToTargetUp(position, params, tranche.bonus, windowRemainingAssets);
            if (repaidAssets == debtAssets || debtAssets - repaidAssets < params.minDebt) {
                tranche.kind = TrancheKind.DustClose;
                repaidAssets = debtAssets;
            } else if (repaidAssets == 0) {
                tranche.kind = TrancheKind.WindowExhausted;
                return tranche;
            } else {
                tranche.kind = TrancheKind.Partial;
            }
        }

        uint256 seizedAssets = seizedAssetsDown(repaidAssets, tranche.bonus, position.price);
        if (seizedAssets > position.collateralAssets) {
            seizedAssets = position.collateralAssets;
            repaidAssets = Math.min(
                debtAssets,
                repayForCollateralUp(position.collateralAssets, position.price, tranche.bonus)
            );
            tranche.badDebtAssets = debtAssets - repaidAssets;
        }
        tranche.repaidAssets = repaidAssets;
        tranche.seizedAssets = seizedAssets;
    }
}
