"""The learner's commands: submit, status, list, hint (and the instructor's demo run)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli.app import main
from grader.cli.common import (
    Problem,
    check_student_option,
    db_option,
    db_or_fail,
    exercise_or_fail,
    json_option,
    student_option,
)
from grader.course import submissions
from grader.course.catalog import has_hidden_tests, load_manifest
from grader.errors import UsageProblem
from grader.render import print_json
from grader.server.login import current as course_server
from grader.service import progress
from grader.service import submit as service


@main.command()
@click.argument("slug")
@click.option(
    "--file",
    "file_path",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="The file to grade, a .py module or a .ipynb notebook (default: exercises/SLUG.py of the course).",
)
@click.option("--verbose", "-v", is_flag=True, help="Show every failed check, not only the first two per function.")
@student_option
@db_option
@json_option
def submit(slug, file_path, verbose, student, db_url, as_json):
    """Grade your solution of exercise SLUG and record the result.

    \b
    Example:
      grade submit activations
      grade submit activations --file ~/work/activations.py --json
    """
    exercise = exercise_or_fail(slug)
    path = file_path or exercise.stub_path
    login = course_server()
    if login is not None:  # graded on the course server: its hidden tests, recorded there
        from grader.cli import remote

        remote.refuse_student_option(student)
        remote.submit(login, exercise, path, verbose, as_json)
    student = student or submissions.default_student()
    source = submissions.read_source(path, exercise)
    practice = not has_hidden_tests()  # a learners' copy: visible examples only, never an official grade
    recorder = service.Recorder(db_url)  # opens the database while the submission is graded
    not_recorded = ""
    try:
        result = service.practice(exercise, source, student) if practice else service.grade(exercise, source, student)
        try:
            result = recorder.record(result, source, origin="practice" if practice else "submit")
        except UsageProblem as problem:  # the feedback is shown all the same, then this line
            not_recorded = str(problem)
    finally:
        recorder.close()
    if as_json:
        print_json(result.to_dict())
    else:
        if practice:
            click.echo(service.PRACTICE_NOTE)
            if not result.tests:
                click.echo(f"There are no visible examples for {exercise.slug} in this copy: nothing was checked.")
        from grader.render import terminal

        terminal.submission(result, exercise, verbose=verbose)
    if not_recorded:
        raise Problem(f"this result was NOT recorded: {not_recorded}")
    sys.exit(0 if result.status == "passed" or (practice and not result.tests) else 1)


@main.command()
@student_option
@db_option
@json_option
def status(student, db_url, as_json):
    """Your progress through the course, in order, and what to do next.

    \b
    Example:
      grade status
      grade status --student alice --json
    """
    login = course_server()
    if login is not None:
        from grader.cli import remote

        remote.refuse_student_option(student)
        remote.status(login, as_json)
        return
    student = student or submissions.default_student()
    report = progress.status_report(db_or_fail(db_url, create=False), student)
    if as_json:
        print_json(report)
    else:
        from grader.render import terminal

        terminal.status(student, report["exercises"], report["next"], report["quizzes"])


@main.command(name="list")
@json_option
def list_exercises(as_json):
    """The exercises of the course, in order.

    \b
    Example:
      grade list
    """
    exercises = load_manifest()
    if as_json:
        print_json([{"slug": e.slug, "chapter": e.chapter, "title": e.title, "points": e.points} for e in exercises])
    else:
        from grader.render import terminal

        terminal.exercise_list(exercises)


@main.command()
@click.argument("name")
def hint(name):
    """A hint for exercise NAME, or for the exercise that has the function NAME.

    \b
    Example:
      grade hint activations
      grade hint softmax        (a function: the hint of its exercise, activations)
    """
    from grader.course.catalog import get_exercise
    from grader.errors import UnknownExercise

    try:
        exercise = get_exercise(name)
        intro = ""
    except UnknownExercise as unknown:
        from grader.course.functions import exercises_defining

        owners = exercises_defining(name)
        if not owners:
            raise Problem(_no_such_name(name)) from unknown
        exercise = owners[0]
        kind = "class" if name[:1].isupper() else "function"
        others = "".join(f" (also in '{e.slug}')" for e in owners[1:])
        intro = f"{name} is a {kind} of exercise '{exercise.slug}'{others}.\n\n"
    click.echo(f"{intro}{exercise.slug} — {exercise.title}\n")
    click.echo(exercise.hint)
    click.echo(f"\nThe docstrings in {exercise.stub_path} explain each function in detail.")


def _no_such_name(name: str) -> str:
    import difflib

    from grader.course.functions import exercise_functions

    functions = exercise_functions()
    names = [*functions, *sorted(name for names in functions.values() for name in names)]
    close = difflib.get_close_matches(name, names, n=1)
    suggestion = f"did you mean '{close[0]}'? " if close else ""
    return f"there is no exercise or function '{name}'; {suggestion}`grade list` shows the exercises"


@main.command()
@db_option
@click.option(
    "--student",
    default="demo",
    show_default=True,
    callback=check_student_option,
    help="The name the demo submissions go under.",
)
@click.option("--force", is_flag=True, help="Write into a database that already holds real learners' work.")
def demo(db_url, student, force):
    """Grade every reference solution as a demo student, then show the status.

    Shows the whole pipeline working on this machine (instructor copy only).

    \b
    Example:
      grade demo --db sqlite:////tmp/demo.sqlite3
    """
    from db.learners import student_names

    database = db_or_fail(db_url)
    exercises = load_manifest()
    missing = [e.slug for e in exercises if not e.solution_path.exists()]
    if missing:
        raise Problem(
            "this copy of the course has no reference solutions (a learners' copy?); "
            "`grade demo` needs the instructor's copy"
        )
    real = [name for name in student_names(database) if name != student]
    if real and not force:
        raise Problem(
            f"this database holds the work of {len(real)} learner{'s' if len(real) > 1 else ''}; the demo would "
            "put reference solutions among their grades: choose another --db (e.g. sqlite:////tmp/demo.sqlite3), "
            "or pass --force"
        )
    from grader.render import terminal

    for exercise in exercises:
        source = exercise.solution_path.read_text()
        result = service.record(database, service.grade(exercise, source, student), source, origin="demo")
        mark = terminal.PASS if result.status == "passed" else terminal.FAIL
        click.echo(f"{mark} {exercise.slug:<16} {result.score:g}/{result.max_score:g}   ({result.duration:.2f} s)")
    click.echo()
    report = progress.status_report(database, student)
    terminal.status(student, report["exercises"], report["next"], report["quizzes"])
