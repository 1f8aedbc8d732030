// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Vm} from "forge-std/Vm.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {InsuranceFund} from "../../contracts/core/InsuranceFund.sol";
import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {LiquidationEngine} from "../../contracts/core/LiquidationEngine.sol";
import {MarginVault} from "../../contracts/core/MarginVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockOracle} from "../mocks/MockOracle.sol";
import {EngineBaseTest} from "../core/EngineBaseTest.sol";

/// @notice The whole protocol under lenders, borrowers, keepers and three simulators (price oracle, donations, flash
/// liquidity), with ghost accounting of every token flow compared to the contracts' state after each call.
contract ProtocolInvariantsTest is EngineBaseTest {
    ProtocolHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new ProtocolHandler(pool, vault, engine, fund, quote, collateral, oracle, marketId);
        targetContract(address(handler));
    }

    /// @notice The simulators and the keeper do act (the invariants are not vacuous).
    function test_handlerActsAfterADrop() public {
        handler.open(1, 10e18, 1.45e18);
        handler.movePrice(0.85e18);
        handler.movePrice(0.9e18); // ratio 1.45 * 0.85 * 0.9 = 1.11: a tranche near the full ratio
        handler.liquidate(1, 0); // back to the target ratio, 1.25
        handler.warp(301); // past the grace window
        handler.movePrice(0.9e18); // 1.125: liquidatable again
        handler.donateByTransfer(1_000 * USDC);
        handler.flashLend(5_000_000 * USDC, 1);
        assertGe(handler.tranches(), 2, "one tranche by hand, one inside the flash action");
        assertEq(handler.ghostDonated(), 1_000 * USDC);
        assertEq(handler.ghostFlashProfit(), 0);
    }

    /// @notice Collateral in minus collateral out (withdrawals and seizures) is what the vault holds, in its books and
    /// in its balance.
    function invariant_collateralGhostEqualsVault() public view {
        uint256 expected = handler.ghostCollateralIn() - handler.ghostCollateralOut() - handler.ghostSeized();
        assertEq(vault.market(marketId).totalCollateralAssets, expected, "books");
        assertEq(collateral.balanceOf(address(vault)), expected, "balance");
    }

    /// @notice The insurance fund holds exactly what it was paid less the bad debt it covered (protocol fees reach it
    /// through the pool's reserves).
    function invariant_insuranceFundGhostEqualsBalance() public view {
        assertEq(quote.balanceOf(address(fund)), handler.ghostFeesToFund() - handler.ghostCovered());
    }

    /// @notice Tokens sent to the pool without `deposit`/`donate` sit outside its books: its balance is its tracked
    /// cash plus those donations, and they moved no share price.
    function invariant_transferDonationsStayOutsideTheBooks() public view {
        assertEq(quote.balanceOf(address(pool)), pool.cashAssets() + handler.ghostDonated());
        assertEq(handler.ghostDonationMovedPrice(), 0);
    }

    /// @notice Lenders' share price never falls, except in a call that wrote bad debt off.
    function invariant_sharePriceFallsOnlyOnWriteOff() public view {
        assertEq(handler.ghostSharePriceDrops(), 0);
    }

    /// @notice Depositing a flash loan, liquidating with it and withdrawing in one transaction returns at most what
    /// went in, besides the keeper's bonus from the tranche it paid for.
    function invariant_flashLiquidityEarnsNothing() public view {
        assertEq(handler.ghostFlashProfit(), 0);
    }

    /// @notice No tranche gives the keeper more collateral value (at the oracle price) than the debt it repaid times
    /// one plus the maximum bonus, plus one unit of rounding.
    function invariant_keeperGainBoundedByMaxBonus() public view {
        assertEq(handler.ghostBonusViolations(), 0);
    }

    /// @notice Pool books: lenders' assets plus reserves are cash plus loans; vault debt shares are the pool's.
    function invariant_poolAndVaultBooksAgree() public view {
        (uint256 cash, uint256 borrows, uint256 reserves) = pool.expectedBalances();
        assertEq(pool.totalAssets() + reserves, cash + borrows, "totalAssets + reserves == cash + borrows");
        assertEq(vault.market(marketId).totalDebtShares, pool.totalBorrowShares(), "debt shares");
    }
}

