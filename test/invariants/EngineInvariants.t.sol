// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {LiquidationEngine} from "../../contracts/core/LiquidationEngine.sol";
import {MarginVault} from "../../contracts/core/MarginVault.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockOracle} from "../mocks/MockOracle.sol";
import {EngineBaseTest} from "../core/EngineBaseTest.sol";

/// @notice Invariants of liquidation under price moves, top-ups, tranches by several keepers and time.
contract EngineInvariantsTest is EngineBaseTest {
    EngineHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new EngineHandler(pool, vault, engine, quote, collateral, oracle, marketId);
        targetContract(address(handler));
    }

    /// @notice The handler's liquidate action does liquidate once prices fall (so the invariants are not vacuous).
    function test_handlerLiquidatesAfterADrop() public {
        handler.open(10e18, 1.45e18);
        handler.movePrice(0.85e18);
        handler.movePrice(0.95e18); // ratio 1.45 * 0.85 * 0.95 = 1.17: a partial tranche
        handler.liquidate(0, 0, 0);
        assertEq(handler.liquidations(), 1);
        handler.movePrice(0.85e18);
        skip(300);
        handler.liquidate(0, 0, 1); // 1 unit: an incomplete tranche, the rest stays open
        assertEq(handler.incompleteTranches(), 1);
        assertEq(handler.ghostHealthyLiquidated() + handler.ghostGraceViolations(), 0);
    }

    /// @notice The handler's fall action reaches the speed rule: a tranche inside a grace window during a fast fall.
    function test_handlerSkipsAGraceWindowInAFastFall() public {
        handler.open(10e18, 1.45e18);
        handler.movePrice(0.85e18);
        handler.movePrice(0.965e18); // ratio 1.45 * 0.85 * 0.965 = 1.19
        handler.liquidate(0, 0, 0);
        handler.fall(150, 8); // -11.4 % in 96 s
        handler.liquidate(0, 0, 0);
        assertEq(handler.liquidations(), 2);
        assertEq(handler.speedSkippedWindows(), 1);
        assertEq(handler.ghostGraceViolations(), 0);
    }

    /// @notice No tranche ever hit a position at or above maintenance.
    function invariant_healthyPositionNeverLiquidated() public view {
        assertEq(handler.ghostHealthyLiquidated(), 0);
    }

    /// @notice No tranche inside the grace window, unless at or below the full-liquidation ratio or the measured price
    /// speed projects the position there before the window ends (issue #19).
    function invariant_noTrancheInsideGraceWindowUnlessFull() public view {
        assertEq(handler.ghostGraceViolations(), 0);
    }

    /// @notice A tranche never seized more than the position held, and bad debt appeared only with no collateral left
    /// (the position then closed).
    function invariant_seizureAndBadDebtBounded() public view {
        assertEq(handler.ghostSeizureViolations(), 0);
    }

    /// @notice The market window is never exceeded except by full closes (which bypass it), dust closes (by less
    /// than the minimum debt), a position's first tranche in the window and the open remainder of a tranche the
    /// window admitted (audit finding L-2).
    function invariant_marketWindowRespected() public view {
        assertEq(handler.ghostWindowViolations(), 0);
    }

    /// @notice No sequence of tranches smaller than the sized one delays the sized one (audit finding M-1): an
    /// incomplete tranche leaves the grace window where it was and never makes the next tranche wait for one.
    function invariant_incompleteTranchesNeverDelayTheSizedOne() public view {
        assertEq(handler.ghostIncompleteDelays(), 0);
    }

    /// @notice Incomplete tranches plus the one that completes them, within one grace window, never repay more than
    /// the tranche sized before the first of them (a full or dust close of the whole debt excepted).
    function invariant_splitTranchesNeverExceedTheSizedOne() public view {
        assertEq(handler.ghostSplitOverruns(), 0);
    }

    /// @notice The tranche that completes an open remainder dates the grace window from the remainder's first piece
    /// (audit finding M-2): however a sized tranche is split, the next one waits one grace window from the split.
    function invariant_completedSplitsNeverStretchTheGraceWindow() public view {
        assertEq(handler.ghostStretchedGraceWindows(), 0);
    }

    /// @notice Pool and vault books stay consistent through liquidations and write-offs.
    function invariant_accountingConsistent() public view {
        _assertPoolBooks();
        assertEq(vault.market(marketId).totalCollateralAssets, collateral.balanceOf(address(vault)));
        assertEq(vault.market(marketId).totalDebtShares, pool.totalBorrowShares());
    }
}

