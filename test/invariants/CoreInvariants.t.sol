// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BaseTest} from "../core/BaseTest.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {MarginVault} from "../../contracts/core/MarginVault.sol";
import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";
import {TrancheMath} from "../../contracts/libraries/TrancheMath.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockOracle} from "../mocks/MockOracle.sol";

/// @notice Invariants of the pool and the vault under many actors, interest and price moves.
contract CoreInvariantsTest is BaseTest {
    CoreHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new CoreHandler(pool, vault, quote, collateral, oracle, marketId);
        targetContract(address(handler));
    }

    /// @notice Lenders' assets plus reserves are exactly the cash plus what is lent out, and the pool's tracked cash
    /// is exactly its token balance (nothing arrives or leaves unaccounted).
    function invariant_poolBooksBalance() public view {
        _assertPoolBooks();
    }

    /// @notice The sum of positions' collateral is the market's total and the vault's balance.
    function invariant_collateralIsAccountedFor() public view {
        uint256 sum;
        uint256 n = handler.positionCount();
        for (uint256 i = 0; i < n; ++i) sum += vault.position(handler.positionIds(i)).collateralAssets;
        assertEq(sum, vault.market(marketId).totalCollateralAssets);
        assertEq(sum, collateral.balanceOf(address(vault)));
    }

    /// @notice The sum of positions' debt shares is the market's total and the pool's total.
    function invariant_debtSharesAreAccountedFor() public view {
        uint256 sum;
        uint256 n = handler.positionCount();
        for (uint256 i = 0; i < n; ++i) sum += vault.position(handler.positionIds(i)).debtShares;
        assertEq(sum, vault.market(marketId).totalDebtShares);
        assertEq(sum, pool.totalBorrowShares());
    }

    /// @notice No borrow or withdrawal ever left a position below the initial ratio.
    function invariant_noRiskyActionBelowInitialRatio() public view {
        assertEq(handler.ghostRiskBelowInitial(), 0);
    }

    /// @notice No stranger ever lowered someone else's ratio or took collateral or debt on it.
    function invariant_strangersCannotHarmPositions() public view {
        assertEq(handler.ghostStrangerHarm(), 0);
    }

    /// @notice Lenders can always withdraw what maxWithdraw promises, and it never exceeds the cash.
    function invariant_lendersCanWithdrawUpToCash() public view {
        assertEq(handler.ghostLenderStuck(), 0);
        for (uint256 i = 0; i < 3; ++i) assertLe(pool.maxWithdraw(handler.lenders(i)), pool.cashAssets());
    }

    /// @notice Positions are enumerable: the market's list holds every position ever opened in it, in opening order
    /// (closed ones stay listed), so the open ones are exactly the listed entries with an owner.
    function invariant_positionsEnumerable() public view {
        uint256 n = handler.positionCount();
        assertEq(vault.marketPositionCount(marketId), n);
        uint256[] memory listed = vault.marketPositions(marketId, 0, n);
        assertEq(listed.length, n);
        for (uint256 i = 0; i < n; ++i) {
            assertEq(listed[i], handler.positionIds(i), "opening order");
            IMarginVault.Position memory p = vault.position(listed[i]);
            if (p.owner != address(0)) assertEq(p.marketId, marketId);
        }
    }
}

