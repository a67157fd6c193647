"""The `grade` command group; each module of grader.cli adds the commands of one area to it."""

from __future__ import annotations

import signal

import click

from grader import __version__
from grader.cli.common import Problem
from grader.errors import UsageProblem


def _stop(number, _frame):
    raise SystemExit(128 + number)  # unwinds: every sandbox and database child is ended on the way out


# Which module defines each command: a command's module is imported only when that command runs,
# so `grade submit --json` never loads what `grade report` needs (rich, the report code...).
COMMANDS = {
    "submit": "learner", "status": "learner", "list": "learner", "hint": "learner", "demo": "learner",
    "quiz": "quiz", "notebook": "notebook", "check": "notebook", "course": "course",
    "release": "instructor", "autograde": "instructor", "report": "reports", "export": "reports",
    "serve": "server", "roster": "server", "login": "server", "logout": "server", "worker": "worker",
}  # fmt: skip


class _Grade(click.Group):
    """Commands loaded on first use; every UsageProblem raised below a command becomes one line on stderr
    and exit code 2."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMANDS:
            import importlib

            importlib.import_module(f"grader.cli.{COMMANDS[name]}")  # its decorators add it to `main`
        return self.commands.get(name)

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
