export * from "./fixedPoint.js";
export * from "./trancheMath.js";
export * from "./riskParams.js";
