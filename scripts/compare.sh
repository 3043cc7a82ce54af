#!/usr/bin/env bash
# Compares release builds of `roster` on this machine, whose speed drifts too
# much for runs one after another to show a 5% change: all servers run at
# once on one seeded database and take turns, one second of wrk load each,
# and the figure that counts is the server's CPU time per request.
#
#   scripts/compare.sh [--rounds N] [--students N] [--path PATH] BINARY BINARY...
#
# Example: keep a copy of target/release/roster, change something, rebuild
# (`cargo leptos build --release --server-only`), then compare the two.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=15
students=100000
path=/
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --students) students="$2"; shift 2 ;;
    --path) path="$2"; shift 2 ;;
    -*) echo "usage: compare.sh [--rounds N] [--students N] [--path PATH] BINARY..." >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: compare.sh [--rounds N] [--students N] [--path PATH] BINARY..." >&2; exit 2; }
command -v wrk >/dev/null || bash scripts/setup.sh --bench

site="$(pwd)/target/site"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

db="sqlite://$work/compare.db"
password="compare password 0123"
DATABASE_URL="$db" "$1" seed --count "$students" >/dev/null
printf '%s\n' "$password" |
  DATABASE_URL="$db" RUST_LOG=warn "$1" user create --username compare --email compare@example.com >/dev/null

urls=(); cookies=(); reqs=(); ticks=()
for i in $(seq 0 $(($# - 1))); do
  bin="${@:$((i + 1)):1}"
  url="http://127.0.0.1:$((3600 + i))"
  DATABASE_URL="$db" LEPTOS_SITE_ROOT="$site" LEPTOS_SITE_ADDR="${url#http://}" RUST_LOG=warn \
    "$bin" serve >"$work/server$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fs "$url/healthz" >/dev/null && break; sleep 0.1; done
  cookie="$(curl -fs -o /dev/null -D - -H "Origin: $url" \
    --data-urlencode "login=compare" --data-urlencode "password=$password" "$url/login/" |
    tr -d '\r' | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')"
  [ -n "$cookie" ] || { echo "$bin: could not sign in" >&2; cat "$work/server$i.log" >&2; exit 1; }
  urls+=("$url"); cookies+=("$cookie"); reqs+=(0); ticks+=(0)
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for _ in $(seq 1 "$rounds"); do
  for i in "${!urls[@]}"; do
    before="$(cpu_ticks "${pids[$i]}")"
    done_now="$(wrk -t2 -c16 -d1s -H "Cookie: ${cookies[$i]}" "${urls[$i]}$path" | awk '/requests in/ {print $1}')"
    after="$(cpu_ticks "${pids[$i]}")"
    reqs[$i]=$((reqs[$i] + done_now))
    ticks[$i]=$((ticks[$i] + after - before))
  done
done

tick_us=$((1000000 / $(getconf CLK_TCK)))
printf '%-40s %12s %16s\n' "binary ($path, $students students)" "requests/s" "CPU µs/request"
for i in "${!urls[@]}"; do
  printf '%-40s %12d %16d\n' "${@:$((i + 1)):1}" $((reqs[i] / rounds)) $((ticks[i] * tick_us / reqs[i]))
done
