"""`grade autograde`: a folder of mixed submissions (correct, buggy, hostile, hanging, missing, stray
files) gives the expected scores and a complete database; re-running skips what was graded; a pool
process that dies costs only its own submission."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from db import queries
from db.session import open_database
from grader.course.catalog import get_exercise
from grader.engine.fallback import children_of as _children_of
from grader.service import autograde
from grader.service import submit as service

NEURONS = get_exercise("neurons")
ACTIVATIONS = get_exercise("activations")
HANG_LIMIT = 8  # --time-limit: caps the hanging import; a reference grades in about 1 s


def buggy_neurons() -> str:
    """The reference with the classic mistake: count_parameters forgets the biases (11/12)."""
    source = NEURONS.solution_path.read_text()
    bug = source.replace("return sum(m * n + n for", "return sum(m * n for")
    assert bug != source
    return bug


@pytest.fixture
def class_folder(tmp_path) -> Path:
    folder = tmp_path / "collected"
    files = {
        "alice/neurons.py": NEURONS.solution_path.read_text(),
        "alice/activations.py": ACTIVATIONS.solution_path.read_text(),
        "bob/neurons.py": buggy_neurons(),
        "bob/activations.py": "import sys\nsys.exit(3)\n",  # hostile: exits at import
        "carol/neurons.py": "while True:\n    pass\n",  # hangs at import
        "carol/notes.txt": "not a submission\n",
        "dave/activations.py": ACTIVATIONS.stub_path.read_text(),  # untouched stub: 0
        "README.txt": "a stray file at the top\n",
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (folder / "erin").mkdir()  # a learner with nothing
    import nbformat

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# my work"), nbformat.v4.new_code_cell(NEURONS.solution_path.read_text())]
    )
    nbformat.write(notebook, str(folder / "dave" / "neurons.ipynb"))  # graded like a .py
    nbformat.write(notebook, str(folder / "alice" / "neurons.ipynb"))  # alice/neurons.py wins
    return folder


def run(cli, folder, *more):
    result = cli(
        "autograde",
        str(folder),
        "--exercise",
        "neurons",
        "--exercise",
        "activations",
        "--jobs",
        "2",
        "--time-limit",
        str(HANG_LIMIT),
        "--json",
        *more,
    )
    stdout = result.stdout if hasattr(result, "stdout") else result.output
    try:
        return result, json.loads(stdout)
    except json.JSONDecodeError:
        raise AssertionError(result.output) from None


def cells(report) -> dict:
    return {(r["student"], r["exercise"]): r for r in report["results"]}


def test_autograde_mixed_class_scores_records_and_skips(cli, class_folder, db_url):
    started = time.monotonic()
    result, report = run(cli, class_folder)
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    got = cells(report)
    expected = {
        ("alice", "neurons"): ("graded", 12.0, "passed"),
        ("alice", "activations"): ("graded", 22.0, "passed"),
        ("bob", "neurons"): ("graded", 11.0, "failed"),
        ("bob", "activations"): ("graded", 0.0, "error"),
        ("carol", "neurons"): ("graded", 0.0, "error"),
        ("carol", "activations"): ("missing", None, ""),
        ("dave", "neurons"): ("graded", 12.0, "passed"),
        ("dave", "activations"): ("graded", 0.0, "failed"),
        ("erin", "neurons"): ("missing", None, ""),
        ("erin", "activations"): ("missing", None, ""),
    }
    assert {key: (c["outcome"], c["score"], c["status"]) for key, c in got.items()} == expected, report
    assert report["students"] == ["alice", "bob", "carol", "dave", "erin"], report
    assert "sys.exit()" in got[("bob", "activations")]["message"], report
    assert "did not finish in time" in got[("carol", "neurons")]["message"], report
    assert sorted(report["ignored"]) == [
        "README.txt (not a learner's folder)",
        "alice/neurons.ipynb (also has neurons.py, which was graded)",
        "carol/notes.txt (not an exercise of the course)",
    ], report
    assert got[("dave", "neurons")]["path"] == "dave/neurons.ipynb", report
    assert report["jobs"] == 2 and report["counts"] == {"graded": 7, "missing": 3}, report
    # the hanging file cost about its own limit, and the others went on meanwhile
    assert elapsed < HANG_LIMIT + 45, elapsed

    # the database holds every graded file exactly as `grade submit` would record it
    database = open_database(db_url)
    assert queries.count_submissions(database) == 7
    for (student, slug), cell in got.items():
        history = queries.student_history(database, student)
        rows = [s for s in history[0] if s.exercise == slug] if history else []
        if cell["outcome"] != "graded":
            assert rows == [], (student, slug)
            continue
        [row] = rows
        assert (row.id, row.score, row.status, row.official, row.origin) == (
            cell["submission_id"],
            cell["score"],
            cell["status"],
            True,
            "autograde",
        ), (student, slug)
        assert row.tests > 0, (student, slug, row)  # every hidden test's outcome
        assert (row.tests_passed == row.tests) == (cell["status"] == "passed"), (student, slug, row)
    with database.reading() as session:
        from sqlalchemy import select

        from db.models import Student, Submission

        stored = dict(
            session.execute(
                select(Submission.source, Submission.source_sha256)
                .join(Student)
                .where(Student.name == "bob", Submission.exercise == "neurons")
            )
            .one()
            ._mapping
        )
    assert stored["source"] == buggy_neurons()
    assert stored["source_sha256"] == queries.source_hash(buggy_neurons())

    # the terminal summary: learners x exercises with score / missing
    again = cli("autograde", str(class_folder), "--exercise", "neurons", "--exercise", "activations")
    assert again.exit_code == 0, again.output
    assert "=12" in again.output and "=22" in again.output and "—" in again.output, again.output
    assert "skipped 7 already graded" in again.output and "3 missing" in again.output, again.output
    assert queries.count_submissions(database) == 7, "a re-run must not grade the same files again"

    # a changed file is graded again; --force grades everything again
    (class_folder / "bob" / "neurons.py").write_text(NEURONS.solution_path.read_text())
    result, report = run(cli, class_folder)
    assert result.exit_code == 0, result.output
    assert report["counts"] == {"graded": 1, "skipped": 6, "missing": 3}, report
    assert cells(report)[("bob", "neurons")]["score"] == 12.0
    result, report = run(cli, class_folder, "--force")
    assert report["counts"] == {"graded": 7, "missing": 3} and queries.count_submissions(database) == 15, report


def test_autograde_usage_errors_are_one_line(cli, tmp_path):
    missing = cli("autograde", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "is not a folder" in missing.output, missing.output
    assert len(missing.output.strip().splitlines()) == 1, missing.output
    unknown = cli("autograde", str(tmp_path), "--exercise", "neuron")
    assert unknown.exit_code == 2 and "did you mean 'neurons'" in unknown.output, unknown.output


def test_autograde_of_an_empty_folder_reports_nothing_to_do(cli, tmp_path):
    (tmp_path / "class").mkdir()
    result = cli("autograde", str(tmp_path / "class"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout if hasattr(result, "stdout") else result.output)
    assert report["students"] == [] and report["results"] == [], report


def test_a_pool_process_that_dies_costs_only_its_own_submission(tmp_path, db_url):
    """Kill the judge process grading one file (whose own import hangs, so its sandbox worker is
    running): that file is reported as crashed, the others are graded, nothing is left running."""
    folder = tmp_path / "collected"
    for student, text in (
        ("victim", "while True:\n    pass\n"),
        ("ann", NEURONS.solution_path.read_text()),
        ("ben", NEURONS.solution_path.read_text()),
    ):
        (folder / student).mkdir(parents=True)
        (folder / student / "neurons.py").write_text(text)
    database = open_database(db_url)
    batch = autograde.plan_batch(folder, only=["neurons"])
    before = _children_of(os.getpid())
    started: dict[str, tuple[int, float]] = {}

    def on_start(item, pid):
        started[item.student] = (pid, time.monotonic())

    def on_tick():
        pid, when = started.get("victim", (None, 0.0))
        if pid and time.monotonic() - when > 2.0:  # its sandbox worker is spinning by now
            os.kill(pid, signal.SIGKILL)
            started["victim"] = (None, 0.0)

    done = autograde.run_batch(
        batch,
        lambda result, source: service.record(database, result, source, origin="autograde").submission_id,
        jobs=2,
        on_start=on_start,
        on_tick=on_tick,
    )
    outcomes = {item.student: (item.outcome, item.score) for item in done.items}
    assert outcomes == {"victim": ("crashed", None), "ann": ("graded", 12.0), "ben": ("graded", 12.0)}, outcomes
    victim = next(item for item in done.items if item.student == "victim")
    assert "ended unexpectedly" in victim.message, victim.message
    assert queries.count_submissions(database) == 2  # a crash is not a grade: the next run tries again
    assert _children_of(os.getpid()) - before == set(), "a process of the batch is still running"
