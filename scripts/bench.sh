#!/usr/bin/env bash
# Roster's speed and memory figures: seeds a fresh SQLite database, starts the
# release server, drives it with wrk over loopback and prints what it saw.
#
#   scripts/bench.sh [--duration SECONDS] [--connections N]
#
# Figures, not pass/fail: compare them with the targets in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

duration=10
connections=16
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "usage: bench.sh [--duration SECONDS] [--connections N]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh --bench
source scripts/toolchain.sh
roster_release_wasm_flags
target_dir="${CARGO_TARGET_DIR:-$root/target}"

echo "==> cargo leptos build --release"
cargo leptos build --release --precompress --split "${ROSTER_LIB_CARGO_ARGS[@]}" 2>&1 | tail -n 3
bin="$target_dir/release/roster"
site="$root/target/site"

work="$(mktemp -d)"
port=3300
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

start_server() { # $1: database file
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  DATABASE_URL="sqlite://$1" LEPTOS_SITE_ROOT="$site" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
    "$bin" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
}

peak_rss_kb=0
note_rss() {
  local kb
  kb="$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")"
  [ "$kb" -gt "$peak_rss_kb" ] && peak_rss_kb="$kb"
  return 0
}

cat >"$work/create.lua" <<'LUA'
-- Each request adds a new student with an email no other request uses.
local counter = 0
local tag = tostring(os.time()) .. tostring(math.random(1000000))
function setup(thread)
  thread:set("tid", tostring(math.random(1000000000)))
end
local cookie = os.getenv("ROSTER_BENCH_COOKIE")
local origin = os.getenv("ROSTER_BENCH_ORIGIN")
request = function()
  counter = counter + 1
  local body = "firstname=Bench&lastname=Mark&age=30&bio=load+test&email=b" ..
    tid .. "." .. tag .. "." .. counter .. "%40example.com"
  return wrk.format("POST", "/create/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "text/html",
    ["Cookie"] = cookie,
    ["Origin"] = origin,
  }, body)
end
LUA

printf '\n%-34s %12s %9s %9s %8s\n' "endpoint" "requests/s" "p50" "p99" "errors"
run() { # $1: label, rest: wrk arguments
  local label="$1"; shift
  local out
  out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@")"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")"
  printf '%-34s %12s %9s %9s %8s\n' "$label" "$rps" "$p50" "$p99" "$errors"
  note_rss
}

url="http://127.0.0.1:$port"
password="bench password 0123"
# Records need a session: one account per database, signed in once.
prepare() { # $1: database file, $2: students to seed
  DATABASE_URL="sqlite://$1" "$bin" seed --count "$2"
  printf '%s\n' "$password" |
    DATABASE_URL="sqlite://$1" RUST_LOG=warn "$bin" user create --username bench --email bench@example.com >/dev/null
}
sign_in() {
  cookie="$(curl -fs -o /dev/null -D - -H "Origin: $url" \
    --data-urlencode "login=bench" --data-urlencode "password=$password" "$url/login/" |
    tr -d '\r' | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')"
  [ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }
  # A signed-in page must answer 200, or the figures would measure redirects.
  local status
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url/")"
  [ "$status" = 200 ] || { echo "signed-in page answered $status" >&2; exit 1; }
  export ROSTER_BENCH_COOKIE="$cookie" ROSTER_BENCH_ORIGIN="$url"
}

db_small="$work/small.db"
prepare "$db_small" 100 >/dev/null
start_server "$db_small"
sign_in
run "/ (100 students)" -H "Cookie: $cookie" "$url/"
run "/{id}/" -H "Cookie: $cookie" "$url/50/"
run "POST /create/ (no JS)" -s "$work/create.lua" "$url"
css="$(awk -F': *' '$1 == "css" {print $2}' "$target_dir/release/hash.txt" 2>/dev/null || true)"
css_path="/pkg/roster${css:+.$css}.css"
run "$css_path (br)" -H "Accept-Encoding: gzip, br" "$url$css_path"
page_rss_kb=$peak_rss_kb

db_large="$work/large.db"
echo
prepare "$db_large" 100000
start_server "$db_large"
sign_in
run "/ (100,000 students)" -H "Cookie: $cookie" "$url/"
run "/?sort=name&page=2500" -H "Cookie: $cookie" "$url/?sort=name&page=2500"
run "/?q=garcía (search)" -H "Cookie: $cookie" "$url/?q=garc%C3%ADa"

echo
echo "server peak RSS: $((page_rss_kb / 1024)) MB under the page and form load (100 students)," \
  "$((peak_rss_kb / 1024)) MB over the whole run (100,000-row searches fill SQLite's caches)"
size_of() { # $1: files; prints raw, gzip and brotli KB
  local raw=0 gz=0 br=0 f
  for f in $1; do
    raw=$((raw + $(stat -c %s "$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
    br=$((br + $(brotli -q 11 -c "$f" | wc -c)))
  done
  printf '%d KB raw, %d KB gzip, %d KB brotli' $((raw / 1024)) $((gz / 1024)) $((br / 1024))
}
wasm="$(ls "$site"/pkg/roster.*.wasm | head -1)"
printf 'hydration wasm %s: %s\n' "$(basename "$wasm")" "$(size_of "$wasm")"
chunks="$(ls "$site"/pkg/chunk_*.wasm "$site"/pkg/split_*.wasm 2>/dev/null || true)"
if [ -n "$chunks" ]; then
  printf 'lazy chunks (%d files, loaded with the pages that need them): %s\n' \
    "$(wc -w <<<"$chunks")" "$(size_of "$chunks")"
fi