"""The `grade` command group; each module of grader.cli adds the commands of one area to it."""

from __future__ import annotations

import signal

import click

from grader import __version__
from grader.cli.common import Problem
from grader.errors import UsageProblem


def _stop(number, _frame):
    raise SystemExit(128 + number)  # unwinds: every sandbox and database child is ended on the way out


class _Grade(click.Group):
    """Every UsageProblem raised below a command becomes one line on stderr and exit code 2."""

    def invoke(self, ctx):
        for number in (signal.SIGTERM, signal.SIGHUP):  # a CI timeout, a closed terminal: clean up like Ctrl-C
            signal.signal(number, _stop)
        try:
            return super().invoke(ctx)
        except UsageProblem as problem:
            raise Problem(str(problem)) from None


@click.group(cls=_Grade, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grade")
def main():
    """Exercises and automatic grading for learning neural networks.

    \b
    grade list                     the exercises, in order
    grade submit neurons           grade exercises/neurons.py and record the score
    grade status                   your progress and what to do next
    grade hint neurons             a nudge when you are stuck
    grade quiz neurons             the chapter's quiz (`grade quiz` lists them all)
    """
