// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice Test-only rebasing token in the style of stETH: balances are internal shares times an index
/// (`balanceOf = shares * index / 1e18`, rounded down), and `rebase` changes every balance at once without a
/// transfer. A transfer of `amount` moves `amount * 1e18 / index` shares, rounded down, so at an index that does not
/// divide evenly the recipient can get one unit less than sent (as stETH's 1–2 wei corner case).
contract MockRebasingToken is IERC20 {
    uint256 public index = 1e18;
    uint256 public totalShares;
    mapping(address account => uint256) public sharesOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    error InsufficientBalance(address account, uint256 shares, uint256 needed);
    error InsufficientAllowance(address spender, uint256 allowance, uint256 needed);

    function name() external pure returns (string memory) {
        return "Rebasing Ether";
    }

    function symbol() external pure returns (string memory) {
        return "rETH";
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice Mints `amount` at the current index.
    function mint(address to, uint256 amount) external {
        uint256 shares = Math.mulDiv(amount, 1e18, index);
        sharesOf[to] += shares;
        totalShares += shares;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Sets the index (WAD): every balance scales by `newIndex / index`.
    function rebase(uint256 newIndex) external {
        index = newIndex;
    }

    function totalSupply() external view returns (uint256) {
        return Math.mulDiv(totalShares, index, 1e18);
    }

    function balanceOf(address account) public view returns (uint256) {
        return Math.mulDiv(sharesOf[account], index, 1e18);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert InsufficientAllowance(msg.sender, allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        _transfer(from, to, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) internal {
        uint256 shares = Math.mulDiv(amount, 1e18, index);
        if (sharesOf[from] < shares) revert InsufficientBalance(from, sharesOf[from], shares);
        sharesOf[from] -= shares;
        sharesOf[to] += shares;
        emit Transfer(from, to, amount);
    }
}
