#!/usr/bin/env bash
# Roster's speed and memory figures: seeds fresh SQLite databases, starts the
# release server, drives it with wrk over loopback and prints what it saw.
#
#   scripts/bench.sh [--duration SECONDS] [--connections N] [--no-peer] [--no-build]
#                    [--only export|sheet|bulk|reports]
#
# Part 1 compares lists on equal work with the Flask tutorial app
# (../shared/peers/flask-students), which renders every row it has: 100
# rows there against 100-row pages here, taking turns in one run (this
# machine's speed drifts too much for runs one after another), with and
# without compression; then first and repeat visits in Chromium on an
# emulated slow network. Part 2 is Roster alone on large databases. Part 3
# downloads a list of 1,000,000 students as CSV and as Excel: time to the
# first byte, rows a second, and how much the server's memory grows; then
# imports the first 10,000 rows of that file (a dry run) and the first
# 100,000 (preview and apply) into an empty database with `roster import`.
#
# `--only bulk` runs the bulk actions' figures alone: 10,000 pets (every
# one the list matches) moved to another category in one action, undone,
# deleted into the trash in one action, undone; 10,000 students enrolled in
# a course in one action, undone, enrolled again, their grades set from the
# course's page, undone, unenrolled, undone; each one POST, timed.
# `--only sheet` runs the grade sheet's figures alone: a course with 1,000
# students (enrolled by a class list import), its sheet opened under load
# and saved with every grade changed.
# `--only reports` runs the reports' figures alone on part 2's large
# database: the dashboard, a course's page with its statistics and 1,000
# enrolled (a class list import), a student's transcript, and the course's
# 1,000 transcripts on one page.
#
# Figures, not pass/fail: compare them with the targets in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

duration=8
connections=16
peer=true
build=true
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --no-peer) peer=false; shift ;;
    --no-build) build=false; shift ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: bench.sh [--duration SECONDS] [--connections N] [--no-peer] [--no-build] [--only export|sheet|bulk|reports]" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh --test --bench
source scripts/toolchain.sh
target_dir="${CARGO_TARGET_DIR:-$root/target}"

if [ "$build" = true ]; then
  echo "==> cargo leptos build --release"
  roster_release_build 2>&1 | tail -n 3
fi
bin="$target_dir/release/roster"
site="$root/target/site"

work="$(mktemp -d)"
port=3300
peer_port=3301
server_pid=""
peer_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$peer_pid" ] && kill -- -"$peer_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # $1: URL
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "nothing answers at $1" >&2
  return 1
}

start_server() { # $1: database file
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  # RUST_BACKTRACE=0 as in production: the first backtrace printed loads
  # the binary's symbols, tens of megabytes that would count as the
  # server's memory (a panic is reported below either way).
  DATABASE_URL="sqlite://$1" LEPTOS_SITE_ROOT="$site" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
    RUST_BACKTRACE=0 "$bin" serve >>"$work/server.log" 2>&1 &
  server_pid=$!
  wait_for "http://127.0.0.1:$port/healthz" || { cat "$work/server.log" >&2; exit 1; }
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

# One wrk run; sets rps, p50, p99, errors.
measure() { # $1: seconds, rest: wrk arguments
  local seconds="$1"; shift
  local out
  out="$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")"
}

row() { printf '%-40s %12s %9s %9s %8s\n' "$@"; }
header() { printf '\n'; row "endpoint" "requests/s" "p50" "p99" "errors"; }

run() { # $1: label, rest: wrk arguments
  local label="$1"; shift
  measure "$duration" "$@"
  row "$label" "$rps" "$p50" "$p99" "$errors"
  note_rss
}

