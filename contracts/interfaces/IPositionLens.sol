// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILendingPool} from "./ILendingPool.sol";
import {ILiquidationEngine} from "./ILiquidationEngine.sol";
import {IMarginVault} from "./IMarginVault.sol";
import {IOracle} from "./IOracle.sol";

/// @title IPositionLens
/// @notice Batch reads over the MarginVault and the LiquidationEngine for keepers and frontends: the health and the
/// liquidation preview of a page of positions in one call, the positions a keeper can liquidate now, market
/// summaries, and one owner's positions. Views only: no state, no owner, nothing to configure.
/// @dev Units as in the vault: amounts token-native, ratios WAD, prices 1e36-scaled (quote units per collateral
/// unit). Every preview equals the engine's `previewLiquidation` in the same block (same libraries, same order, the
/// market read once per call instead of per position), so it is what `liquidate(id, type(uint256).max, ...)` would
/// do. Gas: one `positionsOfMarket` call over 500 positions fits geth's default `eth_call` cap of 50,000,000 gas
/// (measured in `test/periphery/PositionLens.gas.t.sol`); page through larger markets.
/// Pages are entries of the vault's market list (`marketPositions`): every position ever opened in the market, in
/// opening order, closed ones included. The list only grows, so pages read in different blocks neither skip nor
/// repeat a position; closed ones are left out of the results.
interface IPositionLens {
    /// @notice What a keeper can do with a position now, decided from the engine's preview.
    /// @dev Checked in this order:
    /// `NoDebt`: the position owes nothing (whatever the price); nothing to liquidate.
    /// `NoPrice`: the oracle has no valid price (stale, sequencer down, ...); nobody can liquidate, whatever the ratio.
    /// `Healthy`: ratio at or above `maintenanceRatio` (preview reason `Healthy`).
    /// `GracePeriod`: below maintenance but inside the grace window after a tranche (preview reason `GracePeriod`,
    /// `nextEligibleAt` in the future); a full close at or below the full-liquidation ratio ignores the window and is
    /// reported as `FullCloseable` instead.
    /// `WindowExhausted`: below maintenance, past its grace window, but the market's rolling window has no room left
    /// (preview reason `WindowExhausted`); it waits for the window to roll over (`MarketSummary.windowRemaining`).
    /// `FullCloseable`: liquidatable now and the next liquidation repays the whole debt: ratio at or below
    /// `fullLiquidationRatio` (kind `FullClose`, possibly with bad debt) or a tranche that would leave dust (kind
    /// `DustClose`); `preview.fullClose` is true.
    /// `Liquidatable`: liquidatable now by a partial tranche (preview reason `None`, kind `Partial`).
    enum PositionState {
        Healthy,
        Liquidatable,
        FullCloseable,
        GracePeriod,
        WindowExhausted,
        NoPrice,
        NoDebt
    }

    /// @notice One position's health, history and liquidation preview.
    /// @param id The position id.
    /// @param owner Its owner.
    /// @param marketId Its market.
    /// @param collateralAssets Collateral (collateral units).
    /// @param debtAssets Debt in quote units, interest included as of now, rounded up (as the vault and engine see it).
    /// @param ratio Collateral ratio (WAD, rounded down): `type(uint256).max` with no debt, 0 without a valid price.
    /// @param liquidationPriceUp Lowest price at which the position is not liquidatable (ratio >= maintenance):
    /// `ceil(debt * maintenanceRatio * 1e18 / collateral)`, 1e36-scaled, rounded up so that every price below it is
    /// liquidatable and every price at or above it is not; 0 without debt, `type(uint256).max` with debt and no
    /// collateral. Computed without the oracle, so it is there in the `NoPrice` state too.
    /// @param state What a keeper can do now.
    /// @param nextEligibleAt End of the grace window after the last tranche (0: never liquidated;
    /// `type(uint256).max` while the sequencer is down); the same as `preview.nextEligibleAt`.
    /// @param liquidatableSince When the position was flagged or left below maintenance by a tranche (0: not
    /// flagged); the time component of the bonus runs from it. A keeper may call `flagLiquidatable` when it is 0
    /// and the position is below maintenance.
    /// @param tranchesExecuted Tranches liquidated so far.
    /// @param preview What the engine's `previewLiquidation` returns now: reason, kind, bonus, repaid, seized, fee,
    /// bad debt, whether it closes the whole debt.
    struct PositionView {
        uint256 id;
        address owner;
        uint256 marketId;
        uint256 collateralAssets;
        uint256 debtAssets;
        uint256 ratio;
        uint256 liquidationPriceUp;
        PositionState state;
        uint256 nextEligibleAt;
        uint256 liquidatableSince;
        uint256 tranchesExecuted;
        ILiquidationEngine.Preview preview;
    }

