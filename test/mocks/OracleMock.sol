// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOracle} from "../../contracts/interfaces/IOracle.sol";

/// @title OracleMock
/// @notice Test-only primary oracle: returns whatever price and status it is given, or reverts on demand.
contract OracleMock is IOracle {
    uint256 public mockPrice;
    PriceStatus public mockStatus;
    bool public reverts;
    /// @notice How many times `updatePrice()` was called (shows that a wrapper forwards the update).
    uint256 public updateCount;

    function set(uint256 newPrice, PriceStatus newStatus) external {
        mockPrice = newPrice;
        mockStatus = newStatus;
    }

    function setReverts(bool newReverts) external {
        reverts = newReverts;
    }

    function price() external view returns (uint256, PriceStatus) {
        require(!reverts, "OracleMock: reverts");
        return (mockPrice, mockStatus);
    }

    function updatePrice() external returns (uint256, PriceStatus) {
        require(!reverts, "OracleMock: reverts");
        updateCount++;
        return (mockPrice, mockStatus);
    }
}
