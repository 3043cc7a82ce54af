#!/usr/bin/env bash
# A PostgreSQL server on loopback for the tests.
#   postgres.sh start   start the Debian cluster; create the `roster` role
#   postgres.sh url     print the admin URL the tests create databases with
set -euo pipefail
ROLE=roster
PASSWORD=roster-test-only
PORT="${PGPORT:-5432}"

case "${1:-}" in
  url)
    echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/postgres"
    ;;
  start)
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)"
    if [ -z "$version" ]; then
      echo "postgres.sh: no PostgreSQL cluster found (apt-get install postgresql)" >&2
      exit 1
    fi
    if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
      pg_ctlcluster "$version" main start
    fi
    for _ in $(seq 1 30); do
      pg_isready -q -h 127.0.0.1 -p "$PORT" && break
      sleep 0.5
    done
    run_psql() {
      if [ "$(id -u)" -eq 0 ]; then su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; else sudo -u postgres psql -v ON_ERROR_STOP=1 -qtAc "$1"; fi
    }
    if [ "$(run_psql "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
      run_psql "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
    fi
    ;;
  *)
    echo "usage: postgres.sh start|url" >&2
    exit 2
    ;;
esac
