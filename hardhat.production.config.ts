/**
 * The project's configuration with its own artifacts and cache folders, so a `production`-profile build (used by
 * `npm run sizes`) does not replace the unoptimized artifacts the tests run on.
 */
import { defineConfig } from "hardhat/config";

import base from "./hardhat.config.js";

export default defineConfig({
  ...base,
  paths: { ...base.paths, artifacts: "artifacts-production", cache: "cache-production" },
});
