"""Shared fixtures of the project's own tests."""

from __future__ import annotations

import dataclasses

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
