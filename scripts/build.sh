#!/usr/bin/env bash
# Builds contracts, then Solidity tests in small groups.
#
# Why: solc here is the npm wasm build (soljson.js). Hardhat compiles all test files in one solc job, and each test
# contract embeds the creation code of every contract it deploys, so one job's output outgrows the wasm heap
# ("RuntimeError: memory access out of bounds", HHE908) on a clean build. Small groups stay well inside it; later
# builds only recompile what changed. Arguments are Hardhat global options (e.g. --coverage, --build-profile X).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
group_size="${SLUICE_BUILD_GROUP:-4}"

echo "build: contracts" >&2
hardhat "$@" build --quiet --no-tests

mapfile -t tests < <(find test -name '*.t.sol' | sort)
for ((i = 0; i < ${#tests[@]}; i += group_size)); do
  echo "build: ${tests[*]:i:group_size}" >&2
  hardhat "$@" build --quiet --no-contracts "${tests[@]:i:group_size}"
done
# A last pass over everything: compiles nothing when the groups covered it all, and writes the TypeChain bindings.
echo "build: everything else, and the TypeChain bindings" >&2
hardhat "$@" build --quiet
