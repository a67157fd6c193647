"""Notebooks (issue 7): generated from the exercise modules, graded like .py files, rejected cleanly when malformed.

Generating and validating runs for every exercise of the manifest (cheap); grading through
`grade submit` runs on the fast numpy exercises.
"""

from __future__ import annotations

import ast
import json
import sqlite3

import nbformat
import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.catalog import COURSE_ROOT, get_exercise, load_manifest
from grader.course.docmarkdown import docstring_markdown
from grader.course.examples import load_examples
from grader.course.notebook_source import EXAMPLES_TAG, NotebookProblem, source_from_notebook
from grader.course.notebooks import build_notebook, is_untouched, notebook_text

EXERCISES = load_manifest()
SLUGS = [e.slug for e in EXERCISES]
SUBMITTED = ["neurons", "activations"]  # fast, and their hidden tests are settled


def stub_definitions(exercise) -> list[str]:
    tree = ast.parse(exercise.stub_path.read_text())
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def code_cell(source: str, tags=()) -> dict:
    cell = nbformat.v4.new_code_cell(source=source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return json.loads(json.dumps(cell))


def notebook_json(exercise) -> dict:
    return json.loads(notebook_text(exercise))


def filled_with_reference(exercise) -> dict:
    """The generated notebook with each function's cell replaced by the reference's code of that function,
    the reference's imports in the imports cell, and the reference's other top-level code (helpers,
    constants) in a cell of the learner's own after it."""
    notebook = notebook_json(exercise)
    reference = exercise.solution_path.read_text()
    tree = ast.parse(reference)
    segments = {}
    imports, others = [], []
    for node in tree.body:
        text = ast.get_source_segment(reference, node)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(text)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            segments[node.name] = text
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            others.append(text)
    stub_names = set(stub_definitions(exercise))
    others += [text for name, text in segments.items() if name not in stub_names]
    cells = []
    for cell in notebook["cells"]:
        role = cell["metadata"].get("grade", {})
        if role.get("role") == "imports":
            cell["source"] = "\n".join(imports)
            cells.append(cell)
            if others:
                cells.append(code_cell("# my helpers\n" + "\n\n\n".join(others)))
            continue
        if role.get("role") == "function":
            cell["source"] = segments[role["name"]]
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


def save(notebook: dict, path):
    path.write_text(json.dumps(notebook, indent=1))
    return path


def submit(tmp_path, slug, path, *extra):
    db = tmp_path / "grades.sqlite3"
    result = CliRunner().invoke(
        main, ["submit", slug, "--file", str(path), "--db", f"sqlite:///{db}", "--json", *extra]
    )
    return result, db


def score_of(result) -> tuple[float, float]:
    data = json.loads(result.output)
    return data["score"], data["max_score"]


# -- generation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_notebook_is_valid_deterministic_and_committed_up_to_date(slug):
    exercise = get_exercise(slug)
    text = notebook_text(exercise)
    assert notebook_text(exercise) == text, "two generations differ: the output must be deterministic"
    nbformat.validate(nbformat.reads(text, as_version=4))
    committed = COURSE_ROOT / "exercises" / "notebooks" / f"{slug}.ipynb"
    assert committed.exists(), f"{committed} is missing: run `grade notebook --all`"
    assert committed.read_text(encoding="utf-8") == text, (
        f"{committed} is out of date with exercises/{slug}.py or its examples: run `grade notebook --all`"
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_notebook_layout(slug):
    exercise = get_exercise(slug)
    notebook = build_notebook(exercise)
    cells = notebook.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith(f"# Chapter {exercise.chapter} — ")
    assert "never edited by hand" in cells[0].source
    assert cells[1].cell_type == "markdown"  # the introduction
    first_code = next(c for c in cells if c.cell_type == "code")
    assert first_code.metadata["grade"]["role"] == "imports" and "import numpy as np" in first_code.source
    names = [c.metadata["grade"]["name"] for c in cells if c.metadata.get("grade", {}).get("role") == "function"]
    assert names == stub_definitions(exercise)
    for index, cell in enumerate(cells):
        if cell.metadata.get("grade", {}).get("role") == "function":
            assert cells[index - 1].cell_type == "markdown"
            assert cells[index - 1].source.startswith("## `")
            assert "raise NotImplementedError" in cell.source
    examples = [c for c in cells if EXAMPLES_TAG in c.metadata.get("tags", [])]
    assert [c.metadata["grade"]["role"] for c in examples] == ["examples-helper", "examples"]
    assert "check_example(" in examples[1].source
    last = cells[-1]
    assert last.cell_type == "markdown"
    assert f"grade submit {slug} --file {slug}.ipynb" in last.source
    assert f"grade check {slug} --file {slug}.ipynb" in last.source
    assert [c.id for c in cells] == [f"{slug}-{i:02d}" for i in range(len(cells))]
    assert notebook.metadata["grade"]["exercise"] == slug


@pytest.mark.parametrize("slug", SLUGS)
def test_untouched_notebook_gives_a_module_defining_the_stubs(slug):
    exercise = get_exercise(slug)
    source = source_from_notebook(COURSE_ROOT / "exercises" / "notebooks" / f"{slug}.ipynb")
    tree = ast.parse(source)
    defined = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert set(stub_definitions(exercise)) <= defined
    assert "check_example" not in source  # the examples cells are left out


def test_docstring_markdown_reads_well():
    text = docstring_markdown("""Sum of x_i.

    Computes  a*b  for each row:
        out = a * b        shape (N,)

    Args:
        a: the first array,
            continued here.
        b: the second.

    >>> f(1, 2)
    2
    """)
    assert "Sum of x\\_i." in text
    assert "```text\nout = a * b        shape (N,)\n```" in text
    assert "- a: the first array, continued here.\n- b: the second." in text
    assert "```python\n>>> f(1, 2)\n2\n```" in text
    assert "a\\*b" in text


# -- from a notebook to a module ------------------------------------------------------------------------


def test_extraction_leaves_out_magics_shell_scratch_and_examples(tmp_path):
    notebook = notebook_json(get_exercise("neurons"))
    notebook["cells"] = [
        code_cell("%matplotlib inline\nimport numpy as np\n!ls -la\nnp?\n"),
        code_cell("%%bash\necho this is not Python\n"),
        code_cell("%%time\nTIMED = 1\n"),
        code_cell("raise RuntimeError('exploring')", tags=["Scratch"]),
        code_cell("EXAMPLE = 1", tags=["examples"]),
        code_cell("from __future__ import annotations\nTEXT = '''a\nb'''\n"),
        code_cell("def f(x):\n    %time x\n    return x + 1\n"),
        code_cell("def broken(:\n    pass\n"),
        {"cell_type": "markdown", "metadata": {}, "source": ["# notes"], "id": "m1"},
    ]
    source = source_from_notebook(save(notebook, tmp_path / "work.ipynb"))
    assert source.startswith("from __future__ import annotations\n")
    assert "!ls" not in source.replace("# left out: !ls", "")
    assert "echo this is not Python" not in source and "exploring" not in source and "EXAMPLE" not in source
    namespace: dict = {}
    exec(compile(source, "work.py", "exec"), namespace)
    assert namespace["TIMED"] == 1 and namespace["TEXT"] == "a\nb" and namespace["f"](1) == 2
    assert "broken" not in namespace


def test_a_cell_that_raises_does_not_stop_the_next_ones(tmp_path, capfd):
    notebook = notebook_json(get_exercise("neurons"))
    notebook["cells"] = [
        code_cell("A = 1"),
        code_cell("1 / 0"),
        code_cell("import matplotlib_not_here as plt"),
        code_cell("B = A + 1"),
    ]
    source = source_from_notebook(save(notebook, tmp_path / "work.ipynb"))
    namespace: dict = {}
    exec(compile(source, "work.py", "exec"), namespace)
    assert namespace["B"] == 2
    err = capfd.readouterr().err
    assert "code cell 2 ('1 / 0') raised ZeroDivisionError" in err
    assert "ModuleNotFoundError" in err


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"{not json", "is not a valid notebook: its JSON is broken at line 1"),
        (b'{"a": 1}', "is JSON but not a Jupyter notebook"),
        (b"[1, 2]", "is JSON but not a Jupyter notebook"),
        (b'{"cells": [], "nbformat": 3, "metadata": {}}', "old notebook format 3"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'{"cells": [{"source": "x"}], "nbformat": 4}', "cell 1 is malformed"),
    ],
)
def test_malformed_notebooks_are_rejected_with_one_line(tmp_path, content, expected):
    path = tmp_path / "work.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookProblem, match=expected):
        source_from_notebook(path)
    result, db = submit(tmp_path, "neurons", path)
    assert result.exit_code == 2, result.output
    assert expected.split(":")[0] in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not db.exists()
    checked = CliRunner().invoke(main, ["check", "neurons", "--file", str(path)])
    assert checked.exit_code == 2 and len(checked.output.strip().splitlines()) == 1, checked.output


