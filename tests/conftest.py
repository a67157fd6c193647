"""Shared fixtures of the project's own tests."""

from __future__ import annotations

import dataclasses
import os

import pytest
from click.testing import CliRunner

from grader.course.catalog import get_exercise


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'grades.sqlite3'}"


@pytest.fixture
def cli(db_url):
    """Run `grade ...` in-process; returns click's Result (print result.output on failure)."""
    from grader.cli import main

    runner = CliRunner()

    def run(*args, input=None, with_db=True):
        args = list(args)
        if with_db and args and args[0] in {"submit", "status", "demo", "quiz", "autograde", "report", "export"}:
            args += ["--db", db_url]
        return runner.invoke(main, args, input=input, catch_exceptions=False)

    return run


def fast(slug: str, **limits):
    """The exercise with tighter limits, so tests of hostile code stay quick."""
    return dataclasses.replace(get_exercise(slug), **limits)


def sleepers(marker: str) -> list[int]:
    """Processes anywhere on the host whose command line holds `marker` (to prove none outlived a run)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for this test session (tests/postgres_server.py); `.new_database()` gives
    a fresh database's URL. Skipped where PostgreSQL or psycopg is not installed, except in CI."""
    import os

    from postgres_server import PostgresServer, find_bindir

    bindir = find_bindir()
    missing = "PostgreSQL (initdb, pg_ctl)" if bindir is None else None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing = "psycopg (pip install 'nn-grade[postgres]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is not installed; ./run-tests.sh installs it (as root, with apt)")
        pytest.skip(f"{missing} is not installed")
    server = PostgresServer(bindir).start()
    yield server
    server.stop()
