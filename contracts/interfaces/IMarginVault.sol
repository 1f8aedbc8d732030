// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILendingPool} from "./ILendingPool.sol";
import {IOracle} from "./IOracle.sol";

/// @title IMarginVault
/// @notice Isolated margin positions: deposit collateral, borrow the quote asset from its LendingPool, repay,
/// withdraw. Every action that adds risk (borrow, withdraw) needs a valid primary price and leaves the position at or
/// above the market's `initialRatio`; repaying and topping up never need a price. Positions are enumerable per market
/// so keepers can page through them. The liquidation engine alone may seize collateral, repay for a position and
/// write off its bad debt.
/// @dev Units: amounts are token-native; ratios WAD; prices are quote units per collateral unit scaled by 1e36.
/// Debt is held in the pool's borrow shares and converts to assets rounded up.
interface IMarginVault {
    /// @notice The risk parameters of a market (ratios and bonuses WAD; debts in quote units; durations in seconds).
    /// @dev Bounds, checked on every change: `MAX_RATIO >= initialRatio >= targetRatio > maintenanceRatio >
    /// fullLiquidationRatio >= 1 + maxBonus`, `minBonus <= maxBonus <= MAX_BONUS`, `keeperShare <= 1`,
    /// `0 < maxTrancheShare <= 1`, `maxTrancheDebt > 0`, `minTrancheDebt <= maxTrancheDebt`,
    /// `minDebt <= maxTrancheDebt`,
    /// `trancheCooldown <= MAX_TRANCHE_COOLDOWN`, `0 < window <= MAX_WINDOW`, `windowLimit > 0`.
    struct RiskParams {
        uint64 initialRatio;
        uint64 targetRatio;
        uint64 maintenanceRatio;
        uint64 fullLiquidationRatio;
        uint64 minBonus;
        uint64 maxBonus;
        uint64 keeperShare;
        uint64 maxTrancheShare;
        uint128 maxTrancheDebt;
        uint128 minTrancheDebt;
        uint128 minDebt;
        uint128 windowLimit;
        uint32 window;
        uint32 trancheCooldown;
        uint128 borrowCap;
        uint128 collateralCap;
    }

    /// @notice A market: what never changes after listing, the guardian's pause, and its running totals. The vault
    /// keeps the first three (with the risk parameters) in a data contract's code and the rest in two storage slots.
    struct Market {
        IERC20 collateralToken;
        ILendingPool pool;
        IOracle oracle;
        bool borrowPaused;
        uint128 totalCollateralAssets;
        uint128 totalDebtShares;
    }

    /// @notice A position. `owner == address(0)` means it does not exist (never opened, or closed).
    /// @param owner The position's owner.
    /// @param marketId Its market (below 2^16: see `MAX_MARKETS`).
    /// @param engineState 80 bits the liquidation engine keeps with the position (its tranche clocks), so that a
    /// tranche writes the slot the vault already holds instead of a new one of its own; the vault only stores it.
    /// @param collateralAssets Collateral held (collateral units).
    /// @param debtShares Borrow shares owed to the market's pool.
    struct Position {
        address owner;
        uint16 marketId;
        uint80 engineState;
        uint128 collateralAssets;
        uint128 debtShares;
    }

    /// @notice What a liquidation needs of the vault, in one call (`liquidationContext`).
    /// @param position The position (owner zero: does not exist, and the rest is empty).
    /// @param keeperIsOperator Whether the keeper asked about is an operator of the position's owner.
    /// @param pool The market's lending pool.
    /// @param quoteToken The pool's asset, which the debt is owed in.
    /// @param oracle The market's oracle.
    /// @param params The market's risk parameters.
    struct LiquidationContext {
        Position position;
        bool keeperIsOperator;
        ILendingPool pool;
        IERC20 quoteToken;
        IOracle oracle;
        RiskParams params;
    }

    /// @notice A position's health, for frontends and keepers.
    /// @param collateralAssets Collateral (collateral units).
    /// @param collateralValue Its value in quote units at `price`, rounded down (0 if the price is invalid).
    /// @param debtAssets Debt in quote units, interest included, rounded up.
    /// @param ratio Collateral ratio (WAD, rounded down; `type(uint256).max` with no debt; 0 if the price is invalid).
    /// @param liquidationPrice Price at which the ratio reaches maintenance (1e36-scaled, rounded up; 0 without debt).
    /// @param price Current price (1e36-scaled).
    /// @param priceStatus Where the price came from.
    struct Health {
        uint256 collateralAssets;
        uint256 collateralValue;
        uint256 debtAssets;
        uint256 ratio;
        uint256 liquidationPrice;
        uint256 price;
        IOracle.PriceStatus priceStatus;
    }

