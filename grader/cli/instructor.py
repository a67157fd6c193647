"""The instructor's commands: release, autograde, report, export.

Heavy modules (SQLAlchemy, rich.progress, multiprocessing) are imported inside the commands, so
that `grade --help` and the learner's commands stay quick.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli import main
from grader.cli.common import (
    Problem,
    db_option,
    db_or_fail,
    exercise_or_fail,
    json_option,
)
from grader.service import submit as service

# ---------------------------------------------------------------- release


@main.command()
@click.argument("out", type=click.Path(path_type=Path), metavar="OUT")
@json_option
def release(out, as_json):
    """Build the learners' copy of the course in the new (or empty) folder OUT.

    It holds the exercises (stubs, manifest, quizzes without answers, data, visible examples,
    notebooks), the grader, the README and a set-up script; it leaves out solutions/ (reference
    solutions, hidden tests, drivers, quiz answer keys), the project's tests and any database. A
    check of every file proves nothing secret went in. In that copy `grade submit` runs the
    visible examples and records a practice attempt; the official grade comes from `grade autograde`.

    \b
    Example:
      grade release ../nn-course-learners
      cd ../nn-course-learners && git init && git add . && git commit -m "The course"
    """
    from grader.course.release import build_release

    try:
        summary = build_release(out)
    except RuntimeError as leak:
        raise click.ClickException(str(leak)) from None
    if as_json:
        from grader.render import terminal as render

        render.print_json(summary.to_dict())
        return
    click.echo(f"Wrote the learners' copy to {summary.out}: {summary.files} files, {summary.bytes / 2**20:.1f} MB.")
    click.echo(f"  included: {', '.join(summary.included)}")
    click.echo(f"  withheld: {', '.join(summary.withheld) or 'nothing'}")
    click.echo(
        f"  checked: no file holds any of the {summary.secrets_checked} secret texts "
        "(reference solutions, hidden tests and their test functions, answer-key explanations)."
    )


# ---------------------------------------------------------------- autograde

OUTCOME_CELLS = {
    "missing": ("—", "dim"),
    "unreadable": ("bad file", "red"),
    "crashed": ("crash", "red"),
    "no-tests": ("n/a", "dim"),
    "pending": ("stopped", "red"),
}


@main.command()
@click.argument("submissions_dir", type=click.Path(path_type=Path), metavar="SUBMISSIONS_DIR")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    metavar="N",
    help="Grading processes working at once (default: the number of cores).",
)
@click.option("--force", is_flag=True, help="Grade again files already graded (same learner, exercise and source).")
@click.option(
    "--exercise",
    "only",
    multiple=True,
    metavar="SLUG",
    help="Grade only this exercise (repeat for several); default: every exercise of the course.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5),
    metavar="SECONDS",
    help="Cap every exercise's time limits (run and call) at SECONDS, e.g. for a quick dry run.",
)
@db_option
@json_option
def autograde(submissions_dir, jobs, force, only, time_limit, db_url, as_json):
    """Grade a whole class: every SUBMISSIONS_DIR/<learner>/<exercise>.py (or .ipynb).

    Each learner has a folder named after them holding their files, named like the course's
    exercises (neurons.py, activations.ipynb, ...). Files are graded in parallel exactly as
    `grade submit` grades them (isolated, time-limited) and recorded in the database as official
    submissions. A learner's missing exercise is shown in the summary, not an error; other files
    are listed as ignored. Run it again after collecting late work: files already graded (same
    learner, exercise and source) are skipped unless --force. A hostile or hanging file costs at
    most its own time limit and never stops the batch. Exit code 0 when every file found was
    graded or skipped, 1 when some could not be (unreadable, or the grader crashed on it).

    \b
    Example:
      grade autograde ~/collected/week3 --jobs 4
      grade autograde ~/collected/week3 --exercise neurons --force --json > week3.json
    """
    import time

    from grader.service import autograde as engine

    for slug in only:
        exercise_or_fail(slug)
    database = db_or_fail(db_url)
    started = time.monotonic()
    batch = engine.plan_batch(submissions_dir, only=list(only) or None)
    if not force:
        engine.skip_already_graded(batch, database)

    def record(result, source):
        return service.record(database, result, source, origin="autograde").submission_id

    todo = sum(item.outcome == "pending" for item in batch.items)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}", style="dim"),
        console=Console(stderr=True),
        auto_refresh=False,
        transient=False,
    )
    task = progress.add_task("grading", total=todo, last="")

    def done(item):
        progress.update(task, advance=1, last=f"{item.student}/{item.exercise}: {_cell_text(item)}")
        progress.refresh()

    try:
        with progress:
            engine.run_batch(batch, record, jobs=jobs, time_limit=time_limit, on_done=done, on_tick=progress.refresh)
    except KeyboardInterrupt:
        raise click.ClickException(
            "interrupted; what was graded is recorded, run the same command again to grade the rest"
        ) from None
    batch.wall_time = time.monotonic() - started
    if as_json:
        from grader.render import terminal as render

        render.print_json(batch.to_dict())
    else:
        _render_batch(batch)
    counts = batch.counts()
    sys.exit(1 if counts.get("crashed") or counts.get("unreadable") else 0)


def _cell_text(item) -> str:
    if item.outcome == "graded":
        return f"{item.score:g}" + (" err" if item.status == "error" else "")
    if item.outcome == "skipped":
        return f"={item.score:g}"
    return OUTCOME_CELLS.get(item.outcome, (item.outcome, ""))[0]


def _render_batch(batch) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from grader.course.catalog import get_exercise
    from grader.render.terminal import console

    exercises = [get_exercise(slug) for slug in batch.exercises]
    out = console()
    if not out.is_terminal:
        out.width = max(120, 24 + 9 * len(exercises))
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title=f"{len(batch.students)} learners x {len(exercises)} exercises",
        title_justify="left",
    )
    table.add_column("learner", no_wrap=True)
    for exercise in exercises:
        table.add_column(str(exercise.chapter), justify="right", no_wrap=True)
    cells = {(item.student, item.exercise): item for item in batch.items}
    for student in batch.students:
        row = []
        for exercise in exercises:
            item = cells[(student, exercise.slug)]
            style = OUTCOME_CELLS.get(item.outcome, ("", ""))[1]
            if item.outcome in ("graded", "skipped"):
                style = "green" if item.score >= exercise.points else ("red" if item.status == "error" else "yellow")
                style += " dim" if item.outcome == "skipped" else ""
            row.append(Text(_cell_text(item), style=style))
        table.add_row(student, *row)
    out.print(table)
    out.print(Text("Exercises: " + "  ".join(f"{e.chapter} {e.slug} /{e.points}" for e in exercises), style="dim"))
    out.print(
        Text(
            "Cells: score of the file graded now (err: it could not be imported); =score: the same file was "
            "graded before (skipped); — missing; n/a: no hidden tests yet",
            style="dim",
        )
    )
    counts = batch.counts()
    graded = [item for item in batch.items if item.outcome == "graded"]
    by_status = {s: sum(item.status == s for item in graded) for s in ("passed", "failed", "error")}
    out.print(
        Text(
            f"Graded {len(graded)} files ({by_status['passed']} full marks, {by_status['failed']} with "
            f"failures, {by_status['error']} not importable), skipped {counts.get('skipped', 0)} already graded, "
            f"{counts.get('missing', 0)} missing, {len(batch.ignored)} ignored; "
            f"{batch.wall_time:.1f} s with {batch.jobs} process{'es' if batch.jobs > 1 else ''}.",
            style="bold",
        )
    )
    problems = [
        item for item in batch.items if item.outcome in ("unreadable", "crashed", "pending") or item.status == "error"
    ]
    for item in problems[:30]:
        out.print(
            Text(
                f"  {item.path or item.student + '/' + item.exercise}: {item.outcome if item.outcome != 'graded' else 'error'}"
                f" — {item.message}",
                style="red" if item.outcome != "graded" else "yellow",
            )
        )
    if len(problems) > 30:
        out.print(Text(f"  ... and {len(problems) - 30} more (--json lists them all)", style="dim"))
    if batch.ignored:
        shown = ", ".join(batch.ignored[:10]) + (
            f", ... ({len(batch.ignored) - 10} more)" if len(batch.ignored) > 10 else ""
        )
        out.print(Text(f"Ignored: {shown}", style="dim"))


# ---------------------------------------------------------------- report


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
    from grader.reports import data as reports

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
    database = db_or_fail(db_url)
    if exercise:
        data = reports.exercise_report(database, exercise, basis=basis)
    elif quiz:
        data = reports.quiz_report(database, quiz)
    elif student:
        data = reports.student_report(database, student)
    else:
        data = reports.class_report(database, sort=sort, reverse=reverse, limit=limit, details=bool(html_path))
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
        click.echo(reports.to_csv(data), nl=False)
    else:
        reports.render(data)


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
    from grader.reports import data as reports

    if exercise:
        exercise_or_fail(exercise)
    if out_dir.exists() and not out_dir.is_dir():
        raise Problem(f"{out_dir} is a file; give a folder for the results")
    database = db_or_fail(db_url)
    summary = reports.export_gradescope(database, out_dir, basis=basis, exercise=exercise)
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
@db_option
def export_csv(file, db_url):
    """Write the gradebook as CSV to FILE (- for standard output).

    One row per learner; one column per exercise (best official score) and per quiz (questions
    right at the first attempt, as quiz:<name>); then the exercise, quiz and overall totals. Work
    never attempted counts 0.

    \b
    Example:
      grade export csv gradebook.csv
      grade export csv - | column -s, -t
    """
    from grader.reports import data as reports

    if str(file) != "-" and not file.parent.resolve().is_dir():
        raise Problem(f"the folder of {file} does not exist; create it or choose another FILE")
    database = db_or_fail(db_url)
    text = reports.gradebook_csv(database)
    if str(file) == "-":
        click.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        click.echo(f"Wrote the gradebook of {text.count(chr(10)) - 1} learners to {file}.")
