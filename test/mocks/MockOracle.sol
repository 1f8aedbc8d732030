// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOracle} from "../../contracts/interfaces/IOracle.sol";

/// @notice Test-only oracle: returns whatever price and status the test sets (a zero price when `Invalid`, unless set
/// together with `set`), or reverts on demand; counts `updatePrice()` calls. `latestAnswer()` reports what
/// `setLatestAnswer` set, independently of the price.
contract MockOracle is IOracle {
    uint256 public mockPrice;
    PriceStatus public mockStatus;
    bool public reverts;
    /// @notice Whether an `Invalid` status reports the set price instead of 0.
    bool public rawInvalidPrice;
    /// @notice How many times `updatePrice()` was called (shows that a caller or wrapper forwards the update).
    uint256 public updateCount;
    /// @notice What `lastOutage()` reports.
    uint256 public outageDownAt;
    uint256 public outageResumedAt;
    /// @notice What `latestAnswer()` reports ((0, 0), none, until set).
    uint256 public latestPrice;
    uint256 public latestUpdatedAt;
    /// @notice Whether `latestAnswer()` alone reverts (as a primary that does not implement it).
    bool public latestAnswerReverts;

    constructor(uint256 price_) {
        mockPrice = price_;
        mockStatus = PriceStatus.Primary;
    }

    /// @notice Sets the price, keeping the status.
    function setPrice(uint256 newPrice) external {
        mockPrice = newPrice;
    }

    /// @notice Sets the status, keeping the price (reported as 0 while `Invalid`).
    function setStatus(PriceStatus newStatus) external {
        mockStatus = newStatus;
    }

    /// @notice Sets both, reported as given even when `Invalid` (to test callers that must ignore such a price).
    function set(uint256 newPrice, PriceStatus newStatus) external {
        mockPrice = newPrice;
        mockStatus = newStatus;
        rawInvalidPrice = true;
    }

    /// @notice Sets what `lastOutage()` reports.
    function setOutage(uint256 downAt, uint256 resumedAt) external {
        outageDownAt = downAt;
        outageResumedAt = resumedAt;
    }

    /// @notice Sets what `latestAnswer()` reports.
    function setLatestAnswer(uint256 newPrice, uint256 newUpdatedAt) external {
        latestPrice = newPrice;
        latestUpdatedAt = newUpdatedAt;
    }

    function setLatestAnswerReverts(bool newReverts) external {
        latestAnswerReverts = newReverts;
    }

    function latestAnswer() external view returns (uint256, uint256) {
        require(!reverts && !latestAnswerReverts, "MockOracle: reverts");
        return (latestPrice, latestUpdatedAt);
    }

    function lastOutage() external view returns (uint256, uint256) {
        require(!reverts, "MockOracle: reverts");
        return (outageDownAt, outageResumedAt);
    }

    function setReverts(bool newReverts) external {
        reverts = newReverts;
    }

    function price() public view returns (uint256, PriceStatus) {
        require(!reverts, "MockOracle: reverts");
        if (mockStatus == PriceStatus.Invalid && !rawInvalidPrice) return (0, PriceStatus.Invalid);
        return (mockPrice, mockStatus);
    }

    function updatePrice() external returns (uint256, PriceStatus) {
        ++updateCount;
        return price();
    }
}
