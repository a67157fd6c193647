"""Grading hosts over Celery and Redis (`grade serve --queue`, `grade worker`), with real processes: a real
redis-server and PostgreSQL in temporary folders, the server and workers started as `grade` itself.

Claims that expire and one result per job (on SQLite and PostgreSQL); the server's sweep (lost claims sent
again, a job lost too often recorded as an error); a grading process killed mid-job graded again from the
broker's redelivery alone; a whole worker killed, its jobs graded by another; a Redis restart that lost
every message losing no submission; submissions over HTTP with one, then two workers."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from server_process import ServerProcess
from worker_process import WorkerProcess, job_rows, live_workers, wait_until

from db import jobs as stored
from db import leases
from db.models import utcnow
from db.session import open_database
from grader.course.catalog import get_exercise
from grader.results import RunResult, TestResult
from grader.service import jobs as job_service

NEURONS = get_exercise("neurons")
SOLUTION = NEURONS.solution_path.read_bytes()
STUB = NEURONS.stub_path.read_bytes()
SLOW = b"import time\ntime.sleep(2)\n" + SOLUTION  # long enough to be caught mid-job
LEARNERS = [f"host{n:02d}" for n in range(24)]


@pytest.fixture(scope="module")
def redis():
    from redis_server import start_redis

    missing = []
    for module in ("celery", "redis"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"{module} (pip install 'nn-grade[queue]')")
    server = None if missing else start_redis()
    if server is None:
        reason = ", ".join(missing) or "redis-server"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} is not installed; ./run-tests.sh installs it (as root, with apt)")
        pytest.skip(f"{reason} is not installed")
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'grades.sqlite3'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").new_database()
    opened = open_database(url)
    yield opened
    opened.dispose()


def _result(student: str, score: float) -> RunResult:
    tests = [TestResult("t", "neuron", score > 0, score, 12.0)]
    return RunResult("neurons", student, score, 12.0, "passed" if score else "failed", tests=tests)


def test_celery_stays_out_of_the_cold_path_and_of_a_server_without_queue():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import grader.cli.learner, grader.cli.server, grader.service.submit\n"
        "import grader.server.run, grader.server.factory, grader.service.jobqueue, grader.service.broker\n"
        "print(sorted(m for m in ('celery', 'kombu', 'redis', 'billiard') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr


def test_serve_with_a_queue_refuses_what_only_grading_hosts_take(cli):
    refused = cli("serve", "--queue", "redis://127.0.0.1:1/0", "--jobs", "2")
    assert refused.exit_code == 2 and "grade worker --concurrency" in refused.output
    refused = cli("serve", "--queue", "redis://127.0.0.1:1/0", "--allow-weak-sandbox")
    assert refused.exit_code == 2 and "to `grade worker`" in refused.output
    refused = cli("worker", "--queue", "http://127.0.0.1/0", "--db", "sqlite://")
    assert refused.exit_code == 2 and "--queue takes the URL of a Redis server" in refused.output


def test_a_claim_holds_for_its_lease_and_a_job_has_one_result_however_often_graded(database):
    job = job_service.receive(database, NEURONS, "ann", "source")
    first = leases.claim(database, job.job_id, "host-a", 30)
    assert (first.outcome, first.taken_over, first.job.runs, first.job.holder) == ("claimed", False, 1, "host-a")
    held = leases.claim(database, job.job_id, "host-b", 30)
    assert held.outcome == "held" and 20 < held.wait_s <= 30
    assert leases.renew(database, "host-b", [job.job_id], 30) == 0  # only the holder renews
    assert leases.renew(database, "host-a", [job.job_id], -1) == 1  # as if host-a stopped renewing a while ago
    taken = leases.claim(database, job.job_id, "host-b", 30)
    assert (taken.outcome, taken.taken_over, taken.job.runs) == ("claimed", True, 2)
    stored.release(database, job.job_id, holder="host-a")  # the old holder's late release changes nothing
    assert stored.stored_run(database, job.id).state == "running"
    stored.finish(database, job.job_id, _result("ann", 12.0))  # host-a's result, late but first
    stored.finish(database, job.job_id, _result("ann", 0.0))  # host-b's
    run = stored.stored_run(database, job.id)
    assert (run.state, run.columns["score"], len(run.tests)) == ("done", 12.0, 1)
    assert leases.claim(database, job.job_id, "host-c", 30).outcome == "done"
    assert leases.claim(database, "no-such-job", "host-c", 30).outcome == "missing"


def test_a_run_spoiled_by_the_hosts_load_goes_back_uncounted(database):
    from grader.service.grading import Outcome

    job = job_service.receive(database, NEURONS, "ann", "source")
    claimed = leases.claim(database, job.job_id, "host-a", 30).job
    assert job_service.settle(database, claimed, Outcome(None, "pending", message="overloaded")) == "queued"
    again = leases.claim(database, job.job_id, "host-b", 30)
    assert (again.outcome, again.taken_over, again.job.runs) == ("claimed", False, 1)


def test_the_sweep_finds_lost_claims_and_jobs_the_broker_may_have_lost(database):
    a, b, c = (job_service.receive(database, NEURONS, name, "x = 1") for name in ("ann", "bob", "cy"))
    assert [row[0] for row in leases.to_send(database, None)] == [a.job_id, b.job_id, c.job_id]  # never sent
    leases.mark_sent(database, [a.job_id, b.job_id, c.job_id])
    assert leases.to_send(database, None) == [] and leases.to_send(database, 60) == []
    assert leases.to_send(database, -1) == [(j.job_id, "neurons", True) for j in (a, b, c)]  # all sent "long ago"
    assert len(leases.to_send(database, None, sent_before=utcnow() + timedelta(seconds=1))) == 3  # before a death
    assert leases.to_send(database, None, sent_before=utcnow() - timedelta(seconds=60)) == []
    leases.claim(database, a.job_id, "host-a", 30)
    leases.claim(database, b.job_id, "host-a", -1)  # a claim whose lease already ran out
    lost = leases.expire(database)
    assert [(job.job_id, job.student, job.runs, job.claimed_by) for job in lost] == [(b.job_id, "bob", 1, "host-a")]
    assert stored.stored_run(database, b.id).state == "queued" and stored.stored_run(database, a.id).state == "running"
    assert leases.to_send(database, None) == [(b.job_id, "neurons", False)]  # to be sent again at once
    assert leases.pending_by_exercise(database) == {"queued": {"neurons": 2}, "running": {"neurons": 1}}


def test_workers_alive_are_those_seen_lately_and_not_stopped(database):
    worker = leases.WorkerInfo("h1:10:ab", "h1", 10, 3, "bubblewrap", "0.1.0")
    leases.beat(database, worker)
    leases.beat(database, worker)  # the next beat updates the same row
    assert [(w.name, w.concurrency) for w in leases.live_workers(database, 10)] == [("h1:10:ab", 3)]
    assert leases.live_workers(database, -1) == []  # not seen within the window: not alive
    leases.stopped(database, worker.name)
    assert leases.live_workers(database, 10) == []
    leases.beat(database, worker)
    assert len(leases.live_workers(database, 10)) == 1
    assert leases.declare_gone(database, 10) == []  # seen lately
    assert [name for name, _ in leases.declare_gone(database, -1)] == ["h1:10:ab"]  # silent, never said it stopped
    assert leases.declare_gone(database, -1) == [] and leases.live_workers(database, 10) == []  # declared once
    leases.beat(database, worker)  # it was only slow: alive again
    assert len(leases.live_workers(database, 10)) == 1


def test_the_servers_sweep_sends_again_and_records_a_job_lost_too_often(redis, tmp_path):
    import redis as redis_client

    from grader.service.broker import QUEUE
    from grader.service.celeryqueue import CeleryQueue

    database = open_database(f"sqlite:///{tmp_path / 'grades.sqlite3'}")
    client = redis_client.Redis.from_url(redis.url)
    client.delete(QUEUE)
    queue = CeleryQueue(redis.url, database, resend_after=60, echo=lambda line: None)
    once, twice = (job_service.receive(database, NEURONS, name, "x = 1") for name in ("ann", "bob"))
    queue.put(once)
    queue.put(twice)
    assert client.llen(QUEUE) == 2 and queue.load().queued == 2 and queue.load().workers == 0
    leases.claim(database, twice.job_id, "dead-host", -1)  # claimed by a worker that died at once
    assert queue.sweep() == {"lost": 1, "sent": 1, "again": 0} and client.llen(QUEUE) == 3  # bob's, sent again
    leases.claim(database, twice.job_id, "dead-host-2", -1)  # lost a second time
    leases.claim(database, once.job_id, "dead-host-2", -1)  # lost once
    assert queue.sweep() == {"lost": 2, "sent": 1, "again": 0} and client.llen(QUEUE) == 4  # ann's sent again
    assert stored.stored_run(database, once.id).state == "queued"
    bob = stored.stored_run(database, twice.id)
    assert (bob.state, bob.columns["status"]) == ("done", "error") and "interrupted 2 times" in bob.columns["message"]
    assert queue.sweep() == {"lost": 0, "sent": 0, "again": 0}  # nothing more to do
    database.dispose()


# ---------------------------------------------------------------- real workers


def _running_on(db_url: str, worker: WorkerProcess) -> list[dict]:
    return [row for row in job_rows(db_url) if row["state"] == "running" and f":{worker.pid}:" in row["claimed_by"]]


def test_a_grading_process_killed_mid_job_is_graded_again_from_the_broker_and_recorded_once(redis, postgres, tmp_path):
    """No server: the message Celery gives back when the grading process dies is all that brings the job back."""
    from grader.service import broker

    url = postgres.new_database()
    database = open_database(url)
    job = job_service.receive(database, NEURONS, "ann", SLOW.decode())
    worker = WorkerProcess(redis.url, url, tmp_path / "worker.log").start()
    try:
        broker.send(broker.make_app(redis.url), job.job_id, job.exercise)
        wait_until(lambda: _running_on(url, worker), 60, "the job running")
        (grading,) = worker.grading_processes()
        os.kill(grading, 9)
        done = wait_until(lambda: [r for r in job_rows(url) if r["state"] == "done"], 90, "the job graded again")
        assert [(r["score"], r["runs"]) for r in done] == [(12.0, 2)] and done[0]["tests"] > 5, worker.output()
        assert worker.process.poll() is None  # the worker replaced its grading process and went on
    finally:
        worker.stop()
        database.dispose()


@pytest.fixture(scope="module")
def cluster(redis, postgres, tmp_path_factory):
    """`grade serve --queue` over PostgreSQL, sending jobs again 3 s after they are due."""
    folder = tmp_path_factory.mktemp("cluster")
    url = postgres.new_database("cluster")
    server = ServerProcess(
        folder, LEARNERS, "--queue", redis.url, "--resend-after", "3", "--max-wait", "600", jobs=None, db_url=url
    ).start()
    yield server
    server.stop()


def _queue(server: ServerProcess) -> dict:
    status, _, queue = server.request("GET", "/api/v1/queue", server.instructor_token)
    assert status == 200, queue
    return queue


def _counted(server: ServerProcess, workers: int) -> None:
    """Wait until the server counts that many workers alive (it reads their rows at most once a second)."""
    wait_until(lambda: _queue(server)["workers"] == workers, 10, f"the server counting {workers} workers")


def _send_all(server: ServerProcess, learners: list[str], content: bytes) -> list[int]:
    ids = []
    for name in learners:
        status, _, view = server.submit(server.tokens[name], "neurons", content)
        assert status == 202, view
        ids.append(view["id"])
    return ids


def _all_done_once(server: ServerProcess, ids: list[int], timeout: float = 120) -> list[dict]:
    def done():
        rows = [row for row in job_rows(server.db_url) if row["id"] in ids]
        return rows if all(row["state"] == "done" for row in rows) else None

    rows = wait_until(done, timeout, "every job graded")
    assert [row["id"] for row in rows] == sorted(ids)
    assert len({row["tests"] for row in rows}) == 1 and rows[0]["tests"] > 5  # every run's tests, recorded once
    return rows


def test_submissions_over_http_with_no_worker_one_and_two(cluster, redis, tmp_path):
    status, headers, view = cluster.submit(cluster.tokens["host00"], "neurons", SOLUTION, wait=5)
    assert status == 503 and "no grading host" in view["error"] and int(headers["Retry-After"]) >= 1
    assert job_rows(cluster.db_url) == []  # refused: nothing recorded
    first = WorkerProcess(redis.url, cluster.db_url, tmp_path / "first.log").start()
    second = WorkerProcess(redis.url, cluster.db_url, tmp_path / "second.log")
    try:
        _counted(cluster, 1)
        status, _, view = cluster.submit(cluster.tokens["host00"], "neurons", SOLUTION, wait=60)
        assert status == 200 and view["result"]["score"] == 12.0 and view["result"]["student"] == "host00"
        status, _, view = cluster.submit(cluster.tokens["host01"], "neurons", STUB, wait=60)
        assert status == 200 and view["result"]["score"] == 0.0
        assert "NotImplementedError" in view["result"]["tests"][0]["message"]
        second.start()
        _counted(cluster, 2)
        answers = {}

        def send(name: str) -> None:
            answers[name] = cluster.submit(cluster.tokens[name], "neurons", b"import time\ntime.sleep(1)\n" + SOLUTION)

        threads = [threading.Thread(target=send, args=(name,)) for name in LEARNERS[2:8]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert all(status == 202 for status, _, _ in answers.values()), answers
        rows = _all_done_once(cluster, [view["id"] for _, _, view in answers.values()])
        assert {row["score"] for row in rows} == {12.0} and all(row["runs"] == 1 for row in rows)
        graders = {row["claimed_by"].split(":")[1] for row in rows}
        assert graders == {str(first.pid), str(second.pid)}  # both hosts took work
        queue = _queue(cluster)
        assert queue["workers"] == 2 and sorted(host["processes"] for host in queue["hosts"]) == [1, 1]
    finally:
        codes = [second.stop(), first.stop()]
    assert codes == [0, 0]  # SIGTERM: a warm stop
    assert live_workers(cluster.db_url) == []  # a stopped worker no longer counts


def test_a_worker_killed_outright_loses_nothing_another_grades_its_jobs(cluster, redis, tmp_path):
    doomed = WorkerProcess(redis.url, cluster.db_url, tmp_path / "doomed.log").start()
    survivor = WorkerProcess(redis.url, cluster.db_url, tmp_path / "survivor.log").start()
    try:
        _counted(cluster, 2)
        ids = _send_all(cluster, LEARNERS[8:14], SLOW)
        wait_until(lambda: _running_on(cluster.db_url, doomed), 60, "a job running on the doomed worker")
        doomed.kill()  # SIGKILL to its whole process group: main process, grading process, sandbox
        rows = _all_done_once(cluster, ids)
        assert {row["score"] for row in rows} == {12.0}
        assert max(row["runs"] for row in rows) == 2  # the killed job was started twice, recorded once
        assert all(f":{survivor.pid}:" in row["claimed_by"] or row["runs"] == 1 for row in rows)
        assert "sent again" in cluster.output() and "1 workers stopped answering" in cluster.output()
    finally:
        survivor.stop()


def test_a_redis_restart_that_loses_every_message_loses_no_submission(cluster, redis, tmp_path):
    worker = WorkerProcess(redis.url, cluster.db_url, tmp_path / "worker.log").start()
    try:
        _counted(cluster, 1)
        ids = _send_all(cluster, LEARNERS[14:18], SLOW)
        wait_until(lambda: _running_on(cluster.db_url, worker), 60, "a job running")
        redis.restart(wipe=True)  # the queued messages are gone: only the gradebook knows the jobs
        rows = _all_done_once(cluster, ids, timeout=150)
        assert {row["score"] for row in rows} == {12.0}
        status, _, view = cluster.submit(cluster.tokens[LEARNERS[18]], "neurons", SOLUTION, wait=60)
        assert status == 200 and view["result"]["score"] == 12.0  # the server and worker use the new Redis
    finally:
        worker.stop()
