"""Reading a learner's notebook: the module that `grade submit`/`grade check` grade for a .ipynb file.

`source_from_notebook(path)` gives the code cells in order, as one module, where
  - lines starting with % or ! (IPython magics and shell commands) are left out; a cell starting
    with a cell magic (%%bash, %%html, ...) is left out whole, except %%time, %%timeit and
    %%capture whose body is Python;
  - cells tagged "scratch" (the learner's own experiments) or "examples" are left out;
  - each cell runs as in Jupyter: if it raises, the error is printed and the next cells still run,
    so a stray plot or a failing experiment does not cost the functions their grade;
  - a cell that is not valid Python is left out with a printed note.
The learner's own helper functions and imports are kept. Each cell is preceded by a marker line
(`# %% code cell N ...`), from which `cell_lines` maps a line of the module back to the cell and
its line, so that feedback says "code cell 3, line 2" (`relabel_lines`). Only the standard library
is used here (nbformat takes 0.7 s to import and is needed only to build notebooks).
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

SCRATCH_TAG = "scratch"
EXAMPLES_TAG = "examples"
LEFT_OUT_TAGS = {SCRATCH_TAG, EXAMPLES_TAG}
PYTHON_CELL_MAGICS = {"time", "timeit", "capture"}
_HELP = re.compile(r"^(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")  # IPython help: relu? or ??relu
NOTEBOOKS_DIR = "exercises/notebooks"
METADATA_KEY = "grade"


class NotebookProblem(Exception):
    """A file that cannot be read as a notebook; the message is one line saying what to do."""


def read_notebook_json(path: Path, raw: bytes | None = None) -> dict:
    """The notebook's JSON as a dict (from `raw`, or read from `path`), or NotebookProblem saying in one
    line why it is not one."""
    if raw is None:
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise NotebookProblem(f"{path} could not be read ({error.strerror})") from None
    if not raw.strip():
        raise NotebookProblem(
            f"{path} is empty, not a notebook; save the notebook in Jupyter and submit the .ipynb again"
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookProblem(
            f"{path} is not a notebook (not UTF-8 text); submit the .ipynb file Jupyter saves"
        ) from None
    except RecursionError:
        raise NotebookProblem(f"could not read this notebook: {path} is nested too deeply to be a notebook") from None
    except json.JSONDecodeError as error:
        raise NotebookProblem(
            f"{path} is not a valid notebook: its JSON is broken at line {error.lineno}, "
            f"column {error.colno} ({error.msg}); open it in Jupyter and save it again"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or "nbformat" not in data:
        raise NotebookProblem(
            f"{path} is JSON but not a Jupyter notebook (no 'cells' or 'nbformat'); "
            "submit the .ipynb file Jupyter saves"
        )
    version = data["nbformat"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 4:
        raise NotebookProblem(
            f"{path} uses the old notebook format {version!r}; open it in a recent Jupyter, "
            "save it (format 4) and submit again"
        )
    return data


def cell_text(source) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise ValueError("source")


def cell_tags(cell: dict) -> set[str]:
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return {t.strip().lower() for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()


def _role(cell: dict) -> str:
    metadata = cell.get("metadata")
    ours = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    return ours.get("role", "") if isinstance(ours, dict) else ""


def notebook_code_cells(data: dict, path: Path | str = "notebook") -> list[str]:
    """(n, source) of each code cell that belongs in the module (scratch and examples cells left out),
    n counting every code cell of the notebook from 1, as a learner counts them on the screen."""
    cells = []
    code_number = 0
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotebookProblem(
                f"{path}: cell {number} is malformed (no valid cell_type); "
                "open the notebook in Jupyter and save it again"
            )
        try:
            text = cell_text(cell.get("source", ""))
        except ValueError:
            raise NotebookProblem(
                f"{path}: cell {number} has a malformed source; open the notebook in Jupyter and save it again"
            ) from None
        if cell["cell_type"] != "code":
            continue
        code_number += 1
        if cell_tags(cell) & LEFT_OUT_TAGS or _role(cell) in ("examples", "examples-helper"):
            continue
        cells.append((code_number, text))
    return cells


def notebook_exercise(data: dict) -> str | None:
    """The exercise a notebook was generated for (`grade notebook` records it), or None."""
    metadata = data.get("metadata")
    ours = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    slug = ours.get("exercise") if isinstance(ours, dict) else None
    return slug if isinstance(slug, str) else None


def _without_magics(text: str) -> tuple[str | None, int]:
    """The cell without IPython magic and shell lines, and the number of the cell's lines dropped at
    its top (a %%time line); None when the whole cell is not Python."""
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    dropped = 0
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if name not in PYTHON_CELL_MAGICS:
            return None, 0
        dropped = next(i for i, line in enumerate(lines) if line.strip()) + 1
        lines = lines[dropped:]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or _HELP.match(stripped):
            indent = line[: len(line) - len(stripped)]
            kept.append(f"{indent}pass  # left out: {stripped[:60]}" if indent else f"# left out: {stripped[:60]}")
        else:
            kept.append(line)
    return "\n".join(kept), dropped


def _string_continuation_lines(text: str) -> set[int]:
    """1-based numbers of the lines that start inside a multi-line string (not to be re-indented)."""
    inside = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                inside.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return inside


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")), "")
    return line if len(line) <= 40 else line[:37] + "..."


def source_from_notebook(path: Path, data: dict | None = None) -> str:
    """The module to grade for a notebook: its code cells, each run as Jupyter would run it."""
    data = read_notebook_json(path) if data is None else data
    cells = notebook_code_cells(data, path)
    futures: list[str] = []
    parts = [
        f'"""Code of the notebook {Path(path).name}, as graded: its code cells in order, without magics,\n'
        "shell lines, or cells tagged scratch or examples; each cell runs as in Jupyter (a cell that\n"
        'raises is reported and the next cells still run)."""'
    ]
    for number, original in cells:
        code, dropped = _without_magics(original)
        label = f"code cell {number} ({_first_line(original)!r})"
        if code is None or not code.strip():
            continue
        try:
            tree = ast.parse(code)
        except (RecursionError, MemoryError):
            note = f"{label} was left out: it is nested too deeply to be read"
            parts.append(f"# %% {label}\nprint({note!r}, file=__import__('sys').stderr)")
            continue
        except SyntaxError as error:
            note = f"{label} was left out: it is not valid Python (line {error.lineno} of the cell: {error.msg})"
            parts.append(f"# %% {label}\nprint({note!r}, file=__import__('sys').stderr)")
            continue
        lines = code.splitlines()
        for node in tree.body:  # `from __future__` must open the module: move it there
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                futures.append(ast.get_source_segment(code, node))
                for index in range(node.lineno - 1, node.end_lineno):
                    lines[index] = ""
        code = "\n".join(lines)
        if not code.strip():
            continue
        keep = _string_continuation_lines(code)
        body = "\n".join(
            line if number_ in keep or not line.strip() else "    " + line
            for number_, line in enumerate(code.splitlines(), start=1)
        )
        report = f"{label} raised "
        marker = f"{label} [from line {dropped + 1}]" if dropped else label
        parts.append(
            f"# %% {marker}\ntry:\n{body}\n    pass\nexcept Exception as __cell_error:\n"
            f"    print({report!r} + type(__cell_error).__name__ + ': ' + str(__cell_error), "
            "file=__import__('sys').stderr)"
        )
    header = "\n".join(dict.fromkeys(futures))
    return (header + "\n" if header else "") + "\n\n\n".join(parts) + "\n"


