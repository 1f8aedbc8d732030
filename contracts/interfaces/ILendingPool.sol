// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

import {IInterestRateModel} from "./IInterestRateModel.sol";

/// @title ILendingPool
/// @notice ERC-4626 vault over one quote asset. Lenders deposit and earn the interest paid by the MarginVault's
/// borrowers; the MarginVault is the only borrower. Interest accrues per second through an interest-rate model; a
/// reserve factor of it is set aside for the insurance fund; bad debt is written off against reserves, then lenders.
/// @dev Accounting: `totalAssets() + reserveAssets == cashAssets + totalBorrowAssets` (all after pending interest).
/// Cash is tracked internally, so tokens sent without `deposit` do not move the share price. Shares use a decimals
/// offset of 6 (OpenZeppelin virtual shares) against first-depositor inflation. Borrow shares use 1e6 virtual shares
/// and 1 virtual asset; debt converts to assets rounded up.
interface ILendingPool is IERC4626 {
    /// @notice Emitted when interest accrues: at least one whole unit (a smaller amount is carried in
    /// `interestRemainder` without an event).
    /// @param interestAssets Interest added to the borrowed assets.
    /// @param reserveAssets Part of it set aside for the insurance fund.
    /// @param borrowRatePerSecond Rate used (WAD per second).
    event AccrueInterest(uint256 interestAssets, uint256 reserveAssets, uint256 borrowRatePerSecond);
    // No Borrow, Repay or fee event: the pool lends only to the vault, whose `Borrow` and `Repay` (with the
    // position, the payer or receiver, the assets and the shares) record every loan and user repayment in the same
    // call, and the engine's `TrancheLiquidated` every tranche's repayment, shares and protocol fee (its split
    // follows the market's `FeeConfig`, announced by `SetFeeConfig`).
    /// @notice Emitted when bad debt is written off: reserves absorb first, lenders the rest (the share price falls).
    event WriteOff(uint256 shares, uint256 assets, uint256 coveredByReserves, uint256 lenderLoss);
    /// @notice Emitted when reserves are sent to the insurance fund.
    event SweepReserves(address indexed insuranceFund, uint256 assets);
    /// @notice Emitted when assets are donated to lenders (e.g. liquidation fees routed to the pool).
    event Donate(address indexed donor, uint256 assets);
    /// @notice Emitted when governance sets the interest-rate model.
    event SetInterestRateModel(address indexed interestRateModel);
    /// @notice Emitted when governance sets the reserve factor.
    event SetReserveFactor(uint256 reserveFactor);
    /// @notice Emitted when governance sets the insurance fund.
    event SetInsuranceFund(address indexed insuranceFund);

    /// @notice Thrown when a caller other than the MarginVault calls a borrower function.
    error OnlyVault(address caller);
    /// @notice Thrown when an address argument is zero.
    error ZeroAddress();
    /// @notice Thrown when an amount argument is zero.
    error ZeroAmount();
    /// @notice Thrown when a borrow asks for more than the pool's cash.
    error InsufficientCash(uint256 requestedAssets, uint256 cashAssets);
    /// @notice Thrown when the reserve factor is above `MAX_RESERVE_FACTOR`.
    error ReserveFactorTooHigh(uint256 reserveFactor, uint256 limit);
    /// @notice Thrown when a setter would not change anything.
    error NoChange();
    /// @notice Thrown when more shares are repaid or written off than are borrowed.
    error SharesExceedBorrowed(uint256 shares, uint256 totalBorrowShares);
    /// @notice Thrown when there are no reserves, or no cash to pay them.
    error NothingToSweep();

