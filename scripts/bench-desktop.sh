#!/usr/bin/env bash
# Desktop benchmark: launch → interactive sign-in, and memory (PSS/RSS of the app and
# its WebKit processes) after opening the products list of a 100,000-product company and
# after scrolling 2,000 and 10,000 rows into it.
# Writes the figures to docs/benchmarks/desktop.md, above its "<!-- end of figures -->"
# line (what follows that line is kept).
#   scripts/bench-desktop.sh [scale]
#   BENCH_OUT=FILE scripts/bench-desktop.sh   write the figures to FILE instead
#   CORA_BENCH_FAR=30000 scripts/bench-desktop.sh   scroll that many rows in (default 10,000)
#   CORA_BENCH_IDLE=30 scripts/bench-desktop.sh   seconds left idle there before measuring again (default 10)
#   CORA_BENCH_SMAPS=DIR scripts/bench-desktop.sh   also copy each process's smaps at each point
# The app's environment passes through, e.g. WEBKIT_DISABLE_COMPOSITING_MODE=0|1 to force
# WebKit's compositing on or off (the app otherwise chooses, see src-tauri/src/render.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scale=${1:-100000}
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CORA_BENCH_DB="$work/bench.db" CORA_BENCH_USER=bench@cora.test CORA_BENCH_PASSWORD="bench password 1"
export CORA_DB="$CORA_BENCH_DB" CORA_USER="$CORA_BENCH_USER" CORA_PASSWORD="$CORA_BENCH_PASSWORD"

if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  npm --prefix ui run build
  cargo build --release -p cora-desktop --features cora-desktop/custom-protocol -p cora-cli
fi
cora="${CORA_CLI_BIN:-$CARGO_TARGET_DIR/release/cora}"
"$cora" init --admin-email "$CORA_USER" >/dev/null
"$cora" call company.create '{"code":"DEMO","name":"Demo Wholesale","base_currency":"EUR","locale":"de-DE"}' >/dev/null
echo "bench: generating $scale products…"
t=$(date +%s)
"$cora" demo --company DEMO --scale "$scale" >/dev/null
echo "bench: demo data in $(( $(date +%s) - t ))s, file $(du -h "$CORA_BENCH_DB" | cut -f1)"

export CORA_DESKTOP_BIN="${CORA_DESKTOP_BIN:-$CARGO_TARGET_DIR/release/cora-desktop}"
out="$work/out.txt"
unset CORA_DB
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  cargo test --release -p cora-e2e --test desktop bench_launch_and_products_memory -- --ignored --nocapture | tee "$out"
grep -q '^BENCH launch' "$out" || { echo "bench: no figures" >&2; exit 1; }
v() { grep -o "$1=[^ ]*" "$out" | head -1 | cut -d= -f2; }
doc=docs/benchmarks/desktop.md
target=${BENCH_OUT:-$doc}
mkdir -p "$(dirname "$target")"
mib() { echo $(( $(v "$1") / 1024 )); }
rest=""
[ -f "$doc" ] && rest=$(sed -n '/^<!-- end of figures -->$/,$p' "$doc")
[ -n "$rest" ] || rest="<!-- end of figures -->"
compositing="${WEBKIT_DISABLE_COMPOSITING_MODE:+WEBKIT_DISABLE_COMPOSITING_MODE=$WEBKIT_DISABLE_COMPOSITING_MODE}"
cat > "$target" <<MD
# Desktop app benchmark

Measured by \`scripts/bench-desktop.sh $scale\` on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM,
$(. /etc/os-release; echo "$PRETTY_NAME"), Xvfb (software rendering), release build, $(date -u +%Y-%m-%d),
WebKitGTK $(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?'), compositing: ${compositing:-as the app chooses}.
The demo company has $scale products (variant templates, their variants, kits); the
products list hides variants by default, so it counts fewer rows. The app is driven
through tauri-driver/WebKitWebDriver, so launch time includes the driver starting it;
it varies from run to run (0.6–1.8 s seen on this machine, the slower ones while other builds ran).

| what | figure |
| --- | --- |
| launch → sign-in screen interactive | $(v launch_to_login_ms) ms |
| products list, first page shown | $(v products_first_page_ms) ms |
| products in the list (variants hidden) | $(grep -o 'products_count="[^"]*"' "$out" | cut -d'"' -f2) |
| search "linen" over all products, new count shown | $(v search_ms) ms (typing and the grid's 180 ms debounce included; $(grep -o 'search_count="[^"]*"' "$out" | cut -d'"' -f2)) |
| scroll to the end, pause 300 ms, 10 times (one 200-row keyset page each) | $(v scroll_10_pages_ms) ms (3,000 ms of it the pauses) |
| memory at the sign-in screen, PSS / RSS (all processes) | $(mib login_pss_kib) / $(mib login_rss_kib) MiB |
| memory after opening the products list, PSS / RSS | $(mib products_pss_kib) / $(mib products_rss_kib) MiB |
| memory after scrolling 2,000 rows in, PSS / RSS | $(mib scrolled_pss_kib) / $(mib scrolled_rss_kib) MiB |
| memory after scrolling $(v far_row) rows in, PSS / RSS | $(mib far_pss_kib) / $(mib far_rss_kib) MiB |
| the same after $(v idle_s) s more idle there, PSS / RSS | $(mib idle_pss_kib) / $(mib idle_rss_kib) MiB |
| scrolling from there to row $(v far_row) (one 200-row page at a time) | $(v far_ms) ms |
| rows in the DOM / held in memory, $(v far_row) rows in | $(v far_dom_rows) / $(v far_held_rows) |
| scrolling one row a frame for 3 s: frames drawn, frame interval median / 95th percentile / worst | $(v frames_3s) frames, $(v frame_median_ms) / $(v frame_p95_ms) / $(v frame_max_ms) ms |

Per process after opening the products list (name:PSS/RSS MiB): $(v products_each).
Per process $(v far_row) rows in: $(v far_each); after $(v idle_s) s idle: $(v idle_each).
Each memory figure is taken 2 s after the screen settled (the sign-in screen, the first page
shown, the scrolling done), the last one $(v idle_s) s later again.
PSS shares pages fairly between processes; RSS counts shared libraries in each.

$rest
MD
cat "$target"
