#!/usr/bin/env bash
# Installs what the tests need, checks the code style (ruff), validates the course's files (manifest,
# quizzes and keys, examples, notebooks) and runs the project's test suite.
#
# What the tests need: the project with its [jupyter] extra (the tests run the README's Jupyter workflow),
# and the services they start for real, from the distribution's packages: PostgreSQL (the gradebook on a
# server, in a temporary folder), Redis (the grading queue) and Chromium (the course server's pages, in a
# headless browser driven by Playwright; never a downloaded browser). Installed with apt when missing.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing ${missing[*]} (apt)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "warning: ${missing[*]} missing and cannot be installed here (needs root and apt); the tests that need them will fail" >&2
    fi
fi

./setup.sh --no-demo --jupyter
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,server,queue]"
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/python -m grader.course.check
exec .venv/bin/python -m pytest -q "$@"
