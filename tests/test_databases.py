"""Which commands may create a database, what a learner sees when their result cannot be recorded, the
demo that must not mix into a real class, URLs that never show a password, and stored diagnoses."""

from __future__ import annotations

import os
import sqlite3

import pytest

from db import plain, recording, urls
from db.session import MissingDatabase, open_database
from grader.course.catalog import COURSE_ROOT
from grader.results import RunResult, TestResult


@pytest.mark.parametrize(
    "args",
    [
        ["report"],
        ["report", "--exercise", "neurons"],
        ["export", "csv", "-"],
        ["status"],
        ["quiz"],
        ["export", "gradescope", "gs"],
    ],
)
def test_read_commands_refuse_a_database_that_does_not_exist(cli, tmp_path, args):
    typo = tmp_path / "typo.sqlite3"
    result = cli(*args, "--db", f"sqlite:///{typo}", with_db=False)
    assert result.exit_code == 2, result.output
    assert "there is no database at" in result.output and str(typo) in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not typo.exists()


def test_a_database_without_a_gradebook_is_refused_by_read_commands(cli, tmp_path):
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.commit()
    result = cli("report", "--db", f"sqlite:///{other}", with_db=False)
    assert result.exit_code == 2 and "holds no gradebook" in result.output, result.output
    assert [r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_the_default_database_not_made_yet_reads_as_empty_and_stays_unmade(cli, tmp_path, monkeypatch):
    default = tmp_path / "grades.sqlite3"
    monkeypatch.setattr(plain, "DEFAULT_URL", f"sqlite:///{default}")
    monkeypatch.delenv("GRADE_DB", raising=False)
    result = cli("status", "--student", "newcomer", with_db=False)
    assert result.exit_code == 0 and "grade submit neurons" in result.output, result.output
    assert not default.exists()
    with pytest.raises(MissingDatabase):
        open_database(f"sqlite:///{tmp_path / 'named.sqlite3'}", create=False)


def test_a_result_the_database_refuses_is_shown_then_said_not_recorded(cli, db_url, tmp_path):
    open_database(db_url).dispose()
    path = db_url.removeprefix("sqlite:///")
    if os.geteuid() == 0:  # root writes any file: open it read-only instead
        read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    else:
        os.chmod(path, 0o444)
        read_only = db_url
    reference = str(COURSE_ROOT / "solutions" / "neurons.py")
    result = cli("submit", "neurons", "--file", reference, "--student", "ro", "--db", read_only, with_db=False)
    assert result.exit_code == 2, result.output
    assert "Score: 12/12" in result.output  # the feedback first
    last = result.output.strip().splitlines()[-1]
    assert "NOT recorded" in last and "readonly" in last and "INSERT" not in result.output, result.output
    assert "OperationalError" not in result.output and "Traceback" not in result.output
    assert recording.count_submissions(open_database(db_url)) == 0


def test_demo_refuses_a_database_with_real_learners(cli, db_url):
    database = open_database(db_url)
    recording.record_quiz_answer(database, "alice", "neurons", "neurons.1", "a", True)
    result = cli("demo")
    assert result.exit_code == 2 and "1 learner" in result.output and "--force" in result.output, result.output
    assert recording.count_submissions(database) == 0


def test_urls_never_show_a_password():
    assert urls.masked("postgresql://ada:s3cret@db.example/course") == "postgresql://ada:***@db.example/course"
    assert "s3cret" not in urls.masked("postgresql://ada:s3cret@db.example:notaport/course")
    message = 'connection to "postgresql://ada:s3cret@db/x" failed for ada (password s3cret)\nDETAIL: ...'
    assert urls.scrubbed(message, "postgresql://ada:s3cret@db/x") == (
        'connection to "postgresql://ada:***@db/x" failed for ada (password ***) DETAIL: ...'
    )
    assert urls.parse("postgresql://ada@db/course").drivername == "postgresql+psycopg"
    assert urls.parse("postgresql+psycopg://ada@db/course").drivername == "postgresql+psycopg"


def test_a_diagnosis_is_stored_with_its_test(db_url):
    database = open_database(db_url)
    diagnosed = TestResult("mse_values", "mse_loss", False, 0.0, 3.0, "12 times the expected value", "failed")
    diagnosed.diagnosis = {"id": "losses.mse_sum_not_mean", "text": "the mean, not the sum"}
    plain = TestResult("mse_shape", "mse_loss", False, 0.0, 1.0, "wrong shape", "failed")
    run = RunResult("losses", "ada", 0.0, 12.0, "failed", [diagnosed, plain])
    recording.record_submission(database, run, "x")
    rows = sqlite3.connect(db_url.removeprefix("sqlite:///")).execute(
        "SELECT name, diagnosis_id, diagnosis_text FROM test_results ORDER BY position"
    )
    assert list(rows) == [
        ("mse_values", "losses.mse_sum_not_mean", "the mean, not the sum"),
        ("mse_shape", None, None),
    ]