    /// @notice A market in one read.
    /// @param marketId The market id.
    /// @param collateralToken Collateral token.
    /// @param quoteToken Quote token (the pool's asset).
    /// @param pool The lending pool it borrows from.
    /// @param oracle Its oracle.
    /// @param price Oracle price now (1e36-scaled; 0 when `priceStatus` is `Invalid`).
    /// @param priceStatus Where the price came from.
    /// @param params Risk parameters.
    /// @param state The vault's `marketState`: total collateral, total debt (interest as of now, rounded up), open
    /// positions, pool utilization, borrow rate, caps, borrow pause.
    /// @param windowRemaining Debt the engine's rolling window still lets keepers liquidate (full closes bypass it).
    /// @param feeConfig Where the protocol fee goes.
    /// @param timeBonusPerSecond Time component of the bonus (WAD per second of waiting).
    struct MarketSummary {
        uint256 marketId;
        IERC20 collateralToken;
        IERC20 quoteToken;
        ILendingPool pool;
        IOracle oracle;
        uint256 price;
        IOracle.PriceStatus priceStatus;
        IMarginVault.RiskParams params;
        IMarginVault.MarketState state;
        uint256 windowRemaining;
        ILiquidationEngine.FeeConfig feeConfig;
        uint256 timeBonusPerSecond;
    }

    /// @notice Thrown when a constructor address is zero.
    error ZeroAddress();
    /// @notice Thrown when a market id is not listed.
    error UnknownMarket(uint256 marketId);
    /// @notice Thrown when a position id does not exist (never opened, or closed).
    error UnknownPosition(uint256 positionId);

    /// @notice The vault whose positions this lens reads.
    function vault() external view returns (IMarginVault);
    /// @notice The liquidation engine whose previews this lens reports.
    function engine() external view returns (ILiquidationEngine);

    /// @notice One position's view.
    function positionView(uint256 positionId) external view returns (PositionView memory view_);

    /// @notice The open positions among entries `[offset, offset + limit)` of a market's list
    /// (`vault.marketPositions`); closed ones are left out, so a page may hold fewer than `limit`.
    /// @dev An offset at or past the end, or a limit of 0, gives an empty page; a limit past the end gives the rest.
    /// @return views The page's open positions, in the list's order (opening order).
    /// @return total Entries in the market's list (`vault.marketPositionCount`, closed positions included), to page
    /// on: the next page starts at `offset + limit`.
    function positionsOfMarket(
        uint256 marketId,
        uint256 offset,
        uint256 limit
    ) external view returns (PositionView[] memory views, uint256 total);

    /// @notice Of the positions in the page `[offset, offset + limit)` of a market, those a keeper can liquidate now
    /// (states `Liquidatable` and `FullCloseable`, preview reason `None`), with their previews. For keepers and the
    /// upkeep: the next page starts at `offset + limit`.
    /// @return positionIds Liquidatable position ids, in the list's order.
    /// @return previews Their previews (`previews[i]` is that of `positionIds[i]`).
    /// @return total Entries in the market's list (closed positions included), to page on.
    function liquidatablePositions(
        uint256 marketId,
        uint256 offset,
        uint256 limit
    ) external view returns (uint256[] memory positionIds, ILiquidationEngine.Preview[] memory previews, uint256 total);

    /// @notice A market's summary.
    function marketSummary(uint256 marketId) external view returns (MarketSummary memory summary);

    /// @notice Up to `limit` market summaries, of markets `offset + 1`, `offset + 2`, ... (market ids start at 1).
    /// @return summaries The page.
    /// @return total Markets listed (`vault.marketCount`).
    function marketSummaries(
        uint256 offset,
        uint256 limit
    ) external view returns (MarketSummary[] memory summaries, uint256 total);

    /// @notice The open positions of `owner` among ids `[fromId, fromId + limit)`, scanning no further than
    /// `vault.nextPositionId`. The vault keeps no index per owner: page on with `nextFromId` until it equals
    /// `vault.nextPositionId()`.
    /// @dev Scanning costs a few thousand gas per id even when it is not the owner's; keep `limit` to a few
    /// thousand per call.
    /// @return views The owner's positions, in id order.
    /// @return nextFromId Where the next call should start (the first id not scanned).
    function positionsOf(
        address owner,
        uint256 fromId,
        uint256 limit
    ) external view returns (PositionView[] memory views, uint256 nextFromId);
}
