#!/usr/bin/env bash
# Set up (as scripts/setup.sh does), then run the benchmark suite and print its table
# (also written under bench/results/). Installs Debian's wrk and chromium with apt-get
# when they are missing (as root). Arguments go to `python -m bench` (for example
# --quick, --smoke, --sizes 10x100,1000x10000); --no-setup skips scripts/setup.sh on a
# working copy that is set up already.
set -euo pipefail
cd "$(dirname "$0")/.."

setup=1
args=()
for arg in "$@"; do
  if [ "$arg" = "--no-setup" ]; then setup=0; else args+=("$arg"); fi
done

need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Missing Debian packages: run 'sudo apt-get install -y ${need_apt[*]}' and try again." >&2
    exit 1
  fi
fi
[ "$setup" = 1 ] && bash scripts/setup.sh

exec .venv/bin/python -m bench ${args[@]+"${args[@]}"}