# -- grading notebooks through `grade submit` -------------------------------------------------------------


@pytest.mark.parametrize("slug", SUBMITTED)
def test_notebook_filled_with_the_reference_gets_full_marks(tmp_path, slug):
    exercise = get_exercise(slug)
    path = save(filled_with_reference(exercise), tmp_path / f"{slug}.ipynb")
    result, db = submit(tmp_path, slug, path)
    assert result.exit_code == 0, result.output
    assert score_of(result) == (float(exercise.points), float(exercise.points))
    with sqlite3.connect(db) as connection:
        (stored,) = connection.execute("SELECT source FROM submissions").fetchone()
    assert stored == source_from_notebook(path)  # the stored source is the extracted module


def test_untouched_notebook_scores_zero(tmp_path):
    path = COURSE_ROOT / "exercises" / "notebooks" / "neurons.ipynb"
    result, _ = submit(tmp_path, "neurons", path)
    assert result.exit_code == 1, result.output
    assert score_of(result) == (0.0, 12.0)


def test_notebook_with_extra_cells_still_gets_full_marks(tmp_path):
    notebook = filled_with_reference(get_exercise("neurons"))
    cells = notebook["cells"]
    for cell in cells:  # a learner's own helper, in a cell of its own, used by a graded function
        if cell["metadata"].get("grade", {}).get("name") == "count_parameters":
            cell["source"] = (
                "def count_parameters(layer_sizes):\n"
                "    sizes = list(layer_sizes)\n"
                "    if len(sizes) < 2 or min(sizes) < 1:\n"
                "        raise ValueError('not a network')\n"
                "    return sum(layer_weights(m, n) for m, n in zip(sizes, sizes[1:]))\n"
            )
    extra = [
        code_cell("%matplotlib inline\nimport matplotlib.pyplot as plt  # not installed where grading runs"),
        code_cell("!ls -la\n%timeit relu(np.zeros(3))"),
        code_cell("def layer_weights(m, n):\n    return m * n + n\n"),
        code_cell("print('exploring: neuron gives', neuron(np.ones(2), np.ones(2), 0.0))"),
        code_cell("raise RuntimeError('a cell that raises')"),
        code_cell("this cell is half-written"),
        code_cell("while True:\n    pass  # would hang: tagged scratch", tags=["scratch"]),
        code_cell("plt.plot([1, 2, 3])\nplt.show()"),
    ]
    at = next(i for i, c in enumerate(cells) if c["metadata"].get("grade", {}).get("role") == "examples")
    notebook["cells"] = cells[:at] + extra + cells[at:]
    path = save(notebook, tmp_path / "neurons.ipynb")
    result, _ = submit(tmp_path, "neurons", path)
    assert result.exit_code == 0, result.output
    assert score_of(result) == (12.0, 12.0)
    output = json.loads(result.output)["output"]
    assert "exploring: neuron gives" in output
    assert "raised RuntimeError: a cell that raises" in output
    assert "is not valid Python" in output


