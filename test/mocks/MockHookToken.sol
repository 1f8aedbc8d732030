// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice What an account registered with `MockHookToken` is called with, ERC-777 style: `tokensToSend` on the
/// sender before its balance moves, `tokensReceived` on the recipient after.
interface ITokenHookReceiver {
    function tokensToSend(address from, address to, uint256 amount) external;

    function tokensReceived(address from, address to, uint256 amount) external;
}

/// @notice Test-only ERC-20 with ERC-777-style transfer hooks: accounts that register themselves are called before
/// they send (balances not yet moved) and after they receive (balances moved), so they can try to re-enter whatever
/// contract is moving the tokens. Free minting.
contract MockHookToken is ERC20 {
    uint8 private immutable _decimals;
    mapping(address account => bool) public hooked;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Registers (or unregisters) the caller for the hooks.
    function setHooked(bool on) external {
        hooked[msg.sender] = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && hooked[from]) ITokenHookReceiver(from).tokensToSend(from, to, value);
        super._update(from, to, value);
        if (to != address(0) && hooked[to]) ITokenHookReceiver(to).tokensReceived(from, to, value);
    }
}
