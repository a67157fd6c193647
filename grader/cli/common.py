"""What every `grade` command shares: the error type for usage problems and the common options."""
from __future__ import annotations

import click

from grader import service
from grader.catalog import UnknownExercise, get_exercise

DB_HELP = "Database URL (default: $GRADE_DB, else the SQLite file db/grades.sqlite3 of the course)."
STUDENT_HELP = "Whose work this is (default: $GRADE_STUDENT, else your user name)."


class Problem(click.ClickException):
    """One line saying what is wrong and how to fix it; exit code 2."""
    exit_code = 2


def exercise_or_fail(slug: str):
    try:
        return get_exercise(slug)
    except UnknownExercise as problem:
        raise Problem(str(problem)) from None


def db_or_fail(url):
    try:
        return service.open_db(url)
    except service.UsageProblem as problem:
        raise Problem(str(problem)) from None


db_option = click.option("--db", "db_url", metavar="URL", help=DB_HELP)
student_option = click.option("--student", metavar="NAME", help=STUDENT_HELP)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