/// @dev Kept in the test file: Hardhat 3.18 finds no artifact for an invariant target defined in another file.
contract EngineHandler is CommonBase, StdCheats, StdUtils {
    uint256 internal constant USDC = 1e6;

    LendingPool public pool;
    MarginVault public vault;
    LiquidationEngine public engine;
    MockERC20 public quote;
    MockERC20 public collateral;
    MockOracle public oracle;
    uint256 public marketId;

    address[] public keepers;
    address public borrower = address(0xB0AA);
    uint256[] public positionIds;

    uint256 public ghostHealthyLiquidated;
    uint256 public ghostGraceViolations;
    uint256 public ghostSeizureViolations;
    uint256 public ghostWindowViolations;
    uint256 public ghostIncompleteDelays;
    uint256 public ghostSplitOverruns;
    uint256 public ghostStretchedGraceWindows;
    /// @notice Tranches inside a grace window that the measured speed allowed (shows the speed rule is reached).
    uint256 public speedSkippedWindows;
    /// @notice Tranches that went through (shows the campaign is not vacuous), and those among them that repaid
    /// less than the engine sized.
    uint256 public liquidations;
    uint256 public incompleteTranches;
    /// @dev Per position: the tranche sized before the first incomplete tranche of an open remainder, and what the
    /// remainder's tranches repaid so far.
    mapping(uint256 id => uint256) internal _splitSized;
    mapping(uint256 id => uint256) internal _splitRepaid;

    constructor(
        LendingPool pool_,
        MarginVault vault_,
        LiquidationEngine engine_,
        MockERC20 quote_,
        MockERC20 collateral_,
        MockOracle oracle_,
        uint256 marketId_
    ) {
        pool = pool_;
        vault = vault_;
        engine = engine_;
        quote = quote_;
        collateral = collateral_;
        oracle = oracle_;
        marketId = marketId_;
        for (uint256 i = 0; i < 3; ++i) {
            address keeper = address(uint160(0x3000 + i));
            keepers.push(keeper);
            vm.prank(keeper);
            quote_.approve(address(engine_), type(uint256).max);
        }
        vm.startPrank(borrower);
        collateral_.approve(address(vault_), type(uint256).max);
        vm.stopPrank();
    }

    function _position(uint256 seed) internal view returns (uint256 id, bool exists) {
        if (positionIds.length == 0) return (0, false);
        id = positionIds[seed % positionIds.length];
        exists = vault.position(id).owner != address(0);
    }

    /// @notice Opens a position at a ratio between the initial ratio and 1.8.
    function open(uint256 collateralAssets, uint256 ratio) external {
        collateralAssets = bound(collateralAssets, 0.05e18, 200e18);
        (uint256 price, ) = oracle.price();
        uint256 value = (collateralAssets * price) / 1e36;
        uint256 debt = (value * 1e18) / bound(ratio, 1.41e18, 1.8e18);
        if (debt < 100 * USDC) return;
        (uint256 cash, , ) = pool.expectedBalances();
        if (debt > cash) return;
        collateral.mint(borrower, collateralAssets);
        vm.startPrank(borrower);
        uint256 id = vault.openPosition(marketId);
        vault.depositCollateral(id, collateralAssets);
        if (debt > vault.maxBorrow(id)) {
            vm.stopPrank();
            positionIds.push(id);
            return;
        }
        vault.borrow(id, debt, borrower);
        vm.stopPrank();
        positionIds.push(id);
    }

    function topUp(uint256 seed, uint256 assets) external {
        (uint256 id, bool exists) = _position(seed);
        if (!exists) return;
        assets = bound(assets, 1, 20e18);
        collateral.mint(borrower, assets);
        vm.prank(borrower);
        vault.depositCollateral(id, assets);
    }

    function movePrice(uint256 factor) external {
        (uint256 price, ) = oracle.price();
        price = (price * bound(factor, 0.85e18, 1.1e18)) / 1e18;
        oracle.setPrice(bound(price, (300e6 * 1e36) / 1e18, (30_000e6 * 1e36) / 1e18));
    }

    function warp(uint256 seconds_) external {
        skip(bound(seconds_, 1, 2 hours));
    }

    /// @notice A fast fall: 0.5-3 % per 12-s block for up to 10 blocks, each observed by the engine's speed measure
    /// (as keepers' tranches would), so that grace windows are skipped and targets raised.
    function fall(uint256 basisPoints, uint256 blocks) external {
        basisPoints = bound(basisPoints, 50, 300);
        blocks = bound(blocks, 1, 10);
        for (uint256 i = 0; i < blocks; ++i) {
            skip(12);
            (uint256 price, ) = oracle.price();
            price = (price * (10_000 - basisPoints)) / 10_000;
            oracle.setPrice(bound(price, (300e6 * 1e36) / 1e18, (30_000e6 * 1e36) / 1e18));
            engine.recordPriceSpeed(marketId);
        }
    }

    uint256 internal constant OUTSIDE_GRACE = 0;
    uint256 internal constant GRACE_SKIPPED_BY_SPEED = 1;
    uint256 internal constant GRACE_HOLDS = 2;

    /// @dev Where a position at `ratio` whose last complete tranche was at `lastTrancheAt` stands: outside its grace
    /// window, inside one the measured speed skips, or inside one that holds.
    function _graceCase(uint256 ratio, uint256 lastTrancheAt) internal view returns (uint256) {
        if (lastTrancheAt == 0 || block.timestamp >= lastTrancheAt + 300) return OUTSIDE_GRACE;
        return
            _speedSkips(ratio, engine.dropRate(marketId), lastTrancheAt + 300) ? GRACE_SKIPPED_BY_SPEED : GRACE_HOLDS;
    }

    /// @dev The test's own model of the speed rule: inside a grace window ending at `graceEnd`, a tranche may run
    /// when the measured rate is not calm and projects the position's `ratio` to the full-liquidation ratio (1.08) by
    /// the window's end.
    function _speedSkips(uint256 ratio, uint256 rate, uint256 graceEnd) internal view returns (bool) {
        if (rate * 300 < 0.01e18 || block.timestamp >= graceEnd) return false;
        uint256 drop = rate * (graceEnd - block.timestamp);
        if (drop > 1e18) drop = 1e18;
        return (ratio * (1e18 - drop)) / 1e18 <= 1.08e18;
    }

    /// @notice A keeper tries to liquidate; the ghosts check what happened against what the state allowed.
    function liquidate(uint256 seed, uint256 keeperSeed, uint256 maxRepay) external {
        (uint256 id, bool exists) = _position(seed);
        if (!exists) return;
        address keeper = keepers[keeperSeed % keepers.length];
        ILiquidationEngine.Preview memory preview = engine.previewLiquidation(id);
        Before memory before = _before(id, preview);
        maxRepay = maxRepay % 3 == 0 ? type(uint256).max : bound(maxRepay, 1, 1_000_000 * USDC);
        quote.mint(keeper, preview.repaidAssets + preview.protocolFee + 1_000_000 * USDC);

        vm.prank(keeper);
        try engine.liquidate(id, maxRepay, keeper, "") returns (uint256 repaid, uint256 seized) {
            ++liquidations;
            if (preview.ratioBefore >= 1.2e18) ++ghostHealthyLiquidated;
            if (before.graceCase == GRACE_SKIPPED_BY_SPEED) ++speedSkippedWindows;
            if (before.graceCase == GRACE_HOLDS) ++ghostGraceViolations;
            _checkSeizure(id, preview, maxRepay >= preview.repaidAssets, seized > before.collateralAssets);
            bool full = preview.ratioBefore <= 1.08e18;
            if (
                !full && !before.firstInWindow && !before.openRemainder && repaid > before.windowRemaining + 100 * USDC
            ) {
                ++ghostWindowViolations;
            }
            _checkSplit(id, repaid, preview, before.openRemainder, before.history.lastTrancheAt);
            if (before.openRemainder && repaid >= preview.repaidAssets && vault.position(id).owner != address(0)) {
                uint256 lastTrancheAt = engine.trancheState(id).lastTrancheAt;
                if (lastTrancheAt > before.history.openTrancheAt) ++ghostStretchedGraceWindows;
            }
        } catch {}
    }

    /// @dev What the ghosts need of the state before a tranche.
    struct Before {
        uint256 collateralAssets;
        ILiquidationEngine.TrancheState history;
        uint256 windowRemaining;
        bool openRemainder;
        bool firstInWindow;
        uint256 graceCase;
    }

    function _before(uint256 id, ILiquidationEngine.Preview memory preview) internal view returns (Before memory b) {
        b.collateralAssets = vault.position(id).collateralAssets;
        b.history = engine.trancheState(id);
        b.windowRemaining = engine.windowRemaining(marketId);
        b.openRemainder = b.history.openTrancheAssets > 0 && block.timestamp < b.history.openTrancheAt + 300;
        b.firstInWindow = _firstInWindow(b.history);
        // Full closes (at or below 1.08) ignore the grace window: only other tranches have a grace case.
        b.graceCase =
            preview.ratioBefore <= 1.08e18 ? OUTSIDE_GRACE : _graceCase(preview.ratioBefore, b.history.lastTrancheAt);
    }

    /// @dev A tranche never seized more than the position held; bad debt is realized only once every unit of
    /// collateral is gone, and the position is then closed.
    function _checkSeizure(
        uint256 id,
        ILiquidationEngine.Preview memory preview,
        bool wholeSizedTranche,
        bool seizedMoreThanHeld
    ) internal {
        if (seizedMoreThanHeld) ++ghostSeizureViolations;
        if (preview.badDebtAssets > 0 && wholeSizedTranche) {
            if (vault.position(id).collateralAssets != 0 || vault.debtAssetsOf(id) != 0) ++ghostSeizureViolations;
            if (vault.position(id).owner != address(0)) ++ghostSeizureViolations;
        }
    }

    /// @dev Whether the position had no tranche in the market's current window (the window as it stands now).
    function _firstInWindow(ILiquidationEngine.TrancheState memory history) internal view returns (bool) {
        uint256 start = engine.windowStart(marketId);
        if (block.timestamp >= start + vault.riskParams(marketId).window) start = block.timestamp;
        uint256 last = history.lastTrancheAt > history.openTrancheAt ? history.lastTrancheAt : history.openTrancheAt;
        return last == 0 || last < start;
    }

    /// @dev After a tranche that repaid `repaid` of the `preview`'s sized tranche: an incomplete one left the grace
    /// window alone and the rest open at once; the pieces of an open remainder sum to at most its sized tranche.
    function _checkSplit(
        uint256 id,
        uint256 repaid,
        ILiquidationEngine.Preview memory preview,
        bool openBefore,
        uint256 lastTrancheAt
    ) internal {
        if (!openBefore) {
            _splitSized[id] = preview.repaidAssets;
            _splitRepaid[id] = 0;
        }
        _splitRepaid[id] += repaid;
        // A tranche that closes the whole debt is not bound by an open rest: a full close at or below the
        // full-liquidation ratio lifts every bound, and a dust close takes the whole debt rather than leave dust.
        if (!preview.fullClose && _splitRepaid[id] > _splitSized[id]) ++ghostSplitOverruns;
        if (repaid >= preview.repaidAssets) return;
        ++incompleteTranches;
        if (engine.trancheState(id).lastTrancheAt != lastTrancheAt) ++ghostIncompleteDelays;
        if (engine.previewLiquidation(id).reason == ILiquidationEngine.Reason.GracePeriod) ++ghostIncompleteDelays;
    }
}
