// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

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
contract MarginVault is IMarginVault, AccessControl, ReentrancyGuardTransient, Multicall {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using EnumerableSet for EnumerableSet.UintSet;

    /// @notice May change a market's risk parameters within the hard bounds.
    bytes32 public constant RISK_MANAGER_ROLE = keccak256("RISK_MANAGER_ROLE");
    /// @notice May pause new positions and borrowing per market, and nothing else.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice Longest grace window between two tranches of one position.
    uint256 public constant MAX_TRANCHE_COOLDOWN = 1 days;
    /// @notice Longest rolling window of the market circuit breaker.
    uint256 public constant MAX_WINDOW = 7 days;
    uint256 internal constant WAD = 1e18;

    /// @inheritdoc IMarginVault
    address public liquidationEngine;
    /// @inheritdoc IMarginVault
    uint256 public marketCount;
    /// @inheritdoc IMarginVault
    uint256 public nextPositionId = 1;

    mapping(uint256 marketId => Market) internal _markets;
    mapping(uint256 marketId => RiskParams) internal _riskParams;
    mapping(uint256 marketId => EnumerableSet.UintSet) internal _marketPositions;
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
        if (address(collateralToken) == pool.asset()) revert CollateralIsQuote(address(collateralToken));
        _validateRiskParams(params);

        marketId = ++marketCount;
        Market storage m = _markets[marketId];
        m.collateralToken = collateralToken;
        m.pool = pool;
        m.oracle = oracle;
        _riskParams[marketId] = params;
        emit CreateMarket(marketId, address(collateralToken), address(pool), address(oracle), params);
    }

    /// @inheritdoc IMarginVault
    function setRiskParams(uint256 marketId, RiskParams calldata params) external onlyRole(RISK_MANAGER_ROLE) {
        _requireMarket(marketId);
        _validateRiskParams(params);
        if (keccak256(abi.encode(params)) == keccak256(abi.encode(_riskParams[marketId]))) revert NoChange();
        _riskParams[marketId] = params;
        emit SetRiskParams(marketId, params);
    }

    /// @inheritdoc IMarginVault
    function setBorrowPaused(uint256 marketId, bool paused) external onlyRole(GUARDIAN_ROLE) {
        Market storage m = _requireMarket(marketId);
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
        Market storage m = _requireMarket(marketId);
        if (m.borrowPaused) revert BorrowPaused(marketId);
        positionId = nextPositionId++;
        _positions[positionId] = Position({
            owner: msg.sender,
            marketId: uint64(marketId),
            collateralAssets: 0,
            debtShares: 0
        });
        _marketPositions[marketId].add(positionId);
        emit OpenPosition(positionId, marketId, msg.sender);
    }

    /// @inheritdoc IMarginVault
    function depositCollateral(uint256 positionId, uint256 assets) external nonReentrant {
        Position storage p = _requirePosition(positionId);
        if (assets == 0) revert ZeroAmount();
        Market storage m = _markets[p.marketId];
        uint256 totalCollateral = m.totalCollateralAssets + assets;
        uint256 cap = _riskParams[p.marketId].collateralCap;
        if (totalCollateral > cap) revert CollateralCapExceeded(p.marketId, totalCollateral, cap);

        p.collateralAssets += assets.toUint128();
        m.totalCollateralAssets = totalCollateral.toUint128();

        emit DepositCollateral(positionId, msg.sender, assets);
        TransferLib.pullExact(m.collateralToken, msg.sender, address(this), assets);
    }

    /// @inheritdoc IMarginVault
    function withdrawCollateral(uint256 positionId, uint256 assets, address receiver) external nonReentrant {
        Position storage p = _requireOwnerOrOperator(positionId);
        if (assets == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        if (assets > p.collateralAssets) revert InsufficientCollateral(positionId, assets, p.collateralAssets);
        Market storage m = _markets[p.marketId];
        uint256 positionShares = p.debtShares;
        (uint256 borrowAssets, uint256 borrowShares) = positionShares > 0 ? m.pool.accrueInterest() : (0, 0);

        p.collateralAssets -= uint128(assets);
        m.totalCollateralAssets -= uint128(assets);

        if (positionShares > 0) {
            _requireInitialRatio(positionId, p, m, SharesMath.toAssetsUp(positionShares, borrowAssets, borrowShares));
        }
        emit WithdrawCollateral(positionId, msg.sender, receiver, assets);
        m.collateralToken.safeTransfer(receiver, assets);
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
        Market storage m = _markets[marketId];
        if (m.borrowPaused) revert BorrowPaused(marketId);
        ILendingPool pool = m.pool;
        uint256 debtAssets;
        {
            // Conversions use the totals before this borrow, as the pool's own do.
            (uint256 borrowAssets, uint256 borrowShares) = pool.accrueInterest();
            shares = SharesMath.toSharesUp(assets, borrowAssets, borrowShares);
            uint256 marketDebtShares = m.totalDebtShares + shares;
            uint256 marketDebt = SharesMath.toAssetsUp(marketDebtShares, borrowAssets, borrowShares);
            uint256 borrowCap = _riskParams[marketId].borrowCap;
            if (marketDebt > borrowCap) revert BorrowCapExceeded(marketId, marketDebt, borrowCap);

            uint256 positionShares = p.debtShares + shares;
            p.debtShares = positionShares.toUint128();
            m.totalDebtShares = marketDebtShares.toUint128();
            debtAssets = SharesMath.toAssetsUp(positionShares, borrowAssets, borrowShares);
        }
        uint256 minDebt = _riskParams[marketId].minDebt;
        if (debtAssets < minDebt) revert DebtBelowMinimum(positionId, debtAssets, minDebt);
        _requireInitialRatio(positionId, p, m, debtAssets);
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
        (repaidAssets, shares, ) = _repay(positionId, assets, true, 0, 0);
    }

    /// @inheritdoc IMarginVault
    function closePosition(uint256 positionId, address receiver) external nonReentrant {
        Position storage p = _requireOwnerOrOperator(positionId);
        if (receiver == address(0)) revert ZeroAddress();
        if (p.debtShares > 0) revert DebtOutstanding(positionId, p.debtShares);
        uint256 marketId = p.marketId;
        Market storage m = _markets[marketId];
        uint256 collateralAssets = p.collateralAssets;

        m.totalCollateralAssets -= uint128(collateralAssets);
        _marketPositions[marketId].remove(positionId);
        delete _positions[positionId];

        emit ClosePosition(positionId, receiver, collateralAssets);
        if (collateralAssets > 0) m.collateralToken.safeTransfer(receiver, collateralAssets);
    }

    // ------------------------------------------------------------------ liquidation engine

    /// @inheritdoc IMarginVault
    function seize(uint256 positionId, uint256 assets, address receiver) external onlyLiquidationEngine nonReentrant {
        Position storage p = _requirePosition(positionId);
        if (assets == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        if (assets > p.collateralAssets) revert InsufficientCollateral(positionId, assets, p.collateralAssets);
        Market storage m = _markets[p.marketId];

        p.collateralAssets -= uint128(assets);
        m.totalCollateralAssets -= uint128(assets);

        m.collateralToken.safeTransfer(receiver, assets);
    }

    /// @inheritdoc IMarginVault
    function repayFor(
        uint256 positionId,
        uint256 assets,
        uint256 feeToReserves,
        uint256 feeToLenders
    )
        external
        onlyLiquidationEngine
        nonReentrant
        returns (uint256 repaidAssets, uint256 shares, uint256 debtAssetsLeft)
    {
        (repaidAssets, shares, debtAssetsLeft) = _repay(positionId, assets, false, feeToReserves, feeToLenders);
    }

    /// @inheritdoc IMarginVault
    function closeBadDebt(
        uint256 positionId
    ) external onlyLiquidationEngine nonReentrant returns (uint256 shares, uint256 assets) {
        Position storage p = _requirePosition(positionId);
        if (p.collateralAssets != 0) revert CollateralRemaining(positionId, p.collateralAssets);
        uint256 marketId = p.marketId;
        Market storage m = _markets[marketId];
        shares = p.debtShares;

        m.totalDebtShares -= uint128(shares);
        _marketPositions[marketId].remove(positionId);
        delete _positions[positionId];
        if (shares > 0) assets = m.pool.writeOff(shares);

        emit CloseBadDebt(positionId, shares, assets);
        emit ClosePosition(positionId, address(0), 0);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMarginVault
    function market(uint256 marketId) external view returns (Market memory) {
        return _markets[marketId];
    }

    /// @inheritdoc IMarginVault
    function riskParams(uint256 marketId) external view returns (RiskParams memory) {
        return _riskParams[marketId];
    }

    /// @inheritdoc IMarginVault
    function position(uint256 positionId) external view returns (Position memory) {
        return _positions[positionId];
    }

    /// @inheritdoc IMarginVault
    function marketPositionCount(uint256 marketId) external view returns (uint256) {
        return _marketPositions[marketId].length();
    }

    /// @inheritdoc IMarginVault
    function marketPositions(
        uint256 marketId,
        uint256 offset,
        uint256 limit
    ) external view returns (uint256[] memory ids) {
        EnumerableSet.UintSet storage set = _marketPositions[marketId];
        uint256 length = set.length();
        uint256 end = offset >= length ? offset : Math.min(length, offset + limit);
        ids = new uint256[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            ids[i - offset] = set.at(i);
        }
    }

    /// @inheritdoc IMarginVault
    function debtAssetsOf(uint256 positionId) public view returns (uint256) {
        Position storage p = _positions[positionId];
        if (p.debtShares == 0) return 0;
        return _markets[p.marketId].pool.borrowSharesToAssetsUp(p.debtShares);
    }

    /// @inheritdoc IMarginVault
    function positionHealth(uint256 positionId) external view returns (Health memory health) {
        Position storage p = _requirePosition(positionId);
        Market storage m = _markets[p.marketId];
        health.collateralAssets = p.collateralAssets;
        health.debtAssets = debtAssetsOf(positionId);
        (health.price, health.priceStatus) = m.oracle.price();
        if (health.priceStatus != IOracle.PriceStatus.Invalid) {
            health.collateralValue = Math.mulDiv(health.collateralAssets, health.price, TrancheMath.ORACLE_PRICE_SCALE);
            health.ratio = TrancheMath.ratioDown(health.collateralAssets, health.price, health.debtAssets);
        }
        if (health.debtAssets > 0 && health.collateralAssets > 0) {
            // Price at which collateral * price / 1e36 = maintenance * debt: debt * maintenance * 1e18 / collateral.
            health.liquidationPrice = Math.mulDiv(
                health.debtAssets * _riskParams[p.marketId].maintenanceRatio,
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
        Market storage m = _requireMarket(marketId);
        RiskParams storage r = _riskParams[marketId];
        state.totalCollateralAssets = m.totalCollateralAssets;
        state.totalDebtAssets = m.totalDebtShares == 0 ? 0 : m.pool.borrowSharesToAssetsUp(m.totalDebtShares);
        state.positionCount = _marketPositions[marketId].length();
        state.poolUtilization = m.pool.utilization();
        state.borrowRatePerSecond = m.pool.borrowRatePerSecond();
        state.borrowCap = r.borrowCap;
        state.collateralCap = r.collateralCap;
        state.borrowPaused = m.borrowPaused;
    }

    /// @inheritdoc IMarginVault
    function maxBorrow(uint256 positionId) external view returns (uint256) {
        Position storage p = _requirePosition(positionId);
        Market storage m = _markets[p.marketId];
        if (m.borrowPaused) return 0;
        (uint256 price, IOracle.PriceStatus status) = m.oracle.price();
        if (status != IOracle.PriceStatus.Primary) return 0;
        RiskParams storage r = _riskParams[p.marketId];
        // Debt allowed at the initial ratio: value * 1e18 / initialRatio, i.e. collateral * price / (1e18 * ratio).
        uint256 allowedDebt = Math.mulDiv(p.collateralAssets, price, WAD * r.initialRatio);
        uint256 debt = debtAssetsOf(positionId);
        // Borrowing x adds at most x + 1 of debt (shares round up), so leave one unit of margin.
        uint256 room = allowedDebt > debt + 1 ? allowedDebt - debt - 1 : 0;
        (uint256 cash, , ) = m.pool.expectedBalances();
        uint256 marketDebt = m.totalDebtShares == 0 ? 0 : m.pool.borrowSharesToAssetsUp(m.totalDebtShares);
        uint256 capRoom = r.borrowCap > marketDebt + 1 ? r.borrowCap - marketDebt - 1 : 0;
        return Math.min(Math.min(room, cash), capRoom);
    }

    /// @inheritdoc IMarginVault
    function maxWithdraw(uint256 positionId) external view returns (uint256) {
        Position storage p = _requirePosition(positionId);
        if (p.debtShares == 0) return p.collateralAssets;
        (uint256 price, IOracle.PriceStatus status) = _markets[p.marketId].oracle.price();
        if (status != IOracle.PriceStatus.Primary) return 0;
        // Collateral needed at the initial ratio: debt * ratio * 1e18 / price, rounded up.
        uint256 needed = Math.mulDiv(
            debtAssetsOf(positionId) * _riskParams[p.marketId].initialRatio,
            TrancheMath.ORACLE_PRICE_SCALE / WAD,
            price,
            Math.Rounding.Ceil
        );
        return p.collateralAssets > needed ? p.collateralAssets - needed : 0;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Repays for the caller. `byUser`: a user's repayment must leave 0 or at least `minDebt` and is pulled from
    /// the caller here; the liquidation engine (`byUser` false) delivers its own, with the fee's pool shares, to the
    /// pool right after this call.
    /// `debtAssetsLeft` is the position's debt after the repayment, converted at the pool's totals after it.
    function _repay(
        uint256 positionId,
        uint256 assets,
        bool byUser,
        uint256 feeToReserves,
        uint256 feeToLenders
    ) internal returns (uint256 repaidAssets, uint256 shares, uint256 debtAssetsLeft) {
        Position storage p = _requirePosition(positionId);
        if (assets == 0) revert ZeroAmount();
        uint256 positionShares = p.debtShares;
        if (positionShares == 0) revert NoDebt(positionId);
        Market storage m = _markets[p.marketId];
        ILendingPool pool = m.pool;
        (uint256 borrowAssets, uint256 borrowShares) = pool.accrueInterest();

        if (assets >= SharesMath.toAssetsUp(positionShares, borrowAssets, borrowShares)) {
            (repaidAssets, shares) = (
                SharesMath.toAssetsUp(positionShares, borrowAssets, borrowShares),
                positionShares
            );
        } else {
            repaidAssets = assets;
            shares = SharesMath.toSharesDown(assets, borrowAssets, borrowShares);
            if (shares == 0) revert RepayTooSmall(positionId, assets);
            // The pool's totals after the repayment (`LendingPool.repay`).
            debtAssetsLeft = SharesMath.toAssetsUp(
                positionShares - shares,
                borrowAssets - Math.min(assets, borrowAssets),
                borrowShares - shares
            );
            if (byUser) {
                uint256 minDebt = _riskParams[p.marketId].minDebt;
                uint256 debtLeft = SharesMath.toAssetsUp(positionShares - shares, borrowAssets, borrowShares);
                if (debtLeft < minDebt) revert DebtBelowMinimum(positionId, debtLeft, minDebt);
            }
        }

        p.debtShares = uint128(positionShares - shares);
        m.totalDebtShares -= uint128(shares);

        emit Repay(positionId, msg.sender, repaidAssets, shares);
        if (byUser) TransferLib.pullExact(IERC20(pool.asset()), msg.sender, address(pool), repaidAssets);
        pool.repay(shares, repaidAssets, feeToReserves, feeToLenders);
    }

    /// @dev Needs a valid primary price and `ratio >= initialRatio` at `debtAssets`.
    function _requireInitialRatio(
        uint256 positionId,
        Position storage p,
        Market storage m,
        uint256 debtAssets
    ) internal {
        (uint256 price, IOracle.PriceStatus status) = m.oracle.updatePrice();
        if (status != IOracle.PriceStatus.Primary) revert NoValidPrimaryPrice(p.marketId, status);
        uint256 ratio = TrancheMath.ratioDown(p.collateralAssets, price, debtAssets);
        uint256 initialRatio = _riskParams[p.marketId].initialRatio;
        if (ratio < initialRatio) revert RatioBelowInitial(positionId, ratio, initialRatio);
    }

    function _requireMarket(uint256 marketId) internal view returns (Market storage m) {
        m = _markets[marketId];
        if (address(m.pool) == address(0)) revert UnknownMarket(marketId);
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