url="http://127.0.0.1:$port"
password="bench password 0123"
# Records need a session: one account per database, signed in once.
prepare() { # $1: database file, rest: seed arguments
  local db="$1"; shift
  DATABASE_URL="sqlite://$db" "$bin" seed "$@" >/dev/null
  printf '%s\n' "$password" |
    DATABASE_URL="sqlite://$db" RUST_LOG=warn "$bin" user create --username bench --email bench@example.com --admin >/dev/null
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
# Adds `$2` comments to pet `$1` through the form, as the signed-in user.
comment_on() {
  for i in $(seq 1 "$2"); do
    curl -fs -o /dev/null -H "Cookie: $cookie" -H "Origin: $url" \
      --data-urlencode "body=Comment $i: fed, walked and brushed." "$url/pets/$1/comments/"
  done
}
# The bytes of one answer to `$1` with `$2` as Accept-Encoding (none if empty).
bytes_of() {
  curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $cookie" ${2:+-H "Accept-Encoding: $2"} "$1"
}

# A course's grade sheet ($1: its id): opened under load, then saved once
# with every row's grade changed (one POST, as a browser sends the form).
grade_sheet() {
  run "/courses/$1/grades/ (grade sheet, $2 rows)" -H "Cookie: $cookie" "$url/courses/$1/grades/"
  local form status
  form="$(curl -s -H "Cookie: $cookie" "$url/courses/$1/grades/" |
    grep -o 'name="\(was\|version\)-[0-9]*" value="[^"]*"' |
    sed -E 's/name="(was|version)-([0-9]*)" value="([^"]*)"/\1-\2=\3/' | tr '\n' '&')"
  form="$form$(printf '%s' "$form" | grep -o 'version-[0-9]*' | sed -E 's/version-([0-9]*)/grade-\1=64/' | tr '\n' '&')"
  status="$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $cookie" -H "Origin: $url" \
    --data "$form" "$url/courses/$1/grades/")"
  echo "grade sheet saved ($2 grades changed, one POST): ${status#* } s (HTTP ${status%% *})"
}

# One bulk action on every pet ($1: the action, $2: its extra fields),
# timed; sets `batch`.
# One bulk action on every record the list at $1 shows, posted to $2 with
# action $3 and more fields $4 ("&category=Cat"); $5 records, labelled $6.
# The history mark is the list's bulk form's own (rows may hold forms with
# versions of their own before it); awk reads to the end, so that nothing
# upstream dies of a closed pipe.
bulk_on() {
  local version out
  version="$(curl -s -H "Cookie: $cookie" "$url$1" | tr '<' '\n' |
    awk '/^form id="bulk-/ {f = 1} f && !done && /name="version"/ {print; done = 1}' | grep -o '[0-9]*' | tail -1)"
  out="$(curl -s -o /dev/null -w '%{http_code} %{time_total} %{redirect_url}' -H "Cookie: $cookie" -H "Origin: $url" \
    --data "action=$3&scope=all&query=&count=$5&version=$version$4" "$url$2")"
  batch="$(grep -o '/bulk/[0-9]*/' <<<"$out" | grep -o '[0-9]*' || true)"
  echo "$6: $(cut -d' ' -f2 <<<"$out") s (HTTP $(cut -d' ' -f1 <<<"$out"))"
}
bulk_pets() { bulk_on /pets/ /bulk/pets/ "$@"; }
undo_batch() {
  local out
  out="$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $cookie" -H "Origin: $url" \
    --data "" "$url/bulk/$batch/undo/")"
  echo "$1: ${out#* } s (HTTP ${out%% *})"
}

if [ "$only" = bulk ]; then
  db_bulk="$work/bulk.db"
  prepare "$db_bulk" --count 10000 --handlers 100 --pets 10000
  start_server "$db_bulk"
  sign_in
  echo
  bulk_pets "set:category" "&category=Bulkcat" 10000 "10,000 pets' category set (one action)"
  undo_batch "  undone"
  bulk_pets "delete" "" 10000 "10,000 pets deleted into the trash (one action)"
  undo_batch "  undone (all back from the trash)"
  curl -s -o /dev/null -H "Cookie: $cookie" -H "Origin: $url" \
    --data "code=BULK-1&title=Everyone&capacity=" "$url/courses/create/"
  course="$(DATABASE_URL="sqlite://$db_bulk" RUST_LOG=warn "$bin" export courses --query q=BULK-1 |
    tail -n +2 | cut -d, -f1)"
  bulk_on / /bulk/students/ "set:course_id" "&course_id=$course" 10000 \
    "10,000 students enrolled in a course (one action)"
  undo_batch "  undone"
  bulk_on / /bulk/students/ "set:course_id" "&course_id=$course" 10000 "  enrolled again"
  class="/courses/$course/students/bulk/"
  bulk_on "/courses/$course/" "$class" "set:grade" "&grade=75" 10000 \
    "10,000 grades set from the course's page (one action)"
  undo_batch "  undone"
  bulk_on "/courses/$course/" "$class" "delete" "" 10000 "10,000 students unenrolled (one action)"
  undo_batch "  undone (each back with its id, day and grade)"
  exit 0
