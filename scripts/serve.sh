#!/usr/bin/env bash
# Set everything up, then serve the seeded atlas on http://127.0.0.1:5000 (SQLite).
# The migrations and the seed data (scripts/setup.sh) run once, before any worker
# starts; the application factory never migrates or seeds. ATLAS_WORKERS=N serves with
# gunicorn and N worker processes instead of Flask's development server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${ATLAS_WORKERS:-}" ]; then
  exec .venv/bin/gunicorn --workers "$ATLAS_WORKERS" --bind "127.0.0.1:${PORT:-5000}" \
    --access-logfile - 'app:create_app()'
fi
exec .venv/bin/flask --app app run --host 127.0.0.1 --port "${PORT:-5000}"
