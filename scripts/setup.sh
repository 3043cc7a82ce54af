#!/usr/bin/env bash
# Installs what Roster needs to build, run and test. Idempotent: every step is
# skipped when its tool is already there, so a second run takes seconds.
#
#   scripts/setup.sh          build tools (compiler, cargo-leptos, wasm-bindgen)
#   scripts/setup.sh --test   also Chromium, PostgreSQL and the Playwright packages
#   scripts/setup.sh --bench  also wrk and brotli, for scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
want_bench=false
for arg in "$@"; do
  case "$arg" in
    --test) want_test=true ;;
    --bench) want_bench=true ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

apt_updated=false
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "setup.sh: please install ${missing[*]} with your package manager" >&2
    exit 1
  fi
  if [ "$apt_updated" = false ]; then
    say "apt-get update"
    "${sudo_cmd[@]}" apt-get update -qq
    apt_updated=true
  fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- The compiler -----------------------------------------------------------
source scripts/toolchain.sh
if [ "$ROSTER_TOOLCHAIN" = debian ]; then
  # No wasm target in rustup here (and none can be downloaded): Debian's
  # rustc-web ships the std source to build it, and rust-lld to link it.
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22 rust-web-clippy
  source scripts/toolchain.sh
fi
command -v cargo >/dev/null || { echo "setup.sh: no cargo found; install Rust (https://rustup.rs)" >&2; exit 1; }
say "compiler: $(rustc --version) [$ROSTER_TOOLCHAIN]"

# --- cargo-leptos and wasm-bindgen --------------------------------------------
LEPTOS_VERSION=0.3.11
if ! cargo leptos --version 2>/dev/null | grep -q "$LEPTOS_VERSION"; then
  say "cargo install cargo-leptos $LEPTOS_VERSION (takes a while, once)"
  # no_downloads: use the wasm-bindgen and wasm-opt found on PATH instead of
  # fetching prebuilt binaries at build time.
  cargo install cargo-leptos --version "$LEPTOS_VERSION" --locked --features no_downloads
fi

WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\b"; then
  say "cargo install wasm-bindgen-cli $WBG_VERSION"
  # Not --locked: one of its locked dependencies is no longer on crates.io.
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

# wasm-opt, for release builds (npm's binaryen package carries a native one).
if ! command -v wasm-opt >/dev/null; then
  say "npm install binaryen (wasm-opt)"
  mkdir -p "$HOME/.cache/roster/tools"
  npm install --prefix "$HOME/.cache/roster/tools" --no-audit --no-fund --silent binaryen@132
fi

# --- Test and benchmark tools -------------------------------------------------
if [ "$want_test" = true ]; then
  apt_install chromium postgresql
  if [ ! -x end2end/node_modules/.bin/playwright ]; then
    say "npm ci (Playwright, no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
fi
if [ "$want_bench" = true ]; then
  apt_install wrk brotli
fi
say "setup done"
