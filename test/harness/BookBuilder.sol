// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IMarginVault} from "../../contracts/interfaces/IMarginVault.sol";

/// @notice Benchmark and test helper: opens many borrowing positions in one transaction, so a book of thousands of
/// positions builds in a few dozen transactions. The builder owns the positions; borrowed assets go to `receiver`.
/// @dev Not part of the protocol. Collateral must be held by this contract before `build` is called.
contract BookBuilder {
    using SafeERC20 for IERC20;

    /// @notice Thrown when the two arrays of `build` differ in length.
    error LengthMismatch(uint256 collateralLength, uint256 debtLength);

    IMarginVault public immutable vault;

    constructor(IMarginVault vault_) {
        vault = vault_;
    }

    /// @notice Opens one position per entry in `marketId`, depositing `collateral[i]` (collateral units) and
    /// borrowing `debt[i]` (quote units) to `receiver`.
    /// @return firstId The id of the first position opened; the others follow consecutively.
    function build(
        uint256 marketId,
        uint256[] calldata collateral,
        uint256[] calldata debt,
        address receiver
    ) external returns (uint256 firstId) {
        if (collateral.length != debt.length) revert LengthMismatch(collateral.length, debt.length);
        IERC20 token = IERC20(address(vault.market(marketId).collateralToken));
        token.forceApprove(address(vault), type(uint256).max);
        firstId = vault.nextPositionId();
        for (uint256 i = 0; i < collateral.length; ++i) {
            uint256 id = vault.openPosition(marketId);
            vault.depositCollateral(id, collateral[i]);
            vault.borrow(id, debt[i], receiver);
        }
    }
}