fi

# A course `$2` with 1,000 students of database `$1` in it, taken evenly
# across the table as a real class's are (not the first 1,000, whose rows
# sit side by side), enrolled by a class list import (with a grade each);
# sets `course_id`. awk reads the export to its end: a reader that stops
# early breaks its pipe.
class_of_1000() {
  local class="$work/class-$2.csv"
  echo "course_code,student_email,grade" > "$class"
  DATABASE_URL="sqlite://$1" RUST_LOG=warn "$bin" export students --query sort=joined |
    awk -F, -v c="$2" 'NR > 1 {email[NR - 1] = $4}
      END {n = NR - 1; step = int(n / 1000); for (i = 1; i <= 1000; i++) print c "," email[(i - 1) * step + 1] "," (i * 37) % 101}' >> "$class"
  curl -s -o /dev/null -H "Cookie: $cookie" -H "Origin: $url" \
    --data "code=$2&title=Everyone&capacity=" "$url/courses/create/"
  DATABASE_URL="sqlite://$1" RUST_LOG=warn "$bin" import enrolments "$class" >/dev/null
  course_id="$(DATABASE_URL="sqlite://$1" RUST_LOG=warn "$bin" export courses --query "q=$2" |
    tail -n +2 | cut -d, -f1)"
}

if [ "$only" = sheet ]; then
  db_sheet="$work/sheet.db"
  prepare "$db_sheet" --count 1000 --courses 1
  start_server "$db_sheet"
  sign_in
  class_of_1000 "$db_sheet" SHEET-1
  header
  grade_sheet "$course_id" 1000
  exit 0
fi

# The reports on the large database (see `--only reports`).
reports() { # $1: the database
  class_of_1000 "$1" REPORT-1
  local student
  student="$(DATABASE_URL="sqlite://$1" RUST_LOG=warn "$bin" export students --query sort=joined |
    sed -n 2p | cut -d, -f1)"
  run "/dashboard/ (totals, months, fullest, grades, latest changes)" -H "Cookie: $cookie" "$url/dashboard/"
  run "/courses/$course_id/ (statistics, 1,000 enrolled)" -H "Cookie: $cookie" "$url/courses/$course_id/"
  run "/$student/transcript/" -H "Cookie: $cookie" "$url/$student/transcript/"
  run "/courses/$course_id/transcripts/ (1,000 students)" -H "Cookie: $cookie" "$url/courses/$course_id/transcripts/"
}
seed_large() { # $1: the database
  echo
  echo "==> seeding 100,000 students, 10,000 handlers, 100,000 pets, 200,000 comments, 1,000 courses, 300,000 enrolments, 1,000,000 history entries"
  local started
  started=$(date +%s.%N)
  prepare "$1" --count 100000 --handlers 10000 --pets 100000 --comments 200000 \
    --courses 1000 --enrolments 300000 --history 1000000
  printf 'seeded in %.1f s\n' "$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {print e - s}')"
}

if [ "$only" = reports ]; then
  db_large="$work/large.db"
  seed_large "$db_large"
  start_server "$db_large"
  sign_in
  header
  reports "$db_large"
  exit 0
fi

