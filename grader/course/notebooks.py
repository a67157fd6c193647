"""Jupyter notebooks: generate one per exercise from its module, and turn a learner's notebook into a module.

`build_notebook(exercise)` parses exercises/<slug>.py with `ast` (it never imports it) and builds:

    a title, an introduction (the module docstring), a first code cell with the module's imports,
    then per top-level function or class a markdown cell (its docstring) and a code cell (its stub),
    the visible examples (exercises/examples/<slug>.toml) in a cell tagged "examples", and a last
    cell saying how to check and submit.

The output is deterministic (stable cell ids, no timestamps), so the notebooks committed in
exercises/notebooks/ can be proved up to date by regenerating them in memory. They are never
edited by hand: `grade notebook --all` rewrites them.

`source_from_notebook(path)` is what `grade submit`/`grade check` grade for a .ipynb file: the code
cells in order, as one module, where
  - lines starting with % or ! (IPython magics and shell commands) are left out; a cell starting
    with a cell magic (%%bash, %%html, ...) is left out whole, except %%time, %%timeit and
    %%capture whose body is Python;
  - cells tagged "scratch" (the learner's own experiments) or "examples" are left out;
  - each cell runs as in Jupyter: if it raises, the error is printed and the next cells still run,
    so a stray plot or a failing experiment does not cost the functions their grade;
  - a cell that is not valid Python is left out with a printed note.
The learner's own helper functions and imports are kept. Only the standard library is used here
(nbformat takes 0.7 s to import and is needed only to build notebooks).
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import io
import json
import re
import textwrap
import tokenize
from pathlib import Path

from grader.course.catalog import Exercise

SCRATCH_TAG = "scratch"
EXAMPLES_TAG = "examples"
LEFT_OUT_TAGS = {SCRATCH_TAG, EXAMPLES_TAG}
PYTHON_CELL_MAGICS = {"time", "timeit", "capture"}
_HELP = re.compile(r"^(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")  # IPython help: relu? or ??relu
NOTEBOOKS_DIR = "exercises/notebooks"
METADATA_KEY = "grade"


class NotebookProblem(Exception):
    """A file that cannot be read as a notebook; the message is one line saying what to do."""


# -- from a notebook to a module ---------------------------------------------------------------------


def read_notebook_json(path: Path) -> dict:
    """The notebook's JSON as a dict, or NotebookProblem saying in one line why it is not one."""
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


def _text(source) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise ValueError("source")


