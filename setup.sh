#!/usr/bin/env bash
# Sets the course up on a fresh machine (Python 3.11+ with pip) and runs the demo:
# a virtual environment in .venv, torch 2.13.0 (CPU build) first so that no other torch or CUDA
# packages are pulled in, then this project (editable, so `grade` finds the course from anywhere).
# Then it grades every reference solution as the student "demo" into db/demo.sqlite3 and shows
# the status. `./setup.sh --no-demo` only installs.
set -euo pipefail
cd "$(dirname "$0")"
# The sandbox: bubblewrap (namespaces, a filesystem of its own) and libseccomp (the system-call filter).
# Without bubblewrap, learner code runs confined by Landlock only, and official grading refuses to run.
if ! command -v bwrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -qq bubblewrap libseccomp2 >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap libseccomp2 >/dev/null 2>&1; } \
        || echo "setup.sh: could not install bubblewrap; learner code will run with the weaker Landlock sandbox" >&2
fi
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
if [ "${1:-}" != "--no-demo" ]; then
    rm -f db/demo.sqlite3 db/demo.sqlite3-wal db/demo.sqlite3-shm
    .venv/bin/grade demo --db "sqlite:///$PWD/db/demo.sqlite3"
    echo
    echo "Set up. Activate the environment with: source .venv/bin/activate   (then: grade list)"
fi