if [ "$only" != export ]; then
# --- Part 1: lists on equal work, beside the Flask tutorial app -------------
db_small="$work/small.db"
prepare "$db_small" --count 100 --handlers 100 --pets 100 --courses 100 --enrolments 300
start_server "$db_small"
sign_in
pet=1
comment_on "$pet" 50
# Student 50 in 8 courses (those it is not in yet, through the form).
enrol_in_courses() { # $1: student, $2: how many
  local n=0 course
  for course in $(seq 1 100); do
    [ "$n" -ge "$2" ] && break
    status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" -H "Origin: $url" \
      --data "student_id=$1&course_id=$course" "$url/$1/enrol/")"
    [ "$status" = 303 ] && n=$((n + 1))
  done
}

if [ "$peer" = true ]; then
  echo "==> the Flask tutorial app with 100 students (../shared/peers/flask-students)"
  setsid bash ../shared/peers/flask-students/serve.sh "$peer_port" 100 >"$work/peer.log" 2>&1 &
  peer_pid=$!
  wait_for "http://127.0.0.1:$peer_port/" || { cat "$work/peer.log" >&2; exit 1; }
fi

# Takes turns between Roster and the peer, $rounds bursts each, and prints
# both and their ratio.
rounds=4
versus() { # $1: label, $2: Roster URL, $3: peer URL, $4: Accept-Encoding ("" for none)
  local label="$1" ours="$2" theirs="$3" enc="$4"
  local our_sum=0 their_sum=0 burst=$(( (duration + rounds - 1) / rounds ))
  local enc_args=()
  [ -n "$enc" ] && enc_args=(-H "Accept-Encoding: $enc")
  for _ in $(seq 1 "$rounds"); do
    measure "$burst" -H "Cookie: $cookie" "${enc_args[@]}" "$ours"
    our_sum="$(awk -v a="$our_sum" -v b="$rps" 'BEGIN {print a + b}')"
    note_rss
    if [ "$peer" = true ]; then
      measure "$burst" "${enc_args[@]}" "$theirs"
      their_sum="$(awk -v a="$their_sum" -v b="$rps" 'BEGIN {print a + b}')"
    fi
  done
  local ours_rps theirs_rps ratio
  ours_rps="$(awk -v s="$our_sum" -v n="$rounds" 'BEGIN {printf "%.0f", s / n}')"
  if [ "$peer" = true ]; then
    theirs_rps="$(awk -v s="$their_sum" -v n="$rounds" 'BEGIN {printf "%.0f", s / n}')"
    ratio="$(awk -v a="$ours_rps" -v b="$theirs_rps" 'BEGIN {printf "%.1f×", a / b}')"
  else
    theirs_rps="-" ratio="-"
  fi
  printf '%-46s %10s %10s %8s %9s\n' "$label" "$ours_rps" "$theirs_rps" "$ratio" \
    "$(( $(bytes_of "$ours" "$enc") / 1024 )) KB"
}

printf '\n%-46s %10s %10s %8s %9s\n' "100 rows rendered (requests/s)" "Roster" "Flask" "ratio" "page"
for enc in "" "gzip, br"; do
  note="${enc:+, compressed}"
  versus "students /?per=100${note}" "$url/?per=100" "http://127.0.0.1:$peer_port/" "$enc"
  versus "handlers /handlers/?per=100${note}" "$url/handlers/?per=100" "http://127.0.0.1:$peer_port/" "$enc"
  versus "pets /pets/?per=100${note}" "$url/pets/?per=100" "http://127.0.0.1:$peer_port/" "$enc"
  versus "courses /courses/?per=100${note}" "$url/courses/?per=100" "http://127.0.0.1:$peer_port/" "$enc"
  versus "one student /50/${note}" "$url/50/" "http://127.0.0.1:$peer_port/1/" "$enc"
done
[ -n "$peer_pid" ] && kill -- -"$peer_pid" 2>/dev/null; peer_pid=""

