#!/usr/bin/env bash
# End-to-end tests of the real desktop app: builds the UI and the release app, then runs
# the fantoccini tests in e2e/ through tauri-driver + WebKitWebDriver under Xvfb.
# Screenshots of each main screen land in target/e2e-screenshots/.
#   scripts/e2e.sh            build and test
#   E2E_SKIP_BUILD=1 scripts/e2e.sh   reuse the last build
#   CORA_DESKTOP_BIN=… CORA_CLI_BIN=… E2E_SKIP_BUILD=1 scripts/e2e.sh   test these binaries
#   (the build cache may be shared: another build can replace target/release/*)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$root/target/e2e-screenshots}"

for tool in xvfb-run dbus-run-session /usr/bin/WebKitWebDriver; do
  command -v "$tool" >/dev/null 2>&1 || { echo "e2e: $tool is missing (scripts/setup-debian.sh installs it)" >&2; exit 1; }
done
# tauri-driver 2.1 (3.0 is an alpha); installed from crates.io when missing.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  cargo install tauri-driver --locked --version 2.1.0
fi

if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  [ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  npm --prefix ui run build
  cargo build --release -p cora-desktop --features cora-desktop/custom-protocol -p cora-cli
fi
export CORA_DESKTOP_BIN="${CORA_DESKTOP_BIN:-$CARGO_TARGET_DIR/release/cora-desktop}"
# The CLI writes to the app's file in one test, to see the open list refresh.
export CORA_CLI_BIN="${CORA_CLI_BIN:-$CARGO_TARGET_DIR/release/cora}"
[ -x "$CORA_DESKTOP_BIN" ] || { echo "e2e: $CORA_DESKTOP_BIN was not built" >&2; exit 1; }
rm -rf "$E2E_SCREENSHOTS"; mkdir -p "$E2E_SCREENSHOTS"

# --ignored: the tests are ignored in a plain `cargo test` (no app, no display) and
# run here, where a missing piece fails them.
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  cargo test --release -p cora-e2e --test desktop -- --ignored --skip bench_ --test-threads=1 --nocapture
echo "e2e: screenshots in $E2E_SCREENSHOTS"