def _tags(cell: dict) -> set[str]:
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return {t.strip().lower() for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()


def _role(cell: dict) -> str:
    metadata = cell.get("metadata")
    ours = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    return ours.get("role", "") if isinstance(ours, dict) else ""


def notebook_code_cells(data: dict, path: Path | str = "notebook") -> list[str]:
    """The source of each code cell that belongs in the module (scratch and examples cells left out)."""
    cells = []
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotebookProblem(
                f"{path}: cell {number} is malformed (no valid cell_type); "
                "open the notebook in Jupyter and save it again"
            )
        try:
            text = _text(cell.get("source", ""))
        except ValueError:
            raise NotebookProblem(
                f"{path}: cell {number} has a malformed source; open the notebook in Jupyter and save it again"
            ) from None
        if cell["cell_type"] != "code" or _tags(cell) & LEFT_OUT_TAGS:
            continue
        if _role(cell) in ("examples", "examples-helper"):
            continue
        cells.append(text)
    return cells


def _without_magics(text: str) -> str | None:
    """The cell without IPython magic and shell lines; None when the whole cell is not Python."""
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if name not in PYTHON_CELL_MAGICS:
            return None
        index = next(i for i, line in enumerate(lines) if line.strip())
        lines = lines[index + 1 :]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or _HELP.match(stripped):
            indent = line[: len(line) - len(stripped)]
            kept.append(f"{indent}pass  # left out: {stripped[:60]}" if indent else f"# left out: {stripped[:60]}")
        else:
            kept.append(line)
    return "\n".join(kept)


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


def source_from_notebook(path: Path) -> str:
    """The module to grade for a notebook: its code cells, each run as Jupyter would run it."""
    data = read_notebook_json(path)
    cells = notebook_code_cells(data, path)
    futures: list[str] = []
    parts = [
        f'"""Code of the notebook {Path(path).name}, as graded: its code cells in order, without magics,\n'
        "shell lines, or cells tagged scratch or examples; each cell runs as in Jupyter (a cell that\n"
        'raises is reported and the next cells still run)."""'
    ]
    for number, original in enumerate(cells, start=1):
        code = _without_magics(original)
        label = f"code cell {number} ({_first_line(original)!r})"
        if code is None or not code.strip():
            continue
        try:
            tree = ast.parse(code)
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
        parts.append(
            f"# %% {label}\ntry:\n{body}\n    pass\nexcept Exception as __cell_error:\n"
            f"    print({report!r} + type(__cell_error).__name__ + ': ' + str(__cell_error), "
            "file=__import__('sys').stderr)"
        )
    header = "\n".join(dict.fromkeys(futures))
    return (header + "\n" if header else "") + "\n\n\n".join(parts) + "\n"


# -- from an exercise module to a notebook ------------------------------------------------------------


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_LIST_ITEM = re.compile(r"^([*-]|\d+\.)\s+")
_ITEM_SECTIONS = {"args:", "arguments:", "parameters:", "raises:", "attributes:"}
_PROSE_SECTIONS = {"returns:", "return:", "yields:", "example:", "examples:", "note:", "notes:", "see also:"}


def _escape(text: str) -> str:
    """Markdown-escape prose, leaving `code spans` alone."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # unbalanced backticks: treat them as text
        pieces = [text.replace("`", "\\`")]
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(f"`{piece}`")
            continue
        piece = piece.replace("\\", "\\\\")
        piece = re.sub(r"([*_$~|])", r"\\\1", piece)
        piece = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", piece)
        out.append(piece)
    text = "".join(out)
    return "\\" + text if re.match(r"[#>+=]|\d+\.\s", text) else text


def _fence(lines: list[str], language: str = "text") -> list[str]:
    body = textwrap.dedent("\n".join(lines)).strip("\n").splitlines()
    fence = "~~~~" if any("```" in line for line in body) else "```"
    return ["", f"{fence}{language}", *body, fence, ""]


def _is_title(line: str) -> bool:
    text = line.strip()
    if text.lower() in _ITEM_SECTIONS | _PROSE_SECTIONS:
        return True
    if text.endswith(":"):
        return len(text) <= 60
    return len(text) <= 40 and not text.endswith((".", ",", ";", "!", "?")) and text[:1].isupper()


def _block(lines: list[str], start: int, deeper_than: int) -> int:
    """End of the run of lines after `start` that are blank or indented more than `deeper_than`,
    not counting trailing blank lines."""
    end = start
    index = start
    while index < len(lines) and (not lines[index].strip() or _indent_of(lines[index]) > deeper_than):
        index += 1
        if lines[index - 1].strip():
            end = index
    return end


def _items(lines: list[str]) -> list[str]:
    """`name: description` lines (Args sections) as a bullet list; deeper lines continue an item."""
    out, current = [], []
    for line in lines:
        if not line.strip():
            continue
        if _indent_of(line) == 0 and current:
            out.append("- " + _escape(" ".join(current)))
            current = []
        current.append(line.strip())
    if current:
        out.append("- " + _escape(" ".join(current)))
    return ["", *out, ""]


def docstring_markdown(text: str) -> str:
    """A docstring as readable Markdown: prose paragraphs, code and formulas fenced, lists kept,
    `Args:`-style sections as bullets, underlined headings as headings."""
    lines = [line.rstrip() for line in inspect.cleandoc(text).splitlines()]
    out = "\n".join(_markdown_lines(lines))
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def _markdown_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    index = 0
    count = len(lines)
    while index < count:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if _indent_of(line) > 0:  # an indented block at paragraph level
            end = _block(lines, index, 0)
            block = textwrap.dedent("\n".join(lines[index:end])).splitlines()
            if _LIST_ITEM.match(block[0]):
                out += [""] + ["  " + item if item else "" for item in _markdown_lines(block)] + [""]
            else:
                out += _fence(block, "python" if block[0].lstrip().startswith(">>>") else "text")
            index = end
            continue
        stripped = line.strip()
        if stripped.startswith(">>>"):
            end = index
            while end < count and lines[end].strip():
                end += 1
            out += _fence(lines[index:end], "python")
            index = end
            continue
        marker = _LIST_ITEM.match(line)
        if marker:
            end = _block(lines, index + 1, 0)
            width = marker.end()
            body = [line[width:]] + [item[min(width, _indent_of(item)) :] for item in lines[index + 1 : end]]
            converted = _markdown_lines(body)
            while converted and not converted[0].strip():
                converted.pop(0)
            while converted and not converted[-1].strip():
                converted.pop()
            bullet = marker.group(1) if marker.group(1)[0].isdigit() else "-"
            pad = " " * (len(bullet) + 1)
            out.append(f"{bullet} {converted[0] if converted else ''}")
            out += [pad + item if item.strip() else "" for item in converted[1:]]
            index = end
            continue
        if index + 1 < count and re.fullmatch(r"[-=~^]{3,}", lines[index + 1].strip()):
            out += ["", f"### {_escape(stripped)}", ""]
            index += 2
            continue
        if (
            index + 1 < count
            and lines[index + 1].strip()
            and _indent_of(lines[index + 1]) > 0
            and (index == 0 or not lines[index - 1].strip())
            and _is_title(line)
        ):
            end = _block(lines, index + 1, 0)
            body = textwrap.dedent("\n".join(lines[index + 1 : end])).splitlines()
            out += ["", f"**{_escape(stripped)}**", ""]
            lowered = stripped.lower()
            if lowered in _ITEM_SECTIONS:
                out += _items(body)
            elif stripped.endswith(":") and lowered not in _PROSE_SECTIONS and not _LIST_ITEM.match(body[0]):
                out += _fence(body)
            else:
                out += _markdown_lines(body)
            index = end
            continue
        paragraph = [line]
        index += 1
        while (
            index < count
            and lines[index].strip()
            and _indent_of(lines[index]) == 0
            and not lines[index].lstrip().startswith(">>>")
            and not _LIST_ITEM.match(lines[index])
        ):
            paragraph.append(lines[index])
            index += 1
        if any(re.search(r"\S {3,}\S", item) for item in paragraph):  # aligned columns: keep the layout
            out += _fence(paragraph)
        else:
            out += ["", _escape(" ".join(item.strip() for item in paragraph)), ""]
    return out


def _segment(lines: list[str], node: ast.stmt) -> str:
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[start - 1 : node.end_lineno])


def _signature(node) -> str:
    if isinstance(node, ast.ClassDef):
        return f"class {node.name}"
    return f"{node.name}({ast.unparse(node.args)})"


def _class_summary(node: ast.ClassDef) -> list[str]:
    rows = []
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = (ast.get_docstring(item) or "").strip().split("\n\n")[0].replace("\n", " ")
            rows.append(f"- `{item.name}({ast.unparse(item.args)})`" + (f": {_escape(doc)}" if doc else ""))
    return (
        ["", "**Methods** (each one's details are in its docstring, in the code cell below):", "", *rows]
        if rows
        else []
    )


def _intro(docstring: str, exercise: Exercise) -> str:
    paragraphs = inspect.cleandoc(docstring).split("\n\n")
    first = paragraphs[0].strip()
    if "\n" not in first and (first.lower().startswith("chapter") or exercise.title.lower() in first.lower()):
        paragraphs = paragraphs[1:]
    return docstring_markdown("\n\n".join(paragraphs))


def _examples_cells(exercise: Exercise) -> tuple[str, str] | None:
    """(helper source, examples cell source), or None when the exercise has no examples file."""
    if not exercise.examples_path.exists():
        return None
    from grader.course import examplecheck
    from grader.course.examples import load_examples

    helper_file = Path(examplecheck.__file__).read_text(encoding="utf-8")
    tree = ast.parse(helper_file)
    first = tree.body[1] if isinstance(tree.body[0], ast.Expr) else tree.body[0]
    helper_body = "\n".join(helper_file.splitlines()[first.lineno - 1 :])
    helper = (
        "# Helper for the examples cell below (left out of your submission). You do not need to read it.\n"
        + helper_body.rstrip()
        + "\n"
    )
    calls = []
    for example in load_examples(exercise):
        args = [repr(example.call)]
        if example.expected is not None:
            args.append(f"expected={example.expected!r}")
        else:
            args.append(f"expected_shape={list(example.expected_shape)!r}")
        if example.rtol != examplecheck.EXAMPLE_RTOL:
            args.append(f"rtol={example.rtol!r}")
        if example.atol != examplecheck.EXAMPLE_ATOL:
            args.append(f"atol={example.atol!r}")
        if example.note:
            args.append(f"note={example.note!r}")
        calls.append(f"    check_example({', '.join(args)}),")
    cell = (
        '# Visible examples: run the cells above first, then this one. It is tagged "examples", so it is\n'
        f"# left out of your submission; `grade check {exercise.slug} --file {exercise.slug}.ipynb` runs the same ones.\n"
        "passed = [\n" + "\n".join(calls) + "\n]\n"
        'print(f"{sum(passed)}/{len(passed)} examples passed")'
    )
    return helper, cell


def _module_parts(exercise: Exercise):
    """(docstring, setup statements, [(node, source)] in order) of the exercise's stub, by parsing it."""
    source = exercise.stub_path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(exercise.stub_path))
    lines = source.splitlines()
    docstring = ast.get_docstring(tree, clean=False) or ""
    body = tree.body[1:] if docstring else tree.body
    setup, items, seen_definition = [], [], False
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            items.append((node, _segment(lines, node)))
            seen_definition = True
        elif seen_definition:
            items.append((node, _segment(lines, node)))  # a statement between definitions keeps its place
        else:
            setup.append(_segment(lines, node))
    return docstring, setup, items


