#!/usr/bin/env bash
# Builds the contracts, the Solidity tests and the TypeChain bindings (the unoptimized test build, into artifacts/,
# about a minute from clean) and, when called without arguments, the production build the demo and deployments run
# (hardhat.production.config.ts, into artifacts-production/, about two minutes from clean). Later builds only
# recompile what changed; a build with nothing to do takes a few seconds. Arguments are Hardhat global options for the
# test build alone (e.g. --coverage).
#
# The build runs as one solc job. It used to run in groups of four test files: as Hardhat calls the wasm solc, the
# job's input went on the wasm stack and one over 1.25 MB crashed solc (HHE908); scripts/solc/soljson.cjs now
# passes it on the heap (docs/toolchain.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
start=$SECONDS
echo "build: test build (contracts, Solidity tests, TypeChain bindings; about a minute from clean)" >&2
hardhat "$@" build --quiet
echo "build: test build done in $((SECONDS - start)) s" >&2
if [ "$#" -eq 0 ]; then
  start=$SECONDS
  echo "build: production build for the demo and deployments (optimized; about two minutes from clean)" >&2
  hardhat --config hardhat.production.config.ts build --build-profile production --no-tests --quiet
  echo "build: production build done in $((SECONDS - start)) s" >&2
fi
