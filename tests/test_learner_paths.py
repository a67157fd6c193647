"""A newcomer's path: names that cannot name a learner are refused everywhere they enter, `grade hint`
knows the functions, a notebook of another exercise is refused, and feedback on a notebook names
its cells."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.catalog import COURSE_ROOT, get_exercise
from grader.course.notebooks import notebook_text
from grader.service.autograde import plan_batch

BAD_NAMES = ["", "   ", "bob\nsmith", "tab\there", "\x1b]52;c;aGk=\x07", "x" * 101, " alice"]


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def submissions_in(db) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM submissions").fetchone()[0]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_learner_names_are_refused_with_one_line(tmp_path, name):
    db = tmp_path / "grades.sqlite3"
    url = f"sqlite:///{db}"
    solution = str(COURSE_ROOT / "solutions" / "neurons.py")
    for args in (
        ["submit", "neurons", "--file", solution, "--db", url, "--student", name],
        ["status", "--db", url, "--student", name],
        ["quiz", "neurons", "--answer", "neurons.1=b", "--db", url, "--student", name],
        ["demo", "--db", url, "--student", name],
    ):
        line = one_line_exit_2(invoke(*args))
        assert "given by --student" in line and "use a plain name of 1 to 100 characters" in line, line
        assert "\x1b" not in line and "\x07" not in line
    line = one_line_exit_2(invoke("submit", "neurons", "--file", solution, "--db", url, env={"GRADE_STUDENT": name}))
    assert "given by $GRADE_STUDENT" in line
    assert submissions_in(db) == 0


def test_good_names_pass(tmp_path):
    url = f"sqlite:///{tmp_path / 'grades.sqlite3'}"
    for name in ("alice", "Zoë Müller-Łukasiewicz", "李雷", "x" * 100):
        result = invoke("status", "--db", url, "--student", name, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["student"] == name


def test_autograde_ignores_a_folder_that_cannot_name_a_learner(tmp_path):
    solution = (COURSE_ROOT / "solutions" / "neurons.py").read_text()
    for folder in ("alice", "bad\nname", "y" * 120):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "neurons.py").write_text(solution)
    batch = plan_batch(tmp_path, only=["neurons"])
    assert batch.students == ["alice"]
    assert "'bad\\nname' (the folder's name holds a control character" in " ".join(batch.ignored)
    assert f"{'y' * 40!r} (the folder's name is longer than 100 characters" in " ".join(batch.ignored)


def test_hint_knows_the_functions():
    result = invoke("hint", "softmax")
    assert result.exit_code == 0
    assert result.output.startswith("softmax is a function of exercise 'activations'.\n\nactivations — Non-linearity\n")
    assert get_exercise("activations").hint in result.output
    assert invoke("hint", "Value").output.startswith("Value is a class of exercise 'autograd'.")
    line = one_line_exit_2(invoke("hint", "sofmax"))
    assert (
        line
        == "Error: there is no exercise or function 'sofmax'; did you mean 'softmax'? `grade list` shows the exercises"
    )


def write_notebook(tmp_path, slug, name=None):
    path = tmp_path / (name or f"{slug}.ipynb")
    path.write_text(notebook_text(get_exercise(slug)))
    return path


def test_a_notebook_of_another_exercise_is_refused(tmp_path):
    db = tmp_path / "grades.sqlite3"
    notebook = write_notebook(tmp_path, "activations")
    line = one_line_exit_2(invoke("submit", "neurons", "--file", str(notebook), "--db", f"sqlite:///{db}"))
    assert line == (
        f"Error: activations.ipynb is the work of exercise 'activations', not 'neurons'; nothing was recorded. "
        f"Submit it with `grade submit activations --file {notebook}`, or pass the file of neurons"
    )
    assert submissions_in(db) == 0
    assert one_line_exit_2(invoke("check", "neurons", "--file", str(notebook))).startswith(
        "Error: activations.ipynb is the work"
    )
    renamed = write_notebook(tmp_path, "activations", "mywork.ipynb")  # the name does not matter: its metadata does
    assert "is the work of exercise 'activations'" in one_line_exit_2(
        invoke("check", "neurons", "--file", str(renamed))
    )


def test_a_file_named_after_another_exercise_is_refused_only_when_it_is_that_exercise(tmp_path):
    db = f"sqlite:///{tmp_path / 'grades.sqlite3'}"
    wrong = tmp_path / "activations.py"
    wrong.write_text((COURSE_ROOT / "solutions" / "activations.py").read_text())
    assert "is the work of exercise 'activations'" in one_line_exit_2(
        invoke("submit", "neurons", "--file", str(wrong), "--db", db)
    )
    mine = tmp_path / "mywork.py"  # any other name is graded as it is
    mine.write_text(wrong.read_text())
    assert invoke("submit", "neurons", "--file", str(mine), "--db", db, "--json").exit_code == 1


def test_feedback_on_a_notebook_names_the_cell_and_its_line(tmp_path):
    notebook = json.loads(notebook_text(get_exercise("activations")))
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    relu_cell = next(c for c in code_cells if c["metadata"].get("grade", {}).get("name") == "relu")
    relu_cell["source"] = "%%time\ndef relu(x):\n    scale = 1 / 0\n    return x * scale\n"
    number = code_cells.index(relu_cell) + 1
    path = tmp_path / "activations.ipynb"
    path.write_text(json.dumps(notebook))
    result = invoke("check", "activations", "--file", str(path), "--json")
    messages = [t["message"] for t in json.loads(result.output)["tests"] if t["function"] == "relu"]
    assert messages and all(f"code cell {number}, line 3, in relu" in m for m in messages), messages
    plain = tmp_path / "mine.py"
    plain.write_text("import numpy as np\n\n\ndef relu(x):\n    scale = 1 / 0\n    return x * scale\n")
    result = invoke("check", "activations", "--file", str(plain), "--json")
    messages = [t["message"] for t in json.loads(result.output)["tests"] if t["function"] == "relu"]
    assert messages and all("line 5, in relu" in m and "cell" not in m for m in messages), messages


def test_setup_script_options(tmp_path):
    shown = subprocess.run(["bash", str(COURSE_ROOT / "setup.sh"), "--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and "--jupyter" in shown.stdout and "--no-demo" in shown.stdout
    wrong = subprocess.run(["bash", str(COURSE_ROOT / "setup.sh"), "--jupiter"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown option '--jupiter'" in wrong.stderr


def test_the_jupyter_extra_brings_what_the_readme_uses():
    import tomllib

    project = tomllib.loads((COURSE_ROOT / "pyproject.toml").read_text())["project"]
    extra = " ".join(project["optional-dependencies"]["jupyter"])
    assert "jupyterlab" in extra and "matplotlib" in extra
    readme = (COURSE_ROOT / "README.md").read_text()
    assert "./setup.sh --jupyter" in readme and 'pip install "nn-grade[jupyter]"' in readme
    assert "jupyter lab" in readme


@pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import jupyterlab, matplotlib"], capture_output=True).returncode != 0,
    reason="the [jupyter] extra is not installed here (./setup.sh --jupyter installs it; run-tests.sh does)",
)
def test_the_readme_jupyter_workflow_runs_once_the_extra_is_installed(tmp_path):
    """JupyterLab is there, and a notebook written by `grade notebook` runs in a real Jupyter kernel,
    a plotting cell included; then `grade check` reads the saved notebook."""
    jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
    version = subprocess.run([jupyter, "lab", "--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0, version.stderr
    assert invoke("notebook", "neurons", "--out", str(tmp_path)).exit_code == 0
    path = tmp_path / "neurons.ipynb"
    notebook = json.loads(path.read_text())
    plot = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nprint('plotted')"
    notebook["cells"].append(
        {
            "cell_type": "code",
            "id": "plot",
            "metadata": {"tags": ["scratch"]},
            "source": plot,
            "outputs": [],
            "execution_count": None,
        }
    )
    path.write_text(json.dumps(notebook))
    ran = subprocess.run(
        [jupyter, "nbconvert", "--to", "notebook", "--execute", "--output", str(tmp_path / "ran.ipynb"), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    outputs = (tmp_path / "ran.ipynb").read_text()
    assert "plotted" in outputs and "0/9 examples passed" in outputs  # the stubs are not written yet
    checked = invoke("check", "neurons", "--file", str(tmp_path / "ran.ipynb"), "--json")
    assert checked.exit_code == 1 and json.loads(checked.output)["score"] == 0
