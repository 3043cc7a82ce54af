#!/usr/bin/env bash
# Builds Roster (release) and runs it on SQLite: http://127.0.0.1:3000/
# Installs what is missing first. Extra arguments go to `roster`, e.g.
#   scripts/run.sh seed --sample
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/toolchain.sh
roster_release_wasm_flags
cargo leptos build --release --precompress --split "${ROSTER_LIB_CARGO_ARGS[@]}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "${CARGO_TARGET_DIR:-target}/release/roster" "$@"
