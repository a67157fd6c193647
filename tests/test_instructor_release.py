"""`grade release OUT`: the learners' copy holds nothing secret, and its own `grade submit` makes
practice runs (official=False) that say the official grade comes from the instructor."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from db import queries
from db.session import open_database
from grader.course.catalog import COURSE_ROOT, load_manifest
from grader.course.quizbank import load_keys


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def secrets() -> dict[str, str]:
    """Written here independently of grader.course.release: every text a learner must not get."""
    found = {}
    for path in (COURSE_ROOT / "solutions").rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if len(normalised(text)) >= 60:
            found[str(path.relative_to(COURSE_ROOT))] = normalised(text)
        if path.name.startswith("test_") and path.suffix == ".py":
            for node in ast.parse(text).body:
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    found[f"{path.name}::{node.name}"] = normalised(ast.get_source_segment(text, node))
    for question, key in load_keys(COURSE_ROOT).items():
        found[f"explanation of {question}"] = normalised(key.explanation)
    return found


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from grader.cli import main

    out = tmp_path_factory.mktemp("learners") / "course"
    result = CliRunner().invoke(main, ["release", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "withheld: solutions/" in result.output, result.output
    return out


def test_release_has_the_learners_material(release):
    for slug in (e.slug for e in load_manifest()):
        assert (release / "exercises" / f"{slug}.py").read_text() == (
            COURSE_ROOT / "exercises" / f"{slug}.py"
        ).read_text()
    assert (release / "exercises" / "manifest.toml").exists()
    quizzes = sorted(p.name for p in (COURSE_ROOT / "exercises" / "quizzes").glob("*.toml"))
    assert quizzes and sorted(p.name for p in (release / "exercises" / "quizzes").glob("*.toml")) == quizzes
    for folder in ("data", "examples", "notebooks"):
        if (COURSE_ROOT / "exercises" / folder).is_dir():
            assert (release / "exercises" / folder).is_dir(), folder
    for module in (
        "grader/cli/learner.py",
        "grader/engine/judge.py",
        "grader/engine/worker.py",
        "db/models.py",
        "db/session.py",
    ):
        assert (release / module).is_file(), module
    assert list((release / "db" / "migrations" / "versions").glob("0001_*.py"))
    if (COURSE_ROOT / "README.md").exists():
        assert (release / "README.md").is_file()
    pyproject = (release / "pyproject.toml").read_text()
    assert '"grader"' in pyproject and "solutions" not in pyproject
    if (COURSE_ROOT / "setup.sh").exists():
        setup = (release / "setup.sh").read_text()
        assert os.access(release / "setup.sh", os.X_OK) and "grade demo" not in setup and "pip install" in setup


def test_release_holds_nothing_secret(release):
    files = [p for p in release.rglob("*") if p.is_file()]
    relative = [p.relative_to(release).as_posix() for p in files]
    assert not (release / "solutions").exists()
    assert not [r for r in relative if r.startswith(("solutions/", "tests/", "benchmarks/"))], relative
    assert not [r for r in relative if ".git/" in f"/{r}" or "__pycache__" in r or r.endswith((".pyc", ".sqlite3"))]
    hidden_tests = {p.name for p in (COURSE_ROOT / "solutions").rglob("test_*.py")}
    assert hidden_tests, "the instructor's copy has hidden tests"
    assert not [r for r in relative if Path(r).name in hidden_tests], relative
    texts = secrets()
    assert len(texts) > 50
    leaks = []
    for path in files:
        try:
            content = normalised(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue
        leaks += [f"{path.relative_to(release)} holds {label}" for label, secret in texts.items() if secret in content]
    assert leaks == []


def test_release_refuses_a_folder_that_is_not_empty(cli, release, tmp_path):
    result = cli("release", str(release))
    assert result.exit_code == 2, result.output
    assert "not empty" in result.output and len(result.output.strip().splitlines()) == 1, result.output
    inside = cli("release", str(COURSE_ROOT / "exercises" / "learners"))
    assert inside.exit_code == 2 and "inside the course" in inside.output, inside.output
    assert not (COURSE_ROOT / "exercises" / "learners").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("release", str(empty), "--json").exit_code == 0


def run_release_grade(release: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GRADE_DB", "GRADE_STUDENT")}
    env["PYTHONPATH"] = str(release)
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=release, env=env, capture_output=True, text=True, timeout=180
    )


def test_release_submit_is_a_practice_run_recorded_unofficial(release, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'learner.sqlite3'}"
    # the copy's own grader is the one running, and it knows it is a learners' copy
    probe = run_release_grade(release, "list")
    assert probe.returncode == 0, probe.stderr
    stub = run_release_grade(release, "submit", "neurons", "--db", db_url, "--student", "lea")
    output = stub.stdout + stub.stderr
    assert "official grade comes from your instructor" in output, output
    assert stub.returncode in (0, 1), output
    solved = run_release_grade(
        release,
        "submit",
        "neurons",
        "--file",
        str(COURSE_ROOT / "solutions" / "neurons.py"),
        "--db",
        db_url,
        "--student",
        "lea",
        "--json",
    )
    assert solved.returncode == 0, solved.stdout + solved.stderr
    result = json.loads(solved.stdout)
    assert result["official"] is False, result
    assert result["tests"] and result["score"] == result["max_score"], result  # the visible examples pass
    database = open_database(db_url)
    submissions, _ = queries.student_history(database, "lea")
    assert [(s.exercise, s.official, s.origin) for s in submissions] == [("neurons", False, "practice")] * 2
    # an instructor's report counts official work only
    assert queries.progress(database, "lea", official_only=True) == {}
    demo = run_release_grade(release, "demo", "--db", db_url)
    assert demo.returncode == 2 and "instructor's copy" in demo.stderr + demo.stdout
    # the practice scores add up: every visible example passed is complete in `grade status` too
    status = run_release_grade(release, "status", "--db", db_url, "--student", "lea", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    neurons = next(row for row in report["exercises"] if row["exercise"] == "neurons")
    assert report["practice"] is True
    assert neurons["best_score"] == neurons["max_score"] == result["max_score"] and neurons["complete"], neurons
    others = [row for row in report["exercises"] if row["exercise"] != "neurons"]
    assert all(row["max_score"] > 0 and not row["complete"] for row in others), others
    shown = run_release_grade(release, "status", "--db", db_url, "--student", "lea")
    assert f"Exercises complete: 1/{len(report['exercises'])}" in shown.stdout, shown.stdout


def test_release_readme_and_setup_are_the_learners(release):
    readme = (release / "README.md").read_text()
    for absent in (
        "run-tests.sh",
        "grade demo",
        "## For instructors",
        "grade release",
        "grade autograde",
        "solutions/",
    ):
        assert absent not in readme, absent
    for present in (
        "./setup.sh",
        "./setup.sh --jupyter",
        "grade status",
        "grade submit neurons",
        "### Working in Jupyter",
    ):
        assert present in readme, present
    assert "official grade comes from your instructor" in " ".join(readme.split())
    help_text = subprocess.run(["bash", str(release / "setup.sh"), "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and "--jupyter" in help_text.stdout
    wrong = subprocess.run(["bash", str(release / "setup.sh"), "--no-demo"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown option" in wrong.stderr
    # every command the learners' README shows in a code block is one that copy has
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    commands = {line.split()[1] for block in blocks for line in block.splitlines() if line.startswith("grade ")}
    listed = run_release_grade(release, "--help").stdout
    assert commands and all(f"  {command} " in listed for command in commands), (commands, listed)
