#!/usr/bin/env bash
# Line and branch coverage of contracts/, merged into coverage/lcov.info.
#
# Branches: Hardhat 3 records which statements ran but reports lines only; scripts/coverage-branches.ts works out
# both sides of every `if` and `?:` from the statements that ran, with a probe on the few branches whose sides have
# no statement of their own. The tests run on a copy of the project holding those probes (original line numbers
# kept): the Solidity tests in one coverage run, then the TypeScript tests in another; the report merges both.
# Arguments go to the report: `--min-lines P --min-branches P` fail the run below P % over contracts/.
# SLUICE_COVERAGE_PROFILE: the Solidity test profile (default `default`; CI uses `coverage`, fewer fuzz and invariant
# runs, the same tests). SLUICE_COVERAGE_TESTS limits the Solidity test files (paths or folders, space-separated,
# e.g. "test/core"). SLUICE_COVERAGE_MOCHA=1 adds the TypeScript tests (4 more minutes; off by default: they reach
# no contract line the Solidity tests miss, and the keeper's paging test, which sizes its pages by gas, fails under
# the instrumentation's extra gas).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
root="$PWD"
profile="${SLUICE_COVERAGE_PROFILE:-default}"
started=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-coverage.XXXXXX")"
trap 'rm -rf "$work"' EXIT
project="$work/project"
parts="$project/parts"

# The periphery tests deploy the core from its artifacts (deployCode): build the contracts (a no-op when current).
hardhat build --quiet --no-tests >/dev/null
node scripts/coverage-branches.ts prepare "$project"
mkdir -p "$parts/data"
cd "$project"
n=0
# run NAME COMMAND...: one instrumented test run; keeps its line report and its statement hits, or shows its log.
run() {
  local name="$1"
  shift
  echo "coverage: $name ($((SECONDS - started)) s)" >&2
  rm -rf coverage
  if ! "$@" >"$parts/run.log" 2>&1; then
    cat "$parts/run.log" >&2
    echo "coverage: $name failed (its log is above)" >&2
    exit 1
  fi
  cp coverage/lcov.info "$parts/$n.info"
  for f in coverage/data/*/*.json; do cp "$f" "$parts/data/$n-$(basename "$f")"; done
  n=$((n + 1))
}
# shellcheck disable=SC2086 # SLUICE_COVERAGE_TESTS is a space-separated list of paths
mapfile -t tests < <(find ${SLUICE_COVERAGE_TESTS:-test} -name '*.t.sol' | sort)
run "${#tests[@]} Solidity test files, profile $profile" \
  hardhat test solidity --coverage --test-profile "$profile" "${tests[@]}"
if [ "${SLUICE_COVERAGE_MOCHA:-0}" = "1" ]; then
  run "TypeScript tests" hardhat test mocha --coverage
fi
cd "$root"
mkdir -p coverage
echo "coverage: runs done ($((SECONDS - started)) s)" >&2
node scripts/coverage-branches.ts report "$project" "$root/coverage/lcov.info" "$@"