# -- grade check ----------------------------------------------------------------------------------------


def test_check_runs_the_examples_and_records_nothing(tmp_path, monkeypatch):
    db = tmp_path / "never.sqlite3"
    monkeypatch.setenv("GRADE_DB", f"sqlite:///{db}")
    exercise = get_exercise("neurons")
    path = save(filled_with_reference(exercise), tmp_path / "neurons.ipynb")
    runner = CliRunner()
    passed = runner.invoke(main, ["check", "neurons", "--file", str(path)])
    assert passed.exit_code == 0, passed.output
    assert "Examples passed: 9/9" in passed.output and "nothing was recorded" in passed.output
    untouched = runner.invoke(
        main, ["check", "neurons", "--file", str(COURSE_ROOT / "exercises/notebooks/neurons.ipynb"), "--json"]
    )
    assert untouched.exit_code == 1, untouched.output
    data = json.loads(untouched.output)
    assert data["score"] == 0 and data["official"] is False and data["submission_id"] is None
    assert all("not implemented yet" in t["message"] for t in data["tests"])
    assert not db.exists()


def test_check_explains_a_wrong_value(tmp_path):
    source = exercise_source_with("neurons", "count_parameters", "def count_parameters(sizes):\n    return 0\n")
    path = tmp_path / "mine.py"
    path.write_text(source)
    result = CliRunner().invoke(main, ["check", "neurons", "--file", str(path), "--json"])
    assert result.exit_code == 1
    messages = [t["message"] for t in json.loads(result.output)["tests"] if t["function"] == "count_parameters"]
    assert messages[0] == (
        "count_parameters([784, 256, 10]) returned 0; expected 203530 (rtol 1e-06, atol 1e-08) "
        "(note: 784*256+256 + 256*10+10)"
    )