    /// @notice A market's state, for frontends and keepers. `positionCount` is the length of the market's position
    /// list (`marketPositionCount`: positions ever opened there, closed ones included).
    struct MarketState {
        uint256 totalCollateralAssets;
        uint256 totalDebtAssets;
        uint256 positionCount;
        uint256 poolUtilization;
        uint256 borrowRatePerSecond;
        uint256 borrowCap;
        uint256 collateralCap;
        bool borrowPaused;
    }

    /// @notice Emitted when governance lists a market.
    event CreateMarket(
        uint256 indexed marketId,
        address indexed collateralToken,
        address indexed pool,
        address oracle,
        RiskParams params
    );
    /// @notice Emitted when the risk manager changes a market's parameters.
    event SetRiskParams(uint256 indexed marketId, RiskParams params);
    /// @notice Emitted when the guardian pauses or resumes new positions and borrowing in a market.
    event SetBorrowPaused(uint256 indexed marketId, bool paused);
    /// @notice Emitted once, when governance connects the liquidation engine.
    event SetLiquidationEngine(address indexed engine);
    /// @notice Emitted when an owner approves or revokes an operator.
    event SetOperator(address indexed owner, address indexed operator, bool approved);
    /// @notice Emitted when a position is opened.
    event OpenPosition(uint256 indexed positionId, uint256 indexed marketId, address indexed owner);
    /// @notice Emitted when collateral is added to a position (by anyone).
    event DepositCollateral(uint256 indexed positionId, address indexed caller, uint256 assets);
    /// @notice Emitted when collateral leaves a position at its owner's request.
    event WithdrawCollateral(
        uint256 indexed positionId,
        address indexed caller,
        address indexed receiver,
        uint256 assets
    );
    /// @notice Emitted when a position borrows.
    event Borrow(
        uint256 indexed positionId,
        address indexed caller,
        address indexed receiver,
        uint256 assets,
        uint256 shares
    );
    /// @notice Emitted when debt is repaid by a user (`repay`) or by the insurance fund's cover of a bad debt
    /// (`repayFor`); a tranche's repayment is in the engine's `TrancheLiquidated`.
    event Repay(uint256 indexed positionId, address indexed payer, uint256 assets, uint256 shares);
    /// @notice Emitted when a position is closed.
    event ClosePosition(uint256 indexed positionId, address indexed receiver, uint256 collateralAssets);
    /// @notice Emitted when the liquidation engine closes a position with no collateral left, writing off its
    /// remaining debt (`shares`, worth `assets`; both 0 when the insurance fund repaid it all).
    event CloseBadDebt(uint256 indexed positionId, uint256 shares, uint256 assets);

    /// @notice Thrown when an amount argument is zero.
    error ZeroAmount();
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();
    /// @notice Thrown when a market id is not listed.
    error UnknownMarket(uint256 marketId);
    /// @notice Thrown when a position id does not exist.
    error UnknownPosition(uint256 positionId);
    /// @notice Thrown when the caller is neither the owner nor an approved operator.
    error NotOwnerOrOperator(uint256 positionId, address caller);
    /// @notice Thrown when a caller other than the liquidation engine calls an engine hook.
    error OnlyLiquidationEngine(address caller);
    /// @notice Thrown when the liquidation engine is already set.
    error LiquidationEngineAlreadySet(address engine);
    /// @notice Thrown when new positions and borrowing are paused in the market.
    error BorrowPaused(uint256 marketId);
    /// @notice Thrown when the action needs a valid primary price and the oracle has none.
    error NoValidPrimaryPrice(uint256 marketId, IOracle.PriceStatus status);
    /// @notice Thrown when the action would leave the position below the initial ratio.
    error RatioBelowInitial(uint256 positionId, uint256 ratio, uint256 initialRatio);
    /// @notice Thrown when the action would leave a debt that is positive but below the market's minimum.
    error DebtBelowMinimum(uint256 positionId, uint256 debtAssets, uint256 minDebt);
    /// @notice Thrown when a borrow would take the market's debt above its cap.
    error BorrowCapExceeded(uint256 marketId, uint256 totalDebtAssets, uint256 borrowCap);
    /// @notice Thrown when a deposit would take the market's collateral above its cap.
    error CollateralCapExceeded(uint256 marketId, uint256 totalCollateralAssets, uint256 collateralCap);
    /// @notice Thrown when a withdrawal or seizure asks for more collateral than the position holds.
    error InsufficientCollateral(uint256 positionId, uint256 requestedAssets, uint256 collateralAssets);
    /// @notice Thrown when closing a position that still has debt.
    error DebtOutstanding(uint256 positionId, uint256 debtShares);
    /// @notice Thrown when a repayment is too small to burn a single borrow share.
    error RepayTooSmall(uint256 positionId, uint256 assets);
    /// @notice Thrown when a position has no debt to repay or write off.
    error NoDebt(uint256 positionId);
    /// @notice Thrown when a position closed for bad debt still has collateral.
    error CollateralRemaining(uint256 positionId, uint256 collateralAssets);
    /// @notice Thrown when a setter would not change anything.
    error NoChange();
    /// @notice Thrown when the market's pool does not lend to this vault.
    error PoolNotConnected(address pool);
    /// @notice Thrown when the collateral token is the pool's quote asset.
    error CollateralIsQuote(address token);
    /// @notice Thrown when `minDebt` is above `maxTrancheDebt`.
    error MinDebtAboveTrancheDebt(uint256 minDebt, uint256 maxTrancheDebt);
    /// @notice Thrown when `keeperShare` is above 100 %.
    error KeeperShareTooHigh(uint256 keeperShare);
    /// @notice Thrown when `trancheCooldown` is above `MAX_TRANCHE_COOLDOWN`.
    error TrancheCooldownTooLong(uint256 trancheCooldown, uint256 limit);
    /// @notice Thrown when `window` is zero or above `MAX_WINDOW`.
    error InvalidWindow(uint256 window, uint256 limit);
    /// @notice Thrown when `windowLimit` is zero.
    error ZeroWindowLimit();
    /// @notice Thrown when the position count or the market count would not fit its type.
    error Overflow();
    /// @notice The vault already lists `limit` markets, as many as a position's 16-bit market id can name.
    error TooManyMarkets(uint256 limit);

