// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title UniswapV3PoolMock
/// @notice Test-only stand-in for the parts of a Uniswap V3 pool an oracle reads: `token0`, `token1`, `liquidity`
/// and `observe`. `observe` returns one set tick cumulative for `secondsAgo == 0` and another for any other
/// `secondsAgo`, so `observe([window, 0])` yields the mean tick `(end - start) / window`; it can be made to revert
/// with `OLD`, like a pool without enough history.
contract UniswapV3PoolMock {
    address public token0;
    address public token1;
    uint128 public liquidity;
    bool public observeReverts;
    /// @notice Tick cumulative at the current block (the end of every window).
    int56 public tickCumulativeNow;
    /// @notice Tick cumulative at the start of the window, as `observe` reports it for `secondsAgos[0]`.
    int56 public tickCumulativeStart;

    constructor(address tokenA, address tokenB) {
        (token0, token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
    }

    function setLiquidity(uint128 newLiquidity) external {
        liquidity = newLiquidity;
    }

    function setObserveReverts(bool newObserveReverts) external {
        observeReverts = newObserveReverts;
    }

    /// @notice Sets the tick cumulatives reported for the start of the window and for now.
    function setTickCumulatives(int56 start, int56 end) external {
        tickCumulativeStart = start;
        tickCumulativeNow = end;
    }

    function observe(
        uint32[] calldata secondsAgos
    ) external view returns (int56[] memory tickCumulatives, uint160[] memory secondsPerLiquidityCumulativeX128s) {
        require(!observeReverts, "OLD");
        tickCumulatives = new int56[](secondsAgos.length);
        secondsPerLiquidityCumulativeX128s = new uint160[](secondsAgos.length);
        for (uint256 i = 0; i < secondsAgos.length; i++) {
            tickCumulatives[i] = secondsAgos[i] == 0 ? tickCumulativeNow : tickCumulativeStart;
        }
    }
}
