// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TrancheMath} from "../libraries/TrancheMath.sol";

/// @title ILiquidationEngine
/// @notice Incremental liquidation: a position below its maintenance ratio is closed in capped tranches, each sized
/// to bring its ratio back to the target, with a grace window between two tranches in which the owner can top up.
/// A whole position closes at once only at or below the full-liquidation ratio, or for dust. Keepers need no capital:
/// the tranche is booked and emitted first, then the seized collateral is sent, an optional callback lets the keeper
/// sell it, and payment is pulled last (Morpho Blue's order: nothing the callback does can change the tranche).
/// @dev Bonus: the ramp of TrancheMath plus an optional time component (`timeBonusPerSecond`) that grows while an
/// eligible position waits, so keepers still come when gas spikes; the sum is capped at `maxBonus`.
/// Payment: the keeper pays `repaidAssets + protocolFee` in the quote asset (one approval, to this engine) and
/// receives collateral worth `repaidAssets * (1 + bonus)`; `protocolFee = repaidAssets * bonus * (1 - keeperShare)`,
/// rounded up, so the keeper nets `keeperShare` of the bonus.
interface ILiquidationEngine {
    /// @notice Why a position cannot be liquidated now (`None`: it can).
    enum Reason {
        None,
        UnknownPosition,
        NoDebt,
        InvalidPrice,
        Healthy,
        GracePeriod,
        WindowExhausted
    }

    /// @notice A position's tranche history, in one storage slot.
    /// @param liquidatableSince When the position was last seen (flagged or left by a tranche) below maintenance;
    /// 0 when it was last seen healthy. Drives the time component of the bonus.
    /// @param lastTrancheAt Time of the last *complete* tranche: one that repaid everything the engine sized (or the
    /// whole debt); for one that took the rest of an open remainder, the time of the remainder's first piece. It
    /// starts the grace window and the time-bonus clock. 0: none yet.
    /// @param tranchesExecuted Tranches so far, complete or not.
    /// @param openTrancheAt Time of the first tranche that repaid less than the engine sized, while what it left of
    /// that sized tranche is open (0: none). The remainder stays open for one grace window from this time.
    /// @param openTrancheAssets What is left of that sized tranche (quote units; capped at `2^104 - 1`). While it
    /// is open, the next tranche is sized to at most this, and the one that takes the rest is complete.
    /// @dev Why: a tranche smaller than the sized one must not restart the grace window (a 1-unit tranche in the first
    /// block of every window would hold honest keepers off forever), and splitting a sized tranche must not let more
    /// than one sized tranche through per grace window.
    struct TrancheState {
        uint40 liquidatableSince;
        uint40 lastTrancheAt;
        uint32 tranchesExecuted;
        uint40 openTrancheAt;
        uint104 openTrancheAssets;
    }

    /// @notice Where a market's protocol fee goes. The insurance fund's part arrives in the market's pool with the
    /// repayment, in the same transfer, and is booked as the pool's reserves, which `LendingPool.sweepReserves`
    /// (anyone) sends to the insurance fund and which absorb a write-off before lenders do.
    /// @param feeSink Receives the part not meant for the insurance fund; the market's lending pool itself is allowed
    /// (the part raises the lenders' share price, in the same transfer). Zero: everything goes to the insurance fund.
    /// @param insuranceShare Part of the protocol fee meant for the insurance fund (WAD).
    struct FeeConfig {
        address feeSink;
        uint64 insuranceShare;
    }

    /// @notice What `liquidate` would do now.
    struct Preview {
        Reason reason;
        TrancheMath.TrancheKind kind;
        uint256 ratioBefore;
        uint256 bonus;
        uint256 repaidAssets;
        uint256 seizedAssets;
        uint256 protocolFee;
        uint256 badDebtAssets;
        bool fullClose;
        uint256 nextEligibleAt;
    }