    /// @notice The MarginVault, the only borrower (set at construction, never changed).
    function vault() external view returns (address);
    /// @notice The interest-rate model.
    function interestRateModel() external view returns (IInterestRateModel);
    /// @notice Share of interest set aside for the insurance fund (WAD).
    function reserveFactor() external view returns (uint256);
    /// @notice Receives swept reserves.
    function insuranceFund() external view returns (address);
    /// @notice Quote assets held and lendable (stored value).
    function cashAssets() external view returns (uint256);
    /// @notice Assets lent out, interest included (stored value, before pending interest).
    function totalBorrowAssets() external view returns (uint256);
    /// @notice Borrow shares outstanding.
    function totalBorrowShares() external view returns (uint256);
    /// @notice Interest set aside for the insurance fund and not yet swept (stored value).
    function reserveAssets() external view returns (uint256);
    /// @notice Time up to which interest has accrued: the last accrual, whether or not it added a whole unit.
    function lastAccrual() external view returns (uint256);
    /// @notice Interest accrued up to `lastAccrual` but below one unit, not yet in `totalBorrowAssets` (quote units
    /// scaled by 1e18, below 1e18).
    /// @dev Carried to the next accrual, so a pool accrued every block (where one block of interest rounds to zero)
    /// loses nothing: the interest added over any sequence of accruals is the sum of each interval's exact interest,
    /// rounded down once. Dropped when nothing is borrowed. It is never in the ERC-4626 `totalAssets()`.
    function interestRemainder() external view returns (uint256);

    /// @notice Balances as they would be after accruing now: cash, borrowed assets, reserves.
    function expectedBalances() external view returns (uint256 cash, uint256 borrowAssets, uint256 reserves);
    /// @notice Assets owed for `shares` of debt after accruing now, rounded up.
    function borrowSharesToAssetsUp(uint256 shares) external view returns (uint256 assets);
    /// @notice Borrow shares for `assets` of new debt after accruing now, rounded up.
    function borrowAssetsToSharesUp(uint256 assets) external view returns (uint256 shares);
    /// @notice Borrow shares repaid by `assets` after accruing now, rounded down.
    function borrowAssetsToSharesDown(uint256 assets) external view returns (uint256 shares);
    /// @notice Current utilization (WAD).
    function utilization() external view returns (uint256);
    /// @notice Current borrow rate per second (WAD).
    function borrowRatePerSecond() external view returns (uint256);

    /// @notice Accrues interest up to now: `borrowAssets * growth + interestRemainder` (WAD-scaled) is added in whole
    /// units, the fraction is carried (see `interestRemainder`).
    /// @dev Each interval is charged at the rate of the balances it had (every function that changes them accrues
    /// first). Accruing in k steps adds at least what one accrual over the same time adds, less one unit: the carried
    /// fraction removes the per-step rounding, and compounding and the truncated series only add. It adds at most
    /// continuous compounding at the rate of each interval, so splitting an interval cannot charge more than that.
    /// @return borrowAssets Assets lent out after the accrual (`totalBorrowAssets`).
    /// @return borrowShares Borrow shares outstanding (`totalBorrowShares`), so a caller converts without calling back.
    function accrueInterest() external returns (uint256 borrowAssets, uint256 borrowShares);

    /// @notice Lends `assets` to `receiver` against new borrow shares (rounded up). Only the MarginVault.
    /// @return shares Borrow shares created.
    function borrow(uint256 assets, address receiver) external returns (uint256 shares);

    /// @notice Burns `shares` of debt, credited with `assets` that the MarginVault sends to the pool in the same
    /// transaction, with a liquidation's protocol fee that arrives in the same transfer: `toReserves` is set aside
    /// as reserves (swept to the insurance fund by `sweepReserves`), `toLenders` raises the lenders' share price as a
    /// donation does. Only the MarginVault.
    function repay(uint256 shares, uint256 assets, uint256 toReserves, uint256 toLenders) external;

    /// @notice Writes off `shares` of debt that no collateral backs: reserves absorb it first, then lenders. Only the
    /// MarginVault, which allows it only to the liquidation engine.
    /// @return assets Debt written off (shares converted rounded up).
    function writeOff(uint256 shares) external returns (uint256 assets);

    /// @notice Adds `assets`, pulled from the caller, to the lenders' cash: the share price rises. Anyone may donate.
    function donate(uint256 assets) external;

    /// @notice Sends reserves (up to the cash available) to the insurance fund. Anyone may call.
    /// @return assets Reserves sent.
    function sweepReserves() external returns (uint256 assets);
}
