#!/usr/bin/env bash
# The browser test's driver: playwright-core (pinned in tests/browser/package.json) from the
# npm registry, no browser download; the browser is Debian's chromium (setup-deps.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/tests/browser"
want=$(sed -n 's/.*"playwright-core": "\([^"]*\)".*/\1/p' package.json)
have=$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' node_modules/playwright-core/package.json 2>/dev/null || true)
if [ "$have" = "$want" ]; then echo "setup-browser: playwright-core $want present"; exit 0; fi
npm install --no-audit --no-fund --ignore-scripts --silent
echo "setup-browser: playwright-core $want installed"
