#!/usr/bin/env bash
# Installs what the tests need (./setup.sh --no-demo), checks the code style (ruff) and runs the
# project's test suite.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --no-demo
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
exec .venv/bin/python -m pytest -q "$@"
