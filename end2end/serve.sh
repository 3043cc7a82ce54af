#!/usr/bin/env bash
# Starts Roster for the browser tests on a fresh SQLite database.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${ROSTER_BIN:-$root/target/debug/roster}"
site="${LEPTOS_SITE_ROOT:-$root/target/site}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export DATABASE_URL="sqlite://$data/e2e.db"
export LEPTOS_SITE_ROOT="$site"
export LEPTOS_SITE_ADDR="127.0.0.1:${ROSTER_E2E_PORT:-3100}"
"$bin" seed --sample
exec "$bin" serve
