// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InterestRateModel} from "../../contracts/core/InterestRateModel.sol";
import {LendingPool} from "../../contracts/core/LendingPool.sol";
import {MockERC20} from "../mocks/MockERC20.sol";

/// @notice Attack: first-depositor inflation of an empty lending pool. The attacker deposits a few units, inflates
/// the share price with a donation (through `donate`, or a plain transfer), and hopes the next lender's deposit
/// rounds down to few or no shares, which the attacker then redeems. Virtual shares (decimals offset 6) make the
/// donation mostly go to the virtual shares, and a plain transfer is not counted at all (the pool tracks its cash).
contract FirstDepositorInflationTest is Test {
    uint256 internal constant USDC = 1e6;

    address internal ATTACKER = makeAddr("ATTACKER");
    address internal VICTIM = makeAddr("VICTIM");

    MockERC20 internal quote;
    LendingPool internal pool;

    function setUp() public {
        quote = new MockERC20("USD Coin", "USDC", 6);
        InterestRateModel irm = new InterestRateModel(0, 0.04e18, 0.6e18, 0.8e18);
        pool = new LendingPool(
            IERC20(address(quote)),
            "Sluice USDC",
            "slUSDC",
            makeAddr("ADMIN"),
            irm,
            0.1e18,
            makeAddr("INSURANCE"),
            makeAddr("VAULT")
        );
        vm.prank(ATTACKER);
        quote.approve(address(pool), type(uint256).max);
        vm.prank(VICTIM);
        quote.approve(address(pool), type(uint256).max);
    }

    function _redeemAll(address account) internal returns (uint256 assets) {
        uint256 shares = pool.balanceOf(account);
        if (shares == 0) return 0;
        vm.prank(account);
        assets = pool.redeem(shares, account, account);
    }

    /// @dev Deposit `seed`, donate `donation` through `donate`, let the victim deposit `victimAssets`, redeem all.
    /// The attacker ends poorer (it pays the donation's share that goes to the virtual shares and to the victim),
    /// and the victim loses at most the rounding of one share at the inflated price.
    function testFuzz_inflationByDonate_losesMoneyAndBarelyDentsTheVictim(
        uint256 seed,
        uint256 donation,
        uint256 victimAssets
    ) public {
        seed = bound(seed, 1, 1_000 * USDC);
        donation = bound(donation, 1, 10_000_000 * USDC);
        victimAssets = bound(victimAssets, 1, 10_000_000 * USDC);
        quote.mint(ATTACKER, seed + donation);
        quote.mint(VICTIM, victimAssets);

        vm.startPrank(ATTACKER);
        pool.deposit(seed, ATTACKER);
        pool.donate(donation);
        vm.stopPrank();
        vm.prank(VICTIM);
        uint256 victimShares = pool.deposit(victimAssets, VICTIM);
        uint256 attackerBack = _redeemAll(ATTACKER);
        uint256 victimBack = _redeemAll(VICTIM);

        assertLe(attackerBack, seed + donation, "attacker no richer");
        // One share is worth (seed + donation + 1) / (seed * 1e6 + 1e6) assets at most, rounded up, plus one unit
        // for the redemption's own rounding.
        uint256 maxLoss = (seed + donation + 1) / ((seed + 1) * 1e6) + 2;
        assertGe(victimBack + maxLoss, victimAssets, "victim loses at most one share's rounding");
        if (victimAssets >= maxLoss * 2) assertGt(victimShares, 0, "a real deposit always gets shares");
        // What the victim lost and what the attacker gained together never favour the attacker.
        assertLe(attackerBack + victimBack, seed + donation + victimAssets, "no value created");
    }

    /// @dev The classic version (1 unit, then a 1M USDC transfer straight to the pool) does nothing: the transfer is
    /// not part of the pool's assets, so the share price does not move, and the victim gets exactly its deposit back.
    function testFuzz_inflationByTransfer_doesNotMoveTheSharePrice(
        uint256 transferAssets,
        uint256 victimAssets
    ) public {
        transferAssets = bound(transferAssets, 1, 10_000_000 * USDC);
        victimAssets = bound(victimAssets, 1, 10_000_000 * USDC);
        quote.mint(ATTACKER, 1 + transferAssets);
        quote.mint(VICTIM, victimAssets);

        vm.startPrank(ATTACKER);
        pool.deposit(1, ATTACKER);
        uint256 priceBefore = pool.convertToAssets(1e18);
        require(quote.transfer(address(pool), transferAssets), "transfer");
        vm.stopPrank();
        assertEq(pool.convertToAssets(1e18), priceBefore, "share price unmoved by a transfer");
        assertEq(pool.totalAssets(), 1, "a transfer is not an asset of the lenders");

        vm.prank(VICTIM);
        pool.deposit(victimAssets, VICTIM);
        assertEq(_redeemAll(VICTIM), victimAssets, "victim whole");
        assertLe(_redeemAll(ATTACKER), 1, "attacker gets back its unit at most; the transfer is lost");
    }
}
