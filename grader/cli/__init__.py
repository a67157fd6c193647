"""The `grade` command. This package is the only code that imports click: parse, call the engine, render, exit.

Exit codes: 0 success (for `submit`: every test passed), 1 graded with failures,
2 a usage error (unknown exercise, missing file, bad database URL...).
"""

from grader.cli import course, instructor, learner, notebook, quiz, reports  # noqa: F401 - register the commands
from grader.cli.app import main

__all__ = ["main"]