def notebook_cells(exercise: Exercise) -> list[tuple[str, str, dict]]:
    """The generated notebook as (cell_type, source, metadata) triples."""
    slug = exercise.slug
    docstring, setup, items = _module_parts(exercise)
    file_name = f"{slug}.ipynb"
    cells = [
        (
            "markdown",
            f"# Chapter {exercise.chapter} — {exercise.title}\n\n"
            f"*Exercise `{slug}`. This notebook is generated from `exercises/{slug}.py` and "
            f"`exercises/examples/{slug}.toml` by `grade notebook {slug}`; the copy in the course's "
            f"`{NOTEBOOKS_DIR}/` is never edited by hand. Work in your own copy: "
            f"`grade notebook {slug} --out DIR`.*\n\n"
            "**How to work:** run the imports cell, then in each function's code cell replace "
            "`raise NotImplementedError(...)` with your code and run the cell. Run the examples cell near the "
            "end to check shapes and known values, then check and submit as the last cell says.",
            {},
        )
    ]
    intro = _intro(docstring, exercise)
    if intro:
        cells.append(("markdown", intro, {}))
    if setup:
        cells.append(("code", "\n".join(setup), {METADATA_KEY: {"role": "imports"}}))
    for node, code in items:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            text = f"## `{_signature(node)}`"
            doc = ast.get_docstring(node, clean=False)
            if doc:
                text += "\n\n" + docstring_markdown(doc)
            if isinstance(node, ast.ClassDef):
                text += "\n" + "\n".join(_class_summary(node))
            cells.append(("markdown", text.rstrip(), {}))
            cells.append(("code", code, {METADATA_KEY: {"role": "function", "name": node.name}}))
        else:
            cells.append(("code", code, {METADATA_KEY: {"role": "statement"}}))
    examples = _examples_cells(exercise)
    if examples:
        helper, calls = examples
        cells.append(
            (
                "markdown",
                "## Check your work on the visible examples\n\n"
                "Small cases with known answers (different from the hidden tests that grade you). Run the "
                "next two cells after your functions; each example prints ✓ or ✗ with what went wrong.",
                {},
            )
        )
        cells.append(
            (
                "code",
                helper,
                {"tags": [EXAMPLES_TAG], "jupyter": {"source_hidden": True}, METADATA_KEY: {"role": "examples-helper"}},
            )
        )
        cells.append(("code", calls, {"tags": [EXAMPLES_TAG], METADATA_KEY: {"role": "examples"}}))
    torch_note = " and torch" if exercise.torch else ""
    cells.append(
        (
            "markdown",
            "## Check and submit\n\n"
            "Save the notebook first (Ctrl+S / Cmd+S): the grader reads the saved file. Then, in a terminal:\n\n"
            f"```\ngrade check {slug} --file {file_name}     # the visible examples only; records nothing\n"
            f"grade submit {slug} --file {file_name}    # the real grade: hidden tests, recorded\n```\n\n"
            f"(In a notebook cell, `!grade check {slug} --file {file_name}` works too.)\n\n"
            "**What is submitted:** every code cell, in order, as one Python module. Left out: lines starting "
            "with `%` or `!` (magics, shell commands) and cells tagged `scratch` or `examples`. Your own "
            "helper functions and imports are kept. Each cell runs as in Jupyter: a cell that raises is "
            "reported and the next cells still run.\n\n"
            "**Tip:** tag your experiments (plots, long training runs, printouts) `scratch` so the grader "
            "skips them: in JupyterLab, select the cell and add the tag in the property inspector (the gear "
            "icon, right sidebar); in Notebook 7, View ▸ Right Sidebar ▸ Property Inspector; in classic "
            "Jupyter, View ▸ Cell Toolbar ▸ Tags. The grader imports only this notebook, with "
            f"numpy{torch_note} available: copy anything you need from other exercises into it.",
            {},
        )
    )
    return cells


