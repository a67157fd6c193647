"""The instructor's commands: release, autograde.

Heavy modules (SQLAlchemy, rich.progress, multiprocessing) are imported inside the commands, so
that `grade --help` and the learner's commands stay quick.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli.app import main
from grader.cli.common import (
    db_option,
    db_or_fail,
    exercise_or_fail,
    json_option,
)
from grader.service import submit as service

# ---------------------------------------------------------------- release


@main.command()
@click.argument("out", type=click.Path(path_type=Path), metavar="OUT")
@click.option(
    "--server",
    metavar="URL",
    help="The course server the copy submits to (its README says how to log in with a token).",
)
@json_option
def release(out, server, as_json):
    """Build the learners' copy of the course in the new (or empty) folder OUT.

    It holds the exercises (stubs, manifest, quizzes without answers, data, visible examples,
    notebooks), the grader, the README and a set-up script; it leaves out solutions/ (reference
    solutions, hidden tests, drivers, quiz answer keys), the project's tests and any database. A
    check of every file proves nothing secret went in. In that copy `grade submit` runs the
    visible examples and records a practice attempt; the official grade comes from `grade autograde`.

    \b
    Example:
      grade release ../nn-course-learners
      grade release ../nn-course-learners --server https://grader.example.org
      cd ../nn-course-learners && git init && git add . && git commit -m "The course"
    """
    from grader.course.release import build_release

    if server is not None:
        from grader.server.login import normal_url

        server = normal_url(server)
    try:
        summary = build_release(out, server=server)
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
    "pending": ("again", "yellow"),  # interrupted, or the host was overloaded: graded on the next run
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
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Grade even where bubblewrap is missing, with the weaker Landlock sandbox (not recommended).",
)
@db_option
@json_option
def autograde(submissions_dir, jobs, force, only, time_limit, allow_weak_sandbox, db_url, as_json):
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
            engine.run_batch(
                batch, record, jobs=jobs, time_limit=time_limit, on_done=done, on_tick=progress.refresh,
                allow_weak_sandbox=allow_weak_sandbox,
            )  # fmt: skip
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
