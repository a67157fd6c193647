"""PostgreSQL as a first-class gradebook, against a real server (the `postgres` fixture of conftest.py).

The same generated class, with fractional scores and equal totals, is recorded in SQLite and in
PostgreSQL; every report and export must give the same numbers on both. Then the races a class
produces: ten `grade submit` processes on a fresh database (the migration), one learner's quiz
answers given at once; and a password is never printed.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import subprocess
import sys

import pytest

from db import learners, recording
from db.session import HEAD_REVISION, current_revision, open_database
from grader import __version__
from grader.course.catalog import COURSE_ROOT
from grader.reports import class_report, csv_files, drilldown
from grader.results import RunResult, TestResult

THIRD = 22 / 3  # activations: three tests of 7.333... points


def _activations(student: str, passed: tuple[bool, bool, bool], message: str = "wrong values") -> RunResult:
    tests = [
        TestResult(
            f"softmax_other_axis[shape{i}-1]",
            "softmax",
            ok,
            THIRD if ok else 0.0,
            THIRD,
            "" if ok else message,
            "passed" if ok else "failed",
        )
        for i, ok in enumerate(passed)
    ]
    if not passed[0]:
        tests[0].diagnosis = {"id": "activations.softmax_without_max_shift", "text": "subtract the max first"}
    score = sum(t.points for t in tests)
    return RunResult(
        "activations",
        student,
        score,
        22.0,
        "passed" if all(passed) else "failed",
        tests,
        duration=1.0,
        grader_version=__version__,
    )


def _neurons(student: str, score: float, message: str = "is not implemented yet: it raises NotImplementedError"):
    tests = [
        TestResult(
            "neuron_values",
            "neuron",
            score >= 6,
            6.0 if score >= 6 else 0.0,
            6.0,
            "" if score >= 6 else f"neuron {message}",
        ),
        TestResult(
            "count_parameters",
            "count_parameters",
            score >= 12,
            6.0 if score >= 12 else 0.0,
            6.0,
            "" if score >= 12 else f"count_parameters {message}",
        ),
    ]
    return RunResult(
        "neurons", student, score, 12.0, "passed" if score >= 12 else "failed", tests, grader_version=__version__
    )


def record_class(database) -> None:
    """Twelve learners. Equal totals reached through fractional parts: ann 22/3*3 = 22 and ben 12 + 4
    right quiz answers... see the asserts below for the ones that matter."""
    runs = [
        _activations("ann", (True, True, True)),  # 22 (three thirds)
        _neurons("ann", 0.0),
        _activations("ben", (True, True, False)),  # 14.67
        _neurons("ben", 6.0),  # 20.67 in all
        _activations("cat", (True, False, True), "returned NaN"),  # 14.67
        _neurons("cat", 6.0),  # 20.67: ties with ben
        _activations("dan", (False, False, True)),  # 7.33
        _neurons("dan", 12.0),  # 19.33
        _activations("eve", (False, False, False)),
        _activations("eve", (True, False, False)),  # best 7.33, latest
        RunResult(
            "neurons",
            "fay",
            0.0,
            12.0,
            "error",
            [],
            "your file has a syntax error at line 3",
            grader_version=__version__,
        ),
        _neurons("gus", 12.0),
        _neurons("gus", 6.0),  # latest 6, best 12
        _activations("hal", (True, True, True)),  # 22: ties with ann
    ]
    for run in runs:
        recording.record_submission(database, run, f"# {run.student} {run.exercise} {run.score}")
    for student, question, answer, correct in (
        ("ann", "neurons.1", "a", True),
        ("ben", "neurons.1", "b", False),
        ("ben", "neurons.1", "a", True),
        ("cat", "neurons.1", "b", False),
        ("dan", "neurons.1", "a", True),
        ("dan", "neurons.2", "109184", False),
        ("ivy", "neurons.1", "c", False),
        ("hal", "neurons.1", "a", True),
    ):
        recording.record_quiz_answer(database, student, "neurons", question, answer, correct)


def _without_times(value):
    """A report with its clock readings removed (each database stamps its own rows)."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in ("at", "generated")}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _all_reports(database) -> dict:
    reports = {
        "class": class_report.class_report(database, sort="total", details=True),
        "class by activations": class_report.class_report(database, sort="activations"),
        "quiz": drilldown.quiz_report(database, "neurons"),
    }
    for basis in ("best", "latest"):
        for slug in ("neurons", "activations"):
            reports[f"{slug} {basis}"] = drilldown.exercise_report(database, slug, basis=basis)
    for student in ("ben", "eve", "fay"):
        reports[f"student {student}"] = drilldown.student_report(database, student)
    for kind in ("plain", "canvas", "moodle"):
        reports[f"gradebook {kind}"] = csv_files.gradebook_csv(database, kind)
    return _without_times(reports)


