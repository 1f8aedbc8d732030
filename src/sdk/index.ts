/** Sluice SDK: typed client and the TypeScript mirror of the protocol's math. */
export * from "./math/index.js";
export * from "./liquidation/index.js";
export * from "./registry.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./client.js";
export * from "./roles.js";
export * from "./contracts/erc20.js";
