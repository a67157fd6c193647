"""A real grading host for the tests and benchmarks: `grade worker` as a process (in a process group of its
own, so that it can be killed outright with everything it started, as a host that dies), and the
figures of a gradebook's jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class WorkerProcess:
    def __init__(self, queue_url: str, db_url: str, log: Path, concurrency: int = 1):
        self.queue_url, self.db_url, self.log = queue_url, db_url, log
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> WorkerProcess:
        """Start it and wait until its heartbeat row says it is alive."""
        command = [sys.executable, "-m", "grader", "worker", "--queue", self.queue_url, "--db", self.db_url]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [*command, "--concurrency", str(self.concurrency)],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"grade worker ended (code {self.process.returncode}):\n{self.output()}")
            if self.pid in {worker.pid for worker in live_workers(self.db_url)} and self.grading_processes():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"grade worker did not start within {timeout} s:\n{self.output()}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def grading_processes(self) -> list[int]:
        """The worker's grading processes (Celery's pool: the children of its main process)."""
        try:
            with open(f"/proc/{self.pid}/task/{self.pid}/children") as handle:
                return [int(pid) for pid in handle.read().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL the worker and everything it started at once, as when its host dies."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(30)

    def stop(self, timeout: float = 120) -> int:
        """SIGTERM (running jobs finish), then SIGKILL if it does not end within `timeout` s."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9


def live_workers(db_url: str) -> list:
    from db import leases
    from db.session import open_database
    from grader.service.broker import ALIVE_S

    database = open_database(db_url)
    try:
        return leases.live_workers(database, ALIVE_S)
    finally:
        database.dispose()


def job_rows(db_url: str) -> list[dict]:
    """Every submission's job figures: id, job id, learner, exercise, state, score, runs, who graded it, and
    how many test results are recorded for it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT s.id, s.job_id, st.name, s.exercise, s.state, s.score, s.runs, s.claimed_by, "
                    "(SELECT count(*) FROM test_results t WHERE t.submission_id = s.id) AS tests "
                    "FROM submissions s JOIN students st ON st.id = s.student_id ORDER BY s.id"
                )
            )
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def wait_until(predicate, timeout: float, what: str, step: float = 0.2):
    """Poll `predicate` until it returns something true (returned); AssertionError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"{what}: not within {timeout} s")