header
enrolled_before="$(curl -s -H "Cookie: $cookie" "$url/50/" | grep -o 'href="/courses/[0-9]*/"' | sort -u | wc -l)"
enrol_in_courses 50 $(( 8 - enrolled_before ))
run "/50/ (a student in 8 courses)" -H "Cookie: $cookie" "$url/50/"
run "/pets/$pet/ (50 comments)" -H "Cookie: $cookie" "$url/pets/$pet/"
run "/pets/$pet/ (50 comments, compressed)" -H "Cookie: $cookie" -H "Accept-Encoding: gzip, br" "$url/pets/$pet/"
run "POST /create/ (no JS)" -s "$work/create.lua" "$url"
css="$(awk -F': *' '$1 == "css" {print $2}' "$target_dir/release/hash.txt" 2>/dev/null || true)"
css_path="/pkg/roster${css:+.$css}.css"
run "$css_path (br)" -H "Accept-Encoding: gzip, br" "$url$css_path"
page_rss_kb=$peak_rss_kb

# How soon pages answer a person on a slow network (Chromium, 100 ms round
# trip, 12 Mbit/s): a first visit (cache disabled) and a repeat visit, from
# navigation to the hydration marker, with the requests and bytes.
echo
echo "==> first and repeat visits in Chromium (100 ms round trip, 12 Mbit/s; median of 5)"
(cd end2end && node bench/first-visit.mjs "$url" bench "$password" 5)

# --- Part 2: large databases --------------------------------------------------
db_large="$work/large.db"
seed_large "$db_large"
start_server "$db_large"
sign_in
comment_on 777 50
header
run "/ (100,000 students)" -H "Cookie: $cookie" "$url/"
run "/?sort=name&page=2500" -H "Cookie: $cookie" "$url/?sort=name&page=2500"
run "/?q=garcía (search, no index)" -H "Cookie: $cookie" "$url/?q=garc%C3%ADa"
run "/handlers/ (10,000, pet counts)" -H "Cookie: $cookie" "$url/handlers/"
run "/handlers/?sort=-pets" -H "Cookie: $cookie" "$url/handlers/?sort=-pets"
run "/pets/ (100,000)" -H "Cookie: $cookie" "$url/pets/"
run "/pets/?category=dog (100,000)" -H "Cookie: $cookie" "$url/pets/?category=dog"
run "/pets/777/ (50+ comments)" -H "Cookie: $cookie" "$url/pets/777/"
run "/pets/create/ (10,000 handlers)" -H "Cookie: $cookie" "$url/pets/create/"
run "/pets/777/edit/ (10,000 handlers)" -H "Cookie: $cookie" "$url/pets/777/edit/"
run "/courses/ (1,000 courses, 300,000 enrolments)" -H "Cookie: $cookie" "$url/courses/"
run "/activity/ (1,000,000 entries)" -H "Cookie: $cookie" "$url/activity/"
run "/activity/?kind=pet" -H "Cookie: $cookie" "$url/activity/?kind=pet"
run "/activity/?page=100" -H "Cookie: $cookie" "$url/activity/?page=100"
run "/1/history/ (1,000 entries)" -H "Cookie: $cookie" "$url/1/history/"
run "/trash/" -H "Cookie: $cookie" "$url/trash/"
# A course with 1,000 students, enrolled through the form.
big="$(curl -s -o /dev/null -w '%{redirect_url}' -H "Cookie: $cookie" -H "Origin: $url" \
  --data "code=BIG-1000&title=Everyone&capacity=" "$url/courses/create/" | grep -o '/courses/[0-9]*/' | grep -o '[0-9]*')"
for s in $(seq 1 1000); do
  curl -s -o /dev/null -H "Cookie: $cookie" -H "Origin: $url" \
    --data "course_id=$big&student_id=$s" "$url/courses/$big/enrol/"
done
run "/courses/$big/ (1,000 enrolled, paged)" -H "Cookie: $cookie" "$url/courses/$big/"
run "/courses/$big/?sort=name&page=40" -H "Cookie: $cookie" "$url/courses/$big/?sort=name&page=40"
grade_sheet "$big" 1000
reports "$db_large"