    // ------------------------------------------------------------------ governance

    /// @notice Lists a market. Admin only (a TimelockController). The token, pool and oracle never change.
    /// @return marketId The new market's id (from 1).
    function createMarket(
        IERC20 collateralToken,
        ILendingPool pool,
        IOracle oracle,
        RiskParams calldata params
    ) external returns (uint256 marketId);

    /// @notice Changes a market's risk parameters within the hard bounds. Risk manager only.
    /// @dev Takes effect at once: raising `maintenanceRatio` can make positions liquidatable, which is why the role is
    /// meant to sit behind a timelock.
    function setRiskParams(uint256 marketId, RiskParams calldata params) external;

    /// @notice Pauses or resumes new positions and new borrowing in a market. Guardian only; repaying, topping up,
    /// withdrawing and liquidating are never paused.
    function setBorrowPaused(uint256 marketId, bool paused) external;

    /// @notice Connects the liquidation engine, once. Admin only.
    function setLiquidationEngine(address engine) external;

    // ------------------------------------------------------------------ users

    /// @notice Approves or revokes `operator` to act on all of the caller's positions (withdraw, borrow, close).
    function setOperator(address operator, bool approved) external;

    /// @notice Opens an empty position in `marketId` for the caller.
    /// @return positionId The new position's id (from 1).
    function openPosition(uint256 marketId) external returns (uint256 positionId);

    /// @notice Adds `assets` of collateral to a position, pulled from the caller. Anyone may top up any position; no
    /// price is needed.
    function depositCollateral(uint256 positionId, uint256 assets) external;

    /// @notice Sends `assets` of collateral to `receiver`. Owner or operator; with debt, needs a valid primary price
    /// and leaves the position at or above `initialRatio`.
    function withdrawCollateral(uint256 positionId, uint256 assets, address receiver) external;

    /// @notice Borrows `assets` of the quote asset to `receiver`. Owner or operator; needs a valid primary price and
    /// leaves the position at or above `initialRatio` with at least `minDebt` of debt.
    /// @return shares Borrow shares added to the position.
    function borrow(uint256 positionId, uint256 assets, address receiver) external returns (uint256 shares);

    /// @notice Repays up to `assets` of a position's debt, pulled from the caller; `assets` at or above the debt repays
    /// all of it (and pulls exactly the debt). Anyone may repay; no price is needed. A partial repayment must leave at
    /// least `minDebt`.
    /// @return repaidAssets Assets pulled from the caller.
    /// @return shares Borrow shares burned (rounded down for a partial repayment).
    function repay(uint256 positionId, uint256 assets) external returns (uint256 repaidAssets, uint256 shares);

    /// @notice Closes a position without debt, sending all its collateral to `receiver`. Owner or operator.
    function closePosition(uint256 positionId, address receiver) external;

    // ------------------------------------------------------------------ liquidation engine

