// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOracle} from "../../contracts/interfaces/IOracle.sol";

/// @notice Test-only oracle: the test sets the price and where it came from.
contract MockOracle is IOracle {
    uint256 internal _price;
    PriceStatus internal _status;
    uint256 public updateCount;

    constructor(uint256 price_) {
        _price = price_;
        _status = PriceStatus.Primary;
    }

    function setPrice(uint256 price_) external {
        _price = price_;
    }

    function setStatus(PriceStatus status_) external {
        _status = status_;
    }

    function price() public view returns (uint256, PriceStatus) {
        if (_status == PriceStatus.Invalid) return (0, PriceStatus.Invalid);
        return (_price, _status);
    }

    function updatePrice() external returns (uint256, PriceStatus) {
        ++updateCount;
        return price();
    }
}
