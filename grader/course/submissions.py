"""Reading what a learner hands in: a .py module or the code cells of a notebook, and who they are."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from grader.errors import UsageProblem

MAX_SOURCE_BYTES = 2 * 2**20


def default_student() -> str:
    name = os.environ.get("GRADE_STUDENT")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


def read_source(path: Path) -> str:
    """The Python source of a submission (a .py file, or the code cells of a notebook)."""
    if not path.exists():
        raise UsageProblem(f"{path} does not exist; pass the file to grade with --file PATH")
    if not path.is_file():
        raise UsageProblem(f"{path} is not a file; pass the file to grade with --file PATH")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise UsageProblem(f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MB; is it the right file?")
    if path.suffix == ".ipynb":
        from grader.course.notebooks import NotebookProblem, source_from_notebook

        try:
            return source_from_notebook(path)
        except NotebookProblem as problem:
            raise UsageProblem(str(problem)) from None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageProblem(f"{path} is not a UTF-8 text file; submit the .py (or .ipynb) file itself") from None
