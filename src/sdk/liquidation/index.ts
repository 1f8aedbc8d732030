export * from "./preview.js";
export * from "./schedule.js";
export * from "./speed.js";
