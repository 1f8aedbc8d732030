// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {IMarginVault} from "../interfaces/IMarginVault.sol";
import {IOracle} from "../interfaces/IOracle.sol";
import {ITrancheLiquidationCallback} from "../interfaces/ITrancheLiquidationCallback.sol";
import {LiquidationRules} from "../libraries/LiquidationRules.sol";
import {RiskParamsLib} from "../libraries/RiskParamsLib.sol";
import {SharesMath} from "../libraries/SharesMath.sol";
import {TrancheMath} from "../libraries/TrancheMath.sol";
import {TransferLib} from "../libraries/TransferLib.sol";

/// @title LiquidationEngine
/// @notice Sizes and executes liquidation tranches over the MarginVault's positions.
/// @dev Order in `liquidate` (Morpho Blue's): checks -> accrue -> price -> compute -> record the market window and
/// any open remainder -> emit -> book the tranche in the vault (seizure, repayment, tranche state) and send the
/// collateral -> callback -> pull the payment into the pool -> realize bad debt.
contract LiquidationEngine is ILiquidationEngine, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice May set a market's fee routing.
    bytes32 public constant RISK_MANAGER_ROLE = keccak256("RISK_MANAGER_ROLE");
    uint256 internal constant WAD = 1e18;
    uint256 internal constant MAX_SCHEDULE_TRANCHES = 64;
    /// @notice Largest time bonus: 5 % of bonus per hour of waiting.
    uint256 public constant MAX_TIME_BONUS_PER_SECOND = uint256(0.05e18) / 1 hours;

    /// @notice The vault whose positions this engine liquidates.
    IMarginVault public immutable vault;
    /// @notice Receives its share of protocol fees and covers bad debt first.
    IInsuranceFund public immutable insuranceFund;

    /// @dev What is left open of a position's incomplete tranche (`TrancheState.openTrancheAt`,
    /// `openTrancheAssets`). The rest of a position's tranche state lives in the vault, in the 80 bits of
    /// `Position.engineState` (`_unpack`): a tranche rewrites the slot the vault already holds instead of writing a new
    /// one here, and this slot is read only when the position's state says a remainder is open.
    struct OpenTranche {
        uint40 at;
        uint104 assets;
    }
    mapping(uint256 positionId => OpenTranche) internal _openTranches;
    /// @dev `Position.engineState`: bits 0-31 `liquidatableSince`, 32-63 `lastTrancheAt` (seconds; until 2106),
    /// 64-78 `tranchesExecuted` (stops counting at `MAX_TRANCHE_COUNT`), bit 79 set while a remainder is open.
    uint256 internal constant MAX_TRANCHE_COUNT = 2 ** 15 - 1;
    uint256 internal constant OPEN_TRANCHE_FLAG = 1 << 79;
    mapping(uint256 marketId => FeeConfig) internal _feeConfig;
    /// @dev A market's current liquidation window, its time bonus and whether its fee has a sink (`FeeConfig`), in
    /// one slot: a tranche reads and writes one word for its market here, and reads `_feeConfig` only when
    /// `feeSinkSet` (with no sink the whole fee goes to the pool's reserves). `liquidatedAssets` below 2^128 (the
    /// window limit is a `uint128`), the bonus below `MAX_TIME_BONUS_PER_SECOND`.
    struct Window {
        uint40 start;
        uint128 liquidatedAssets;
        uint64 timeBonusPerSecond;
        bool feeSinkSet;
    }
    mapping(uint256 marketId => Window) internal _windows;
    /// @dev A market's speed measure (`LiquidationRules.PriceSpeed`) in one slot: the price as its 144 most
    /// significant bits (`mantissa << shift`; prices below 2^144, e.g. any 18-decimal collateral against a 6-decimal
    /// quote token below 10^9 per unit, are exact), the rate below `MAX_DROP_RATE` < 2^64.
    struct SpeedSlot {
        uint40 at;
        uint64 dropRate;
        uint8 shift;
        uint144 mantissa;
    }
    mapping(uint256 marketId => SpeedSlot) internal _speeds;

    /// @dev Everything `liquidate` works out before it moves anything.
    /// `sizedAssets` is the repayment the engine sized, before `maxRepayAssets`; `openTranche` says the sizing was
    /// bounded by an open remainder of an earlier incomplete tranche (see `ILiquidationEngine.TrancheState`).
    struct Plan {
        uint256 marketId;
        ILendingPool pool;
        IERC20 quoteToken;
        IOracle oracle;
        IMarginVault.RiskParams params;
        TrancheMath.Tranche tranche;
        uint256 price;
        uint256 debtAssets;
        uint256 protocolFee;
        uint256 sizedAssets;
        bool openTranche;
        bool feeSinkSet;
        address feeSink;
        TrancheState history;
        uint256 borrowAssets;
        uint256 borrowShares;
        uint256 repaidShares;
        uint256 feeToReserves;
        uint256 feeToLenders;
        uint256 feeToSink;
        uint256 debtAssetsLeft;
        uint256 ratioAfter;
        LiquidationRules.PriceSpeed speed;
    }

    /// @param vault_ The MarginVault.
    /// @param insuranceFund_ The insurance fund.
    /// @param admin Holder of the admin role (meant to be a TimelockController).
    /// @param riskManager Holder of the risk-manager role.
    constructor(IMarginVault vault_, IInsuranceFund insuranceFund_, address admin, address riskManager) {
        if (
            address(vault_) == address(0) ||
            address(insuranceFund_) == address(0) ||
            admin == address(0) ||
            riskManager == address(0)
        ) revert ZeroAddress();
        vault = vault_;
        insuranceFund = insuranceFund_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(RISK_MANAGER_ROLE, riskManager);
    }

    /// @notice Sets where a market's protocol fee goes. Risk manager only.
    function setFeeConfig(uint256 marketId, FeeConfig calldata config) external onlyRole(RISK_MANAGER_ROLE) {
        if (address(vault.market(marketId).pool) == address(0)) revert IMarginVault.UnknownMarket(marketId);
        if (config.insuranceShare > WAD) revert InsuranceShareTooHigh(config.insuranceShare);
        _feeConfig[marketId] = config;
        _windows[marketId].feeSinkSet = config.feeSink != address(0);
        emit SetFeeConfig(marketId, config.feeSink, config.insuranceShare);
    }

    /// @notice Sets a market's time bonus. Risk manager only.
    function setTimeBonus(uint256 marketId, uint256 bonusPerSecond) external onlyRole(RISK_MANAGER_ROLE) {
        if (address(vault.market(marketId).pool) == address(0)) revert IMarginVault.UnknownMarket(marketId);
        if (bonusPerSecond > MAX_TIME_BONUS_PER_SECOND) {
            revert TimeBonusTooHigh(bonusPerSecond, MAX_TIME_BONUS_PER_SECOND);
        }
        _windows[marketId].timeBonusPerSecond = uint64(bonusPerSecond); // <= MAX_TIME_BONUS_PER_SECOND < 2^64
        emit SetTimeBonus(marketId, bonusPerSecond);
    }

    // ------------------------------------------------------------------ liquidation

    /// @inheritdoc ILiquidationEngine
    function flagLiquidatable(uint256 positionId) external nonReentrant returns (uint256 liquidatableSince) {
        IMarginVault.Position memory p = vault.position(positionId);
        if (p.owner == address(0)) revert UnknownPosition(positionId);
        (uint256 price, IOracle.PriceStatus status) = vault.market(p.marketId).oracle.price();
        if (status == IOracle.PriceStatus.Invalid) revert InvalidPrice(p.marketId);
        _recordSpeed(p.marketId, price);
        uint256 ratio = TrancheMath.ratioDown(p.collateralAssets, price, vault.debtAssetsOf(positionId));
        TrancheState memory state = _stateOf(positionId, p.engineState);
        liquidatableSince = state.liquidatableSince;
        if (ratio >= vault.riskParams(p.marketId).maintenanceRatio) liquidatableSince = 0;
        else if (liquidatableSince == 0) liquidatableSince = block.timestamp;
        state.liquidatableSince = uint40(liquidatableSince);
        vault.setEngineState(positionId, _pack(state));
        emit FlagLiquidatable(positionId, liquidatableSince);
    }

    /// @inheritdoc ILiquidationEngine
    function recordPriceSpeed(uint256 marketId) external nonReentrant returns (uint256) {
        IOracle oracle = vault.market(marketId).oracle;
        if (address(oracle) == address(0)) revert IMarginVault.UnknownMarket(marketId);
        (uint256 price, IOracle.PriceStatus status) = oracle.price();
        if (status == IOracle.PriceStatus.Invalid) revert InvalidPrice(marketId);
        return _recordSpeed(marketId, price);
    }

    /// @inheritdoc ILiquidationEngine
    function liquidate(
        uint256 positionId,
        uint256 maxRepayAssets,
        address receiver,
        bytes calldata data
    ) external nonReentrant returns (uint256 repaidAssets, uint256 seizedAssets) {
        return _liquidateFor(positionId, maxRepayAssets, receiver, msg.sender, data);
    }

    /// @inheritdoc ILiquidationEngine
    function liquidateMany(
        uint256[] calldata positionIds,
        uint256[] calldata maxRepayAssets,
        address receiver,
        bytes calldata data
    ) external nonReentrant returns (uint256 liquidated) {
        if (positionIds.length != maxRepayAssets.length) {
            revert LengthMismatch(positionIds.length, maxRepayAssets.length);
        }
        for (uint256 i = 0; i < positionIds.length; ++i) {
            try this.liquidateFromBatch(positionIds[i], maxRepayAssets[i], receiver, msg.sender, data) {
                ++liquidated;
            } catch (bytes memory reason) {
                emit LiquidationSkipped(positionIds[i], reason);
            }
        }
    }

    /// @notice Used by `liquidateMany` so one position's revert does not undo the others. Only this contract.
    /// @dev Runs inside the batch's reentrancy lock; `keeper` is the batch's caller, who pays.
    function liquidateFromBatch(
        uint256 positionId,
        uint256 maxRepayAssets,
        address receiver,
        address keeper,
        bytes calldata data
    ) external returns (uint256 repaidAssets, uint256 seizedAssets) {
        if (msg.sender != address(this)) revert OnlyBatch(msg.sender);
        return _liquidateFor(positionId, maxRepayAssets, receiver, keeper, data);
    }

    function _liquidateFor(
        uint256 positionId,
        uint256 maxRepayAssets,
        address receiver,
        address keeper,
        bytes calldata data
    ) internal returns (uint256 repaidAssets, uint256 seizedAssets) {
        if (maxRepayAssets == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        IMarginVault.LiquidationContext memory context = vault.liquidationContext(positionId, keeper);
        IMarginVault.Position memory p = context.position;
        if (p.owner == address(0)) revert UnknownPosition(positionId);
        if (keeper == p.owner || context.keeperIsOperator) revert SelfLiquidation(positionId, keeper);

        Plan memory plan = _plan(positionId, context);
        (plan.tranche, plan.protocolFee) = _boundedByMaxRepay(positionId, plan, maxRepayAssets);
        repaidAssets = plan.tranche.repaidAssets;
        seizedAssets = plan.tranche.seizedAssets;
        // What the repayment burns and leaves, by the vault's own rule, at the totals this transaction accrued (no
        // external call runs between the accrual and the booking below).
        (, plan.repaidShares, plan.debtAssetsLeft) = SharesMath.repayment(
            repaidAssets,
            p.debtShares,
            plan.borrowAssets,
            plan.borrowShares
        );
        // The ratio the booking leaves (maximal for a bad-debt close, which deletes the position).
        plan.ratioAfter =
            plan.tranche.badDebtAssets > 0
                ? TrancheMath.ratioDown(0, plan.price, 0)
                : TrancheMath.ratioDown(p.collateralAssets - seizedAssets, plan.price, plan.debtAssetsLeft);

        uint80 state = _recordTranche(positionId, plan);
        _emitTranche(positionId, keeper, plan);
        _settle(positionId, plan, state, receiver, keeper, data);
        if (plan.tranche.badDebtAssets > 0) _realizeBadDebt(positionId, plan);
    }

    /// @dev Everything is booked before any token moves (the vault's settlement, which then sends the collateral),
    /// so the callback cannot change what the tranche did. Then the repayment and the fee's pool shares go straight
    /// from the keeper into the pool in one transfer, exactly, or the whole liquidation reverts; only a fee share
    /// for another sink is a second transfer. No token passes through the engine.
    function _settle(
        uint256 positionId,
        Plan memory plan,
        uint80 state,
        address receiver,
        address keeper,
        bytes calldata data
    ) internal {
        _book(positionId, plan, state, receiver);
        if (data.length > 0) {
            ITrancheLiquidationCallback(keeper).onTrancheLiquidation(
                positionId,
                plan.tranche.repaidAssets,
                plan.tranche.seizedAssets,
                plan.protocolFee,
                data
            );
        }
        IERC20 quote = plan.quoteToken;
        TransferLib.pullExact(
            quote,
            keeper,
            address(plan.pool),
            plan.tranche.repaidAssets + plan.feeToReserves + plan.feeToLenders
        );
        if (plan.feeToSink > 0) quote.safeTransferFrom(keeper, plan.feeSink, plan.feeToSink);
    }

    /// @dev Splits the fee into `plan` and has the vault book the tranche (and send the collateral).
    function _book(uint256 positionId, Plan memory plan, uint80 state, address receiver) internal {
        (plan.feeToReserves, plan.feeToLenders, plan.feeToSink, plan.feeSink) = _splitFee(plan);
        vault.settleTranche(
            positionId,
            plan.tranche.repaidAssets,
            plan.repaidShares,
            plan.tranche.seizedAssets,
            plan.feeToReserves,
            plan.feeToLenders,
            state,
            receiver
        );
    }

    /// @dev Emits the tranche, with the ratio the booking leaves.
    function _emitTranche(uint256 positionId, address keeper, Plan memory plan) internal {
        emit TrancheLiquidated(
            positionId,
            keeper,
            plan.tranche.repaidAssets,
            plan.repaidShares,
            plan.tranche.seizedAssets,
            plan.tranche.bonus,
            plan.protocolFee,
            plan.tranche.ratioBefore,
            plan.ratioAfter,
            LiquidationRules.closesWholeDebt(plan.tranche.kind)
        );
    }

    /// @dev Accrues, prices and sizes the tranche; reverts with the reason it cannot happen.
    function _plan(
        uint256 positionId,
        IMarginVault.LiquidationContext memory context
    ) internal returns (Plan memory plan) {
        IMarginVault.Position memory p = context.position;
        (plan.marketId, plan.pool, plan.quoteToken) = (p.marketId, context.pool, context.quoteToken);
        (plan.oracle, plan.params) = (context.oracle, context.params);
        (plan.borrowAssets, plan.borrowShares) = plan.pool.accrueInterest();
        plan.debtAssets = SharesMath.toAssetsUp(p.debtShares, plan.borrowAssets, plan.borrowShares);
        IOracle.PriceStatus status;
        (plan.price, status) = plan.oracle.updatePrice();
        if (status == IOracle.PriceStatus.Invalid) revert InvalidPrice(plan.marketId);
        plan.speed = LiquidationRules.observeSpeed(_speedOf(plan.marketId), plan.price);
        (Reason reason, LiquidationRules.TranchePlan memory planned, TrancheState memory history, bool sinkSet) = _size(
            positionId,
            p,
            plan
        );
        (plan.tranche, plan.protocolFee, plan.openTranche) = (
            planned.tranche,
            planned.protocolFee,
            planned.openTranche
        );
        (plan.sizedAssets, plan.history, plan.feeSinkSet) = (planned.tranche.repaidAssets, history, sinkSet);
        _revertFor(reason, positionId, plan);
    }

    /// @dev A plan with the market's fixed parts and parameters filled in.
    function _load(uint256 marketId) internal view returns (Plan memory plan) {
        plan.marketId = marketId;
        IMarginVault.Market memory m = vault.market(marketId);
        (plan.pool, plan.oracle) = (m.pool, m.oracle);
        plan.params = vault.riskParams(marketId);
    }

    /// @dev Sizes the tranche for `plan`'s market, price and debt with the planner: the planned tranche and whether it
    /// may run now, the position's tranche history and whether the market has a fee sink. Reads `plan`, writes
    /// nothing.
    function _size(
        uint256 positionId,
        IMarginVault.Position memory p,
        Plan memory plan
    ) internal view returns (Reason, LiquidationRules.TranchePlan memory, TrancheState memory, bool) {
        if (plan.debtAssets == 0) {
            LiquidationRules.TranchePlan memory none;
            return (Reason.NoDebt, none, plan.history, false);
        }
        TrancheState memory history = _stateOf(positionId, p.engineState);
        IMarginVault.RiskParams memory params = plan.params;
        Window memory w = _windows[plan.marketId];
        (uint256 windowStart_, uint256 liquidatedAssets) = LiquidationRules.currentWindow(
            w.start,
            w.liquidatedAssets,
            params.window
        );
        LiquidationRules.TranchePlan memory planned = LiquidationRules.planTranche(
            LiquidationRules.PlanInput({
                dropRate: plan.speed.dropRate,
                collateralAssets: p.collateralAssets,
                debtAssets: plan.debtAssets,
                price: plan.price,
                history: history,
                params: RiskParamsLib.toTrancheParams(params),
                keeperShare: params.keeperShare,
                trancheCooldown: params.trancheCooldown,
                windowStart: windowStart_,
                windowRemaining: LiquidationRules.windowRemaining(liquidatedAssets, params.windowLimit),
                timeBonusPerSecond: w.timeBonusPerSecond,
                outage: _outageFor(history, plan.oracle)
            })
        );
        return (planned.reason, planned, history, w.feeSinkSet);
    }

    function _revertFor(Reason reason, uint256 positionId, Plan memory plan) internal view {
        if (reason == Reason.None) return;
        if (reason == Reason.NoDebt) revert NoDebt(positionId);
        if (reason == Reason.Healthy) {
            revert PositionHealthy(positionId, plan.tranche.ratioBefore, plan.params.maintenanceRatio);
        }
        if (reason == Reason.GracePeriod) revert InGracePeriod(positionId, nextEligibleAt(positionId));
        revert WindowExhausted(plan.marketId);
    }

    /// @dev A keeper may repay less than the tranche, as long as it leaves no dust and repays at least the market's
    /// minimum tranche (or the whole sized tranche when that is smaller); then no bad debt is realized, and
    /// the tranche is `Partial` whatever it was sized as, since debt of at least `minDebt` is left (so
    /// `TrancheLiquidated.fullClose` is false).
    function _boundedByMaxRepay(
        uint256 positionId,
        Plan memory plan,
        uint256 maxRepayAssets
    ) internal pure returns (TrancheMath.Tranche memory, uint256) {
        TrancheMath.Tranche memory sized = plan.tranche;
        if (maxRepayAssets >= sized.repaidAssets) return (sized, plan.protocolFee);
        if (maxRepayAssets < plan.params.minTrancheDebt) {
            revert TrancheBelowMinimum(
                positionId,
                maxRepayAssets,
                Math.min(plan.params.minTrancheDebt, sized.repaidAssets)
            );
        }
        uint256 debtLeft = plan.debtAssets - maxRepayAssets;
        if (debtLeft < plan.params.minDebt) revert LeavesDust(positionId, debtLeft, plan.params.minDebt);
        TrancheMath.Tranche memory tranche = TrancheMath.Tranche({
            kind: TrancheMath.TrancheKind.Partial,
            ratioBefore: sized.ratioBefore,
            bonus: sized.bonus,
            repaidAssets: maxRepayAssets,
            seizedAssets: Math.min(
                TrancheMath.seizedAssetsDown(maxRepayAssets, sized.bonus, plan.price),
                sized.seizedAssets
            ),
            badDebtAssets: 0
        });
        return (tranche, TrancheMath.protocolFeeUp(maxRepayAssets, sized.bonus, plan.params.keeperShare));
    }

    /// @dev A complete tranche (it repaid everything sized) starts the grace window and closes any open remainder;
    /// one that completes a live remainder starts it as of the remainder's first piece. An incomplete one leaves the
    /// clocks alone and keeps what it left of the sized tranche open, from the first incomplete tranche's time when it
    /// continues an open remainder, from now otherwise.
    /// The liquidatable clock follows the ratio the tranche leaves. Returns the position's state, packed, for the
    /// vault to store with the booking; only an open remainder is written here.
    function _recordTranche(uint256 positionId, Plan memory plan) internal returns (uint80) {
        TrancheState memory state = plan.history;
        bool wasOpen = state.openTrancheAt != 0;
        if (state.tranchesExecuted < MAX_TRANCHE_COUNT) state.tranchesExecuted += 1;
        uint256 repaidAssets = plan.tranche.repaidAssets;
        if (repaidAssets < plan.sizedAssets) {
            if (!plan.openTranche) state.openTrancheAt = SafeCast.toUint32(block.timestamp);
            state.openTrancheAssets = uint104(Math.min(plan.sizedAssets - repaidAssets, type(uint104).max));
            _openTranches[positionId] = OpenTranche(state.openTrancheAt, state.openTrancheAssets);
        } else {
            // Completing a live remainder dates the grace window from the first piece, so splitting a tranche (and
            // taking its last unit late) never holds the next one off for longer than one grace window.
            state.lastTrancheAt = plan.openTranche ? state.openTrancheAt : SafeCast.toUint32(block.timestamp);
            state.openTrancheAt = 0;
            state.openTrancheAssets = 0;
            if (wasOpen) delete _openTranches[positionId];
        }
        if (plan.ratioAfter >= plan.params.maintenanceRatio) state.liquidatableSince = 0;
        else if (state.liquidatableSince == 0) state.liquidatableSince = uint40(block.timestamp);
        // Full closes at or below the full-liquidation ratio bypass the window and do not use it up.
        if (plan.tranche.kind != TrancheMath.TrancheKind.FullClose) _useWindow(plan, repaidAssets);
        _storeSpeed(plan.marketId, plan.speed);
        // `_pack` checks that the clocks fit their 32 bits.
        return _pack(state);
    }

    /// @dev Adds `repaidAssets` to the market's rolling window.
    function _useWindow(Plan memory plan, uint256 repaidAssets) internal {
        Window memory w = _windows[plan.marketId];
        (uint256 start, uint256 liquidatedAssets) = LiquidationRules.currentWindow(
            w.start,
            w.liquidatedAssets,
            plan.params.window
        );
        _windows[plan.marketId] = Window(
            uint40(start),
            SafeCast.toUint128(liquidatedAssets + repaidAssets),
            w.timeBonusPerSecond,
            w.feeSinkSet
        );
    }

    /// @dev The protocol fee's split (`FeeConfig`): the insurance share to the pool's reserves, the rest to the
    /// lenders when the sink is the market's pool, to the sink otherwise.
    function _splitFee(
        Plan memory plan
    ) internal view returns (uint256 toReserves, uint256 toLenders, uint256 toSink, address sink) {
        uint256 fee = plan.protocolFee;
        if (fee == 0) return (0, 0, 0, address(0));
        if (!plan.feeSinkSet) return (fee, 0, 0, address(0));
        FeeConfig memory config = _feeConfig[plan.marketId];
        sink = config.feeSink;
        toReserves = sink == address(0) ? fee : Math.mulDiv(fee, config.insuranceShare, WAD);
        uint256 rest = fee - toReserves;
        if (sink == address(plan.pool)) toLenders = rest;
        else toSink = rest;
    }

    /// @dev All collateral is gone: the insurance fund covers what it can, the pool writes off the rest, the vault
    /// closes the position.
    function _realizeBadDebt(uint256 positionId, Plan memory plan) internal {
        IERC20 quote = plan.quoteToken;
        uint256 badDebt = plan.debtAssetsLeft;
        uint256 covered = insuranceFund.coverBadDebt(quote, badDebt);
        if (covered > 0) {
            vault.repayFor(positionId, covered);
            quote.safeTransfer(address(plan.pool), covered);
        }
        (, uint256 socialized) = vault.closeBadDebt(positionId);
        emit BadDebtRealized(positionId, covered, socialized);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILiquidationEngine
    function previewLiquidation(uint256 positionId) external view returns (Preview memory preview) {
        IMarginVault.Position memory p = vault.position(positionId);
        if (p.owner == address(0)) {
            preview.reason = Reason.UnknownPosition;
            return preview;
        }
        Plan memory plan = _load(p.marketId);
        IOracle.PriceStatus status;
        (plan.price, status) = plan.oracle.price();
        preview.nextEligibleAt = nextEligibleAt(positionId);
        if (status == IOracle.PriceStatus.Invalid) {
            preview.reason = Reason.InvalidPrice;
            return preview;
        }
        plan.debtAssets = vault.debtAssetsOf(positionId);
        plan.speed = LiquidationRules.observeSpeed(_speedOf(p.marketId), plan.price);
        LiquidationRules.TranchePlan memory planned;
        (preview.reason, planned, , ) = _size(positionId, p, plan);
        TrancheMath.Tranche memory t = planned.tranche;
        preview.kind = t.kind;
        preview.ratioBefore = t.ratioBefore;
        preview.bonus = t.bonus;
        preview.repaidAssets = t.repaidAssets;
        preview.seizedAssets = t.seizedAssets;
        preview.protocolFee = planned.protocolFee;
        preview.badDebtAssets = t.badDebtAssets;
        preview.fullClose = LiquidationRules.closesWholeDebt(t.kind);
    }

    /// @inheritdoc ILiquidationEngine
    function liquidationSchedule(
        uint256 positionId,
        uint256 price
    ) external view returns (TrancheMath.Tranche[] memory tranches) {
        IMarginVault.Position memory p = vault.position(positionId);
        if (p.owner == address(0)) revert UnknownPosition(positionId);
        IMarginVault.RiskParams memory params = vault.riskParams(p.marketId);
        TrancheMath.PositionState memory state = TrancheMath.PositionState({
            collateralAssets: p.collateralAssets,
            debtAssets: vault.debtAssetsOf(positionId),
            price: price
        });
        TrancheMath.Params memory base = RiskParamsLib.toTrancheParams(params);
        // The market's speed measure observed at `price` now, then decaying one grace window per tranche.
        uint256 rate = LiquidationRules.observeSpeed(_speedOf(p.marketId), price).dropRate;
        TrancheMath.Tranche[] memory buffer = new TrancheMath.Tranche[](MAX_SCHEDULE_TRANCHES);
        uint256 count;
        while (count < MAX_SCHEDULE_TRANCHES && state.debtAssets > 0) {
            uint256 ratio = TrancheMath.ratioDown(state.collateralAssets, price, state.debtAssets);
            uint256 drop = LiquidationRules.projectedDrop(rate, params.trancheCooldown);
            TrancheMath.Tranche memory t = TrancheMath.computeTranche(
                state,
                LiquidationRules.atSpeed(base, ratio, drop),
                params.windowLimit
            );
            rate = LiquidationRules.decayedRate(rate, params.trancheCooldown);
            if (t.kind == TrancheMath.TrancheKind.Healthy || t.kind == TrancheMath.TrancheKind.WindowExhausted) break;
            buffer[count++] = t;
            state.collateralAssets -= t.seizedAssets;
            state.debtAssets -= t.repaidAssets + t.badDebtAssets;
        }
        tranches = new TrancheMath.Tranche[](count);
        for (uint256 i = 0; i < count; ++i) tranches[i] = buffer[i];
    }

    /// @inheritdoc ILiquidationEngine
    function trancheState(uint256 positionId) external view returns (TrancheState memory) {
        return _stateOf(positionId, vault.position(positionId).engineState);
    }

    /// @inheritdoc ILiquidationEngine
    function nextEligibleAt(uint256 positionId) public view returns (uint256) {
        IMarginVault.Position memory p = vault.position(positionId);
        TrancheState memory state = _stateOf(positionId, p.engineState);
        if (state.lastTrancheAt == 0) return 0;
        uint256 marketId = p.marketId;
        LiquidationRules.Outage memory outage = _outageFor(state, vault.market(marketId).oracle);
        return LiquidationRules.graceEnd(state.lastTrancheAt, vault.riskParams(marketId).trancheCooldown, outage);
    }

    /// @inheritdoc ILiquidationEngine
    function windowRemaining(uint256 marketId) external view returns (uint256) {
        IMarginVault.RiskParams memory params = vault.riskParams(marketId);
        (, uint256 liquidatedAssets) = _currentWindow(marketId, params.window);
        return LiquidationRules.windowRemaining(liquidatedAssets, params.windowLimit);
    }

    /// @inheritdoc ILiquidationEngine
    function windowStart(uint256 marketId) external view returns (uint256) {
        return _windows[marketId].start;
    }

    /// @inheritdoc ILiquidationEngine
    function windowLiquidatedAssets(uint256 marketId) external view returns (uint256) {
        return _windows[marketId].liquidatedAssets;
    }

    /// @inheritdoc ILiquidationEngine
    function extraBonusOf(uint256 positionId) external view returns (uint256) {
        IMarginVault.Position memory p = vault.position(positionId);
        TrancheState memory state = _stateOf(positionId, p.engineState);
        uint256 marketId = p.marketId;
        LiquidationRules.Outage memory outage = _outageFor(state, vault.market(marketId).oracle);
        uint256 graceEnd = LiquidationRules.graceEnd(
            state.lastTrancheAt,
            vault.riskParams(marketId).trancheCooldown,
            outage
        );
        return
            LiquidationRules.extraBonus(
                state.liquidatableSince,
                _windows[marketId].timeBonusPerSecond,
                graceEnd,
                outage
            );
    }

    /// @inheritdoc ILiquidationEngine
    function timeBonusPerSecond(uint256 marketId) external view returns (uint256) {
        return _windows[marketId].timeBonusPerSecond;
    }

    /// @inheritdoc ILiquidationEngine
    function priceSpeed(uint256 marketId) external view returns (uint256 at, uint256 price, uint256 rate) {
        LiquidationRules.PriceSpeed memory s = _speedOf(marketId);
        return (s.at, s.price, s.dropRate);
    }

    /// @inheritdoc ILiquidationEngine
    function dropRate(uint256 marketId) external view returns (uint256) {
        (uint256 price, IOracle.PriceStatus status) = vault.market(marketId).oracle.price();
        if (status == IOracle.PriceStatus.Invalid) return 0;
        return LiquidationRules.observeSpeed(_speedOf(marketId), price).dropRate;
    }

    /// @inheritdoc ILiquidationEngine
    function feeConfig(uint256 marketId) external view returns (FeeConfig memory) {
        return _feeConfig[marketId];
    }

    // ------------------------------------------------------------------ internals

    /// @dev The oracle's latest sequencer outage, read only when the position has a clock that it could stop.
    function _outageFor(
        TrancheState memory state,
        IOracle oracle
    ) internal view returns (LiquidationRules.Outage memory outage) {
        if (state.lastTrancheAt == 0 && state.liquidatableSince == 0 && state.openTrancheAt == 0) return outage;
        (outage.downAt, outage.resumedAt) = oracle.lastOutage();
    }

    /// @dev A position's tranche state from its `engineState` bits, with the open remainder when the flag says so.
    function _stateOf(uint256 positionId, uint80 engineState) internal view returns (TrancheState memory state) {
        uint256 bits = engineState;
        state.liquidatableSince = uint40(uint32(bits));
        state.lastTrancheAt = uint40(uint32(bits >> 32));
        state.tranchesExecuted = uint32((bits >> 64) & MAX_TRANCHE_COUNT);
        if (bits & OPEN_TRANCHE_FLAG != 0) {
            OpenTranche memory open = _openTranches[positionId];
            (state.openTrancheAt, state.openTrancheAssets) = (open.at, open.assets);
        }
    }

    /// @dev `state` as `engineState` bits (`_stateOf`'s inverse; the open remainder itself is stored apart). Its
    /// clocks must fit 32 bits (`SafeCast` reverts otherwise, from 2106 on); its count stops at `MAX_TRANCHE_COUNT`.
    function _pack(TrancheState memory state) internal pure returns (uint80) {
        uint256 bits =
            uint256(SafeCast.toUint32(state.liquidatableSince)) |
                (uint256(SafeCast.toUint32(state.lastTrancheAt)) << 32) |
                (uint256(state.tranchesExecuted & MAX_TRANCHE_COUNT) << 64);
        if (state.openTrancheAt != 0) bits |= OPEN_TRANCHE_FLAG;
        return uint80(bits);
    }

    /// @dev A market's speed measure as stored (the price from its 144 most significant bits).
    function _speedOf(uint256 marketId) internal view returns (LiquidationRules.PriceSpeed memory) {
        SpeedSlot memory s = _speeds[marketId];
        return LiquidationRules.PriceSpeed(s.at, uint256(s.mantissa) << s.shift, s.dropRate);
    }

    /// @dev Stores `speed` unless it is the one already stored (observed earlier in this second).
    function _storeSpeed(uint256 marketId, LiquidationRules.PriceSpeed memory speed) internal {
        if (_speeds[marketId].at == speed.at) return;
        uint256 bits = Math.log2(speed.price) + 1;
        uint256 shift = bits > 144 ? bits - 144 : 0;
        // `at` is now (< 2^40 until the year 36812), `dropRate` <= MAX_DROP_RATE < 2^64, `price >> shift` < 2^144.
        _speeds[marketId] = SpeedSlot(
            uint40(speed.at),
            uint64(speed.dropRate),
            uint8(shift),
            uint144(speed.price >> shift)
        );
    }

    /// @dev Observes `price` now for `marketId`'s speed measure and stores it; returns the measured rate.
    function _recordSpeed(uint256 marketId, uint256 price) internal returns (uint256) {
        LiquidationRules.PriceSpeed memory speed = LiquidationRules.observeSpeed(_speedOf(marketId), price);
        _storeSpeed(marketId, speed);
        return speed.dropRate;
    }

    /// @dev The market's window as it stands now (`LiquidationRules.currentWindow`).
    function _currentWindow(uint256 marketId, uint256 length) internal view returns (uint256, uint256) {
        Window memory w = _windows[marketId];
        return LiquidationRules.currentWindow(w.start, w.liquidatedAssets, length);
    }
}
