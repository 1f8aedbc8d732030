// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

/// @notice Units, the start price and the named actors shared by the core's and the periphery's set-ups, and the
/// example parameters' bonus ramp. Holds no protocol contract, so importing it adds nothing to a compilation unit.
abstract contract TestActors is Test {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant USDC = 1e6;
    uint256 internal constant PRICE_3000 = (3000e6 * 1e36) / 1e18;

    address internal ADMIN = makeAddr("ADMIN");
    address internal RISK_MANAGER = makeAddr("RISK_MANAGER");
    address internal GUARDIAN = makeAddr("GUARDIAN");
    address internal LENDER = makeAddr("LENDER");
    address internal BORROWER = makeAddr("BORROWER");
    address internal OPERATOR = makeAddr("OPERATOR");
    address internal OTHER = makeAddr("OTHER");
    address internal ENGINE = makeAddr("ENGINE");
    address internal INSURANCE = makeAddr("INSURANCE");
    address internal KEEPER = makeAddr("KEEPER");

    /// @dev `usdc` dollars per WETH as the oracle's 1e36-scaled price of one WETH unit in USDC units.
    function _price(uint256 usdc) internal pure returns (uint256) {
        return (usdc * 1e6 * 1e36) / 1e18;
    }

    /// @dev The example parameters' bonus ramp: 2 % at maintenance (1.2) to 6 % at the full ratio (1.08).
    function _bonus(uint256 ratio) internal pure returns (uint256) {
        if (ratio >= 1.2e18) return 0.02e18;
        if (ratio <= 1.08e18) return 0.06e18;
        return 0.02e18 + (0.04e18 * (1.2e18 - ratio)) / 0.12e18;
    }
}