echo
echo "server peak RSS: $((page_rss_kb / 1024)) MB under the page and form load (part 1)," \
  "$((peak_rss_kb / 1024)) MB over the whole run (large searches fill SQLite's caches)"
fi

# --- Part 3: a list of a million rows as a file ------------------------------
db_export="$work/export.db"
echo
echo "==> seeding 1,000,000 students for the downloads"
prepare "$db_export" --count 1000000
start_server "$db_export"
sign_in
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
# The server's memory sampled every 20 ms while a download runs: its peak.
download() { # $1: format; prints seconds to the first byte and in all, bytes
  local sampler
  (
    peak=0
    while kill -0 "$server_pid" 2>/dev/null; do
      kb="$(rss_kb)"
      [ "$kb" -gt "$peak" ] && peak="$kb" && echo "$peak" >"$work/rss_peak"
      sleep 0.02
    done
  ) &
  sampler=$!
  curl -fs -o "$work/download.$1" -w '%{time_starttransfer} %{time_total} %{size_download}' \
    -H "Cookie: $cookie" "$url/?sort=name&format=$1"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
}
printf '\n%-10s %10s %12s %10s %12s %14s\n' "format" "rows" "first byte" "total" "rows/s" "memory growth"
for format in csv xlsx; do
  rm -f "$work/rss_peak"
  before="$(rss_kb)"
  read -r first total bytes <<<"$(download "$format")"
  peak="$(cat "$work/rss_peak" 2>/dev/null || echo "$before")"
  if [ "$format" = csv ]; then
    rows=$(($(tr -cd '\n' <"$work/download.csv" | wc -c) - 1))
  else
    rows="$(python3 -c 'import re, sys, zipfile
sheet = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml")
print(len(re.findall(rb"<row ", sheet)) - 1)' "$work/download.xlsx")"
  fi
  printf '%-10s %10d %10.3f s %8.1f s %12.0f %11d MB\n' "$format" "$rows" "$first" "$total" \
    "$(awk -v r="$rows" -v t="$total" 'BEGIN {print r / t}')" $(((peak - before) / 1024))
done

# Imports, through the command line (the same code as /import/).
head -n 10001 "$work/download.csv" >"$work/import-10k.csv"
head -n 100001 "$work/download.csv" >"$work/import-100k.csv"
db_import="$work/import.db"
DATABASE_URL="sqlite://$db_import" RUST_LOG=warn "$bin" migrate >/dev/null
timed() { # $1: label, rest: roster arguments
  local label="$1" started out
  shift
  started=$(date +%s.%N)
  out="$(DATABASE_URL="sqlite://$db_import" RUST_LOG=warn "$bin" "$@")"
  printf '%-44s %6.2f s   %s\n' "$label" "$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {print e - s}')" \
    "$(head -n1 <<<"$out")"
}
echo
timed "preview 10,000 students (--dry-run)" import students "$work/import-10k.csv" --dry-run
timed "import 100,000 students (preview + apply)" import students "$work/import-100k.csv"
# A figure from a server that panicked is no figure: say so.
panics="$(grep -c 'panicked' "$work/server.log" || true)"
if [ "$panics" -gt 0 ]; then
  echo "WARNING: the server panicked $panics times during the run; the first:"
  grep -m1 -A1 'panicked' "$work/server.log"
else
  echo "server log: no panics"
fi
size_of() { # $1: files; prints raw, gzip and brotli KB
  local raw=0 gz=0 br=0 f
  for f in $1; do
    raw=$((raw + $(stat -c %s "$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
    br=$((br + $(brotli -q 11 -c "$f" | wc -c)))
  done
  printf '%d KB raw, %d KB gzip, %d KB brotli (%d bytes)' $((raw / 1024)) $((gz / 1024)) $((br / 1024)) "$br"
}
# The newest build's files only: older hashed files stay in the folder.
wasm="$(ls -t "$site"/pkg/roster.*.wasm | head -1)"
printf 'wasm bundle (every page) %s: %s\n' "$(basename "$wasm")" "$(size_of "$wasm")"