    /// @notice Emitted for every tranche, before any token moves. `ratioAfter` is the ratio the tranche's booking
    /// leaves (before the callback; `type(uint256).max` for a bad-debt close, which deletes the position).
    /// `repaidShares` are the debt shares the repayment burns: the tranche's only record of its repayment (the vault
    /// emits no `Repay` for it, the pool no fee event; the fee's split follows the market's `FeeConfig`).
    event TrancheLiquidated(
        uint256 indexed positionId,
        address indexed keeper,
        uint256 repaidAssets,
        uint256 repaidShares,
        uint256 seizedAssets,
        uint256 bonus,
        uint256 protocolFee,
        uint256 ratioBefore,
        uint256 ratioAfter,
        bool fullClose
    );
    /// @notice Emitted when a position's remaining debt had no collateral behind it; the position is then closed.
    event BadDebtRealized(uint256 indexed positionId, uint256 coveredByInsurance, uint256 socialized);
    /// @notice Emitted when `liquidateMany` skips a position whose liquidation reverted.
    event LiquidationSkipped(uint256 indexed positionId, bytes reason);
    /// @notice Emitted when a position is flagged liquidatable (`liquidatableSince` > 0) or cleared (0).
    event FlagLiquidatable(uint256 indexed positionId, uint256 liquidatableSince);
    /// @notice Emitted when the risk manager sets a market's time bonus.
    event SetTimeBonus(uint256 indexed marketId, uint256 bonusPerSecond);
    /// @notice Emitted when the risk manager sets a market's fee routing.
    event SetFeeConfig(uint256 indexed marketId, address feeSink, uint256 insuranceShare);

    /// @notice Thrown when the position does not exist.
    error UnknownPosition(uint256 positionId);
    /// @notice Thrown when the position has no debt.
    error NoDebt(uint256 positionId);
    /// @notice Thrown when the oracle has no valid price: no liquidation on a bad price.
    error InvalidPrice(uint256 marketId);
    /// @notice Thrown when the position is at or above its maintenance ratio.
    error PositionHealthy(uint256 positionId, uint256 ratio, uint256 maintenanceRatio);
    /// @notice Thrown inside the grace window that follows a tranche.
    error InGracePeriod(uint256 positionId, uint256 nextEligibleAt);
    /// @notice Thrown when the market's rolling window has no room left.
    error WindowExhausted(uint256 marketId);
    /// @notice Thrown when the owner or one of its operators tries to liquidate the position.
    error SelfLiquidation(uint256 positionId, address caller);
    /// @notice Thrown when `maxRepayAssets` would leave a debt below the minimum.
    error LeavesDust(uint256 positionId, uint256 debtLeft, uint256 minDebt);
    /// @notice Thrown when `maxRepayAssets` is below both the sized tranche and the market's `minTrancheDebt`.
    error TrancheBelowMinimum(uint256 positionId, uint256 maxRepayAssets, uint256 minimum);
    /// @notice Thrown when an amount argument is zero.
    error ZeroAmount();
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();
    /// @notice Thrown when anyone but this engine calls `liquidateFromBatch`.
    error OnlyBatch(address caller);
    /// @notice Thrown when array arguments differ in length.
    error LengthMismatch(uint256 ids, uint256 maxRepays);
    /// @notice Thrown when the time bonus per second is above `MAX_TIME_BONUS_PER_SECOND`.
    error TimeBonusTooHigh(uint256 bonusPerSecond, uint256 limit);
    /// @notice Thrown when the insurance share is above 100 %.
    error InsuranceShareTooHigh(uint256 insuranceShare);

    /// @notice Records whether a position is below maintenance now (anyone may call): sets `liquidatableSince` to now
    /// if it is and was not flagged, clears it if it is healthy. Keepers flag early so the time bonus starts.
    /// @dev Warning: a flag is not cleared by a top-up or repayment by itself; a stale flag would give the next
    /// episode's first tranche a head start on the time bonus (never beyond `maxBonus`). Owners and frontends clear it
    /// by calling this once healthy; every tranche that leaves the position healthy clears it too.
    /// @return liquidatableSince The recorded value.
    function flagLiquidatable(uint256 positionId) external returns (uint256 liquidatableSince);

    /// @notice Liquidates one tranche of `positionId`.
    /// @dev A tranche bounded by `maxRepayAssets` below what the engine sized is *incomplete*: it does not start a
    /// grace window or restart the time bonus; what it left of the sized tranche stays open to any keeper at once,
    /// for one grace window from the first incomplete tranche, and the tranche that takes the rest is complete and
    /// starts the grace window as of that first piece (see `TrancheState`).
    /// @param positionId The position.
    /// @param maxRepayAssets Most debt the keeper will repay; the tranche is bounded by it (and may not leave dust,
    /// nor be below both the sized tranche and the market's `minTrancheDebt`).
    /// @param receiver Receives the seized collateral.
    /// @param data Non-empty: `onTrancheLiquidation` is called on the caller before payment is pulled.
    /// @return repaidAssets Debt repaid.
    /// @return seizedAssets Collateral sent to `receiver`.
    function liquidate(
        uint256 positionId,
        uint256 maxRepayAssets,
        address receiver,
        bytes calldata data
    ) external returns (uint256 repaidAssets, uint256 seizedAssets);

