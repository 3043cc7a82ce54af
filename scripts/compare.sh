#!/usr/bin/env bash
# Compares release builds of `roster` on this machine, whose speed drifts too
# much for runs one after another to show a 5% change: all servers run at
# once on one seeded database and take turns, one second of wrk load each,
# and the figure that counts is the server's CPU time per request.
#
#   scripts/compare.sh [--rounds N] [--students N] [--path PATH] BINARY BINARY...
#   scripts/compare.sh --post PATH BODY [--rounds N] BINARY BINARY...
#
# Example: keep a copy of target/release/roster, change something, rebuild
# (`cargo leptos build --release --server-only`), then compare the two.
#
# With --post, each request is a form POST (as a browser without JavaScript
# sends it) of BODY to PATH, `{n}` in either replaced by a number no other
# request of the run uses: `--post /create/ 'firstname=A&lastname=B&email=a{n}@x.org'`
# adds a student each time, `--post '/{n}/edit/' 'firstname=E&…&version=1'`
# edits seeded student n once. Each binary then has its own copy of the
# database, seeded by itself (an older binary may know fewer migrations).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=15
students=100000
path=/
post_body=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --students) students="$2"; shift 2 ;;
    --path) path="$2"; shift 2 ;;
    --post) path="$2"; post_body="$3"; shift 3 ;;
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

password="compare password 0123"
seed() { # $1: binary, $2: database URL
  DATABASE_URL="$2" "$1" seed --count "$students" >/dev/null
  printf '%s\n' "$password" |
    DATABASE_URL="$2" RUST_LOG=warn "$1" user create --username compare --email compare@example.com >/dev/null
}
db="sqlite://$work/compare.db"
[ -n "$post_body" ] || seed "$1" "$db"

# POSTs: each request's own {n} (a block of numbers per round and thread).
cat >"$work/post.lua" <<'LUA'
local threads, block = 0, 10000
function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
end
function init(args)
  n = tonumber(args[1]) + index * block
  path_pattern, body_pattern = args[2], args[3]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Origin"] = args[4]
end
function request()
  n = n + 1
  local path = string.gsub(path_pattern, "{n}", tostring(n))
  local body = string.gsub(body_pattern, "{n}", tostring(n))
  return wrk.format("POST", path, nil, body)
end
LUA

urls=(); cookies=(); reqs=(); ticks=()
for i in $(seq 0 $(($# - 1))); do
  bin="${@:$((i + 1)):1}"
  url="http://127.0.0.1:$((3600 + i))"
  if [ -n "$post_body" ]; then
    db="sqlite://$work/compare$i.db"
    seed "$bin" "$db"
  fi
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
refused=()
for i in "${!urls[@]}"; do refused+=(0); done
for round in $(seq 1 "$rounds"); do
  for i in "${!urls[@]}"; do
    before="$(cpu_ticks "${pids[$i]}")"
    if [ -n "$post_body" ]; then
      out="$(wrk -t2 -c16 -d1s -H "Cookie: ${cookies[$i]}" -s "$work/post.lua" "${urls[$i]}" -- \
        $(((round - 1) * 20000)) "$path" "$post_body" "${urls[$i]}")"
    else
      out="$(wrk -t2 -c16 -d1s -H "Cookie: ${cookies[$i]}" "${urls[$i]}$path")"
    fi
    after="$(cpu_ticks "${pids[$i]}")"
    done_now="$(awk '/requests in/ {print $1}' <<<"$out")"
    bad="$(awk '/Non-2xx or 3xx/ {print $NF}' <<<"$out")"
    reqs[$i]=$((reqs[$i] + done_now))
    refused[$i]=$((refused[$i] + ${bad:-0}))
    ticks[$i]=$((ticks[$i] + after - before))
  done
done

tick_us=$((1000000 / $(getconf CLK_TCK)))
method="${post_body:+POST }"
printf '%-40s %12s %16s %8s\n' "binary ($method$path, $students students)" "requests/s" "CPU µs/request" "refused"
for i in "${!urls[@]}"; do
  printf '%-40s %12d %16d %8d\n' "${@:$((i + 1)):1}" $((reqs[i] / rounds)) $((ticks[i] * tick_us / reqs[i])) "${refused[i]}"
done
