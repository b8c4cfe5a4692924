#!/usr/bin/env bash
# Installs what the desktop app needs (scripts/setup-debian.sh), builds the UI and the
# app, and starts it on the default file ($CORA_DB, else ~/.local/share/cora/cora.db).
#   scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
cargo build --release -p cora-desktop --features cora-desktop/custom-protocol
exec "${CARGO_TARGET_DIR:-target}/release/cora-desktop"