    /// @notice Books a tranche on a position before any token moves, then sends the seized collateral to
    /// `receiver`: `seizedAssets` of collateral out, `shares` of debt burned for `repaidAssets` (booked in the market's
    /// pool with the protocol fee's pool shares, whose tokens the engine pulls from the keeper after its callback),
    /// and the engine's 80 bits of state stored. Liquidation engine only; the engine sizes the repayment with
    /// `SharesMath.repayment` at the totals it accrued in the same transaction.
    /// @dev Emits nothing itself: the engine's `TrancheLiquidated`, emitted just before, records the repayment, its
    /// shares and the seizure, and the token's `Transfer` the collateral sent.
    /// @param feeToReserves Protocol fee delivered with the repayment, booked as the pool's reserves.
    /// @param feeToLenders Protocol fee delivered with the repayment, donated to the pool's lenders.
    function settleTranche(
        uint256 positionId,
        uint256 repaidAssets,
        uint256 shares,
        uint256 seizedAssets,
        uint256 feeToReserves,
        uint256 feeToLenders,
        uint80 engineState,
        address receiver
    ) external;

    /// @notice Books a repayment of `assets` of a position's debt whose tokens the engine delivers to the market's
    /// pool in the same call (no transfer here); `assets` at or above the debt repays all of it. Liquidation engine
    /// only: the part of a bad debt the insurance fund covers, which the engine sends to the pool.
    /// @return repaidAssets Assets booked as repaid (the debt, if `assets` exceeds it).
    /// @return shares Borrow shares burned.
    function repayFor(uint256 positionId, uint256 assets) external returns (uint256 repaidAssets, uint256 shares);

    /// @notice Stores the liquidation engine's 80 bits for a position (`Position.engineState`). Liquidation engine
    /// only; no event (the engine's own events say what changed).
    function setEngineState(uint256 positionId, uint80 state) external;

    /// @notice Closes a position whose collateral is all gone: writes off its remaining debt in its pool (bad debt;
    /// none if the insurance fund repaid it all) and deletes it. Liquidation engine only.
    /// @dev Emits `CloseBadDebt`, then `ClosePosition` with receiver 0 and no collateral.
    /// @return shares Borrow shares written off.
    /// @return assets Debt written off.
    function closeBadDebt(uint256 positionId) external returns (uint256 shares, uint256 assets);

    // ------------------------------------------------------------------ views

    /// @notice Number of markets listed.
    function marketCount() external view returns (uint256);
    /// @notice A market's fixed parts and totals.
    function market(uint256 marketId) external view returns (Market memory);
    /// @notice A market's risk parameters.
    function riskParams(uint256 marketId) external view returns (RiskParams memory);
    /// @notice A position (owner zero: does not exist).
    function position(uint256 positionId) external view returns (Position memory);
    /// @notice The position, whether `keeper` is its owner's operator, and its market's pool, oracle and risk
    /// parameters: what the liquidation engine reads before a tranche, in one call. Empty for an unknown position.
    function liquidationContext(
        uint256 positionId,
        address keeper
    ) external view returns (LiquidationContext memory context);
    /// @notice Id the next opened position will get.
    function nextPositionId() external view returns (uint256);
    /// @notice Whether `operator` may act on `owner`'s positions.
    function isOperator(address owner, address operator) external view returns (bool);
    /// @notice Length of a market's position list: positions ever opened in it, closed ones included (a closed
    /// position stays listed and reads as owner zero in `position`).
    function marketPositionCount(uint256 marketId) external view returns (uint256);
    /// @notice Up to `limit` entries of a market's position list from index `offset`: position ids in the order they
    /// were opened, closed ones included (filter on `position(id).owner != address(0)`). The list only grows, so
    /// pages read in different blocks neither skip nor repeat an entry.
    function marketPositions(uint256 marketId, uint256 offset, uint256 limit) external view returns (uint256[] memory);
    /// @notice The liquidation engine.
    function liquidationEngine() external view returns (address);

    /// @notice A position's debt in quote units after accruing now, rounded up.
    function debtAssetsOf(uint256 positionId) external view returns (uint256);
    /// @notice A position's health at the oracle's current price.
    function positionHealth(uint256 positionId) external view returns (Health memory);
    /// @notice A market's state after accruing now.
    function marketState(uint256 marketId) external view returns (MarketState memory);
    /// @notice Most the position can borrow now (initial ratio, minimum debt excluded, pool cash, borrow cap, pause);
    /// 0 without a valid primary price.
    function maxBorrow(uint256 positionId) external view returns (uint256);
    /// @notice Most collateral the position can withdraw now (initial ratio); without debt, all of it; with debt and
    /// no valid primary price, 0.
    function maxWithdraw(uint256 positionId) external view returns (uint256);
}
