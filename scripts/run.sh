#!/usr/bin/env bash
# Builds Roster (release) and runs it on SQLite: http://127.0.0.1:3000/
# Installs what is missing first. Extra arguments go to `roster`, e.g.
#   scripts/run.sh seed --sample
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/toolchain.sh
bin="${CARGO_TARGET_DIR:-target}/release/roster"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"

# Nothing changed since the last build (every file git tracks or would
# track, the compiler, and the built site, which a debug build for the tests
# would have replaced): start at once. cargo-leptos itself would redo the
# wasm-bindgen and compression steps (about 20 s) every time.
stamp="${CARGO_TARGET_DIR:-target}/release/.run-stamp"
build_state() {
  git rev-parse --git-dir >/dev/null 2>&1 || return 1
  (
    rustc --version
    wasm-opt --version
    git ls-files -co --exclude-standard -z | xargs -0 sha256sum
    find "$LEPTOS_SITE_ROOT" -type f -printf '%P %s %T@\n' | sort
    sha256sum "$bin"
  ) 2>&1 | sha256sum
}
if [ -x "$bin" ] && [ -d "$LEPTOS_SITE_ROOT/pkg" ] && [ -f "$stamp" ] &&
  [ "$(build_state || true)" = "$(cat "$stamp")" ]; then
  printf '\033[1m==> %s\033[0m\n' "nothing changed since the last build"
else
  roster_release_build
  build_state >"$stamp" || rm -f "$stamp"
fi
exec "$bin" "$@"
