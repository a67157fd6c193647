"""Reading what a learner hands in: a .py module or the code cells of a notebook, and who they are."""

from __future__ import annotations

import ast
import errno
import getpass
import os
import stat
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


def read_submission_bytes(path: Path, follow_links: bool = True) -> bytes:
    """A submitted file's bytes, read safely: a regular file only (never a FIFO, a device, a folder or,
    without `follow_links`, a symbolic link), at most MAX_SOURCE_BYTES, without ever blocking."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UsageProblem(f"{path} does not exist; pass the file to grade with --file PATH") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UsageProblem(f"{path} is a symbolic link; only regular files are graded") from None
        raise UsageProblem(f"{path} could not be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageProblem(f"{path} is not a regular file; pass the file to grade with --file PATH")
        if info.st_size > MAX_SOURCE_BYTES:
            raise UsageProblem(f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MB; is it the right file?")
        chunks, size = [], 0
        while size <= MAX_SOURCE_BYTES:  # /proc files say size 0: the limit holds while reading too
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_SOURCE_BYTES:
            raise UsageProblem(f"{path} is larger than {MAX_SOURCE_BYTES // 2**20} MB; is it the right file?")
        return b"".join(chunks)
    except OSError as error:
        raise UsageProblem(f"{path} could not be read ({error.strerror})") from None
    finally:
        os.close(fd)


def read_source(path: Path, exercise=None, follow_links: bool = True) -> str:
    """The Python source of a submission (a .py file, or the code cells of a notebook). With the
    exercise it is submitted for, a file that is clearly another exercise's is refused. Whatever the
    file holds, the answer is the source or one UsageProblem line, never a traceback or a hang."""
    path = Path(path)
    return source_from_bytes(path, read_submission_bytes(path, follow_links), exercise)


def source_from_bytes(path: Path, raw: bytes, exercise=None) -> str:
    """`read_source` for bytes already read (an upload to the course server): `path` names the file in
    messages and says by its suffix whether it is a notebook."""
    if path.suffix == ".ipynb":
        from grader.course.notebook_source import (
            NotebookProblem,
            notebook_exercise,
            read_notebook_json,
            source_from_notebook,
        )

        try:
            data = read_notebook_json(path, raw)
            source = source_from_notebook(path, data)
            made_for = notebook_exercise(data)
            source.encode("utf-8")  # JSON may carry lone surrogates that no file or database can hold
        except NotebookProblem as problem:
            raise UsageProblem(str(problem)) from None
        except (RecursionError, MemoryError, ValueError, UnicodeError):
            raise UsageProblem(
                f"could not read this notebook: {path.name} is nested too deeply, too large or not valid Unicode; "
                "open it in Jupyter, save it and submit again"
            ) from None
    else:
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageProblem(f"{path} is not a UTF-8 text file; submit the .py (or .ipynb) file itself") from None
        made_for = None
    if exercise is not None:
        _check_exercise(path, source, exercise, made_for)
    return source


def _defined_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # the worker reports what is wrong
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
