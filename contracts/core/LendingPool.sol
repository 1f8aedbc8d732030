// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IInterestRateModel} from "../interfaces/IInterestRateModel.sol";
import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {InterestMath} from "../libraries/InterestMath.sol";
import {SharesMath} from "../libraries/SharesMath.sol";
import {TransferLib} from "../libraries/TransferLib.sol";

/// @title LendingPool
/// @notice ERC-4626 vault over one quote asset that lends only to the MarginVault.
contract LendingPool is ILendingPool, ERC4626, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 internal constant WAD = 1e18;
    /// @notice Largest reserve factor: 50 % of interest.
    uint256 public constant MAX_RESERVE_FACTOR = 0.5e18;
    /// @notice Lender shares have 6 more decimals than the asset (OpenZeppelin virtual shares against inflation).
    uint8 public constant DECIMALS_OFFSET = 6;

    /// @inheritdoc ILendingPool
    /// @dev Immutable: set at construction (deploy the MarginVault first), so the vault's calls read no slot for it.
    address public immutable vault;
    /// @inheritdoc ILendingPool
    IInterestRateModel public interestRateModel;
    /// @inheritdoc ILendingPool
    address public insuranceFund;

    // The accounting in three slots, laid out so that a repayment or a borrow reads three and writes two or three
    // (eight and five when each total had its own slot, as up to 9983dc1). 2^128 quote units is far above any
    // token's supply; every write is checked (SafeCast).
    /// @dev Slot: cash held and lendable, and assets lent out (interest included, before pending interest).
    uint128 private _cashAssets;
    uint128 private _totalBorrowAssets;
    /// @dev Slot: borrow shares outstanding, and reserves not yet swept.
    uint128 private _totalBorrowShares;
    uint128 private _reserveAssets;
    /// @dev Slot: the time up to which interest has accrued; the fraction of a unit of interest accrued but not yet
    /// added to the debt, scaled by WAD (below WAD < 2^64), carried to the next accrual so rounding loses nothing;
    /// and the reserve factor (WAD, at most 0.5e18 < 2^64).
    uint64 private _lastAccrual;
    uint64 private _interestRemainder;
    uint64 private _reserveFactor;

    modifier onlyVault() {
        if (msg.sender != vault) revert OnlyVault(msg.sender);
        _;
    }

    /// @param asset_ The quote asset lent.
    /// @param name_ Name of the lender share token.
    /// @param symbol_ Symbol of the lender share token.
    /// @param admin Holder of the admin role (meant to be a TimelockController).
    /// @param interestRateModel_ The interest-rate model.
    /// @param reserveFactor_ Share of interest set aside for the insurance fund (WAD, at most 50 %).
    /// @param insuranceFund_ Receives swept reserves.
    /// @param vault_ The MarginVault, the only borrower (`borrow`, `repay`, `writeOff`).
    constructor(
        IERC20 asset_,
        string memory name_,
        string memory symbol_,
        address admin,
        IInterestRateModel interestRateModel_,
        uint256 reserveFactor_,
        address insuranceFund_,
        address vault_
    ) ERC4626(asset_) ERC20(name_, symbol_) {
        if (
            address(asset_) == address(0) ||
            admin == address(0) ||
            address(interestRateModel_) == address(0) ||
            insuranceFund_ == address(0) ||
            vault_ == address(0)
        ) revert ZeroAddress();
        vault = vault_;
        if (reserveFactor_ > MAX_RESERVE_FACTOR) revert ReserveFactorTooHigh(reserveFactor_, MAX_RESERVE_FACTOR);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        interestRateModel = interestRateModel_;
        _reserveFactor = uint64(reserveFactor_);
        insuranceFund = insuranceFund_;
        _lastAccrual = uint64(block.timestamp);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Replaces the interest-rate model; interest up to now accrues at the old one.
    function setInterestRateModel(IInterestRateModel interestRateModel_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(interestRateModel_) == address(0)) revert ZeroAddress();
        if (interestRateModel_ == interestRateModel) revert NoChange();
        _accrueInterest();
        interestRateModel = interestRateModel_;
        emit SetInterestRateModel(address(interestRateModel_));
    }

    /// @notice Sets the share of interest set aside for the insurance fund; interest up to now uses the old one.
    function setReserveFactor(uint256 reserveFactor_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (reserveFactor_ > MAX_RESERVE_FACTOR) revert ReserveFactorTooHigh(reserveFactor_, MAX_RESERVE_FACTOR);
        if (reserveFactor_ == _reserveFactor) revert NoChange();
        _accrueInterest();
        _reserveFactor = uint64(reserveFactor_);
        emit SetReserveFactor(reserveFactor_);
    }

    /// @notice Sets the insurance fund that receives swept reserves.
    function setInsuranceFund(address insuranceFund_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (insuranceFund_ == address(0)) revert ZeroAddress();
        if (insuranceFund_ == insuranceFund) revert NoChange();
        insuranceFund = insuranceFund_;
        emit SetInsuranceFund(insuranceFund_);
    }

    // ------------------------------------------------------------------ interest

    /// @inheritdoc ILendingPool
    function accrueInterest() external nonReentrant returns (uint256 borrowAssets, uint256 borrowShares) {
        _accrueInterest();
        return (_totalBorrowAssets, _totalBorrowShares);
    }

    /// @inheritdoc ILendingPool
    function expectedBalances() public view returns (uint256 cash, uint256 borrowAssets, uint256 reserves) {
        cash = _cashAssets;
        borrowAssets = _totalBorrowAssets;
        reserves = _reserveAssets;
        (uint256 interestAssets, , ) = _pendingInterest(cash, borrowAssets);
        borrowAssets += interestAssets;
        reserves += Math.mulDiv(interestAssets, _reserveFactor, WAD);
    }

    /// @inheritdoc ILendingPool
    function reserveFactor() external view returns (uint256) {
        return _reserveFactor;
    }

    /// @inheritdoc ILendingPool
    function cashAssets() external view returns (uint256) {
        return _cashAssets;
    }

    /// @inheritdoc ILendingPool
    function totalBorrowAssets() external view returns (uint256) {
        return _totalBorrowAssets;
    }

    /// @inheritdoc ILendingPool
    function totalBorrowShares() external view returns (uint256) {
        return _totalBorrowShares;
    }

    /// @inheritdoc ILendingPool
    function reserveAssets() external view returns (uint256) {
        return _reserveAssets;
    }

    /// @inheritdoc ILendingPool
    function lastAccrual() external view returns (uint256) {
        return _lastAccrual;
    }

    /// @inheritdoc ILendingPool
    function interestRemainder() external view returns (uint256) {
        return _interestRemainder;
    }

    /// @dev Interest since the last accrual, in whole units, with the fraction left over and the rate used:
    /// `interestAssets * WAD + remainder = borrowAssets * growth + previous remainder`, with
    /// `growth = compoundedGrowthDown(rate, elapsed)`. The remainder is dropped once nothing is borrowed (no borrower
    /// is left to owe it).
    function _pendingInterest(
        uint256 cash,
        uint256 borrowAssets
    ) internal view returns (uint256 interestAssets, uint256 remainder, uint256 ratePerSecond) {
        uint256 elapsed = block.timestamp - _lastAccrual;
        if (borrowAssets == 0) return (0, 0, 0);
        if (elapsed == 0) return (0, _interestRemainder, 0);
        ratePerSecond = interestRateModel.borrowRatePerSecond(cash, borrowAssets);
        uint256 growth = InterestMath.compoundedGrowthDown(ratePerSecond, elapsed);
        interestAssets = Math.mulDiv(borrowAssets, growth, WAD);
        remainder = mulmod(borrowAssets, growth, WAD) + _interestRemainder;
        if (remainder >= WAD) {
            ++interestAssets;
            remainder -= WAD;
        }
    }

    function _accrueInterest() internal {
        if (block.timestamp == _lastAccrual) return;
        uint256 borrowAssets = _totalBorrowAssets;
        (uint256 interestAssets, uint256 remainder, uint256 ratePerSecond) = _pendingInterest(
            _cashAssets,
            borrowAssets
        );
        // remainder < WAD < 2^64
        (_lastAccrual, _interestRemainder) = (uint64(block.timestamp), uint64(remainder));
        if (interestAssets == 0) return;
        uint256 reserveInterestAssets = Math.mulDiv(interestAssets, _reserveFactor, WAD);
        _totalBorrowAssets = (borrowAssets + interestAssets).toUint128();
        _reserveAssets = (_reserveAssets + reserveInterestAssets).toUint128();
        emit AccrueInterest(interestAssets, reserveInterestAssets, ratePerSecond);
    }

    // ------------------------------------------------------------------ views

    /// @notice Lenders' assets after accruing now: cash plus borrowed assets, less reserves.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        (uint256 cash, uint256 borrowAssets, uint256 reserves) = expectedBalances();
        return cash + borrowAssets - reserves;
    }

    /// @notice At most the cash the pool holds: lent assets cannot be withdrawn until repaid.
    function maxWithdraw(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(super.maxWithdraw(owner), _cashAssets);
    }

    /// @notice At most the shares worth the cash the pool holds (rounded down).
    function maxRedeem(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(super.maxRedeem(owner), _convertToShares(_cashAssets, Math.Rounding.Floor));
    }

    /// @inheritdoc ILendingPool
    function borrowSharesToAssetsUp(uint256 shares) external view returns (uint256) {
        (, uint256 borrowAssets, ) = expectedBalances();
        return SharesMath.toAssetsUp(shares, borrowAssets, _totalBorrowShares);
    }

    /// @inheritdoc ILendingPool
    function borrowAssetsToSharesUp(uint256 assets) external view returns (uint256) {
        (, uint256 borrowAssets, ) = expectedBalances();
        return SharesMath.toSharesUp(assets, borrowAssets, _totalBorrowShares);
    }

    /// @inheritdoc ILendingPool
    function borrowAssetsToSharesDown(uint256 assets) external view returns (uint256) {
        (, uint256 borrowAssets, ) = expectedBalances();
        return SharesMath.toSharesDown(assets, borrowAssets, _totalBorrowShares);
    }

    /// @inheritdoc ILendingPool
    function utilization() external view returns (uint256) {
        (uint256 cash, uint256 borrowAssets, ) = expectedBalances();
        return interestRateModel.utilization(cash, borrowAssets);
    }

    /// @inheritdoc ILendingPool
    function borrowRatePerSecond() external view returns (uint256) {
        (uint256 cash, uint256 borrowAssets, ) = expectedBalances();
        return interestRateModel.borrowRatePerSecond(cash, borrowAssets);
    }

    // ------------------------------------------------------------------ lenders (ERC-4626)

    /// @dev Accrues first, so that the stored balances match the previews.
    function deposit(
        uint256 assets,
        address receiver
    ) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        if (assets == 0) revert ZeroAmount();
        _accrueInterest();
        return super.deposit(assets, receiver);
    }

    /// @dev Accrues first, so that the stored balances match the previews.
    function mint(uint256 shares, address receiver) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        if (shares == 0) revert ZeroAmount();
        _accrueInterest();
        return super.mint(shares, receiver);
    }

    /// @dev Accrues first, so that the stored balances match the previews.
    function withdraw(
        uint256 assets,
        address receiver,
        address owner
    ) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        if (assets == 0) revert ZeroAmount();
        _accrueInterest();
        return super.withdraw(assets, receiver, owner);
    }

    /// @dev Accrues first, so that the stored balances match the previews.
    function redeem(
        uint256 shares,
        address receiver,
        address owner
    ) public override(ERC4626, IERC4626) nonReentrant returns (uint256) {
        if (shares == 0) revert ZeroAmount();
        _accrueInterest();
        return super.redeem(shares, receiver, owner);
    }

    /// @inheritdoc ILendingPool
    function donate(uint256 assets) external nonReentrant {
        if (assets == 0) revert ZeroAmount();
        _accrueInterest();
        TransferLib.pullExact(IERC20(asset()), msg.sender, address(this), assets);
        _cashAssets = (_cashAssets + assets).toUint128();
        emit Donate(msg.sender, assets);
    }

    /// @dev Pulls the assets, rejecting tokens whose received amount differs (fee-on-transfer), then mints.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        TransferLib.pullExact(IERC20(asset()), caller, address(this), assets);
        _cashAssets = (_cashAssets + assets).toUint128();
        _mint(receiver, shares);
        emit Deposit(caller, receiver, assets, shares);
    }

    /// @dev Takes the assets out of the cash, then burns and transfers.
    function _withdraw(
        address caller,
        address receiver,
        address owner,
        uint256 assets,
        uint256 shares
    ) internal override {
        _cashAssets -= assets.toUint128();
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    // ------------------------------------------------------------------ the MarginVault

    /// @inheritdoc ILendingPool
    function borrow(uint256 assets, address receiver) external onlyVault nonReentrant returns (uint256 shares) {
        if (assets == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        _accrueInterest();
        uint256 cash = _cashAssets;
        if (assets > cash) revert InsufficientCash(assets, cash);
        uint256 borrowAssets = _totalBorrowAssets;
        uint256 borrowShares = _totalBorrowShares;
        shares = SharesMath.toSharesUp(assets, borrowAssets, borrowShares);
        (_cashAssets, _totalBorrowAssets) = (uint128(cash - assets), (borrowAssets + assets).toUint128());
        _totalBorrowShares = (borrowShares + shares).toUint128();
        IERC20(asset()).safeTransfer(receiver, assets);
    }

    /// @inheritdoc ILendingPool
    function repay(
        uint256 shares,
        uint256 assets,
        uint256 toReserves,
        uint256 toLenders
    ) external onlyVault nonReentrant {
        if (shares == 0 || assets == 0) revert ZeroAmount();
        _accrueInterest();
        uint256 borrowShares = _totalBorrowShares;
        if (shares > borrowShares) revert SharesExceedBorrowed(shares, borrowShares);
        _totalBorrowShares = uint128(borrowShares - shares);
        // Assets rounded up can exceed the total by rounding: the excess stays with lenders as cash.
        uint256 borrowAssets = _totalBorrowAssets;
        (_cashAssets, _totalBorrowAssets) = (
            (_cashAssets + assets + toReserves + toLenders).toUint128(),
            uint128(borrowAssets - Math.min(assets, borrowAssets))
        );
        if (toReserves > 0) _reserveAssets = (_reserveAssets + toReserves).toUint128();
    }

    /// @inheritdoc ILendingPool
    function writeOff(uint256 shares) external onlyVault nonReentrant returns (uint256 assets) {
        if (shares == 0) revert ZeroAmount();
        _accrueInterest();
        uint256 borrowShares = _totalBorrowShares;
        uint256 borrowAssets = _totalBorrowAssets;
        if (shares > borrowShares) revert SharesExceedBorrowed(shares, borrowShares);
        assets = Math.min(SharesMath.toAssetsUp(shares, borrowAssets, borrowShares), borrowAssets);
        _totalBorrowShares = uint128(borrowShares - shares);
        _totalBorrowAssets = uint128(borrowAssets - assets);
        uint256 coveredByReserves = Math.min(_reserveAssets, assets);
        _reserveAssets -= uint128(coveredByReserves);
        emit WriteOff(shares, assets, coveredByReserves, assets - coveredByReserves);
    }

    /// @inheritdoc ILendingPool
    function sweepReserves() external nonReentrant returns (uint256 assets) {
        _accrueInterest();
        assets = Math.min(_reserveAssets, _cashAssets);
        if (assets == 0) revert NothingToSweep();
        _reserveAssets -= uint128(assets);
        _cashAssets -= uint128(assets);
        emit SweepReserves(insuranceFund, assets);
        IERC20(asset()).safeTransfer(insuranceFund, assets);
    }

    /// @dev ERC-4626 and AccessControl both declare ERC-165 support paths.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
