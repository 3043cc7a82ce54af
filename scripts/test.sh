#!/usr/bin/env bash
# Every test Roster has, in the order that fails fastest:
#   formatting and lints, unit and HTTP integration tests on SQLite, the same
#   integration tests on PostgreSQL, then the browser tests (Playwright in
#   Chromium, JavaScript on and off, an accessibility audit of every page type)
#   against the release build that scripts/run.sh makes.
# Installs what it needs first (scripts/setup.sh --test). Exits non-zero on
# the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

bash scripts/setup.sh --test
source scripts/toolchain.sh

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$(date +%s)

# CI clones afresh each run; keeping build output outside the clone lets a
# machine that already built Roster reuse it.
if [ "${CI:-}" = true ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="$HOME/.cache/roster/target"
fi
target_dir="${CARGO_TARGET_DIR:-$root/target}"

# Cargo never deletes old artefacts: every clone path and every change leaves
# test binaries and incremental state behind, until the disk fills and a build
# fails half-way. Bound the build output: past its limit (or when the disk runs
# low) the debug build starts afresh, which costs one cold build.
cache_limit_gb="${ROSTER_TARGET_LIMIT_GB:-20}"
mkdir -p "$target_dir"
free_gb() { echo $(( $(df -Pk "$target_dir" | awk 'NR==2 {print $4}') / 1048576 )); }
if [ -d "$target_dir/debug" ]; then
  used_gb=$(( $(du -sk "$target_dir" | cut -f1) / 1048576 ))
  if [ "$used_gb" -ge "$cache_limit_gb" ] || [ "$(free_gb)" -lt 8 ]; then
    say "build output at $used_gb GB with $(free_gb) GB free: clearing $target_dir/debug"
    rm -rf "$target_dir/debug"
  fi
fi
if [ "$(free_gb)" -lt 8 ]; then
  echo "warning: $(free_gb) GB free for $target_dir; a full test build takes 7 to 12 GB" >&2
fi

say "cargo fmt --check"
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all -- --check
else
  echo "rustfmt not installed: skipped"
fi

# cargo-leptos sets these while it builds; the same values here keep the
# crates that read them at compile time (leptos_config) the same build.
leptos_env=(LEPTOS_OUTPUT_NAME=roster LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt)
export "${leptos_env[@]}"

say "cargo clippy -D warnings"
cargo clippy --all-targets -- -D warnings
cargo clippy -p roster-frontend -- -D warnings

say "unit and HTTP tests on SQLite"
cargo test

say "HTTP tests on PostgreSQL"
bash scripts/postgres.sh start
# No `-p roster`: the package selection decides feature unification (the core
# crate's dev-dependencies), and a different one rebuilds the app and server.
TEST_DATABASE_URL="$(bash scripts/postgres.sh url)" cargo test \
  --test students --test accounts --test assets --test handlers --test pets --test comments \
  --test courses --test users --test messages --test outage --test fuzz --test stress \
  --test observe --test races --test records --test history --test trash --test export --test import \
  --test bulk --test bulk_rows --test facets --test dashboard --test roles -- --include-ignored

# The browser tests run against what users run: the release build exactly as
# scripts/run.sh makes it (optimised wasm bundle, wasm-opt, precompressed
# files), so a bundle that does not hydrate fails here, not on a user's
# machine. Every test fails on any error in the page or its console.
say "release build (as scripts/run.sh makes it)"
# cargo-leptos reads LEPTOS_* as settings: build with none, as run.sh does.
unset "${leptos_env[@]%%=*}"
roster_release_build

say "browser tests on the release build (Chromium, JavaScript on and off)"
e2e_log="$target_dir/e2e-server.log"
rm -f "$e2e_log"
(cd end2end && ROSTER_BIN="$target_dir/release/roster" LEPTOS_SITE_ROOT="$root/target/site" \
  ROSTER_E2E_LOG="$e2e_log" ./node_modules/.bin/playwright test)

say "no password the browser tests typed is in their server's debug-level log"
grep -q 'answered' "$e2e_log" || { echo "no access lines in $e2e_log: the log is not the server's" >&2; exit 1; }
# The passwords in end2end/tests (sign-in, registration, a wrong one).
for secret in "e2e admin password" "a long enough password" "certainly not the password" "not the password"; do
  if grep -qF "$secret" "$e2e_log"; then
    echo "the server logged a password the tests typed (see $e2e_log)" >&2
    exit 1
  fi
done
echo "$(wc -l <"$e2e_log") log lines, none with a password"

say "all tests passed in $(( $(date +%s) - started )) s"
