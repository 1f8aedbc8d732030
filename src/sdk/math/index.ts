export * from "./fixedPoint.js";
export * from "./trancheMath.js";
