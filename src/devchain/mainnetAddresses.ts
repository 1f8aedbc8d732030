/**
 * Ethereum mainnet addresses of the contracts the fork suite and the canonical world use, with the deployer and
 * nonce that created each one (so a local chain can re-create it at the same address with the same constructor).
 *
 * Every CREATE address here was checked by computing `getCreateAddress({ from: deployer, nonce })`, and every pool
 * address by computing the factory's CREATE2 address from the init-code hash of the npm `UniswapV3Pool` artifact
 * (`0xe34f199b…8b54`, the hash the periphery's `PoolAddress` library uses); `mainnetCanonical.ts` asserts both again
 * at run time.
 */

/** Mainnet contract addresses (checksummed). */
export const MAINNET = {
  /** Wrapped Ether (WETH9). */
  WETH9: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
  /** USD Coin (a FiatToken proxy on mainnet; 6 decimals). */
  USDC: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
  /** Uniswap V3 factory. */
  UNISWAP_V3_FACTORY: "0x1F98431c8aD98523631AE4a59f267346ea31F984",
  /** Uniswap V3 SwapRouter (the first router, `ISwapRouter` with deadlines). */
  SWAP_ROUTER: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
  /** Uniswap V3 NonfungiblePositionManager. */
  POSITION_MANAGER: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88",
  /** NonfungibleTokenPositionDescriptor proxy: the position manager's third constructor argument (tokenURI only). */
  POSITION_DESCRIPTOR: "0xEe6A57eC80ea46401049E92587E52f5Ec1c24785",
  /** Uniswap V3 QuoterV2. */
  QUOTER_V2: "0x61fFE014bA17989E743c5F6cB21bF9697530B21e",
  /** The USDC/WETH pools of each fee tier (fee in hundredths of a basis point). */
  POOL_USDC_WETH_100: "0xE0554a476A092703abdB3Ef35c80e0D76d32939F",
  POOL_USDC_WETH_500: "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640",
  POOL_USDC_WETH_3000: "0x8ad599c3A0ff1De082011EFDDc58f1908eb6e6D8",
  POOL_USDC_WETH_10000: "0x7BeA39867e4169DBe237d55C8242a8f2fcDcc387",
  /** Chainlink ETH/USD aggregator proxy (8 decimals, 3,600 s heartbeat). */
  CHAINLINK_ETH_USD: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
  /** Chainlink USDC/USD aggregator proxy (8 decimals, 86,400 s heartbeat). */
  CHAINLINK_USDC_USD: "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6",
} as const;

/** Heartbeats of the two Chainlink feeds on mainnet (seconds). */
export const MAINNET_FEED_HEARTBEATS = { ethUsd: 3_600n, usdcUsd: 86_400n } as const;

/** The account that deployed Uniswap V3 on mainnet, and the nonce of each deployment used here. */
export const UNISWAP_V3_DEPLOYER = {
  address: "0x6C9FC64A53c1b71FB3f9Af64d1ae3A4931A5f4E9",
  nonces: { factory: 0, swapRouter: 4, positionManager: 8, quoterV2: 13 },
} as const;

/** The account that deployed WETH9 on mainnet, and the nonce of that deployment. */
export const WETH9_DEPLOYER = { address: "0x4F26FfBe5F04ED43630fdC30A87638d53D0b0876", nonce: 446 } as const;

/**
 * Accounts that held large USDC balances on mainnet around {@link MAINNET_FORK_BLOCK}, tried in order when funding
 * accounts on a fork (the Sky/Maker LitePSM USDC pocket, then Binance's hot wallet 14). In canonical mode the test
 * stablecoin mints its supply to the first one, so the funding path is the same in both modes.
 */
export const USDC_HOLDERS = [
  "0x37305B1cD40574E4C5Ce33f8e8306Be057fD7341",
  "0x28C6c06298d514Db089934071355E5743bf21d60",
] as const;

/** The pinned mainnet block of fork mode (2024-10-19). Pinned so runs repeat and the RPC's cache is reused. */
export const MAINNET_FORK_BLOCK = 21_000_000;
