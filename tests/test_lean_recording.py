"""db.lean: the cold `grade submit` records into an existing SQLite gradebook without SQLAlchemy, writing
exactly the rows db.recording writes, and leaves every other case to db.session."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime

import pytest

from db import lean, learners, recording
from db.errors import DatabaseError
from db.session import open_database
from grader.course.catalog import COURSE_ROOT
from grader.results import RunResult, TestResult

STAMPS = {"submitted_at", "graded_at", "created_at"}


def graded_run(student="zoë") -> RunResult:
    return RunResult(
        exercise="losses",
        student=student,
        score=4.5,
        max_score=12.0,
        status="failed",
        tests=[
            TestResult("mse_values", "mse", True, 4.5, 4.5),
            TestResult(
                "cross_entropy_mean",
                "cross_entropy",
                False,
                0.0,
                7.5,
                "12 times the expected value",
                "failed",
                {"id": "losses.sum_not_mean", "text": "you summed instead of averaging"},
            ),
        ],
        message="",
        duration=0.31,
        grader_version="9.9",
        sandbox={"isolation": "bubblewrap", "limits": {"memory_mb": 512}},
        output="print → ünïcode\n",
        official=True,
    )


def rows(path, table: str, where: str, key) -> list[dict]:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(f"SELECT * FROM {table} WHERE {where}", (key,))]


def test_the_lean_recorder_writes_the_rows_db_recording_writes(tmp_path):
    path = tmp_path / "g.sqlite3"
    url = f"sqlite:///{path}"
    database = open_database(url)
    by_orm = recording.record_submission(database, graded_run(), "def mse(): ...\n", origin="submit")
    gradebook = lean.open_gradebook(url)
    assert gradebook is not None
    by_lean = gradebook.record_submission(graded_run(), "def mse(): ...\n", origin="submit")
    gradebook.close()
    assert by_lean == by_orm + 1

    orm_row, lean_row = (rows(path, "submissions", "id = ?", i)[0] for i in (by_orm, by_lean))
    for stamp in STAMPS & orm_row.keys():
        assert len(lean_row[stamp]) == len(orm_row[stamp]), (stamp, lean_row[stamp], orm_row[stamp])
    assert lean_row["job_id"] != orm_row["job_id"] and len(lean_row["job_id"]) == 36
    differ = {"id", "job_id", *STAMPS}
    assert {k: v for k, v in lean_row.items() if k not in differ} == {
        k: v for k, v in orm_row.items() if k not in differ
    }
    orm_tests, lean_tests = (rows(path, "test_results", "submission_id = ?", i) for i in (by_orm, by_lean))
    assert [{k: v for k, v in r.items() if k not in ("id", "submission_id")} for r in lean_tests] == [
        {k: v for k, v in r.items() if k not in ("id", "submission_id")} for r in orm_tests
    ]
    assert lean_tests[1]["diagnosis_id"] == "losses.sum_not_mean"
    assert len(rows(path, "students", "name = ?", "zoë")) == 1  # the learner was found, not made twice

    history, _answers = learners.student_history(database, "zoë")  # read back through SQLAlchemy
    assert [record.id for record in history] == [by_orm, by_lean]
    assert isinstance(history[1].submitted_at, datetime) and history[1].tests == 2
    assert json.loads(lean_row["sandbox"]) == graded_run().sandbox
    database.dispose()


def test_a_new_learner_is_created_by_the_lean_recorder(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    open_database(url).dispose()
    gradebook = lean.open_gradebook(url)
    submission = gradebook.record_submission(graded_run("new learner"), "x = 1\n")
    gradebook.close()
    database = open_database(url)
    history, _answers = learners.student_history(database, "new learner")
    assert [record.id for record in history] == [submission]
    database.dispose()


@pytest.mark.parametrize(
    "describe, make_url",
    [
        ("a file not made yet", lambda tmp: f"sqlite:///{tmp / 'none.sqlite3'}"),
        ("an in-memory database", lambda tmp: "sqlite://"),
        ("a URL with options", lambda tmp: f"sqlite:///file:{tmp / 'g.sqlite3'}?mode=ro&uri=true"),
        ("a server", lambda tmp: "postgresql://grader@127.0.0.1:1/course"),
        ("a file that is not a database", lambda tmp: f"sqlite:///{tmp / 'notes.txt'}"),
    ],
)
def test_anything_but_an_existing_gradebook_at_the_newest_schema_is_left_to_db_session(tmp_path, describe, make_url):
    (tmp_path / "notes.txt").write_text("not a database, but words\n")
    open_database(f"sqlite:///{tmp_path / 'g.sqlite3'}").dispose()
    assert lean.open_gradebook(make_url(tmp_path)) is None, describe
    assert not (tmp_path / "none.sqlite3").exists()


def test_an_older_schema_is_left_to_db_session_which_migrates_it(tmp_path):
    path = tmp_path / "g.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0004'")
    assert lean.open_gradebook(f"sqlite:///{path}") is None


def test_a_write_the_database_refuses_is_one_line_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "g.sqlite3"
    url = f"sqlite:///{path}"
    open_database(url).dispose()
    with sqlite3.connect(path) as connection:  # stands in for a full disk: the insert is refused
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON test_results BEGIN SELECT RAISE(ABORT, 'disk is full'); END"
        )
    gradebook = lean.open_gradebook(url)
    with pytest.raises(DatabaseError) as refused:
        gradebook.record_submission(graded_run(), "x = 1\n")
    assert str(refused.value) == f"could not write to the database {url}: disk is full"
    gradebook.close()
    assert rows(path, "submissions", "1 = ?", 1) == [] and rows(path, "students", "1 = ?", 1) == []


def test_recording_into_an_existing_gradebook_never_imports_sqlalchemy(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    open_database(url).dispose()
    script = (  # without fork, the Recorder opens and writes the database in this very process
        "import os, sys\n"
        "del os.fork\n"
        "from grader.results import RunResult\n"
        "from grader.service.submit import Recorder\n"
        "result = RunResult(exercise='neurons', student='ada', score=1.0, max_score=2.0, status='failed')\n"
        "Recorder(sys.argv[1]).record(result, 'x = 1\\n')\n"
        "print(result.submission_id, 'sqlalchemy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, url], capture_output=True, text=True, timeout=60, cwd=COURSE_ROOT
    )
    assert done.stdout.split() == ["1", "False"], done.stderr
    assert rows(tmp_path / "g.sqlite3", "submissions", "id = ?", 1)[0]["exercise"] == "neurons"
