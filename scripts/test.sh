#!/usr/bin/env bash
# npm test: installs what is missing, builds, and runs the whole suite against its own Kafka and
# PostgreSQL (see test/support/run-tests.ts). Extra arguments filter spec files by substring; `--unit`
# (npm run test:unit) runs only the unit specs under libs/, apps/ and tools/, with no Kafka or PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
npm run build --silent
exec node -r ./tools/register.js dist/test/support/run-tests.js "$@"
