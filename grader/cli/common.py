"""What every `grade` command shares: the error type for usage problems and the common options."""

from __future__ import annotations

import click

DB_HELP = (
    "Database URL (default: $GRADE_DB, else the SQLite file db/grades.sqlite3 of a course checkout, "
    "or grades.sqlite3 in $XDG_DATA_HOME/nn-grade (~/.local/share/nn-grade) for an installed grader)."
)
STUDENT_HELP = "Whose work this is (default: $GRADE_STUDENT, else your user name)."


class Problem(click.ClickException):
    """One line saying what is wrong and how to fix it; exit code 2."""

    exit_code = 2


def exercise_or_fail(slug: str):
    from grader.course.catalog import get_exercise

    return get_exercise(slug)  # UnknownExercise is a UsageProblem: one line, exit 2


def db_or_fail(url, create: bool = True):
    """The database at `url`; create=False for read commands: a database that does not exist is refused."""
    from grader.service.submit import open_db

    database = open_db(url, create=create)
    context = click.get_current_context(silent=True)
    if context is not None:
        # run in-process (tests, a notebook), a command must leave no SQLite connection open: `grade submit`
        # records in a forked child, and SQLite breaks when a child opens a file its parent holds open
        context.call_on_close(database.dispose)
    return database


def check_student_option(_context, _parameter, value):
    """--student NAME: a printable name of 1 to 100 characters (UsageProblem otherwise: one line, exit 2)."""
    if value is None:
        return None
    from grader.course.submissions import check_student

    return check_student(value)


db_option = click.option("--db", "db_url", metavar="URL", help=DB_HELP)
student_option = click.option("--student", metavar="NAME", help=STUDENT_HELP, callback=check_student_option)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
