#!/usr/bin/env bash
# Set everything up, then run every check: lint, types, and the whole test suite
# against SQLite (the default), then its database-dependent part against a throwaway
# PostgreSQL server on loopback. Real databases built through the migrations, real
# headless Chromium.
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

# The suite in parts (README, "The test suite"): every test on SQLite, then again on
# PostgreSQL those marked `database` (conftest.py deselects the others there). Each
# engine runs its tests in parallel (one pytest-xdist worker per core, whole modules
# per worker so that module fixtures are built once), then the `serial` tests alone.
workers=${ATLAS_TEST_WORKERS:-auto}
timings=()
run_part() {
  local name=$1
  shift
  echo "== $name"
  local began=$SECONDS status=0
  .venv/bin/python -m pytest "$@" || status=$?
  timings+=("$(printf '%-44s %4d s' "$name" $((SECONDS - began)))")
  # 5: the arguments given select no test of this part (e.g. -m browser, serial part).
  [ "$status" = 0 ] || [ "$status" = 5 ] || exit "$status"
}
report() {
  echo "== times"
  printf '%s\n' "${timings[@]}"
  echo "total (with set-up and checks)                 $SECONDS s"
}
trap report EXIT

# ATLAS_TEST_ENGINES=sqlite or =postgresql runs one engine's part alone.
engines=${ATLAS_TEST_ENGINES:-sqlite postgresql}
if [[ " $engines " == *" sqlite "* ]]; then
  run_part "SQLite, in parallel" -n "$workers" --dist loadscope --part parallel "$@"
  run_part "SQLite, serial tests" --part serial "$@"
fi
[[ " $engines " == *" postgresql "* ]] || exit 0

pg_bin=$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")
pg_data=$(mktemp -d)
pg_port=${ATLAS_PG_PORT:-55432}
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pg_data"
as_postgres "'$pg_bin/initdb' -D '$pg_data' -A trust -U postgres" >/dev/null
as_postgres "'$pg_bin/pg_ctl' -D '$pg_data' -o '-p $pg_port -c listen_addresses=127.0.0.1 -k /tmp' -l '$pg_data/log.txt' -w start" >/dev/null
trap 'as_postgres "\"$pg_bin/pg_ctl\" -D \"$pg_data\" -m fast -w stop" >/dev/null; rm -rf "$pg_data"; report' EXIT
export ATLAS_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres"
run_part "PostgreSQL (database tests), in parallel" -n "$workers" --dist loadscope --part parallel "$@"
run_part "PostgreSQL (database tests), serial tests" --part serial "$@"
