#!/usr/bin/env bash
# npm run check: the rules that need no server: formatting (prettier), ESLint with zero warnings
# (npm run lint) and types (npm run typecheck). Installs what is missing, like scripts/test.sh. Runs
# all three, so one run names every rule broken, and fails if any is.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
failed=()
npx prettier --check . || failed+=(prettier)
npm run lint || failed+=(lint)
npm run typecheck || failed+=(typecheck)
if [ ${#failed[@]} -gt 0 ]; then
  echo "check failed: ${failed[*]}" >&2
  exit 1
fi
echo "check passed: prettier, lint, typecheck"
