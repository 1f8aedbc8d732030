#!/usr/bin/env bash
# Installs everything Sluice needs, offline from the npm registry alone.
# Runs before anything is installed, so it is plain bash: it only needs a system
# Node/npm of any recent version. Hardhat 3 needs Node >= 22.13, and npm must run
# under Node 22 for the install or it skips EDR's native package (engines >= 22).
set -euo pipefail
cd "$(dirname "$0")/.."

npm_cli="${npm_execpath:-$(command -v npm)}"
required_major=22
required_minor=13

node_ok() {
  local v major minor
  v=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  major=${v%%.*}
  minor=${v#*.}; minor=${minor%%.*}
  [ "$major" -gt "$required_major" ] || { [ "$major" -eq "$required_major" ] && [ "$minor" -ge "$required_minor" ]; }
}

# `npm install`, not `npm ci`: the lock file npm writes lacks EDR's other-platform
# packages and `npm ci` refuses it (see ../shared/TOOLCHAIN.md).
start=$SECONDS
if node_ok; then
  echo "setup: system Node $(node -v) is recent enough"
  node "$npm_cli" install --no-audit --no-fund
else
  echo "setup: system Node $(node -v 2>/dev/null || echo none) is older than ${required_major}.${required_minor}; running npm under Node 22 from the registry"
  npx -y node@22 "$npm_cli" install --no-audit --no-fund
fi
echo "setup: installed in $((SECONDS - start)) s; Node for npm scripts: $(PATH="$PWD/node_modules/.bin:$PATH" node -v)"

# Chromium for the demo's browser test (test/demo/report.browser.test.ts, driven by playwright-core): Debian's
# package, installed when missing. Without apt the test fails and says how to install it.
if command -v chromium >/dev/null 2>&1; then
  :
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "setup: installing Debian's chromium (for the demo's browser test)"
  if ! { apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }; then
    echo "setup: could not install chromium with apt-get; the demo's browser test will fail until it is installed"
  fi
else
  echo "setup: chromium is missing and apt-get is not available as root: install Chromium yourself (or set CHROMIUM_PATH) for the demo's browser test"
fi

# Builds both profiles now (about three minutes from clean), so the first `npm run demo` and `npm test` start at once.
echo "setup: building the contracts"
bash scripts/build.sh
echo "setup: done in $((SECONDS - start)) s"
