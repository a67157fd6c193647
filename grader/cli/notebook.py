"""Jupyter commands: `grade notebook` writes an exercise's notebook, `grade check` runs the visible examples.

`grade submit SLUG --file work.ipynb` needs nothing from here: submissions.read_source turns a notebook
into the module it grades (grader.course.notebooks.source_from_notebook).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader.cli.app import main
from grader.cli.common import Problem, exercise_or_fail, json_option
from grader.course import submissions
from grader.course.catalog import COURSE_ROOT, load_manifest
from grader.render import terminal as render


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when it is below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


@main.command(name="notebook")
@click.argument("slug", required=False)
@click.option("--all", "all_exercises", is_flag=True, help="Write the notebook of every exercise of the course.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write SLUG.ipynb into DIR (created if needed); default: the course's exercises/notebooks/.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite a notebook even if it was edited since it was generated (the work in it is lost).",
)
def notebook_command(slug, all_exercises, out_dir, force):
    """Write the Jupyter notebook of exercise SLUG (or of every exercise with --all).

    The notebook is generated from exercises/SLUG.py: an introduction, one markdown
    and one code cell (the stub to fill in) per function, a cell of visible examples,
    and how to submit. Work in your own copy (--out), then submit the notebook itself:
    its code cells are graded, except lines starting with % or ! and cells tagged
    "scratch" (tag your experiments). A notebook edited since it was generated is
    never overwritten without --force.

    \b
    Example:
      grade notebook neurons --out ~/work        writes ~/work/neurons.ipynb
      jupyter lab ~/work/neurons.ipynb
      grade check neurons --file ~/work/neurons.ipynb
      grade submit neurons --file ~/work/neurons.ipynb
      grade notebook --all                       regenerates the course's exercises/notebooks/
    """
    if bool(slug) == bool(all_exercises):
        raise Problem("name one exercise (`grade notebook neurons`) or pass --all, not both")
    exercises = load_manifest() if all_exercises else (exercise_or_fail(slug),)
    directory = out_dir if out_dir is not None else COURSE_ROOT / "exercises" / "notebooks"
    if directory.exists() and not directory.is_dir():
        raise Problem(f"{directory} is not a directory; pass a directory to --out")
    from grader.course.notebooks import write_notebook

    kept = []
    for exercise in exercises:
        try:
            path, outcome = write_notebook(exercise, directory, force=force)  # a broken examples file: UsageProblem
        except OSError as error:
            raise Problem(
                f"could not write the notebook into {directory} ({error.strerror}); "
                "choose a directory you can write to with --out"
            ) from None
        if outcome == "kept":
            kept.append(path)
            click.echo(f"{render.FAIL} {_shown(path)} was edited since it was generated: left alone")
        else:
            click.echo(f"{render.PASS} {_shown(path)} {outcome}")
    if kept:
        names = ", ".join(p.name for p in kept)
        raise Problem(
            f"{names} {'was' if len(kept) == 1 else 'were'} edited since generated and left alone; "
            "write elsewhere with --out DIR, or pass --force to overwrite (that work would be lost)"
        )
    if slug and out_dir is not None:
        path = directory / f"{slug}.ipynb"
        click.echo(
            f"Open it in Jupyter (`jupyter lab {_shown(path)}`), then `grade check {slug} --file {_shown(path)}`."
        )


@main.command()
@click.argument("slug")
@click.option(
    "--file",
    "file_path",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Your .py file or .ipynb notebook (default: exercises/SLUG.py of the course).",
)
@json_option
def check(slug, file_path, as_json):
    """Run the visible examples of exercise SLUG on your file or notebook; records nothing.

    Quick feedback before a real submission: small public examples with known answers
    (exercises/examples/SLUG.toml), different from the hidden tests that grade you.
    Nothing is recorded and no database is opened. Exit code 0 when every example passes.

    \b
    Example:
      grade check neurons                              checks exercises/neurons.py
      grade check neurons --file ~/work/neurons.ipynb  checks a notebook's code cells
      grade check activations --file mine.py --json
    """
    exercise = exercise_or_fail(slug)
    path = file_path or exercise.stub_path
    source = submissions.read_source(path, exercise)
    from grader.course.notebook_source import relabel_lines
    from grader.engine.examples import run_examples

    result = relabel_lines(run_examples(exercise, source, submissions.default_student()), source)
    if as_json:
        render.print_json(result.to_dict())
    else:
        render.example_run(result, exercise, _shown(path))
    sys.exit(0 if result.status == "passed" else 1)
