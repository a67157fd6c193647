"""Nothing lost, nothing twice: 50 learners at once, a server killed or stopped with jobs queued, a result
recorded once per job, late submissions marked, and reports that count only graded submissions."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from server_process import ServerProcess

from db import jobs as stored
from db.session import open_database
from grader.course.catalog import get_exercise
from grader.results import RunResult, TestResult
from grader.service import jobs as job_service

NEURONS = get_exercise("neurons")
SOLUTION = NEURONS.solution_path.read_bytes()
STUB = NEURONS.stub_path.read_bytes()


def _rows(server: ServerProcess) -> list[tuple]:
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT s.id, s.job_id, st.name, s.state, s.score, s.runs, "
            "(SELECT count(*) FROM test_results t WHERE t.submission_id = s.id) "
            "FROM submissions s JOIN students st ON st.id = s.student_id ORDER BY s.id"
        ).fetchall()


def test_fifty_learners_at_once_all_recorded_once(tmp_path):
    learners = [f"learner{n:02d}" for n in range(50)]
    server = ServerProcess(tmp_path, learners, "--max-wait", "600").start()
    try:
        answers: dict[str, tuple] = {}

        def send(name: str, index: int) -> None:
            content = SOLUTION if index % 2 == 0 else STUB
            status, _, view = server.submit(server.tokens[name], "neurons", content, wait=240)
            if status == 202:
                view = server.wait_done(server.tokens[name], view["id"])
                status = 200
            answers[name] = (status, view)

        threads = [threading.Thread(target=send, args=(name, i)) for i, name in enumerate(learners)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert sorted(answers) == learners
        assert all(status == 200 for status, _ in answers.values()), [a for a in answers.values() if a[0] != 200][:3]
        for i, name in enumerate(learners):
            result = answers[name][1]["result"]
            assert (result["student"], result["score"]) == (name, 12.0 if i % 2 == 0 else 0.0)
        rows = _rows(server)
        assert len(rows) == 50 and sorted(row[2] for row in rows) == learners  # none lost, none twice
        assert len({row[1] for row in rows}) == 50 and all(row[3] == "done" and row[5] == 1 for row in rows)
        assert len({row[6] for row in rows}) == 1 and rows[0][6] > 5  # every run's tests recorded, once
    finally:
        server.stop()


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_restart_with_jobs_queued_loses_none(tmp_path, how):
    """Queue 8 jobs on one grading process, stop the server (killed outright, or asked to stop) while most
    wait, start it again on the same database: every job is graded exactly once."""
    learners = [f"r{n}" for n in range(8)]
    server = ServerProcess(tmp_path, learners, "--max-wait", "600", jobs=1).start()
    slow = b"import time\ntime.sleep(0.5)\n" + SOLUTION
    ids = []
    for name in learners:
        status, _, view = server.submit(server.tokens[name], "neurons", slow)
        assert status == 202, view
        ids.append(view["id"])
    server.stop(how)
    before = _rows(server)
    assert len(before) == 8 and any(row[3] != "done" for row in before), before
    if how == signal.SIGTERM:  # a clean stop: nothing is left "running"
        assert all(row[3] in ("queued", "done") for row in before), before
    server.start()
    try:
        for name, submission_id in zip(learners, ids):
            assert server.wait_done(server.tokens[name], submission_id)["result"]["score"] == 12.0
        rows = _rows(server)
        assert [row[0] for row in rows] == ids and all(row[3] == "done" for row in rows)
        assert len({row[6] for row in rows}) == 1  # tests recorded once per job, however often it was started
        assert "queued again" in server.output()
    finally:
        server.stop()


def _result(student: str, score: float) -> RunResult:
    tests = [TestResult("t", "neuron", score > 0, score, 12.0)]
    return RunResult("neurons", student, score, 12.0, "passed" if score else "failed", tests=tests)


def test_a_result_is_recorded_once_per_job_and_only_done_work_counts(db_url):
    from db import learners
    from grader.reports.class_report import class_report

    database = open_database(db_url)
    job = job_service.receive(database, NEURONS, "ann", "source")
    assert stored.claim(database, job.job_id).state == "running" and stored.claim(database, job.job_id) is None
    # queued or running: no score anywhere yet
    assert learners.progress(database, "ann") == {} and class_report(database)["rows"] == []
    first = stored.finish(database, job.job_id, _result("ann", 12.0))
    again = stored.finish(database, job.job_id, _result("ann", 0.0))  # a redelivered job's second result
    assert first == again
    run = stored.stored_run(database, first)
    assert run.state == "done" and run.columns["score"] == 12.0 and len(run.tests) == 1
    assert learners.progress(database, "ann")["neurons"].best_score == 12.0
    assert [row["student"] for row in class_report(database)["rows"]] == ["ann"]


def test_a_job_that_keeps_crashing_its_grader_is_recorded_as_an_error(db_url):
    from grader.service.grading import Outcome

    database = open_database(db_url)
    job = job_service.receive(database, NEURONS, "ann", "while True: pass")
    crash = Outcome(None, "crashed", message="the grading process ended unexpectedly")
    assert job_service.settle(database, stored.claim(database, job.job_id), crash) == "queued"  # tried again
    assert job_service.settle(database, stored.claim(database, job.job_id), crash) == "done"
    run = stored.stored_run(database, job.id)
    assert (
        run.columns["status"] == "error"
        and run.columns["score"] == 0.0
        and "could not be graded" in run.columns["message"]
    )


def test_a_submission_after_the_deadline_is_recorded_and_marked_late(db_url):
    database = open_database(db_url)
    past = dataclasses.replace(NEURONS, deadline=datetime.now(UTC) - timedelta(hours=1))
    future = dataclasses.replace(NEURONS, deadline=datetime.now(UTC) + timedelta(hours=1))
    late = job_service.receive(database, past, "ann", "x = 1")
    on_time = job_service.receive(database, future, "ann", "x = 2")
    assert job_service.view(stored.stored_run(database, late.id))["late"] is True
    assert job_service.view(stored.stored_run(database, on_time.id))["late"] is False
    assert [row.late for row in stored.audit(database, student="ann")] == [False, True]
