// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../interfaces/IMarginVault.sol";
import {IOracle} from "../interfaces/IOracle.sol";
import {IPositionLens} from "../interfaces/IPositionLens.sol";
import {LiquidationRules} from "../libraries/LiquidationRules.sol";
import {RiskParamsLib} from "../libraries/RiskParamsLib.sol";
import {SharesMath} from "../libraries/SharesMath.sol";
import {TrancheMath} from "../libraries/TrancheMath.sol";

/// @title PositionLens
/// @notice Batch views over the MarginVault and the LiquidationEngine for keepers and frontends.
/// @dev What all positions of a market share is read once per call (`MarketContext`: price, parameters, the pool's
/// borrow totals after accruing now, the engine's window room and time bonus, the oracle's last outage); per position
/// the lens reads only the position and its tranche state, then sizes the preview with the engine's own planner
/// (`LiquidationRules.planTranche`). Calling `engine.previewLiquidation` per position
/// instead re-reads the market four times per position and did not fit 500 positions in 50,000,000 gas
/// (54.6 M measured); `test/periphery/PositionLens.t.sol` holds every preview equal to the engine's.
contract PositionLens is IPositionLens {
    /// @inheritdoc IPositionLens
    IMarginVault public immutable vault;
    /// @inheritdoc IPositionLens
    ILiquidationEngine public immutable engine;

    /// @dev What every position of one market shares, read once per call.
    /// @param borrowAssets The pool's borrowed assets after accruing now (`expectedBalances`).
    /// @param borrowShares The pool's borrow shares (accrual does not change them).
    /// @param input The planner's input: the market's part (price, parameters, window, time bonus) filled once; the
    /// position's part (collateral, debt, history) set per position, so a page allocates no input per position. Its
    /// outage is read the first time a position with a clock needs it (as the engine reads it only then).
    struct MarketContext {
        uint256 marketId;
        IOracle oracle;
        bool priceValid;
        bool outageRead;
        uint256 borrowAssets;
        uint256 borrowShares;
        LiquidationRules.PlanInput input;
    }

    /// @param vault_ The MarginVault.
    /// @param engine_ The LiquidationEngine connected to it.
    constructor(IMarginVault vault_, ILiquidationEngine engine_) {
        if (address(vault_) == address(0) || address(engine_) == address(0)) revert ZeroAddress();
        vault = vault_;
        engine = engine_;
    }

    // ------------------------------------------------------------------ positions

    /// @inheritdoc IPositionLens
    function positionView(uint256 positionId) external view returns (PositionView memory view_) {
        IMarginVault.Position memory p = vault.position(positionId);
        if (p.owner == address(0)) revert UnknownPosition(positionId);
        _fill(view_, positionId, p, _context(p.marketId));
    }

    /// @inheritdoc IPositionLens
    function positionsOfMarket(
        uint256 marketId,
        uint256 offset,
        uint256 limit
    ) external view returns (PositionView[] memory views, uint256 total) {
        MarketContext memory ctx = _context(marketId);
        uint256[] memory ids;
        (ids, total) = _page(marketId, offset, limit);
        views = new PositionView[](ids.length);
        uint256 count;
        for (uint256 i = 0; i < ids.length; ++i) {
            IMarginVault.Position memory p = vault.position(ids[i]);
            // A closed position stays in the market's list with owner zero: leave it out.
            if (p.owner == address(0)) continue;
            _fill(views[count++], ids[i], p, ctx);
        }
        // The open ones fill the front: shorten the array to them (its elements are pointers; nothing else moves).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(views, count)
        }
    }

    /// @inheritdoc IPositionLens
    function liquidatablePositions(
        uint256 marketId,
        uint256 offset,
        uint256 limit
    )
        external
        view
        returns (uint256[] memory positionIds, ILiquidationEngine.Preview[] memory previews, uint256 total)
    {
        MarketContext memory ctx = _context(marketId);
        uint256[] memory ids;
        (ids, total) = _page(marketId, offset, limit);
        // Nothing is liquidatable without a valid price.
        if (!ctx.priceValid) return (new uint256[](0), new ILiquidationEngine.Preview[](0), total);
        // The liquidatable ones move to the front of `ids` (a scratch copy), their previews to the front of `scratch`.
        ILiquidationEngine.Preview[] memory scratch = new ILiquidationEngine.Preview[](ids.length);
        uint256 count;
        for (uint256 i = 0; i < ids.length; ++i) {
            IMarginVault.Position memory p = vault.position(ids[i]);
            ILiquidationEngine.Preview memory preview = _preview(ids[i], p, _debtAssetsUp(p, ctx), ctx);
            if (preview.reason != ILiquidationEngine.Reason.None) continue;
            ids[count] = ids[i];
            scratch[count] = preview;
            ++count;
        }
        positionIds = new uint256[](count);
        previews = new ILiquidationEngine.Preview[](count);
        for (uint256 i = 0; i < count; ++i) {
            positionIds[i] = ids[i];
            previews[i] = scratch[i];
        }
    }

    /// @inheritdoc IPositionLens
    function positionsOf(
        address owner,
        uint256 fromId,
        uint256 limit
    ) external view returns (PositionView[] memory views, uint256 nextFromId) {
        uint256 nextId = vault.nextPositionId();
        uint256 start = Math.max(fromId, 1); // ids start at 1
        nextFromId = start >= nextId ? start : start + Math.min(limit, nextId - start);
        // First pass: which ids are the owner's (the vault keeps no index per owner).
        uint256[] memory owned = new uint256[](nextFromId - start);
        uint256 count;
        // Closed and never-opened positions have owner 0: nobody owns them.
        if (owner != address(0)) {
            for (uint256 id = start; id < nextFromId; ++id) {
                if (vault.position(id).owner == owner) owned[count++] = id;
            }
        }
        // Second pass: their views, reading a market's context again only when the market changes.
        views = new PositionView[](count);
        MarketContext memory ctx;
        for (uint256 i = 0; i < count; ++i) {
            IMarginVault.Position memory p = vault.position(owned[i]);
            if (p.marketId != ctx.marketId) ctx = _context(p.marketId);
            _fill(views[i], owned[i], p, ctx);
        }
    }

    // ------------------------------------------------------------------ markets

    /// @inheritdoc IPositionLens
    function marketSummary(uint256 marketId) public view returns (MarketSummary memory summary) {
        IMarginVault.Market memory m = vault.market(marketId);
        if (address(m.pool) == address(0)) revert UnknownMarket(marketId);
        summary.marketId = marketId;
        summary.collateralToken = m.collateralToken;
        summary.quoteToken = IERC20(m.pool.asset());
        summary.pool = m.pool;
        summary.oracle = m.oracle;
        (summary.price, summary.priceStatus) = m.oracle.price();
        summary.params = vault.riskParams(marketId);
        summary.state = vault.marketState(marketId);
        summary.windowRemaining = engine.windowRemaining(marketId);
        summary.feeConfig = engine.feeConfig(marketId);
        summary.timeBonusPerSecond = engine.timeBonusPerSecond(marketId);
    }

    /// @inheritdoc IPositionLens
    function marketSummaries(
        uint256 offset,
        uint256 limit
    ) external view returns (MarketSummary[] memory summaries, uint256 total) {
        total = vault.marketCount();
        uint256 count = offset >= total ? 0 : Math.min(limit, total - offset);
        summaries = new MarketSummary[](count);
        for (uint256 i = 0; i < count; ++i) {
            summaries[i] = marketSummary(offset + i + 1);
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev A listed market's context; reverts with `UnknownMarket` otherwise.
    function _context(uint256 marketId) internal view returns (MarketContext memory ctx) {
        IMarginVault.Market memory m = vault.market(marketId);
        if (address(m.pool) == address(0)) revert UnknownMarket(marketId);
        IMarginVault.RiskParams memory params = vault.riskParams(marketId);
        ctx.marketId = marketId;
        ctx.oracle = m.oracle;
        IOracle.PriceStatus status;
        LiquidationRules.PlanInput memory input = ctx.input;
        (input.price, status) = m.oracle.price();
        ctx.priceValid = status != IOracle.PriceStatus.Invalid;
        input.params = RiskParamsLib.toTrancheParams(params);
        input.keeperShare = params.keeperShare;
        input.trancheCooldown = params.trancheCooldown;
        uint256 liquidatedAssets;
        (input.windowStart, liquidatedAssets) = LiquidationRules.currentWindow(
            engine.windowStart(marketId),
            engine.windowLiquidatedAssets(marketId),
            params.window
        );
        input.windowRemaining = LiquidationRules.windowRemaining(liquidatedAssets, params.windowLimit);
        input.timeBonusPerSecond = engine.timeBonusPerSecond(marketId);
        if (ctx.priceValid) {
            LiquidationRules.PriceSpeed memory speed;
            (speed.at, speed.price, speed.dropRate) = engine.priceSpeed(marketId);
            input.dropRate = LiquidationRules.observeSpeed(speed, input.price).dropRate;
        }
        (, ctx.borrowAssets, ) = m.pool.expectedBalances();
        ctx.borrowShares = m.pool.totalBorrowShares();
    }

    /// @dev A page of a market's position ids. The limit is bounded here so that `offset + limit` cannot overflow in
    /// the vault.
    function _page(
        uint256 marketId,
        uint256 offset,
        uint256 limit
    ) internal view returns (uint256[] memory ids, uint256 total) {
        total = vault.marketPositionCount(marketId);
        if (offset >= total || limit == 0) return (new uint256[](0), total);
        ids = vault.marketPositions(marketId, offset, Math.min(limit, total - offset));
    }

    /// @dev The vault's `debtAssetsOf` without a call per position: the pool's `borrowSharesToAssetsUp` on the
    /// context's totals (the same conversion, rounded up).
    function _debtAssetsUp(IMarginVault.Position memory p, MarketContext memory ctx) internal pure returns (uint256) {
        if (p.debtShares == 0) return 0;
        return SharesMath.toAssetsUp(p.debtShares, ctx.borrowAssets, ctx.borrowShares);
    }

    /// @dev Fills `v` in place (a second copy would cost memory, which grows with the page) for position `id`.
    function _fill(
        PositionView memory v,
        uint256 id,
        IMarginVault.Position memory p,
        MarketContext memory ctx
    ) internal view {
        v.id = id;
        v.owner = p.owner;
        v.marketId = p.marketId;
        v.collateralAssets = p.collateralAssets;
        v.debtAssets = _debtAssetsUp(p, ctx);
        ILiquidationEngine.TrancheState memory history = engine.trancheState(id);
        v.liquidatableSince = history.liquidatableSince;
        v.tranchesExecuted = history.tranchesExecuted;
        v.preview = _previewFrom(p.collateralAssets, v.debtAssets, history, ctx);
        v.nextEligibleAt = v.preview.nextEligibleAt;
        v.liquidationPriceUp = _liquidationPriceUp(v.collateralAssets, v.debtAssets, ctx.input.params.maintenanceRatio);
        v.state = _state(v.preview, v.debtAssets);
        if (v.state == PositionState.NoDebt) v.ratio = type(uint256).max;
        else if (v.state != PositionState.NoPrice) v.ratio = v.preview.ratioBefore;
    }

    function _preview(
        uint256 id,
        IMarginVault.Position memory p,
        uint256 debtAssets,
        MarketContext memory ctx
    ) internal view returns (ILiquidationEngine.Preview memory) {
        return _previewFrom(p.collateralAssets, debtAssets, engine.trancheState(id), ctx);
    }

    /// @dev `LiquidationEngine.previewLiquidation` for an existing position on the context's reads: invalid price; no
    /// debt; then the engine's own planner (`LiquidationRules.planTranche`).
    function _previewFrom(
        uint256 collateralAssets,
        uint256 debtAssets,
        ILiquidationEngine.TrancheState memory history,
        MarketContext memory ctx
    ) internal view returns (ILiquidationEngine.Preview memory preview) {
        LiquidationRules.PlanInput memory input = ctx.input;
        // The engine reads the oracle's outage only for a position with a clock (a tranche or a flag).
        if (
            !ctx.outageRead &&
            (history.lastTrancheAt != 0 || history.liquidatableSince != 0 || history.openTrancheAt != 0)
        ) {
            (input.outage.downAt, input.outage.resumedAt) = ctx.oracle.lastOutage();
            ctx.outageRead = true;
        }
        if (!ctx.priceValid || debtAssets == 0) {
            preview.nextEligibleAt = LiquidationRules.graceEnd(
                history.lastTrancheAt,
                input.trancheCooldown,
                input.outage
            );
            preview.reason = ctx.priceValid ? ILiquidationEngine.Reason.NoDebt : ILiquidationEngine.Reason.InvalidPrice;
            return preview;
        }
        (input.collateralAssets, input.debtAssets, input.history) = (collateralAssets, debtAssets, history);
        LiquidationRules.TranchePlan memory planned = LiquidationRules.planTranche(input);
        preview.nextEligibleAt = planned.graceEnd;
        TrancheMath.Tranche memory tranche = planned.tranche;
        preview.reason = planned.reason;
        preview.kind = tranche.kind;
        preview.ratioBefore = tranche.ratioBefore;
        preview.bonus = tranche.bonus;
        preview.repaidAssets = tranche.repaidAssets;
        preview.seizedAssets = tranche.seizedAssets;
        preview.protocolFee = planned.protocolFee;
        preview.badDebtAssets = tranche.badDebtAssets;
        preview.fullClose = LiquidationRules.closesWholeDebt(tranche.kind);
    }

    /// @dev See `PositionState`: the checks in the order documented there.
    function _state(
        ILiquidationEngine.Preview memory preview,
        uint256 debtAssets
    ) internal pure returns (PositionState) {
        // Without debt: `NoDebt` even when the price is invalid (the preview checks the price first).
        if (debtAssets == 0) return PositionState.NoDebt;
        ILiquidationEngine.Reason reason = preview.reason;
        if (reason == ILiquidationEngine.Reason.InvalidPrice) return PositionState.NoPrice;
        if (reason == ILiquidationEngine.Reason.Healthy) return PositionState.Healthy;
        if (reason == ILiquidationEngine.Reason.GracePeriod) return PositionState.GracePeriod;
        if (reason == ILiquidationEngine.Reason.WindowExhausted) return PositionState.WindowExhausted;
        return preview.fullClose ? PositionState.FullCloseable : PositionState.Liquidatable;
    }

    /// @dev The price at which `collateral * price / 1e36 = maintenance * debt / 1e18`, i.e.
    /// `debt * maintenance * 1e18 / collateral`, rounded up: the ratio `floor(collateral * price / (debt * 1e18))` is
    /// at least `maintenance` exactly when `price >= debt * maintenance * 1e18 / collateral`, so the rounded-up value
    /// is the lowest integer price that is not liquidatable.
    function _liquidationPriceUp(
        uint256 collateralAssets,
        uint256 debtAssets,
        uint256 maintenanceRatio
    ) internal pure returns (uint256) {
        if (debtAssets == 0) return 0;
        if (collateralAssets == 0) return type(uint256).max;
        return
            Math.mulDiv(
                debtAssets * maintenanceRatio,
                TrancheMath.ORACLE_PRICE_SCALE / TrancheMath.WAD,
                collateralAssets,
                Math.Rounding.Ceil
            );
    }
}
