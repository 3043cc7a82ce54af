#!/usr/bin/env bash
# Concurrent writers, bounded in time, on loopback only: 50 clients create,
# edit, comment, enrol and delete for 30 s against one Roster server on
# SQLite, then one on PostgreSQL, then two on one PostgreSQL database (the
# tests in server/tests/stress.rs, run longer). Each run holds when no
# answer was a 5xx, no log says "database is locked", every acknowledged
# create is still there and every kept counter equals a fresh count. The
# crash, SIGTERM and backup tests (server/tests/durability.rs) follow.
#
#   scripts/stress.sh [--seconds N] [--clients N] [--no-postgres]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
clients=50
postgres=true
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --no-postgres) postgres=false; shift ;;
    *) echo "usage: stress.sh [--seconds N] [--clients N] [--no-postgres]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh --test
source scripts/toolchain.sh
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
export STRESS_SECONDS="$seconds" STRESS_CLIENTS="$clients" RUST_BACKTRACE=0
# The same build settings as scripts/test.sh, so that its build is reused.
export LEPTOS_OUTPUT_NAME=roster LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt

say "building the server and the load (debug build, as the tests use)"
cargo test -p roster --test stress --test durability --no-run 2>&1 | tail -n 1

say "$clients clients for $seconds s, one server, SQLite"
cargo test -q -p roster --test stress -- --nocapture --test-threads 1

if [ "$postgres" = true ]; then
  bash scripts/postgres.sh start
  say "$clients clients for $seconds s, one server and then two servers, one PostgreSQL database"
  TEST_DATABASE_URL="$(bash scripts/postgres.sh url)" \
    cargo test -q -p roster --test stress -- --nocapture --test-threads 1
fi

say "kill -9 during writes (5 rounds), SIGTERM under load, backup under load and restore"
cargo test -q -p roster --test durability -- --nocapture --test-threads 1
