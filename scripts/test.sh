#!/usr/bin/env bash
# Set everything up, then run every check: lint, types, and the whole test suite
# twice: against SQLite (the default), then against a throwaway PostgreSQL server on
# loopback. Real databases built through the migrations, real headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need_apt+=(postgresql)
# GDAL's ogrinfo reads the GeoJSON, KML and GPX downloads as a real consumer would.
command -v ogrinfo >/dev/null || need_apt+=(gdal-bin)
# wrk: the benchmarks' load test (tests/test_bench_smoke.py runs it for 1 s).
command -v wrk >/dev/null || need_apt+=(wrk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Missing Debian packages: run 'sudo apt-get install -y ${need_apt[*]}' and try again." >&2
    exit 1
  fi
fi
bash scripts/setup.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

echo "== the test suite against SQLite"
.venv/bin/python -m pytest "$@"

echo "== the test suite against PostgreSQL"
pg_bin=$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")
pg_data=$(mktemp -d)
pg_port=${ATLAS_PG_PORT:-55432}
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pg_data"
as_postgres "'$pg_bin/initdb' -D '$pg_data' -A trust -U postgres" >/dev/null
as_postgres "'$pg_bin/pg_ctl' -D '$pg_data' -o '-p $pg_port -c listen_addresses=127.0.0.1 -k /tmp' -l '$pg_data/log.txt' -w start" >/dev/null
trap 'as_postgres "\"$pg_bin/pg_ctl\" -D \"$pg_data\" -m fast -w stop" >/dev/null; rm -rf "$pg_data"' EXIT
ATLAS_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres" \
  .venv/bin/python -m pytest "$@"
