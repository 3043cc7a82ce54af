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
# They are build tools: how fast they run barely matters, how long they take to
# compile does. Their own release profiles (cargo-leptos: fat LTO, one codegen
# unit) cost most of a first run, so they are built with a cheap one instead
# (config from the environment overrides a package's profile), in one shared
# target folder so the dependencies they have in common compile once.
cheap_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL="${CARGO_PROFILE_RELEASE_OPT_LEVEL:-1}" CARGO_PROFILE_RELEASE_LTO=off \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_INCREMENTAL=false CARGO_PROFILE_RELEASE_STRIP=true \
    CARGO_TARGET_DIR="$HOME/.cache/roster/tool-target" \
    cargo install --quiet "$@"
}
step_started=0
step() { say "$*"; step_started=$(date +%s); }
step_done() { say "  done in $(( $(date +%s) - step_started )) s"; }

LEPTOS_VERSION=0.3.11
if ! cargo leptos --version 2>/dev/null | grep -q "$LEPTOS_VERSION"; then
  step "installing cargo-leptos $LEPTOS_VERSION (once; about 5 minutes on 2 cores)"
  # no_downloads: use the wasm-bindgen and wasm-opt found on PATH instead of
  # fetching prebuilt binaries at build time. Not optimised at all, but for
  # the compressors it runs on the release bundle at every build (brotli at
  # full strength would take a minute unoptimised instead of seconds).
  fast=()
  for crate in brotli brotli-decompressor alloc-no-stdlib alloc-stdlib libflate \
    libflate_lz77 crc32fast adler32 dary_heap rle-decode-fast core2; do
    fast+=(--config "profile.release.package.$crate.opt-level=3")
  done
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 cheap_install cargo-leptos --version "$LEPTOS_VERSION" \
    --locked --features no_downloads "${fast[@]}"
  step_done
fi

WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\b"; then
  step "installing wasm-bindgen-cli $WBG_VERSION (once; about 2 minutes on 2 cores)"
  # Not --locked: one of its locked dependencies is no longer on crates.io.
  cheap_install wasm-bindgen-cli --version "$WBG_VERSION" --force
  step_done
fi

# wasm-opt (binaryen), for release builds, at exactly the version known to
# work with the wasm-bindgen above: binaryen rewrites the tables wasm-bindgen
# sets up, and Debian bookworm's binaryen 108 produced a bundle that failed
# at start in the browser (`WebAssembly.Table.set(): Argument 1 is invalid`).
# npm's package is the one source of a pinned binaryen here (a wasm build of
# it, run by Node.js); toolchain.sh puts it first on PATH.
BINARYEN_VERSION=132
if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
  step "installing wasm-opt (binaryen $BINARYEN_VERSION from npm; found: $(wasm-opt --version 2>/dev/null || echo none))"
  command -v npm >/dev/null || apt_install npm
  mkdir -p "$HOME/.cache/roster/tools"
  npm install --prefix "$HOME/.cache/roster/tools" --no-audit --no-fund --silent --save-exact \
    "binaryen@$BINARYEN_VERSION.0.0"
  wasm-opt --version | grep -q "version $BINARYEN_VERSION\b" || {
    echo "setup.sh: wasm-opt on PATH is $(command -v wasm-opt): $(wasm-opt --version), not $BINARYEN_VERSION" >&2
    exit 1
  }
  step_done
fi

# --- Test and benchmark tools -------------------------------------------------
if [ "$want_test" = true ]; then
  apt_install chromium postgresql
  # Again whenever the lock file changed since the last install.
  lock_sum="$(sha256sum end2end/package-lock.json | cut -d' ' -f1)"
  if [ "$(cat end2end/node_modules/.roster-lock 2>/dev/null)" != "$lock_sum" ]; then
    say "npm ci (Playwright and axe-core, no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
    echo "$lock_sum" >end2end/node_modules/.roster-lock
  fi
fi
if [ "$want_bench" = true ]; then
  apt_install wrk brotli
fi
say "setup done"
