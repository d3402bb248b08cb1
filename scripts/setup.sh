#!/usr/bin/env bash
# Set up a working copy from nothing: a virtualenv with the atlas and its tools,
# the offline map assets from the npm registry, the database schema (through the
# migrations) and the seed data (every citation verified against its article).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
.venv/bin/python scripts/install_assets.py
# The interface's message catalogues (app/translations/*/LC_MESSAGES/messages.po).
.venv/bin/pybabel compile -d app/translations --statistics
.venv/bin/flask --app app db upgrade
.venv/bin/flask --app app seed
