#!/usr/bin/env bash
# Set everything up, then serve the seeded atlas on http://127.0.0.1:5000 (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/flask --app app run --host 127.0.0.1 --port "${PORT:-5000}"
