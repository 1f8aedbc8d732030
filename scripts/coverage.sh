#!/usr/bin/env bash
# Line and branch coverage of contracts/, merged into coverage/lcov.info.
#
# Branches: Hardhat 3 instruments statements only, so the tests run against copies of the project in which every
# `if` and `?:` condition goes through a probe with one line per side (scripts/coverage-probes.ts); the probes' line
# hits are the branch coverage, and the original lines keep their numbers. Probing every file at once makes the
# instrumented engine tests outgrow the wasm compiler, so two passes each probe part of contracts/ (every pass gives
# line coverage of everything).
# Groups: a coverage build recompiles every test with instrumentation; each group of Solidity test files, and the
# TypeScript tests, run with --coverage on their own, and a group that overflows the wasm heap (HHE908) is run
# again one file at a time.
# Arguments go to the report: `--min-lines P --min-branches P` fail the run below P % over contracts/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
root="$PWD"
group_size="${SLUICE_COVERAGE_GROUP:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-coverage.XXXXXX")"
trap 'rm -rf "$work"' EXIT
passes=(
  "contracts/core/LiquidationEngine.sol,contracts/core/InsuranceFund.sol,contracts/core/InterestRateModel.sol,contracts/libraries,contracts/oracles,contracts/periphery"
  "contracts/core/MarginVault.sol,contracts/core/LendingPool.sol"
)

# Runs every test with coverage in the project copy $1, leaving one lcov file per run in $1/parts.
run_pass() {
  cd "$1"
  local parts="$1/parts" n=0
  mkdir -p "$parts"
  run() {
    if hardhat test solidity --coverage "$@" >"$parts/run.log" 2>&1; then
      cp coverage/lcov.info "$parts/$((n++)).info"
      return 0
    fi
    grep -q "HHE908" "$parts/run.log" || {
      cat "$parts/run.log" >&2
      exit 1
    }
    return 1
  }
  mapfile -t tests < <(find test -name '*.t.sol' | sort)
  for ((i = 0; i < ${#tests[@]}; i += group_size)); do
    group=("${tests[@]:i:group_size}")
    echo "coverage: ${group[*]}" >&2
    run "${group[@]}" && continue
    for file in "${group[@]}"; do
      echo "coverage: $file alone (the group overflowed the wasm compiler)" >&2
      run "$file" || run "$file" || {
        cat "$parts/run.log" >&2
        exit 1
      }
    done
  done
  echo "coverage: TypeScript tests" >&2
  # `test mocha --coverage` instruments every source in one job; when that outgrows the wasm heap (HHE908), the
  # report keeps the Solidity tests' coverage and says so, rather than failing.
  if hardhat test mocha --coverage >"$parts/mocha.log" 2>&1; then
    cp coverage/lcov.info "$parts/mocha.info"
  elif grep -q "HHE908" "$parts/mocha.log"; then
    echo "coverage: TypeScript tests NOT included: their instrumented build overflows the wasm compiler (HHE908)" >&2
  else
    cat "$parts/mocha.log" >&2
    exit 1
  fi
}

for i in "${!passes[@]}"; do
  echo "coverage: pass $((i + 1)) of ${#passes[@]}, branch probes in ${passes[i]}" >&2
  node scripts/coverage-probes.ts prepare "$work/pass$i" --only "${passes[i]}"
  (run_pass "$work/pass$i")
done
mkdir -p coverage
node scripts/coverage-probes.ts report "$root/coverage/lcov.info" "$work"/pass* "$@"