/// @dev Kept in the test file: Hardhat 3.18 finds no artifact for an invariant target defined in another file.
/// Every action is bounded so that it never reverts (the campaign runs with `failOnRevert`); protocol calls that may
/// legitimately refuse (a liquidation of a healthy position, for one) sit in `try`.
contract ProtocolHandler is CommonBase, StdCheats, StdUtils {
    uint256 internal constant USDC = 1e6;
    uint256 internal constant MAX_BONUS = 0.06e18;

    LendingPool public pool;
    MarginVault public vault;
    LiquidationEngine public engine;
    InsuranceFund public fund;
    MockERC20 public quote;
    MockERC20 public collateral;
    MockOracle public oracle;
    uint256 public marketId;

    address[] internal lenders;
    address[] internal borrowers;
    address public keeper = address(0x4EE9);
    address public whale = address(0x3A1E);
    uint256[] public positionIds;

    uint256 public ghostCollateralIn;
    uint256 public ghostCollateralOut;
    uint256 public ghostSeized;
    uint256 public ghostFeesToFund;
    uint256 public ghostCovered;
    uint256 public ghostDonated;
    uint256 public ghostDonationMovedPrice;
    uint256 public ghostSharePriceDrops;
    uint256 public ghostFlashProfit;
    uint256 public ghostBonusViolations;
    uint256 public tranches;

    bytes32 internal constant BAD_DEBT_TOPIC = keccak256("BadDebtRealized(uint256,uint256,uint256)");

    constructor(
        LendingPool pool_,
        MarginVault vault_,
        LiquidationEngine engine_,
        InsuranceFund fund_,
        MockERC20 quote_,
        MockERC20 collateral_,
        MockOracle oracle_,
        uint256 marketId_
    ) {
        pool = pool_;
        vault = vault_;
        engine = engine_;
        fund = fund_;
        quote = quote_;
        collateral = collateral_;
        oracle = oracle_;
        marketId = marketId_;
        // The set-up's position (10 WETH) is counted in the vault's books already.
        ghostCollateralIn = vault_.market(marketId_).totalCollateralAssets;
        ghostFeesToFund = quote_.balanceOf(address(fund_));
        for (uint256 i = 0; i < 3; ++i) {
            lenders.push(address(uint160(0x1E00 + i)));
            borrowers.push(address(uint160(0xB000 + i)));
            vm.prank(lenders[i]);
            quote_.approve(address(pool_), type(uint256).max);
            vm.startPrank(borrowers[i]);
            collateral_.approve(address(vault_), type(uint256).max);
            quote_.approve(address(vault_), type(uint256).max);
            vm.stopPrank();
        }
        vm.prank(keeper);
        quote_.approve(address(engine_), type(uint256).max);
        vm.startPrank(whale);
        quote_.approve(address(pool_), type(uint256).max);
        quote_.approve(address(engine_), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev Assets per 1e18 shares (shares carry 6 more decimals than USDC).
    function _sharePrice() internal view returns (uint256) {
        return pool.convertToAssets(1e18);
    }

    /// @dev Runs after each action: a lower share price is a violation unless the action wrote bad debt off.
    modifier watchSharePrice() {
        uint256 before = _sharePrice();
        uint256 socializedBefore = _socialized;
        _;
        if (_sharePrice() < before && _socialized == socializedBefore) ++ghostSharePriceDrops;
    }

    uint256 internal _socialized;

    function _position(uint256 seed) internal view returns (uint256 id, bool exists) {
        if (positionIds.length == 0) return (0, false);
        id = positionIds[seed % positionIds.length];
        exists = vault.position(id).owner != address(0);
    }

    // ---- lenders ----

    function lend(uint256 lenderSeed, uint256 assets) external watchSharePrice {
        address lender = lenders[lenderSeed % lenders.length];
        assets = _bound(assets, 1, 5_000_000 * USDC);
        if (pool.previewDeposit(assets) == 0) return;
        quote.mint(lender, assets);
        vm.prank(lender);
        pool.deposit(assets, lender);
    }

    function withdraw(uint256 lenderSeed, uint256 assets) external watchSharePrice {
        address lender = lenders[lenderSeed % lenders.length];
        uint256 max = pool.maxWithdraw(lender);
        if (max == 0) return;
        assets = _bound(assets, 1, max);
        vm.prank(lender);
        pool.withdraw(assets, lender, lender);
    }

    // ---- borrowers ----

    /// @notice Opens a position at a ratio between just above the initial ratio and 1.8.
    function open(uint256 borrowerSeed, uint256 collateralAssets, uint256 ratio) external watchSharePrice {
        address borrower = borrowers[borrowerSeed % borrowers.length];
        collateralAssets = _bound(collateralAssets, 0.05e18, 200e18);
        (uint256 price, ) = oracle.price();
        uint256 debt = (((collateralAssets * price) / 1e36) * 1e18) / _bound(ratio, 1.41e18, 1.8e18);
        if (debt < 100 * USDC || debt > pool.cashAssets()) return;
        collateral.mint(borrower, collateralAssets);
        vm.startPrank(borrower);
        uint256 id = vault.openPosition(marketId);
        vault.depositCollateral(id, collateralAssets);
        ghostCollateralIn += collateralAssets;
        if (debt <= vault.maxBorrow(id)) vault.borrow(id, debt, borrower);
        vm.stopPrank();
        positionIds.push(id);
    }

    function topUp(uint256 seed, uint256 assets) external watchSharePrice {
        (uint256 id, bool exists) = _position(seed);
        if (!exists) return;
        assets = _bound(assets, 1, 20e18);
        address owner = vault.position(id).owner;
        collateral.mint(owner, assets);
        vm.prank(owner);
        vault.depositCollateral(id, assets);
        ghostCollateralIn += assets;
    }

    function repay(uint256 seed, uint256 assets) external watchSharePrice {
        (uint256 id, bool exists) = _position(seed);
        if (!exists) return;
        uint256 debt = vault.debtAssetsOf(id);
        if (debt == 0) return;
        // Whole debt, or a part that leaves at least the minimum debt.
        if (debt <= 200 * USDC || assets % 2 == 0) assets = debt;
        else assets = _bound(assets, 1, debt - 100 * USDC);
        address owner = vault.position(id).owner;
        quote.mint(owner, assets);
        vm.prank(owner);
        vault.repay(id, assets);
    }

    function withdrawCollateral(uint256 seed, uint256 assets) external watchSharePrice {
        (uint256 id, bool exists) = _position(seed);
        if (!exists) return;
        uint256 max = vault.maxWithdraw(id);
        if (max == 0) return;
        assets = _bound(assets, 1, max);
        address owner = vault.position(id).owner;
        vm.prank(owner);
        vault.withdrawCollateral(id, assets, owner);
        ghostCollateralOut += assets;
    }

    // ---- keepers ----

    /// @notice A keeper liquidates (own capital); fees, coverage, write-offs and seizures go to the ghosts.
    function liquidate(uint256 seed, uint256 maxRepay) external watchSharePrice {
        _liquidate(seed, maxRepay, keeper);
    }

    /// @return minted Quote minted to `liquidator` to pay for the tranche (it keeps what it does not spend).
    function _liquidate(uint256 seed, uint256 maxRepay, address liquidator) internal returns (uint256 minted) {
        (uint256 id, bool exists) = _position(seed);
        if (!exists) return 0;
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(id);
        if (preview.reason != ILiquidationEngine.Reason.None) return 0;
        (uint256 price, ) = oracle.price();
        maxRepay = maxRepay % 3 == 0 ? type(uint256).max : _bound(maxRepay, 1, 1_000_000 * USDC);
        minted = preview.repaidAssets + preview.protocolFee;
        quote.mint(liquidator, minted);
        uint256 fundBefore = quote.balanceOf(address(fund));
        vm.recordLogs();
        vm.prank(liquidator);
        try engine.liquidate(id, maxRepay, liquidator, "") returns (uint256 repaid, uint256 seized) {
            _recordTranche(repaid, seized, price, fundBefore);
        } catch {
            vm.getRecordedLogs();
        }
    }

    /// @dev Books a successful tranche: seizure, insurance coverage and write-off (from the engine's `BadDebtRealized`
    /// logs), the fee the fund received, and whether the keeper's gain exceeded the maximum bonus.
    function _recordTranche(uint256 repaid, uint256 seized, uint256 price, uint256 fundBefore) internal {
        ++tranches;
        ghostSeized += seized;
        uint256 covered;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(engine) && logs[i].topics[0] == BAD_DEBT_TOPIC) {
                (uint256 coveredByInsurance, uint256 socialized) = abi.decode(logs[i].data, (uint256, uint256));
                covered += coveredByInsurance;
                _socialized += socialized;
            }
        }
        ghostCovered += covered;
        // What the fund gained, net of what it paid out, is the fee it was sent.
        ghostFeesToFund += quote.balanceOf(address(fund)) + covered - fundBefore;
        if ((seized * price) / 1e36 > (repaid * (1e18 + MAX_BONUS)) / 1e18 + 1) ++ghostBonusViolations;
    }

    // ---- simulators ----

    /// @notice Price oracle: moves the price by -15 % .. +10 % within sane bounds.
    function movePrice(uint256 factor) external watchSharePrice {
        (uint256 price, ) = oracle.price();
        price = (price * _bound(factor, 0.85e18, 1.1e18)) / 1e18;
        oracle.setPrice(_bound(price, (300e6 * 1e36) / 1e18, (30_000e6 * 1e36) / 1e18));
    }

    function warp(uint256 seconds_) external watchSharePrice {
        skip(_bound(seconds_, 1, 2 hours));
    }

    /// @notice Donation: tokens sent straight to the pool (not through `donate`) must not move its share price.
    function donateByTransfer(uint256 assets) public {
        assets = _bound(assets, 1, 10_000_000 * USDC);
        uint256 before = _sharePrice();
        quote.mint(address(pool), assets);
        ghostDonated += assets;
        if (_sharePrice() != before) ++ghostDonationMovedPrice;
    }

    /// @notice Flash liquidity: a whale borrows `assets` for one transaction, deposits them, liquidates a position
    /// with the money it is handed for that, withdraws all it can and would repay the loan. Everything it holds at the
    /// end (quote, shares at their value, seized collateral at the oracle price) must not exceed everything it was
    /// handed by more than the maximum bonus on what the tranche cost it.
    function flashLend(uint256 assets, uint256 seed) public watchSharePrice {
        assets = _bound(assets, 1_000 * USDC, 50_000_000 * USDC);
        quote.mint(whale, assets);
        uint256 handed = _wealth(0);
        uint256 collateralBefore = collateral.balanceOf(whale);
        vm.prank(whale);
        uint256 shares = pool.deposit(assets, whale);
        uint256 quoteBeforeTranche = quote.balanceOf(whale);
        uint256 minted = _liquidate(seed, 0, whale);
        handed += minted;
        uint256 paid = quoteBeforeTranche + minted - quote.balanceOf(whale);
        uint256 redeemable = Math.min(shares, pool.maxRedeem(whale));
        if (redeemable > 0) {
            vm.prank(whale);
            pool.redeem(redeemable, whale, whale);
        }
        uint256 held = _wealth(collateral.balanceOf(whale) - collateralBefore);
        if (held > handed + (paid * MAX_BONUS) / 1e18 + 1) ++ghostFlashProfit;
    }

    /// @dev The whale's quote, its pool shares at their value, and `collateralGained` at the oracle price.
    function _wealth(uint256 collateralGained) internal view returns (uint256) {
        (uint256 price, ) = oracle.price();
        return quote.balanceOf(whale) + pool.convertToAssets(pool.balanceOf(whale)) + (collateralGained * price) / 1e36;
    }
}
