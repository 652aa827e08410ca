#!/usr/bin/env bash
# The README's first command: install what is missing, then run the product on the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec npx tsx scripts/demo.ts "$@"