/// @dev Kept in this file: Hardhat 3.18 finds no artifact for an invariant target defined in another file
/// ("No contracts to fuzz").
/// @notice Drives the pool and the vault with many actors. Every action is bounded to a valid input, so none reverts
/// (the campaign runs with `failOnRevert`); ghost counters record any property broken along the way.
contract CoreHandler is CommonBase, StdCheats, StdUtils {
    uint256 internal constant USDC = 1e6;
    uint256 internal constant MIN_DEBT = 100 * USDC;

    LendingPool public pool;
    MarginVault public vault;
    MockERC20 public quote;
    MockERC20 public collateral;
    MockOracle public oracle;
    uint256 public marketId;
    uint256 public initialRatio;

    address[] public lenders;
    address[] public borrowers;
    address public stranger = address(0xBAD);
    uint256[] public positionIds;

    /// @notice Times an action that added risk left a position below the initial ratio.
    uint256 public ghostRiskBelowInitial;
    /// @notice Times a stranger's action lowered someone else's ratio, or a stranger withdrew or borrowed.
    uint256 public ghostStrangerHarm;
    /// @notice Times a lender could not withdraw what `maxWithdraw` promised.
    uint256 public ghostLenderStuck;
    /// @notice Calls per action, for the campaign's figures.
    mapping(bytes32 => uint256) public calls;

    constructor(
        LendingPool pool_,
        MarginVault vault_,
        MockERC20 quote_,
        MockERC20 collateral_,
        MockOracle oracle_,
        uint256 marketId_
    ) {
        pool = pool_;
        vault = vault_;
        quote = quote_;
        collateral = collateral_;
        oracle = oracle_;
        marketId = marketId_;
        initialRatio = vault_.riskParams(marketId_).initialRatio;
        for (uint256 i = 0; i < 3; ++i) {
            address lender = address(uint160(0x1000 + i));
            address borrower = address(uint160(0x2000 + i));
            lenders.push(lender);
            borrowers.push(borrower);
            vm.prank(lender);
            quote_.approve(address(pool_), type(uint256).max);
            vm.startPrank(borrower);
            collateral_.approve(address(vault_), type(uint256).max);
            quote_.approve(address(vault_), type(uint256).max);
            vm.stopPrank();
        }
        vm.startPrank(stranger);
        collateral_.approve(address(vault_), type(uint256).max);
        quote_.approve(address(vault_), type(uint256).max);
        vm.stopPrank();
    }

    function positionCount() external view returns (uint256) {
        return positionIds.length;
    }

    function _position(uint256 seed) internal view returns (uint256 id, address owner, bool exists) {
        if (positionIds.length == 0) return (0, address(0), false);
        id = positionIds[seed % positionIds.length];
        owner = vault.position(id).owner;
        exists = owner != address(0);
    }

    function _ratio(uint256 id) internal view returns (uint256) {
        (uint256 price, ) = oracle.price();
        return TrancheMath.ratioDown(vault.position(id).collateralAssets, price, vault.debtAssetsOf(id));
    }

    // ------------------------------------------------------------------ lenders

    function lend(uint256 actorSeed, uint256 assets) external {
        ++calls["lend"];
        address lender = lenders[actorSeed % lenders.length];
        assets = bound(assets, 1, 10_000_000 * USDC);
        quote.mint(lender, assets);
        vm.prank(lender);
        pool.deposit(assets, lender);
    }

    function withdrawLender(uint256 actorSeed, uint256 assets) external {
        ++calls["withdrawLender"];
        address lender = lenders[actorSeed % lenders.length];
        uint256 maxAssets = pool.maxWithdraw(lender);
        if (maxAssets == 0) return;
        assets = bound(assets, 1, maxAssets);
        vm.prank(lender);
        try pool.withdraw(assets, lender, lender) {} catch {
            ++ghostLenderStuck;
        }
    }

    // ------------------------------------------------------------------ borrowers

    function open(uint256 actorSeed, uint256 collateralAssets) external {
        ++calls["open"];
        address borrower = borrowers[actorSeed % borrowers.length];
        collateralAssets = bound(collateralAssets, 1e15, 1_000e18);
        collateral.mint(borrower, collateralAssets);
        vm.startPrank(borrower);
        uint256 id = vault.openPosition(marketId);
        vault.depositCollateral(id, collateralAssets);
        vm.stopPrank();
        positionIds.push(id);
    }

    function deposit(uint256 positionSeed, uint256 assets, bool byStranger) external {
        ++calls["deposit"];
        (uint256 id, address owner, bool exists) = _position(positionSeed);
        if (!exists) return;
        address caller = byStranger ? stranger : owner;
        assets = bound(assets, 1, 100e18);
        collateral.mint(caller, assets);
        uint256 ratioBefore = _ratio(id);
        vm.prank(caller);
        vault.depositCollateral(id, assets);
        if (_ratio(id) < ratioBefore) ++ghostStrangerHarm;
    }

    function borrow(uint256 positionSeed, uint256 assets) external {
        ++calls["borrow"];
        (uint256 id, address owner, bool exists) = _position(positionSeed);
        if (!exists) return;
        uint256 room = vault.maxBorrow(id);
        uint256 minAssets = vault.debtAssetsOf(id) >= MIN_DEBT ? 1 : MIN_DEBT;
        if (room < minAssets) return;
        assets = bound(assets, minAssets, room);
        vm.prank(owner);
        vault.borrow(id, assets, owner);
        if (_ratio(id) < initialRatio) ++ghostRiskBelowInitial;
    }

    function repay(uint256 positionSeed, uint256 assets, bool byStranger) external {
        ++calls["repay"];
        (uint256 id, address owner, bool exists) = _position(positionSeed);
        if (!exists) return;
        uint256 debt = vault.debtAssetsOf(id);
        if (debt == 0) return;
        address payer = byStranger ? stranger : owner;
        // Either the whole debt, or a part that leaves at least the minimum.
        if (debt <= MIN_DEBT + 2 || assets % 4 == 0) {
            assets = debt;
        } else {
            assets = bound(assets, 1, debt - MIN_DEBT - 2);
        }
        quote.mint(payer, assets);
        uint256 ratioBefore = _ratio(id);
        vm.prank(payer);
        vault.repay(id, assets);
        if (_ratio(id) < ratioBefore) ++ghostStrangerHarm;
    }

    function withdrawCollateral(uint256 positionSeed, uint256 assets) external {
        ++calls["withdrawCollateral"];
        (uint256 id, address owner, bool exists) = _position(positionSeed);
        if (!exists) return;
        uint256 maxAssets = vault.maxWithdraw(id);
        if (maxAssets == 0) return;
        assets = bound(assets, 1, maxAssets);
        vm.prank(owner);
        vault.withdrawCollateral(id, assets, owner);
        if (vault.debtAssetsOf(id) > 0 && _ratio(id) < initialRatio) ++ghostRiskBelowInitial;
    }

    function close(uint256 positionSeed) external {
        ++calls["close"];
        (uint256 id, address owner, bool exists) = _position(positionSeed);
        if (!exists || vault.position(id).debtShares > 0) return;
        vm.prank(owner);
        vault.closePosition(id, owner);
    }

    /// @notice A stranger tries to take risk on someone else's position: it must always fail.
    function strangerAttack(uint256 positionSeed, uint256 assets) external {
        ++calls["strangerAttack"];
        (uint256 id, , bool exists) = _position(positionSeed);
        if (!exists) return;
        assets = bound(assets, 1, 1e18);
        vm.startPrank(stranger);
        try vault.withdrawCollateral(id, assets, stranger) {
            ++ghostStrangerHarm;
        } catch {}
        try vault.borrow(id, assets, stranger) {
            ++ghostStrangerHarm;
        } catch {}
        try vault.closePosition(id, stranger) {
            ++ghostStrangerHarm;
        } catch {}
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ the world

    function warp(uint256 seconds_) external {
        ++calls["warp"];
        skip(bound(seconds_, 1, 30 days));
        pool.accrueInterest();
    }

    function movePrice(uint256 factor) external {
        ++calls["movePrice"];
        (uint256 price, ) = oracle.price();
        factor = bound(factor, 0.7e18, 1.3e18);
        price = (price * factor) / 1e18;
        price = bound(price, (100e6 * 1e36) / 1e18, (100_000e6 * 1e36) / 1e18);
        oracle.setPrice(price);
    }

    function sweep() external {
        ++calls["sweep"];
        (uint256 cash, , uint256 reserves) = pool.expectedBalances();
        if (cash == 0 || reserves == 0) return;
        pool.sweepReserves();
    }
}
