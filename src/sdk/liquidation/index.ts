export * from "./preview.js";
