"""The `grade` command. This package is the only code that imports click: parse, call the engine, render, exit.

Exit codes: 0 success (for `submit`: every test passed), 1 graded with failures,
2 a usage error (unknown exercise, missing file, bad database URL...). Each module adds the
commands of one area to `main` (grader.cli.app), which imports it when one of them is used.
"""

from grader.cli.app import main

__all__ = ["main"]
