#!/usr/bin/env bash
# Builds what the benchmarks deploy: the contracts and TypeChain bindings (default profile, no tests), Sluice's
# production build (artifacts-production/, as `npm run sizes`) and, unless --sluice-only, the anchors
# (hardhat.bench.config.ts: Morpho Blue with solc 0.8.19, bench/contracts; into artifacts-bench/). Each is a no-op
# when nothing changed.
#
# The anchors are built one file at a time: one wasm solc job holding Morpho and its mock IRM fails with "memory
# access out of bounds" (HHE908) here, while each alone builds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

echo "bench build: contracts and TypeChain bindings" >&2
hardhat build --quiet --no-tests
echo "bench build: Sluice production profile" >&2
hardhat --config hardhat.production.config.ts build --build-profile production --no-tests --quiet
[ "${1:-}" = "--sluice-only" ] && exit 0
for file in npm:@morpho-org/morpho-blue/src/Morpho.sol npm:@morpho-org/morpho-blue/src/mocks/IrmMock.sol \
  bench/contracts/*.sol; do
  echo "bench build: $file" >&2
  hardhat --config hardhat.bench.config.ts build --quiet "$file" || {
    echo "bench build: $file failed; once more" >&2
    hardhat --config hardhat.bench.config.ts build --quiet "$file"
  }
done