def fingerprint(cells) -> str:
    """A hash of the cells' types, sources and tags, stored in the notebook's metadata: a notebook whose
    cells still hash to it has not been edited since it was generated (outputs do not count)."""
    digest = hashlib.sha256()
    for cell in cells:
        if isinstance(cell, dict):
            cell_type, source, tags = cell.get("cell_type"), _text(cell.get("source", "")), sorted(_tags(cell))
        else:
            cell_type, source, metadata = cell
            tags = sorted(metadata.get("tags", []))
        digest.update(json.dumps([cell_type, source, tags]).encode())
    return digest.hexdigest()


def build_notebook(exercise: Exercise):
    """The learner's notebook for an exercise, as an nbformat NotebookNode (valid, deterministic)."""
    import nbformat
    from nbformat import v4

    cells = notebook_cells(exercise)
    notebook = v4.new_notebook()
    for index, (cell_type, source, metadata) in enumerate(cells):
        make = v4.new_code_cell if cell_type == "code" else v4.new_markdown_cell
        notebook.cells.append(make(source=source, id=f"{exercise.slug}-{index:02d}", metadata=metadata))
    notebook.metadata = nbformat.from_dict(
        {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            METADATA_KEY: {
                "exercise": exercise.slug,
                "generated_from": f"exercises/{exercise.slug}.py",
                "generator": f"grade notebook {exercise.slug}",
                "cells_sha256": fingerprint(cells),
            },
        }
    )
    nbformat.validate(notebook)
    return notebook


def notebook_text(exercise: Exercise) -> str:
    """The notebook file's exact content (what `grade notebook` writes)."""
    import nbformat

    text = nbformat.writes(build_notebook(exercise))
    return text if text.endswith("\n") else text + "\n"


def is_untouched(path: Path) -> bool:
    """True when the file is a notebook generated by `grade notebook` whose cells nobody has changed since."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        recorded = data["metadata"][METADATA_KEY]["cells_sha256"]
        return isinstance(data["cells"], list) and fingerprint(data["cells"]) == recorded
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return False


def write_notebook(exercise: Exercise, directory: Path, force: bool = False) -> tuple[Path, str]:
    """Write <directory>/<slug>.ipynb; returns (path, what happened): "created", "updated", "unchanged",
    or "kept" when an existing file was edited since it was generated (or is not ours) and force is False."""
    path = Path(directory) / f"{exercise.slug}.ipynb"
    text = notebook_text(exercise)
    if path.exists():
        try:
            if path.read_text(encoding="utf-8") == text:
                return path, "unchanged"
        except (OSError, UnicodeDecodeError):
            pass
        if not force and not is_untouched(path):
            return path, "kept"
        outcome = "updated"
    else:
        outcome = "created"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, outcome
