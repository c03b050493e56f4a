#!/usr/bin/env bash
# npm run dev: installs what is missing, builds, then runs the whole local stack in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
npx tsc -p tsconfig.build.json
exec node -r ./tools/register.js dist/tools/dev.js
