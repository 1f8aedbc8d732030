// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SSTORE2} from "solady/src/utils/SSTORE2.sol";

import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {IMarginVault} from "../interfaces/IMarginVault.sol";
import {IOracle} from "../interfaces/IOracle.sol";
import {RiskParamsLib} from "../libraries/RiskParamsLib.sol";
import {SharesMath} from "../libraries/SharesMath.sol";
import {TrancheMath} from "../libraries/TrancheMath.sol";
import {TransferLib} from "../libraries/TransferLib.sol";

/// @title MarginVault
/// @notice Markets and isolated positions: open, deposit, withdraw, borrow, repay, close.
/// @dev Every entry point follows: checks -> accrue -> compute -> write -> health check -> emit -> transfers.
/// `Multicall` lets a user open, deposit and borrow in one transaction (predict the id with `nextPositionId`).
/// A market's configuration (its tokens, pool, oracle and risk parameters) is written once per change into the code
/// of a data contract (Solady's SSTORE2), not into storage: an action reads it with one cold account access (2,600
/// gas) instead of eight cold slots (16,800). Storage keeps only what changes with use: the pause and the totals.
contract MarginVault is IMarginVault, AccessControl, ReentrancyGuardTransient, Multicall {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice May change a market's risk parameters within the hard bounds.
    bytes32 public constant RISK_MANAGER_ROLE = keccak256("RISK_MANAGER_ROLE");
    /// @notice May pause new positions and borrowing per market, and nothing else.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Longest grace window between two tranches of one position.
    uint256 public constant MAX_TRANCHE_COOLDOWN = 1 days;
    /// @notice Longest rolling window of the market circuit breaker.
    uint256 public constant MAX_WINDOW = 7 days;
    /// @notice Most markets one vault lists: a position names its market in 16 bits, so that the liquidation
    /// engine's state fits in the position's first slot (Aave V3 caps its reserves at 128 with 16-bit ids).
    uint256 public constant MAX_MARKETS = type(uint16).max;
    uint256 internal constant WAD = 1e18;
    /// @dev Word positions in a market's configuration (`MarketConfig`: four addresses, then `RiskParams` in its
    /// declaration order).
    uint256 internal constant CONFIG_TOKEN = 0;
    uint256 internal constant CONFIG_POOL = 1;
    uint256 internal constant CONFIG_QUOTE = 2;
    uint256 internal constant CONFIG_MIN_DEBT = 4 + 10;
    uint256 internal constant CONFIG_COLLATERAL_CAP = 4 + 15;

    /// @inheritdoc IMarginVault
    address public liquidationEngine;
    /// @inheritdoc IMarginVault
    uint256 public marketCount;
    /// @inheritdoc IMarginVault
    uint256 public nextPositionId = 1;

    /// @dev A market's storage, two slots: where its configuration is, the guardian's pause, the length of its
    /// position list (`positionCount`: positions ever opened in it), and its totals.
    struct MarketSlots {
        address config;
        bool borrowPaused;
        uint64 positionCount;
        uint128 totalCollateralAssets;
        uint128 totalDebtShares;
    }

    /// @dev What a market's data contract holds, `abi.encode`d: what never changes after listing and the risk
    /// parameters (a new data contract at each `setRiskParams`).
    struct MarketConfig {
        IERC20 collateralToken;
        ILendingPool pool;
        IERC20 quoteToken;
        IOracle oracle;
        RiskParams params;
    }

    mapping(uint256 marketId => MarketSlots) internal _markets;
    /// @dev A market's positions in the order they were opened, append-only (entry `i` at key `i`, `positionCount`
    /// entries). A closed position stays listed (its slot is deleted, so it reads as owner zero): an open writes one
    /// new slot here and a close nothing, and the order never changes, so pages read in different blocks neither skip
    /// nor repeat. (Up to 805842f an EnumerableSet: two new slots per open, a removal that rewrote the list on a
    /// close. Four ids packed per slot would cost less on average but make an open's gas depend on how many opens
    /// landed before it, so that an estimate could fall 17,100 short.)
    mapping(uint256 marketId => mapping(uint256 index => uint256 positionId)) internal _marketPositionIds;
    mapping(uint256 positionId => Position) internal _positions;
    /// @inheritdoc IMarginVault
    mapping(address owner => mapping(address operator => bool)) public isOperator;

    modifier onlyLiquidationEngine() {
        if (msg.sender != liquidationEngine) revert OnlyLiquidationEngine(msg.sender);
        _;
    }

    /// @param admin Holder of the admin role (meant to be a TimelockController).
    /// @param riskManager Holder of the risk-manager role.
    /// @param guardian Holder of the guardian role.
    constructor(address admin, address riskManager, address guardian) {
        if (admin == address(0) || riskManager == address(0) || guardian == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(RISK_MANAGER_ROLE, riskManager);
        _grantRole(GUARDIAN_ROLE, guardian);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IMarginVault
    function createMarket(
        IERC20 collateralToken,
        ILendingPool pool,
        IOracle oracle,
        RiskParams calldata params
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 marketId) {
        if (address(collateralToken) == address(0) || address(pool) == address(0) || address(oracle) == address(0)) {
            revert ZeroAddress();
        }
        if (pool.vault() != address(this)) revert PoolNotConnected(address(pool));
        IERC20 quoteToken = IERC20(pool.asset());
        if (collateralToken == quoteToken) revert CollateralIsQuote(address(collateralToken));
        _validateRiskParams(params);

        if (marketCount == MAX_MARKETS) revert TooManyMarkets(MAX_MARKETS);
        marketId = ++marketCount;
        _markets[marketId].config = SSTORE2.write(
            abi.encode(MarketConfig(collateralToken, pool, quoteToken, oracle, params))
        );
        emit CreateMarket(marketId, address(collateralToken), address(pool), address(oracle), params);
    }

    /// @inheritdoc IMarginVault
    function setRiskParams(uint256 marketId, RiskParams calldata params) external onlyRole(RISK_MANAGER_ROLE) {
        MarketSlots storage m = _requireMarket(marketId);
        _validateRiskParams(params);
        MarketConfig memory c = _config(m);
        if (keccak256(abi.encode(params)) == keccak256(abi.encode(c.params))) revert NoChange();
        c.params = params;
        m.config = SSTORE2.write(abi.encode(c));
        emit SetRiskParams(marketId, params);
    }

    /// @inheritdoc IMarginVault
    function setBorrowPaused(uint256 marketId, bool paused) external onlyRole(GUARDIAN_ROLE) {
        MarketSlots storage m = _requireMarket(marketId);
        if (m.borrowPaused == paused) revert NoChange();
        m.borrowPaused = paused;
        emit SetBorrowPaused(marketId, paused);
    }

    /// @inheritdoc IMarginVault
    function setLiquidationEngine(address engine) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (engine == address(0)) revert ZeroAddress();
        if (liquidationEngine != address(0)) revert LiquidationEngineAlreadySet(liquidationEngine);
        liquidationEngine = engine;
        emit SetLiquidationEngine(engine);
    }

    /// @dev The hard bounds of the risk parameters; TrancheMath checks the ratio chain and the bonuses.
    function _validateRiskParams(RiskParams calldata params) internal pure {
        TrancheMath.validateParams(RiskParamsLib.toTrancheParams(params));
        if (params.minDebt > params.maxTrancheDebt)
            revert MinDebtAboveTrancheDebt(params.minDebt, params.maxTrancheDebt);
        if (params.keeperShare > WAD) revert KeeperShareTooHigh(params.keeperShare);
        if (params.trancheCooldown > MAX_TRANCHE_COOLDOWN) {
            revert TrancheCooldownTooLong(params.trancheCooldown, MAX_TRANCHE_COOLDOWN);
        }
        if (params.window == 0 || params.window > MAX_WINDOW) revert InvalidWindow(params.window, MAX_WINDOW);
        if (params.windowLimit == 0) revert ZeroWindowLimit();
    }

    // ------------------------------------------------------------------ users

    /// @inheritdoc IMarginVault
    function setOperator(address operator, bool approved) external {
        if (operator == address(0)) revert ZeroAddress();
        if (isOperator[msg.sender][operator] == approved) revert NoChange();
        isOperator[msg.sender][operator] = approved;
        emit SetOperator(msg.sender, operator, approved);
    }

    /// @inheritdoc IMarginVault
    function openPosition(uint256 marketId) external nonReentrant returns (uint256 positionId) {
        MarketSlots storage m = _requireMarket(marketId);
        if (m.borrowPaused) revert BorrowPaused(marketId);
        positionId = nextPositionId++;
        uint256 index = m.positionCount;
        _marketPositionIds[marketId][index] = positionId;
        m.positionCount = (index + 1).toUint64();
        _positions[positionId] = Position({
            owner: msg.sender,
            marketId: uint16(marketId), // <= marketCount <= MAX_MARKETS
            engineState: 0,
            collateralAssets: 0,
            debtShares: 0
        });
        emit OpenPosition(positionId, marketId, msg.sender);
    }

    /// @inheritdoc IMarginVault
    function depositCollateral(uint256 positionId, uint256 assets) external nonReentrant {
        Position storage p = _requirePosition(positionId);
        if (assets == 0) revert ZeroAmount();
        MarketSlots storage m = _markets[p.marketId];
        uint256 totalCollateral = m.totalCollateralAssets + assets;
        uint256 cap = _configWord(m, CONFIG_COLLATERAL_CAP);
        if (totalCollateral > cap) revert CollateralCapExceeded(p.marketId, totalCollateral, cap);

        p.collateralAssets += assets.toUint128();
        m.totalCollateralAssets = totalCollateral.toUint128();

        emit DepositCollateral(positionId, msg.sender, assets);
        TransferLib.pullExact(IERC20(_configAddress(m, CONFIG_TOKEN)), msg.sender, address(this), assets);
    }

    /// @inheritdoc IMarginVault
    function withdrawCollateral(uint256 positionId, uint256 assets, address receiver) external nonReentrant {
        Position storage p = _requireOwnerOrOperator(positionId);
        if (assets == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        if (assets > p.collateralAssets) revert InsufficientCollateral(positionId, assets, p.collateralAssets);
        MarketSlots storage m = _markets[p.marketId];
        MarketConfig memory c = _config(m);
        uint256 positionShares = p.debtShares;
        (uint256 borrowAssets, uint256 borrowShares) = positionShares > 0 ? c.pool.accrueInterest() : (0, 0);

        p.collateralAssets -= uint128(assets);
        m.totalCollateralAssets -= uint128(assets);

        if (positionShares > 0) {
            _requireInitialRatio(positionId, p, c, SharesMath.toAssetsUp(positionShares, borrowAssets, borrowShares));
        }
        emit WithdrawCollateral(positionId, msg.sender, receiver, assets);
        c.collateralToken.safeTransfer(receiver, assets);
    }

    /// @inheritdoc IMarginVault
    function borrow(
        uint256 positionId,
        uint256 assets,
        address receiver
    ) external nonReentrant returns (uint256 shares) {
        Position storage p = _requireOwnerOrOperator(positionId);
        if (assets == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        uint256 marketId = p.marketId;
        MarketSlots storage m = _markets[marketId];
        if (m.borrowPaused) revert BorrowPaused(marketId);
        MarketConfig memory c = _config(m);
        ILendingPool pool = c.pool;
        uint256 debtAssets;
        {
            // Conversions use the totals before this borrow, as the pool's own do.
            (uint256 borrowAssets, uint256 borrowShares) = pool.accrueInterest();
            shares = SharesMath.toSharesUp(assets, borrowAssets, borrowShares);
            uint256 marketDebtShares = m.totalDebtShares + shares;
            uint256 marketDebt = SharesMath.toAssetsUp(marketDebtShares, borrowAssets, borrowShares);
            uint256 borrowCap = c.params.borrowCap;
            if (marketDebt > borrowCap) revert BorrowCapExceeded(marketId, marketDebt, borrowCap);

            uint256 positionShares = p.debtShares + shares;
            p.debtShares = positionShares.toUint128();
            m.totalDebtShares = marketDebtShares.toUint128();
            debtAssets = SharesMath.toAssetsUp(positionShares, borrowAssets, borrowShares);
        }
        uint256 minDebt = c.params.minDebt;
        if (debtAssets < minDebt) revert DebtBelowMinimum(positionId, debtAssets, minDebt);
        _requireInitialRatio(positionId, p, c, debtAssets);
        emit Borrow(positionId, msg.sender, receiver, assets, shares);
        uint256 poolShares = pool.borrow(assets, receiver);
        // The pool computes the same shares from the same accrued state; a difference would be a bug.
        assert(poolShares == shares);
    }

    /// @inheritdoc IMarginVault
    function repay(
        uint256 positionId,
        uint256 assets
    ) external nonReentrant returns (uint256 repaidAssets, uint256 shares) {
        (repaidAssets, shares) = _repay(positionId, assets, true);
    }

    /// @inheritdoc IMarginVault
    function closePosition(uint256 positionId, address receiver) external nonReentrant {
        Position storage p = _requireOwnerOrOperator(positionId);
        if (receiver == address(0)) revert ZeroAddress();
        if (p.debtShares > 0) revert DebtOutstanding(positionId, p.debtShares);
        uint256 marketId = p.marketId;
        MarketSlots storage m = _markets[marketId];
        uint256 collateralAssets = p.collateralAssets;

        m.totalCollateralAssets -= uint128(collateralAssets);
        delete _positions[positionId];

        emit ClosePosition(positionId, receiver, collateralAssets);
        if (collateralAssets > 0) IERC20(_configAddress(m, CONFIG_TOKEN)).safeTransfer(receiver, collateralAssets);
    }

    // ------------------------------------------------------------------ liquidation engine

    /// @inheritdoc IMarginVault
    function settleTranche(
        uint256 positionId,
        uint256 repaidAssets,
        uint256 shares,
        uint256 seizedAssets,
        uint256 feeToReserves,
        uint256 feeToLenders,
        uint80 engineState,
        address receiver
    ) external onlyLiquidationEngine nonReentrant {
        Position storage p = _requirePosition(positionId);
        uint256 collateralAssets = p.collateralAssets;
        if (seizedAssets > collateralAssets) {
            revert InsufficientCollateral(positionId, seizedAssets, collateralAssets);
        }
        MarketSlots storage m = _markets[p.marketId];

        (p.collateralAssets, p.debtShares) = (uint128(collateralAssets - seizedAssets), p.debtShares - uint128(shares));
        p.engineState = engineState;
        (m.totalCollateralAssets, m.totalDebtShares) = (
            m.totalCollateralAssets - uint128(seizedAssets),
            m.totalDebtShares - uint128(shares)
        );

        // Nothing repaid: a seizure alone (the pool refuses a repayment that burns no shares). No `Repay` event: the
        // engine's `TrancheLiquidated`, emitted just before this call, records the repayment and its shares.
        if (repaidAssets > 0) {
            ILendingPool(_configAddress(m, CONFIG_POOL)).repay(shares, repaidAssets, feeToReserves, feeToLenders);
        }
        if (seizedAssets > 0) IERC20(_configAddress(m, CONFIG_TOKEN)).safeTransfer(receiver, seizedAssets);
    }

    /// @inheritdoc IMarginVault
    function repayFor(
        uint256 positionId,
        uint256 assets
    ) external onlyLiquidationEngine nonReentrant returns (uint256 repaidAssets, uint256 shares) {
        return _repay(positionId, assets, false);
    }

    /// @inheritdoc IMarginVault
    function setEngineState(uint256 positionId, uint80 state) external onlyLiquidationEngine nonReentrant {
        _requirePosition(positionId).engineState = state;
    }

    /// @inheritdoc IMarginVault
    function closeBadDebt(
        uint256 positionId
    ) external onlyLiquidationEngine nonReentrant returns (uint256 shares, uint256 assets) {
        Position storage p = _requirePosition(positionId);
        if (p.collateralAssets != 0) revert CollateralRemaining(positionId, p.collateralAssets);
        uint256 marketId = p.marketId;
        MarketSlots storage m = _markets[marketId];
        shares = p.debtShares;

        m.totalDebtShares -= uint128(shares);
        delete _positions[positionId];
        if (shares > 0) assets = ILendingPool(_configAddress(m, CONFIG_POOL)).writeOff(shares);

        emit CloseBadDebt(positionId, shares, assets);
        emit ClosePosition(positionId, address(0), 0);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMarginVault
    function market(uint256 marketId) external view returns (Market memory m) {
        MarketSlots storage s = _markets[marketId];
        if (s.config == address(0)) return m;
        MarketConfig memory c = _config(s);
        m = Market(c.collateralToken, c.pool, c.oracle, s.borrowPaused, s.totalCollateralAssets, s.totalDebtShares);
    }

    /// @inheritdoc IMarginVault
    function riskParams(uint256 marketId) external view returns (RiskParams memory params) {
        MarketSlots storage m = _markets[marketId];
        if (m.config != address(0)) params = _config(m).params;
    }

    /// @inheritdoc IMarginVault
    function position(uint256 positionId) external view returns (Position memory) {
        return _positions[positionId];
    }

    /// @inheritdoc IMarginVault
    function liquidationContext(
        uint256 positionId,
        address keeper
    ) external view returns (LiquidationContext memory context) {
        Position memory p = _positions[positionId];
        if (p.owner == address(0)) return context;
        MarketConfig memory c = _config(_markets[p.marketId]);
        context = LiquidationContext(p, isOperator[p.owner][keeper], c.pool, c.quoteToken, c.oracle, c.params);
    }

    /// @inheritdoc IMarginVault
    function marketPositionCount(uint256 marketId) external view returns (uint256) {
        return _markets[marketId].positionCount;
    }

    /// @inheritdoc IMarginVault
    function marketPositions(
        uint256 marketId,
        uint256 offset,
        uint256 limit
    ) external view returns (uint256[] memory ids) {
        uint256 length = _markets[marketId].positionCount;
        uint256 end = offset >= length ? offset : Math.min(length, offset + limit);
        mapping(uint256 => uint256) storage listed = _marketPositionIds[marketId];
        ids = new uint256[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            ids[i - offset] = listed[i];
        }
    }

    /// @inheritdoc IMarginVault
    function debtAssetsOf(uint256 positionId) public view returns (uint256) {
        Position storage p = _positions[positionId];
        if (p.debtShares == 0) return 0;
        return ILendingPool(_configAddress(_markets[p.marketId], CONFIG_POOL)).borrowSharesToAssetsUp(p.debtShares);
    }

    /// @inheritdoc IMarginVault
    function positionHealth(uint256 positionId) external view returns (Health memory health) {
        Position storage p = _requirePosition(positionId);
        MarketConfig memory c = _config(_markets[p.marketId]);
        health.collateralAssets = p.collateralAssets;
        health.debtAssets = debtAssetsOf(positionId);
        (health.price, health.priceStatus) = c.oracle.price();
        if (health.priceStatus != IOracle.PriceStatus.Invalid) {
            health.collateralValue = Math.mulDiv(health.collateralAssets, health.price, TrancheMath.ORACLE_PRICE_SCALE);
            health.ratio = TrancheMath.ratioDown(health.collateralAssets, health.price, health.debtAssets);
        }
        if (health.debtAssets > 0 && health.collateralAssets > 0) {
            // Price at which collateral * price / 1e36 = maintenance * debt: debt * maintenance * 1e18 / collateral.
            health.liquidationPrice = Math.mulDiv(
                health.debtAssets * c.params.maintenanceRatio,
                TrancheMath.ORACLE_PRICE_SCALE / WAD,
                health.collateralAssets,
                Math.Rounding.Ceil
            );
        } else if (health.debtAssets > 0) {
            health.liquidationPrice = type(uint256).max;
        }
    }

    /// @inheritdoc IMarginVault
    function marketState(uint256 marketId) external view returns (MarketState memory state) {
        MarketSlots storage m = _requireMarket(marketId);
        MarketConfig memory c = _config(m);
        state.totalCollateralAssets = m.totalCollateralAssets;
        state.totalDebtAssets = m.totalDebtShares == 0 ? 0 : c.pool.borrowSharesToAssetsUp(m.totalDebtShares);
        state.positionCount = m.positionCount;
        state.poolUtilization = c.pool.utilization();
        state.borrowRatePerSecond = c.pool.borrowRatePerSecond();
        state.borrowCap = c.params.borrowCap;
        state.collateralCap = c.params.collateralCap;
        state.borrowPaused = m.borrowPaused;
    }

    /// @inheritdoc IMarginVault
    function maxBorrow(uint256 positionId) external view returns (uint256) {
        Position storage p = _requirePosition(positionId);
        MarketSlots storage m = _markets[p.marketId];
        if (m.borrowPaused) return 0;
        MarketConfig memory c = _config(m);
        (uint256 price, IOracle.PriceStatus status) = c.oracle.price();
        if (status != IOracle.PriceStatus.Primary) return 0;
        RiskParams memory r = c.params;
        // Debt allowed at the initial ratio: value * 1e18 / initialRatio, i.e. collateral * price / (1e18 * ratio).
        uint256 allowedDebt = Math.mulDiv(p.collateralAssets, price, WAD * r.initialRatio);
        uint256 debt = debtAssetsOf(positionId);
        // Borrowing x adds at most x + 1 of debt (shares round up), so leave one unit of margin.
        uint256 room = allowedDebt > debt + 1 ? allowedDebt - debt - 1 : 0;
        (uint256 cash, , ) = c.pool.expectedBalances();
        uint256 marketDebt = m.totalDebtShares == 0 ? 0 : c.pool.borrowSharesToAssetsUp(m.totalDebtShares);
        uint256 capRoom = r.borrowCap > marketDebt + 1 ? r.borrowCap - marketDebt - 1 : 0;
        return Math.min(Math.min(room, cash), capRoom);
    }

    /// @inheritdoc IMarginVault
    function maxWithdraw(uint256 positionId) external view returns (uint256) {
        Position storage p = _requirePosition(positionId);
        if (p.debtShares == 0) return p.collateralAssets;
        MarketConfig memory c = _config(_markets[p.marketId]);
        (uint256 price, IOracle.PriceStatus status) = c.oracle.price();
        if (status != IOracle.PriceStatus.Primary) return 0;
        // Collateral needed at the initial ratio: debt * ratio * 1e18 / price, rounded up.
        uint256 needed = Math.mulDiv(
            debtAssetsOf(positionId) * c.params.initialRatio,
            TrancheMath.ORACLE_PRICE_SCALE / WAD,
            price,
            Math.Rounding.Ceil
        );
        return p.collateralAssets > needed ? p.collateralAssets - needed : 0;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Repays for the caller. `byUser`: a user's repayment must leave 0 or at least `minDebt` and is pulled from
    /// the caller here; the liquidation engine (`byUser` false, the insurance fund's cover of a bad debt) delivers
    /// its own to the pool right after this call.
    function _repay(
        uint256 positionId,
        uint256 assets,
        bool byUser
    ) internal returns (uint256 repaidAssets, uint256 shares) {
        Position storage p = _requirePosition(positionId);
        if (assets == 0) revert ZeroAmount();
        uint256 positionShares = p.debtShares;
        if (positionShares == 0) revert NoDebt(positionId);
        MarketSlots storage m = _markets[p.marketId];
        ILendingPool pool = ILendingPool(_configAddress(m, CONFIG_POOL));
        (uint256 borrowAssets, uint256 borrowShares) = pool.accrueInterest();
        (repaidAssets, shares, ) = SharesMath.repayment(assets, positionShares, borrowAssets, borrowShares);
        if (shares < positionShares) {
            // A partial repayment (of less than the debt).
            if (shares == 0) revert RepayTooSmall(positionId, assets);
            if (byUser) {
                uint256 minDebt = _configWord(m, CONFIG_MIN_DEBT);
                uint256 debtLeft = SharesMath.toAssetsUp(positionShares - shares, borrowAssets, borrowShares);
                if (debtLeft < minDebt) revert DebtBelowMinimum(positionId, debtLeft, minDebt);
            }
        }

        p.debtShares = uint128(positionShares - shares);
        m.totalDebtShares -= uint128(shares);

        emit Repay(positionId, msg.sender, repaidAssets, shares);
        if (byUser) {
            TransferLib.pullExact(IERC20(_configAddress(m, CONFIG_QUOTE)), msg.sender, address(pool), repaidAssets);
        }
        pool.repay(shares, repaidAssets, 0, 0);
    }

    /// @dev Needs a valid primary price and `ratio >= initialRatio` at `debtAssets`.
    function _requireInitialRatio(
        uint256 positionId,
        Position storage p,
        MarketConfig memory c,
        uint256 debtAssets
    ) internal {
        (uint256 price, IOracle.PriceStatus status) = c.oracle.updatePrice();
        if (status != IOracle.PriceStatus.Primary) revert NoValidPrimaryPrice(p.marketId, status);
        uint256 ratio = TrancheMath.ratioDown(p.collateralAssets, price, debtAssets);
        uint256 initialRatio = c.params.initialRatio;
        if (ratio < initialRatio) revert RatioBelowInitial(positionId, ratio, initialRatio);
    }

    function _requireMarket(uint256 marketId) internal view returns (MarketSlots storage m) {
        m = _markets[marketId];
        if (m.config == address(0)) revert UnknownMarket(marketId);
    }

    /// @dev The market's configuration, copied from its data contract's code (after SSTORE2's leading STOP byte). The
    /// code is `abi.encode(MarketConfig)` of static fields only, so its words are laid out as the struct's in memory:
    /// the four addresses, then the 16 risk parameters (which `c.params` points to). Written by this contract from
    /// checked values only, so no field needs cleaning.
    function _config(MarketSlots storage m) internal view returns (MarketConfig memory c) {
        address config = m.config;
        RiskParams memory params = c.params;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(config, c, 1, 0x80)
            extcodecopy(config, params, 0x81, 0x200)
        }
    }

    /// @dev One word of the market's configuration (`CONFIG_*`), without copying the rest.
    function _configWord(MarketSlots storage m, uint256 word) internal view returns (uint256 w) {
        address config = m.config;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(config, 0, add(1, mul(word, 0x20)), 0x20)
            w := mload(0)
        }
    }

    function _configAddress(MarketSlots storage m, uint256 word) internal view returns (address) {
        return address(uint160(_configWord(m, word)));
    }

    function _requirePosition(uint256 positionId) internal view returns (Position storage p) {
        p = _positions[positionId];
        if (p.owner == address(0)) revert UnknownPosition(positionId);
    }

    function _requireOwnerOrOperator(uint256 positionId) internal view returns (Position storage p) {
        p = _requirePosition(positionId);
        if (msg.sender != p.owner && !isOperator[p.owner][msg.sender]) {
            revert NotOwnerOrOperator(positionId, msg.sender);
        }
    }
}
