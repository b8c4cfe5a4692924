#!/usr/bin/env bash
# The one command that sets up and runs every Cora test on a fresh Debian machine:
#   scripts/test.sh
# Core and CLI tests (real SQLite files, the real `cora` binary), the PostgreSQL sink's
# tests against a throwaway server, the check that the
# generated TypeScript types are current, the UI's type check and unit tests, and the
# end-to-end tests of the real desktop app under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup-debian.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

# Build cache outside the clone, so CI and later runs reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cora/target}"
export CARGO_TERM_COLOR=never
mkdir -p "$CARGO_TARGET_DIR"

step() { printf '\n=== %s\n' "$*"; }

step "cora-core must not depend on tauri"
if cargo tree -p cora-core -e normal --prefix none | grep -qE '^tauri'; then
  echo "cora-core depends on tauri: the core must not know the shell" >&2
  exit 1
fi

# A throwaway PostgreSQL server on loopback for the sync tests (the PostgreSQL sink's own,
# and the CLI's every-module test), stopped at the end whatever happens.
scripts/pg-test-server.sh start >/dev/null
trap 'scripts/pg-test-server.sh stop' EXIT
eval "$(scripts/pg-test-server.sh env)"

step "core, CLI, HTTP API and PostgreSQL sink tests"
cargo test -p cora-core -p cora-cli -p cora-render -p cora-bankfile -p cora-http -p cora-sync-pg --no-fail-fast
scripts/pg-test-server.sh stop
trap - EXIT

step "generated TypeScript types are current"
cargo run -q -p cora-cli -- gen-types --check --out ui/src/lib/api/bindings.ts

if [ -f ui/package.json ]; then
  step "UI: install, type check, unit tests, build"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run check && npm test && npm run build)
fi

if [ -x scripts/e2e.sh ]; then
  step "end-to-end tests of the desktop app"
  scripts/e2e.sh
fi
echo
echo "all tests passed"
