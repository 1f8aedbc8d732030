export * from "./preview.js";
export * from "./schedule.js";
