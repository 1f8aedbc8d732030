// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ITrancheLiquidationCallback} from "../../../contracts/interfaces/ITrancheLiquidationCallback.sol";
import {ITokenHookReceiver} from "../../mocks/MockHookToken.sol";

/// @notice Test-only attacker: acts as a user or keeper (`exec`), and when armed makes one re-entrant call from the
/// liquidation callback or from an ERC-777-style token hook, recording whether it went through and what it returned.
/// As a keeper it pays the engine from its own quote balance (it keeps the seized collateral).
contract ReentrancyAttacker is ITrancheLiquidationCallback, ITokenHookReceiver {
    /// @notice Where the armed call is made from.
    enum Trigger {
        None,
        Callback,
        TokensToSend,
        TokensReceived
    }

    error CallFailed(bytes reason);

    IERC20 public immutable payToken;
    address public immutable engine;

    Trigger public trigger;
    address public target;
    bytes public payload;
    /// @notice Whether a failed armed call reverts the whole operation (true) or is only recorded (false).
    bool public bubble;

    uint256 public attempts;
    bool public lastSucceeded;
    bytes public lastReturn;

    constructor(IERC20 payToken_, address engine_) {
        payToken = payToken_;
        engine = engine_;
    }

    /// @notice Makes one call on `target_` with `payload_` the next time `trigger_` fires.
    function arm(Trigger trigger_, address target_, bytes calldata payload_, bool bubble_) external {
        trigger = trigger_;
        target = target_;
        payload = payload_;
        bubble = bubble_;
    }

    /// @notice Calls `to` with `data` as this contract, bubbling a revert.
    function exec(address to, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = to.call(data);
        if (!ok) revert CallFailed(result);
    }

    /// @notice First 4 bytes of the last armed call's return or revert data.
    function lastSelector() external view returns (bytes4 selector) {
        bytes memory data = lastReturn;
        if (data.length < 4) return bytes4(0);
        selector = bytes4(data[0]) | (bytes4(data[1]) >> 8) | (bytes4(data[2]) >> 16) | (bytes4(data[3]) >> 24);
    }

    function onTrancheLiquidation(
        uint256,
        uint256 repaidAssets,
        uint256,
        uint256 protocolFee,
        bytes calldata
    ) external {
        _fire(Trigger.Callback);
        payToken.approve(engine, repaidAssets + protocolFee);
    }

    function tokensToSend(address, address, uint256) external {
        _fire(Trigger.TokensToSend);
    }

    function tokensReceived(address, address, uint256) external {
        _fire(Trigger.TokensReceived);
    }

    function _fire(Trigger fired) internal {
        if (trigger != fired) return;
        trigger = Trigger.None;
        ++attempts;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = target.call(payload);
        lastSucceeded = ok;
        lastReturn = result;
        if (!ok && bubble) revert CallFailed(result);
    }
}
