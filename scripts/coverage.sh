#!/usr/bin/env bash
# Coverage in groups, merged into one report.
#
# Why: a coverage build recompiles every test with instrumentation in one wasm-solc job, which outgrows the wasm heap
# (HHE908). Each group of Solidity test files, and the TypeScript tests, run with --coverage on their own; their
# lcov files are merged (hits summed per line) into coverage/lcov.info and summarised per file.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
group_size="${SLUICE_COVERAGE_GROUP:-2}"
parts=coverage-parts
rm -rf "$parts" && mkdir -p "$parts"

mapfile -t tests < <(find test -name '*.t.sol' | sort)
n=0
for ((i = 0; i < ${#tests[@]}; i += group_size)); do
  echo "coverage: ${tests[*]:i:group_size}" >&2
  hardhat test solidity --coverage "${tests[@]:i:group_size}"
  cp coverage/lcov.info "$parts/$((n++)).info"
done
echo "coverage: TypeScript tests" >&2
hardhat test mocha --coverage
cp coverage/lcov.info "$parts/$((n++)).info"

node scripts/coverage-merge.ts coverage/lcov.info "$parts"/*.info
rm -rf "$parts"
