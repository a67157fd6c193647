"""The instructor's reports and exports: grade report, grade export (SQL-computed, official submissions only)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli.app import main
from grader.cli.common import Problem, db_option, db_or_fail, exercise_or_fail, json_option

# ---------------------------------------------------------------- report


def _write_data(text: str) -> None:
    """CSV on standard output: exactly as it is into a file or a pipe; on a terminal, without the control
    characters a learner's name could carry (they would act on the terminal)."""
    stream = sys.stdout
    if stream.isatty():
        from grader.reports.text import terminal_text

        text = terminal_text(text)
    stream.write(text)
    stream.flush()


@main.command()
@click.option("--exercise", metavar="SLUG", help="Per hidden test of SLUG: learners failing it, most common message.")
@click.option(
    "--quiz",
    metavar="CHAPTER",
    help="Per question of a quiz (name or chapter number): share right at the first attempt, most chosen wrong answer.",
)
@click.option("--student", metavar="NAME", help="One learner's history: every submission and answer.")
@click.option(
    "--sort",
    "sort",
    default="student",
    show_default=True,
    metavar="COLUMN",
    help="Class table order: student, rank, total, exercises, quizzes, complete, an exercise (neurons) "
    "or a quiz (quiz:neurons); scores highest first.",
)
@click.option("--reverse", is_flag=True, help="Reverse the order of --sort.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Show only the first N learners.")
@click.option(
    "--basis",
    type=click.Choice(["best", "latest"]),
    default="best",
    show_default=True,
    help="With --exercise: judge each learner on their best or their latest official submission.",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write a self-contained HTML page with charts (readable offline) to FILE.",
)
@db_option
@json_option
def report(exercise, quiz, student, sort, reverse, limit, basis, as_csv, html_path, db_url, as_json):
    """The class at a glance, from the database (official submissions only).

    Without options: one row per learner, one column per exercise (best score) and quiz
    (questions right at the first attempt), totals, exercises complete and rank, with the class
    mean per column. --exercise, --quiz and --student zoom in; --csv, --json and --html FILE
    change the format.

    \b
    Example:
      grade report --sort total --limit 20
      grade report --exercise backprop              what to teach again
      grade report --quiz 3 --csv > quiz3.csv
      grade report --student alice
      grade report --html class.html                charts: distribution, completion, hardest tests
    """
    from grader.reports import class_report, csv_files, drilldown, terminal

    chosen = [name for name, value in (("--exercise", exercise), ("--quiz", quiz), ("--student", student)) if value]
    if len(chosen) > 1:
        raise Problem(f"{' and '.join(chosen)} cannot be combined; choose one report at a time")
    if sum(map(bool, (as_csv, as_json, html_path))) > 1:
        raise Problem("choose one format: --csv, --json or --html FILE")
    if chosen and (sort != "student" or reverse or limit):
        raise Problem("--sort, --reverse and --limit order the class table; leave them out with " + chosen[0])
    if basis != "best" and not exercise:
        raise Problem("--basis applies to --exercise SLUG only")
    if exercise:
        exercise_or_fail(exercise)
    if html_path and not html_path.parent.resolve().is_dir():
        raise Problem(f"the folder of {html_path} does not exist; create it or choose another --html FILE")
    database = db_or_fail(db_url, create=False)
    if exercise:
        data = drilldown.exercise_report(database, exercise, basis=basis)
    elif quiz:
        data = drilldown.quiz_report(database, quiz)
    elif student:
        data = drilldown.student_report(database, student)
    else:
        data = class_report.class_report(database, sort=sort, reverse=reverse, limit=limit, details=bool(html_path))
    if html_path:
        from grader.reports.html import page

        html_path.write_text(page(data), encoding="utf-8")
        click.echo(
            f"Wrote {html_path} ({html_path.stat().st_size / 1024:.0f} KB): open it in any browser, no network needed."
        )
    elif as_json:
        from grader.render import terminal as render

        render.print_json(data)
    elif as_csv:
        _write_data(csv_files.to_csv(data))
    else:
        terminal.render(data)


# ---------------------------------------------------------------- export


@main.group()
def export():
    """Grades for other systems: Gradescope results, a gradebook CSV.

    \b
    Example:
      grade export gradescope gradescope-results/
      grade export csv gradebook.csv
    """


