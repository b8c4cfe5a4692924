#!/usr/bin/env bash
# Installs what building and testing Cora needs on a fresh Debian/Ubuntu machine:
# the WebKitGTK stack for the desktop shell, Xvfb and the WebKit WebDriver for the
# end-to-end tests, Node.js/npm for the UI, PostgreSQL for the sync sink's tests (a
# throwaway server: scripts/pg-test-server.sh), and Rust when it is missing.
# Packages already installed are skipped, so a warm machine pays nothing.
set -euo pipefail

packages=(build-essential pkg-config libssl-dev curl file
          libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev
          webkit2gtk-driver xvfb xauth dbus dbus-x11 imagemagick
          postgresql)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is missing; install it with rustup (https://rustup.rs) and run again" >&2
  exit 1
fi