# -- feedback about a notebook names its cells ----------------------------------------------------------

_MARKER = re.compile(r"# %% code cell (\d+) \((.*)\)(?: \[from line (\d+)\])?$")
_LINE_MENTION = re.compile(r"\b(at line|line) (\d+)(?=, in |\b)")


def cell_lines(source: str) -> dict[int, tuple[int, int]]:
    """For a module made by source_from_notebook: module line -> (code cell number, line in that cell)."""
    found: dict[int, tuple[int, int]] = {}
    cell = None
    for number, line in enumerate(source.splitlines(), start=1):
        marker = _MARKER.match(line)
        if marker:
            cell = (int(marker.group(1)), number + 2, int(marker.group(3) or 1))  # the body starts after "try:"
        elif cell is not None and number >= cell[1]:
            if line.startswith("except Exception as __cell_error:"):
                cell = None
                continue
            found[number] = (cell[0], number - cell[1] + cell[2])
    return found


def relabel_lines(result, source: str):
    """The RunResult with every "line N" of the learner's module said as "code cell C, line L" when
    the module came from a notebook (a .py submission is left as it is)."""
    if not source.startswith(("from __future__", '"""Code of the notebook')) or "# %% code cell" not in source:
        return result
    mapping = cell_lines(source)

    def cells(text: str) -> str:
        def one(match):
            where = mapping.get(int(match.group(2)))
            return f"{match.group(1)} {match.group(2)}" if where is None else f"code cell {where[0]}, line {where[1]}"

        return _LINE_MENTION.sub(one, text) if text else text

    result.message = cells(result.message)
    result.output = cells(result.output)
    for test in result.tests:
        test.message = cells(test.message)
    return result
