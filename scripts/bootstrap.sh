#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm dependencies, then (through the lab
# CLI) Debian's packages and the guest kernel. Safe to run again: it only fills what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` installs exactly the lock file (which lists every platform's optional packages),
  # so an install is reproducible and leaves the tree clean.
  echo "bootstrap: installing npm dependencies"
  npm ci --no-audit --no-fund
fi

# The lab fetches qemu, ipvsadm, busybox, kmod, iproute2 and the Debian kernel on first use.
npx tsx lab/cli.ts fetch
