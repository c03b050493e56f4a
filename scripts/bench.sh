#!/usr/bin/env bash
# npm run bench [name...]: builds, then runs benchmarks on their own Kafka and PostgreSQL (loopback only).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
npm run build --silent
exec node -r ./tools/register.js dist/bench/run.js "$@"