def exercise_source_with(slug: str, name: str, replacement: str) -> str:
    """The reference of `slug` with function `name` replaced."""
    reference = get_exercise(slug).solution_path.read_text()
    for node in ast.parse(reference).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return reference.replace(ast.get_source_segment(reference, node), replacement)
    raise AssertionError(name)


# -- grade notebook -------------------------------------------------------------------------------------


def test_notebook_command_writes_and_never_overwrites_work(tmp_path):
    runner = CliRunner()
    out = tmp_path / "work"
    first = runner.invoke(main, ["notebook", "neurons", "--out", str(out)])
    assert first.exit_code == 0, first.output
    path = out / "neurons.ipynb"
    assert path.read_text() == notebook_text(get_exercise("neurons")) and is_untouched(path)
    again = runner.invoke(main, ["notebook", "neurons", "--out", str(out)])
    assert again.exit_code == 0 and "unchanged" in again.output
    notebook = json.loads(path.read_text())  # run in Jupyter (outputs) but not edited: may be replaced
    notebook["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}]
    notebook["cells"][2]["execution_count"] = 1
    save(notebook, path)
    assert is_untouched(path)
    replaced = runner.invoke(main, ["notebook", "neurons", "--out", str(out)])
    assert replaced.exit_code == 0 and "updated" in replaced.output
    notebook["cells"][4]["source"] = "def neuron(x, w, b, activation='sigmoid'):\n    return 0.0\n"  # work
    save(notebook, path)
    edited = path.read_text()
    kept = runner.invoke(main, ["notebook", "neurons", "--out", str(out)])
    assert kept.exit_code == 2, kept.output
    assert "left alone" in kept.output and "--force" in kept.output
    assert path.read_text() == edited
    forced = runner.invoke(main, ["notebook", "neurons", "--out", str(out), "--force"])
    assert forced.exit_code == 0 and path.read_text() == notebook_text(get_exercise("neurons"))
    every = runner.invoke(main, ["notebook", "--all", "--out", str(out)])
    assert every.exit_code == 0, every.output
    assert sorted(p.stem for p in out.glob("*.ipynb")) == sorted(SLUGS)


@pytest.mark.parametrize("args", [[], ["neurons", "--all"], ["softmax"]])
def test_notebook_command_usage_errors(args):
    result = CliRunner().invoke(main, ["notebook", *args])
    assert result.exit_code == 2, result.output


# -- the notebooks run as they are (IPython executes cells as a Jupyter kernel does) -------------------


@pytest.mark.parametrize("slug", [e.slug for e in EXERCISES if not e.torch])
def test_notebook_examples_cell_runs_in_ipython(slug, capsys):
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    exercise = get_exercise(slug)
    for notebook, verdict in (
        (filled_with_reference(exercise), "{n}/{n} examples passed"),
        (notebook_json(exercise), "0/{n} examples passed"),
    ):
        shell = interactiveshell.InteractiveShell()
        try:
            for cell in notebook["cells"]:
                if cell["cell_type"] == "code":
                    result = shell.run_cell("".join(cell["source"]))
                    assert result.error_before_exec is None
        finally:
            interactiveshell.InteractiveShell.clear_instance()
        printed = capsys.readouterr().out.strip().splitlines()
        count = len(load_examples(exercise))
        assert printed[-1] == verdict.format(n=count), printed
