"""Reading what a learner hands in: a .py module or the code cells of a notebook, and who they are."""

from __future__ import annotations

import ast
import getpass
import os
import unicodedata
from pathlib import Path

from grader.errors import UsageProblem

MAX_SOURCE_BYTES = 2 * 2**20
MAX_NAME_CHARS = 100


def student_name_problem(name: str) -> str | None:
    """Why `name` cannot name a learner (it is printed in tables, reports and CSV files), or None."""
    if not name.strip():
        return "is empty"
    if len(name) > MAX_NAME_CHARS:
        return f"is longer than {MAX_NAME_CHARS} characters"
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        return "holds a control character (a newline, a tab, an escape...)"
    if name != name.strip():
        return "starts or ends with a space"
    return None


def check_student(name: str, given_by: str = "--student") -> str:
    """The name, or UsageProblem (one line, exit 2) saying what is wrong with it and where it came from."""
    problem = student_name_problem(name)
    if problem:
        raise UsageProblem(
            f"the learner's name {name[:40]!r} given by {given_by} {problem}; "
            f"use a plain name of 1 to {MAX_NAME_CHARS} characters, e.g. --student alice"
        )
    return name


def default_student() -> str:
    """$GRADE_STUDENT (checked like --student), else the user's login name."""
    name = os.environ.get("GRADE_STUDENT")
    if name is not None:
        return check_student(name, "$GRADE_STUDENT")
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


def student_or_default(name: str | None) -> str:
    """The learner named by --student, else the default; either way a valid name."""
    return check_student(name) if name is not None else default_student()


def read_source(path: Path, exercise=None) -> str:
    """The Python source of a submission (a .py file, or the code cells of a notebook). With the
    exercise it is submitted for, a file that is clearly another exercise's is refused."""
    path = Path(path)
    if not path.exists():
        raise UsageProblem(f"{path} does not exist; pass the file to grade with --file PATH")
    if not path.is_file():
        raise UsageProblem(f"{path} is not a file; pass the file to grade with --file PATH")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise UsageProblem(f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MB; is it the right file?")
    if path.suffix == ".ipynb":
        from grader.course.notebook_source import (
            NotebookProblem,
            notebook_exercise,
            read_notebook_json,
            source_from_notebook,
        )

        try:
            source = source_from_notebook(path)
            made_for = notebook_exercise(read_notebook_json(path))
        except NotebookProblem as problem:
            raise UsageProblem(str(problem)) from None
    else:
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UsageProblem(f"{path} is not a UTF-8 text file; submit the .py (or .ipynb) file itself") from None
        made_for = None
    if exercise is not None:
        _check_exercise(path, source, exercise, made_for)
    return source


def _defined_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names = set()
    for node in ast.walk(tree):  # a notebook's cells sit inside try blocks
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _check_exercise(path: Path, source: str, exercise, made_for: str | None) -> None:
    """Refuse a file that is another exercise's: a notebook generated for it, or a notebook or a file
    named after another exercise that defines none of this exercise's functions but some of that
    one's (a learner's slip, not a zero to record). A .py named otherwise is not even parsed."""
    from grader.course.catalog import load_manifest
    from grader.course.functions import exercise_functions

    other = made_for if made_for and made_for != exercise.slug else None
    suspicious = path.suffix == ".ipynb" or path.stem in {e.slug for e in load_manifest(exercise.root)}
    if other is None and made_for is None and path.stem != exercise.slug and suspicious:
        defined = _defined_names(source)
        owners = exercise_functions(exercise.root)
        if defined and not defined & owners.get(exercise.slug, set()):
            matches = [slug for slug, names in owners.items() if slug != exercise.slug and defined & names]
            other = matches[0] if len(matches) == 1 else None
    if other is not None:
        raise UsageProblem(
            f"{path.name} is the work of exercise '{other}', not '{exercise.slug}'; nothing was recorded. "
            f"Submit it with `grade submit {other} --file {path}`, or pass the file of {exercise.slug}"
        )
