#!/usr/bin/env bash
# Builds contracts/ with the production profile into artifacts-production/ (hardhat.production.config.ts, so the
# tests' unoptimized artifacts stay) and checks every contract's size against the EIP-170 and EIP-3860 limits.
# Arguments go to scripts/sizes.ts (e.g. --margin 1024).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
hardhat --config hardhat.production.config.ts build --build-profile production --no-tests --quiet
node scripts/sizes.ts "$@"