def test_every_report_gives_the_same_numbers_on_sqlite_and_postgresql(postgres, db_url):
    on_sqlite, on_postgres = open_database(db_url), open_database(postgres.new_database())
    record_class(on_sqlite)
    record_class(on_postgres)
    sqlite_reports, postgres_reports = _all_reports(on_sqlite), _all_reports(on_postgres)
    for name in sqlite_reports:
        assert postgres_reports[name] == sqlite_reports[name], name
    report = postgres_reports["class"]
    rows = {row["student"]: row for row in report["rows"]}
    assert rows["ann"]["activations"] == 22 and rows["ann"]["total"] == rows["hal"]["total"] == 23
    assert rows["ann"]["rank"] == rows["hal"]["rank"] == 1  # equal totals from fractional parts: one rank
    assert rows["ben"]["total"] == rows["cat"]["total"] == 20.67 and rows["ben"]["rank"] == rows["cat"]["rank"]
    assert rows["dan"]["rank"] == rows["ben"]["rank"] + 2
    expected = [0] * len(report["distribution"])
    for row in report["rows"]:
        band = round(row["total"] * 100) * len(expected) // round(report["max_total"] * 100)
        expected[min(band, len(expected) - 1)] += 1
    assert report["distribution"] == expected


def test_reports_run_on_a_bare_postgresql_url_and_never_show_the_password(postgres):
    url = postgres.new_database()
    record_class(open_database(url))
    bare = url.replace("postgresql+psycopg://", "postgresql://")
    env = {**os.environ, "COLUMNS": "200"}
    for args in (["report"], ["report", "--exercise", "activations"], ["export", "csv", "-", "--format", "canvas"]):
        done = subprocess.run(
            [sys.executable, "-m", "grader", *args, "--db", bare], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert "hal" in done.stdout or "softmax_other_axis" in done.stdout, done.stdout
        assert postgres_password() not in done.stdout + done.stderr


def postgres_password() -> str:
    from postgres_server import PASSWORD

    return PASSWORD


@pytest.mark.parametrize("problem", ["wrong password", "no server", "no database"])
def test_a_database_that_refuses_is_one_line_without_the_password(postgres, problem):
    from postgres_server import PASSWORD

    if problem == "wrong password":
        url = postgres.url("postgres", password="Wr0ng-" + PASSWORD)
    elif problem == "no server":
        url = postgres.url("postgres").replace(f":{postgres.port}/", ":1/")
    else:
        url = postgres.url("no_such_course")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "report", "--db", url], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert PASSWORD not in done.stderr and "***" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_ten_grade_submit_processes_on_a_fresh_postgresql_database_are_all_recorded(postgres, tmp_path):
    url = postgres.new_database()
    reference = str(COURSE_ROOT / "solutions" / "neurons.py")
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "grader",
                "submit",
                "neurons",
                "--file",
                reference,
                "--student",
                f"p{i % 7}",
                "--db",
                url,
                "--json",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(10)
    ]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, out + err
        assert postgres_password() not in out + err
    database = open_database(url)
    assert recording.count_submissions(database) == 10
    assert current_revision(database.engine) == HEAD_REVISION
    assert sum(p.attempts for s in range(7) for p in learners.progress(database, f"p{s}").values()) == 10


def _answer_many(url: str, start, count: int) -> None:
    database = open_database(url)
    start.wait()
    for _ in range(count):
        recording.record_quiz_answer(database, "zoe", "neurons", "neurons.1", "a", True)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_one_learners_answers_given_at_once_each_get_their_own_attempt(backend, request, db_url):
    url = request.getfixturevalue("postgres").new_database() if backend == "postgresql" else db_url
    open_database(url)  # the schema exists; the learner does not yet: creating them races too
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    processes = [context.Process(target=_answer_many, args=(url, start, 5)) for _ in range(6)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    answers = learners.quiz_answers(open_database(url), "zoe")
    assert sorted(a.attempt for a in answers) == list(range(1, 31))


def test_gradebook_csv_from_postgresql_parses(postgres):
    url = postgres.new_database()
    database = open_database(url)
    record_class(database)
    rows = list(csv.reader(io.StringIO(csv_files.gradebook_csv(database, "plain"))))
    assert rows[0][0] == "student" and {r[0] for r in rows[1:]} >= {"ann", "ben", "ivy"}
