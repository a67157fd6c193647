#!/usr/bin/env bash
# Installs what the tests need (./setup.sh --no-demo --jupyter), checks the code style (ruff), validates the
# course's files (manifest, quizzes and keys, examples, notebooks) and runs the project's test suite.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --no-demo --jupyter  # the [jupyter] extra too: the tests run the README's Jupyter workflow
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,server,queue]"
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/python -m grader.course.check
exec .venv/bin/python -m pytest -q "$@"