    /// @notice Liquidates several positions; one that reverts is skipped with `LiquidationSkipped`.
    /// @return liquidated How many were liquidated.
    function liquidateMany(
        uint256[] calldata positionIds,
        uint256[] calldata maxRepayAssets,
        address receiver,
        bytes calldata data
    ) external returns (uint256 liquidated);

    /// @notice Exactly what `liquidate(positionId, type(uint256).max, …)` would do now, or why it cannot.
    /// @dev Interest is included as of now; the fee uses the market's keeper share.
    function previewLiquidation(uint256 positionId) external view returns (Preview memory preview);

    /// @notice The tranches that would follow one another at a constant `price` if each came once its grace window
    /// passed and each fit the market window. Stops when the position is healthy or closed, or after 64 tranches.
    /// The market's price-speed measure is observed at `price` now and decays by one grace window per tranche (the
    /// price stays constant), so a schedule right after a fall plans the raised tranches the speed asks for.
    function liquidationSchedule(
        uint256 positionId,
        uint256 price
    ) external view returns (TrancheMath.Tranche[] memory tranches);

    /// @notice A position's tranche history.
    function trancheState(uint256 positionId) external view returns (TrancheState memory);
    /// @notice When the position's grace window ends (0 if it never had a tranche): `lastTrancheAt +
    /// trancheCooldown`, except that time while the L2 sequencer was down does not count (see `IOracle.lastOutage`):
    /// when an outage that began before the window ran out ended after the tranche, the time the window had left
    /// when the sequencer went down runs again from when prices became valid (the whole window if the start of the
    /// outage is unknown); `type(uint256).max` while the sequencer is down.
    function nextEligibleAt(uint256 positionId) external view returns (uint256);
    /// @notice Debt the market's rolling window still allows to be liquidated (full closes bypass it).
    function windowRemaining(uint256 marketId) external view returns (uint256);
    /// @notice When the market's current window opened (the first tranche after the previous one expired); 0 before
    /// any tranche. The window lasts `RiskParams.window` seconds.
    function windowStart(uint256 marketId) external view returns (uint256);
    /// @notice Debt liquidated by tranches in the market's current window (full closes excluded), in quote units.
    function windowLiquidatedAssets(uint256 marketId) external view returns (uint256);
    /// @notice A market's fee routing.
    function feeConfig(uint256 marketId) external view returns (FeeConfig memory);
    /// @notice A market's time bonus: WAD of bonus added per second a position stays eligible and unliquidated.
    function timeBonusPerSecond(uint256 marketId) external view returns (uint256);

    /// @notice Observes the market's oracle price now for its speed measure (anyone; tranches and flags observe it
    /// too). Reverts with `InvalidPrice` without a valid price.
    /// @return dropRate The measured rate of fall after this observation (WAD per second).
    function recordPriceSpeed(uint256 marketId) external returns (uint256 dropRate);
    /// @notice A market's speed measure as last recorded (`LiquidationRules.observeSpeed`): when, at which price
    /// (its 144 most significant bits), and the rate of fall then (WAD per second). All 0 before the first one.
    function priceSpeed(uint256 marketId) external view returns (uint256 at, uint256 price, uint256 dropRate);
    /// @notice The rate of fall a tranche would measure now: the last record observed at the oracle's current price
    /// (WAD per second; 0 without a valid price). What `previewLiquidation` and the lens plan with.
    function dropRate(uint256 marketId) external view returns (uint256);
    /// @notice The time component of a position's bonus now (before the cap at `maxBonus`).
    /// @dev `timeBonusPerSecond * (now - start)`, where start is the later of `liquidatableSince` and the end of the
    /// grace window after the last tranche: the bonus grows only while the position waits for a keeper.
    function extraBonusOf(uint256 positionId) external view returns (uint256);
}
