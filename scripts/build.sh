#!/usr/bin/env bash
# Builds the contracts, the Solidity tests and the TypeChain bindings (about a minute from clean; later builds only
# recompile what changed). Arguments are Hardhat global options (e.g. --coverage, --build-profile X).
#
# The build runs as one solc job. It used to run in groups of four test files: as Hardhat calls the wasm solc, the
# job's input went on the wasm stack and one over 1.25 MB crashed solc (HHE908); scripts/solc/soljson.cjs now
# passes it on the heap (docs/toolchain.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
echo "build: contracts, Solidity tests and TypeChain bindings (about a minute from clean)" >&2
hardhat "$@" build --quiet
