"""Jupyter notebooks: generate one per exercise from its module.

`build_notebook(exercise)` parses exercises/<slug>.py with `ast` (it never imports it) and builds:

    a title, an introduction (the module docstring), a first code cell with the module's imports,
    then per top-level function or class a markdown cell (its docstring) and a code cell (its stub),
    the visible examples (exercises/examples/<slug>.toml) in a cell tagged "examples", and a last
    cell saying how to check and submit.

The output is deterministic (stable cell ids, no timestamps), so the notebooks committed in
exercises/notebooks/ can be proved up to date by regenerating them in memory. They are never
edited by hand: `grade notebook --all` rewrites them. Reading a learner's notebook back into a
module is `grader.course.notebook_source`.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
from pathlib import Path

from grader.course.catalog import Exercise
from grader.course.docmarkdown import docstring_markdown, escape_markdown
from grader.course.notebook_source import EXAMPLES_TAG, METADATA_KEY, NOTEBOOKS_DIR, cell_tags, cell_text


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
            rows.append(f"- `{item.name}({ast.unparse(item.args)})`" + (f": {escape_markdown(doc)}" if doc else ""))
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
            cell_type, source, tags = cell.get("cell_type"), cell_text(cell.get("source", "")), sorted(cell_tags(cell))
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
