#!/usr/bin/env bash
# The one test command (README, .ci/run): install what is missing, lint (with the import
# boundaries), type-check, then every vitest project: unit tests and real-kernel lab tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "== lint"; npx biome lint .
echo "== types"; npx tsc --noEmit -p tsconfig.json
echo "== tests"
exec npx vitest run "$@"