@export.command(name="gradescope")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False), metavar="OUT_DIR")
@click.option("--exercise", metavar="SLUG", help="Only this exercise (default: all).")
@click.option(
    "--basis",
    type=click.Choice(["best", "latest"]),
    default="best",
    show_default=True,
    help="Which official submission of each learner to export.",
)
@db_option
@json_option
def export_gradescope(out_dir, exercise, basis, db_url, as_json):
    """Write a Gradescope autograder results.json per learner and exercise.

    OUT_DIR/<exercise>/<learner>/results.json follows Gradescope's autograder specification:
    score, execution_time, output, and one entry per hidden test with name, score, max_score,
    status (passed/failed) and the feedback as output.

    \b
    Example:
      grade export gradescope gs/ --exercise neurons
    """
    from grader.reports import gradescope

    if exercise:
        exercise_or_fail(exercise)
    if out_dir.exists() and not out_dir.is_dir():
        raise Problem(f"{out_dir} is a file; give a folder for the results")
    database = db_or_fail(db_url, create=False)
    summary = gradescope.export_gradescope(database, out_dir, basis=basis, exercise=exercise)
    if as_json:
        from grader.render import terminal as render

        render.print_json(summary)
    else:
        click.echo(
            f"Wrote {summary['files']} results.json files ({summary['learners']} learners, "
            f"{len(summary['exercises'])} exercises, {basis} submission) under {out_dir}."
        )


@export.command(name="csv")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True), metavar="FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plain", "canvas", "moodle"]),
    default="plain",
    show_default=True,
    help="plain: names and totals; canvas or moodle: the columns and rows that LMS imports.",
)
@db_option
def export_csv(file, fmt, db_url):
    """Write the gradebook as CSV to FILE (- for standard output).

    One row per learner; one column per exercise (best official score) and per quiz (questions
    right at the first attempt); a blank cell where the learner never attempted it.

    \b
    --format plain    student, the scores, then the exercise, quiz and overall totals
    --format canvas   Student, ID, SIS User ID, SIS Login ID, Section, the scores, and the
                      "Points Possible" row; import it in Canvas's Grades > Import
    --format moodle   Username, ID number, Email address, the scores; in Moodle's CSV grade
                      import map "Username" to the user's username
    Where no roster id is known, the learner's name stands in as the login. The LMS formats leave
    out the totals (the LMS computes its own). Cells that a spreadsheet would take for a formula
    (starting with = + - @) are written as text.

    \b
    Example:
      grade export csv gradebook.csv
      grade export csv canvas.csv --format canvas
      grade export csv - | column -s, -t
    """
    from grader.reports import csv_files

    if str(file) != "-" and not file.parent.resolve().is_dir():
        raise Problem(f"the folder of {file} does not exist; create it or choose another FILE")
    database = db_or_fail(db_url, create=False)
    text = csv_files.gradebook_csv(database, fmt)
    if str(file) == "-":
        _write_data(text)
    else:
        file.write_text(text, encoding="utf-8")
        learners = len(text.splitlines()) - (2 if fmt == "canvas" else 1)
        click.echo(f"Wrote the {fmt} gradebook of {learners} learners to {file}.")


@export.command(name="gradescope-autograder")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False), metavar="OUT.zip")
@click.option(
    "--exercise",
    "exercises",
    multiple=True,
    metavar="SLUG",
    help="Grade only this exercise (repeatable; default: every exercise of the course).",
)
@json_option
def export_autograder(out, exercises, as_json):
    """Build a Gradescope autograder (OUT.zip) that runs the hidden tests inside Gradescope.

    For a course that collects work on Gradescope: upload OUT.zip as a programming assignment's
    autograder ("Zip file upload"). Learners upload <exercise>.py (or .ipynb); every exercise of the
    package found in their upload is graded exactly as `grade submit` grades it, with the same
    feedback per hidden test, and one not uploaded scores 0. The zip holds the course with its
    hidden tests and reference solutions: share it with Gradescope only.

    \b
    Example:
      grade export gradescope-autograder week3.zip --exercise backprop --exercise autograd
      (to try it: unzip it in a folder X/source, put files in X/submission, then
       AUTOGRADER_ROOT=X AUTOGRADER_PYTHON=$(which python) bash X/source/run_autograder)
    """
    from grader.reports import autograder

    for slug in exercises:
        exercise_or_fail(slug)
    if not out.parent.resolve().is_dir():
        raise Problem(f"the folder of {out} does not exist; create it or choose another OUT.zip")
    summary = autograder.build_package(out, list(exercises) or None)
    if as_json:
        from grader.render import terminal as render

        render.print_json(summary)
    else:
        click.echo(
            f"Wrote {out} ({summary['size_kb']} KB, {len(summary['exercises'])} exercises: "
            f"{', '.join(summary['exercises'])}). Upload it as the autograder of a Gradescope programming assignment."
        )
