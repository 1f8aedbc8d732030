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

# The wasm compiler also fails now and then on a group that built before ("null function or function signature
# mismatch", HHE908, same sources): a failed group is built again one file at a time, and a file twice, before the
# build gives up. A real compile error fails the same way every time, so it still stops the build.
build_one() {
  hardhat "${opts[@]}" build --quiet --no-contracts "$1" || {
    echo "build: $1 failed; once more" >&2
    hardhat "${opts[@]}" build --quiet --no-contracts "$1"
  }
}
opts=("$@")
mapfile -t tests < <(find test -name '*.t.sol' | sort)
for ((i = 0; i < ${#tests[@]}; i += group_size)); do
  group=("${tests[@]:i:group_size}")
  echo "build: ${group[*]}" >&2
  if ! hardhat "$@" build --quiet --no-contracts "${group[@]}"; then
    echo "build: group failed; one file at a time" >&2
    for file in "${group[@]}"; do build_one "$file"; done
  fi
done
# A last pass over everything: compiles nothing when the groups covered it all, and writes the TypeChain bindings.
echo "build: everything else, and the TypeChain bindings" >&2
hardhat "$@" build --quiet
