#!/usr/bin/env bash
# The one test command (README, .ci/run): install what is missing, lint (with the import
# boundaries), type-check, build the web app, then every vitest project: unit tests and
# real-kernel lab tests (with the browser tests against the lab).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "== lint"; npm run -s lint
echo "== types"; npm run -s typecheck
# The browser tests (test/lab/dashboard-*) run the production build of the web app.
echo "== build"; npx next build
# test/unit/page-weight.test.ts measures this build: here a missing one fails, not skips
export LVS_BUILD_REQUIRED=1
echo "== page weight"; npx tsx scripts/page-weight.ts
echo "== tests"
# scripts/vitest-timings.ts writes each file's duration to test-results/vitest-timings.json
# (silently: the default reporter's summary stays the last thing printed).
exec npx vitest run --reporter=default --reporter=./scripts/vitest-timings.ts "$@"
