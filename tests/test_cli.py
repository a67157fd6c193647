"""The `grade` command, end to end through click's CliRunner (each assertion prints the output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from grader.course.catalog import COURSE_ROOT, get_exercise, load_manifest


def test_submit_reference_passes_and_is_recorded(cli):
    exercise = get_exercise("activations")
    result = cli("submit", "activations", "--file", str(exercise.solution_path), "--student", "ada")
    assert result.exit_code == 0, result.output
    assert "Score: 22/22" in result.output and "recorded as submission #1" in result.output
    assert "✓" in result.output and "softmax" in result.output
    status = cli("status", "--student", "ada", "--json")
    assert status.exit_code == 0, status.output
    rows = {r["exercise"]: r for r in json.loads(status.output)["exercises"]}
    assert rows["activations"]["best_score"] == 22 and rows["activations"]["complete"]
    assert rows["neurons"]["attempts"] == 0


def test_submit_json_is_exactly_one_object_with_the_schema(cli, tmp_path):
    path = tmp_path / "work.py"
    path.write_text("import numpy as np\ndef relu(x):\n    return np.maximum(x, 0)\nprint('hello')\n")
    result = cli("submit", "activations", "--file", str(path), "--student", "bob", "--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)  # the whole stdout is one JSON object
    for key in (
        "exercise",
        "student",
        "score",
        "max_score",
        "status",
        "tests",
        "schema_version",
        "grader_version",
        "submission_id",
    ):
        assert key in data, key
    assert data["exercise"] == "activations" and data["student"] == "bob" and data["status"] == "failed"
    assert data["score"] == 2 and data["max_score"] == 22
    for test in data["tests"]:
        assert set(test) >= {"name", "function", "passed", "points", "max_points", "message"}
    assert "hello" in data["output"]


def test_submit_default_file_and_student_from_environment(cli, monkeypatch):
    monkeypatch.setenv("GRADE_STUDENT", "carol")
    result = cli("submit", "neurons", "--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["student"] == "carol" and data["score"] == 0
    assert "not implemented yet" in data["tests"][0]["message"]


def test_feedback_names_the_call_and_the_property_without_expected_values(cli, tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text(
        "import numpy as np\n"
        "def softmax(z, axis=-1):\n"
        "    e = np.exp(z)\n"
        "    return e / e.sum(axis=axis, keepdims=True)\n"
    )
    result = cli("submit", "activations", "--file", str(path), "--json")
    tests = [t for t in json.loads(result.output)["tests"] if t["function"] == "softmax"]
    stability = next(t for t in tests if "stable" in t["name"])
    assert not stability["passed"]
    assert "softmax(z) with scores up to 1e4" in stability["message"]
    assert "overflow" in stability["message"]
    assert sum(t["points"] for t in tests) == 3  # values on every axis were right


def test_usage_errors_are_one_line_exit_2_and_write_nothing(cli, db_url, tmp_path):
    db_file = db_url.removeprefix("sqlite:///")
    for args, expected in [
        (("submit", "activation"), "did you mean 'activations'"),
        (("submit", "neurons", "--file", str(tmp_path / "missing.py")), "does not exist"),
        (("hint", "nope"), "there is no exercise or function 'nope'"),
    ]:
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert expected in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert not os.path.exists(db_file)
    bad = cli("submit", "neurons", "--db", "sqlite:////no/such/folder/g.db", with_db=False)
    assert bad.exit_code == 2 and "does not exist" in bad.output, bad.output
    bad = cli("status", "--db", "nonsense", with_db=False)
    assert bad.exit_code == 2 and "is not a database URL" in bad.output, bad.output


def test_status_shows_the_course_in_order_and_what_to_do_next(cli):
    result = cli("status", "--student", "dora")
    assert result.exit_code == 0, result.output
    positions = [result.output.index(e.slug) for e in load_manifest()]
    assert positions == sorted(positions)
    assert "Next: open" in result.output and "grade submit neurons" in result.output


def test_list_and_hint(cli):
    listing = cli("list", "--json")
    assert [e["slug"] for e in json.loads(listing.output)] == [e.slug for e in load_manifest()]
    hint = cli("hint", "activations")
    assert hint.exit_code == 0 and "keepdims" in hint.output, hint.output


def test_grade_works_from_any_directory(tmp_path, db_url):
    env = {**os.environ, "GRADE_DB": db_url, "GRADE_STUDENT": "erin"}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "submit", "neurons", "--file", str(COURSE_ROOT / "solutions" / "neurons.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Score: 12/12" in done.stdout
