#!/usr/bin/env bash
# Starts Roster for the browser tests on a fresh SQLite database.
set -euo pipefail
# With ROSTER_E2E_LOG, everything goes to that file, at debug level unless
# RUST_LOG says otherwise: scripts/test.sh searches it for the passwords
# the tests typed.
if [ -n "${ROSTER_E2E_LOG:-}" ]; then
  exec >>"$ROSTER_E2E_LOG" 2>&1
  export RUST_LOG="${RUST_LOG:-debug}"
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${ROSTER_BIN:-$root/target/release/roster}"
site="${LEPTOS_SITE_ROOT:-$root/target/site}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export DATABASE_URL="sqlite://$data/e2e.db"
export LEPTOS_SITE_ROOT="$site"
export LEPTOS_SITE_ADDR="127.0.0.1:${ROSTER_E2E_PORT:-3100}"
"$bin" seed --sample
# The account the student tests sign in as (tests/auth.setup.ts); the
# password arrives on standard input, as an operator would pipe it.
printf '%s\n' "${ROSTER_E2E_PASSWORD:-e2e admin password}" |
  "$bin" user create --admin --username e2e-admin --email e2e-admin@example.com
exec "$bin" serve
