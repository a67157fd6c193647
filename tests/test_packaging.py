"""`pip install .` (not editable) gives a working grader: the wheel holds the course (exercises, quiz
keys, hidden tests) as nn_grade_course/, installs no top-level `solutions`, and the installed `grade`
lists, grades and records into the user's data folder, never into site-packages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_package_list_names_every_package_of_grader_and_db():
    listed = set(PROJECT["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.relative_to(ROOT).parts)
        for top in ("grader", "db")
        for path in [ROOT / top, *(ROOT / top).rglob("*")]
        if path.is_dir() and path.name != "__pycache__" and any(path.glob("*.py"))
    }
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    assert listed - found == {"nn_grade_course"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built from a copy of the source (the checkout stays clean)."""
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3*", "*.egg-info", "build")
    for name in ("grader", "db", "exercises", "solutions"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [path] = out.glob("nn_grade-*.whl")
    return path


def test_the_wheel_holds_the_course_and_no_stray_top_level_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"grader", "db", "nn_grade_course"}
    for needed in (
        "nn_grade_course/exercises/manifest.toml",
        "nn_grade_course/exercises/neurons.py",
        "nn_grade_course/exercises/quizzes/neurons.toml",
        "nn_grade_course/exercises/examples/neurons.toml",
        "nn_grade_course/exercises/notebooks/neurons.ipynb",
        "nn_grade_course/exercises/data/foundation_digits.npz",
        "nn_grade_course/solutions/quizzes/neurons.toml",
        "nn_grade_course/solutions/tests/test_neurons.py",
        "nn_grade_course/solutions/drivers/fine_tuning.py",
        "nn_grade_course/solutions/neurons.py",
        "db/alembic.ini",
        "db/migrations/script.py.mako",
        "db/migrations/versions/0001_initial.py",
    ):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.endswith((".sqlite3", ".pyc"))]


def test_a_non_editable_install_lists_grades_and_records_outside_site_packages(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    # the dependencies (numpy, SQLAlchemy, pydantic, ...) come from the test environment; the grader
    # itself only from the wheel: a .pth line adds a folder without running that folder's .pth files,
    # so the editable install of the checkout stays out of sight
    (site / "deps_from_tests.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    home = tmp_path / "home"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GRADE_", "XDG_", "PYTHON"))},
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    grade = str(venv / "bin" / "grade")

    def run(*args):
        return subprocess.run([grade, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)

    where = subprocess.run(
        [str(python), "-c", "import grader, solutions"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert "No module named 'solutions'" in where.stderr  # not a top-level package
    probe = subprocess.check_output(
        [str(python), "-c", "import grader.course.catalog as c; print(c.COURSE_ROOT)"], text=True, env=env, cwd=tmp_path
    ).strip()
    assert probe == str(site / "nn_grade_course")
    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [e["slug"] for e in json.loads(listed.stdout)][:2] == ["neurons", "activations"]
    solution = ROOT / "solutions" / "neurons.py"
    graded = run("submit", "neurons", "--file", str(solution), "--student", "ivy", "--json")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    result = json.loads(graded.stdout)
    assert result["score"] == result["max_score"] == 12 and result["official"] is True
    assert (home / "data" / "nn-grade" / "grades.sqlite3").is_file()
    assert not list(site.rglob("*.sqlite3"))
    status = run("status", "--student", "ivy", "--json")
    assert json.loads(status.stdout)["exercises"][0]["complete"] is True
    checked = run("course", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
