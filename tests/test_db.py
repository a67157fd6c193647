"""The database: migrations in step with the models, data kept across upgrades, many writers at once."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from db import learners, recording
from db.models import Base
from db.session import HEAD_REVISION, MIGRATIONS, open_database
from grader.course.catalog import COURSE_ROOT
from grader.results import RunResult, TestResult


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _result(student="ada", exercise="neurons", score=3.0) -> RunResult:
    return RunResult(
        exercise=exercise,
        student=student,
        score=score,
        max_score=12.0,
        status="failed",
        tests=[
            TestResult("t1", "neuron", True, score, 5.0, ""),
            TestResult("t2", "neuron", False, 0.0, 7.0, "wrong values"),
        ],
        grader_version="test",
    )


def test_head_revision_is_the_newest_migration():
    assert ScriptDirectory.from_config(_alembic_config()).get_current_head() == HEAD_REVISION


def test_models_match_the_migrated_schema(db_url):
    database = open_database(db_url)
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_record_and_read_back(db_url):
    database = open_database(db_url)
    first = recording.record_submission(database, _result(score=3.0), "source one")
    second = recording.record_submission(database, _result(score=5.0), "source two")
    assert second == first + 1
    progress = learners.progress(database, "ada")["neurons"]
    assert (progress.best_score, progress.attempts, progress.max_score) == (5.0, 2, 12.0)
    assert recording.already_graded(database, "ada", "neurons", recording.source_hash("source one"))
    assert not recording.already_graded(database, "ada", "neurons", recording.source_hash("other"))
    rows = (
        sqlite3.connect(db_url.removeprefix("sqlite:///"))
        .execute("SELECT name, passed, message FROM test_results ORDER BY id")
        .fetchall()
    )
    assert rows[:2] == [("t1", 1, ""), ("t2", 0, "wrong values")]


def test_upgrading_from_the_first_revision_keeps_the_data(tmp_path):
    from alembic import command

    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    config = _alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0001")
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO students (id, name, created_at) VALUES (1, 'old', '2026-01-01')")
        connection.execute(
            "INSERT INTO submissions (id, student_id, exercise, submitted_at, score, max_score, status, message,"
            " duration, source, source_sha256, grader_version, schema_version, official, origin, output, sandbox)"
            " VALUES (1, 1, 'neurons', '2026-01-01', 7, 12, 'failed', '', 1.0, 'src', 'abc', '0.0', 1, 1,"
            " 'submit', '', '{}')"
        )
    database = open_database(url)  # upgrades to the newest revision
    assert learners.progress(database, "old")["neurons"].best_score == 7
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION


def _write_many(url: str, writer: int, count: int) -> None:
    database = open_database(url)
    for i in range(count):
        recording.record_submission(database, _result(student=f"s{writer % 3}", score=float(i)), f"w{writer}-{i}")
        recording.record_quiz_answer(database, f"s{writer % 3}", "neurons", "neurons.1", "a", True)


def test_many_writers_at_once_are_all_recorded(db_url):
    """Eight processes write to one fresh SQLite file at once (the first ones also race to create it)."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write_many, args=(db_url, w, 15)) for w in range(8)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    database = open_database(db_url)
    assert recording.count_submissions(database) == 8 * 15
    answers = sum(p.answers for s in ("s0", "s1", "s2") for p in learners.quiz_progress(database, s).values())
    assert answers == 8 * 15


def test_concurrent_grade_submit_processes_are_all_recorded(db_url, tmp_path):
    env = {**os.environ, "GRADE_DB": db_url}
    reference = str(COURSE_ROOT / "solutions" / "neurons.py")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "grader", "submit", "neurons", "--file", reference, "--student", f"p{i}", "--json"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(6)
    ]
    outputs = [p.communicate(timeout=180) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, out + err
        assert "database is locked" not in err
    assert recording.count_submissions(open_database(db_url)) == 6
