"""Where the course server hands its jobs: the `JobQueue` interface and its embedded backend.

The database is the source of truth: a job's row exists (state "queued") before `put` is called, and a
queue only carries job ids. So a queue may lose its messages (a stop, a crash) without losing work: on
start the server puts back every job that is not done (`start(pending)`). Another backend implements the
same methods and nothing else in the server changes: grader.service.celeryqueue sends the jobs to a Redis
broker, for `grade worker` processes on other hosts.

`EmbeddedQueue` (the default): an in-process queue feeding a job runner process
(grader.service.jobrunner) that grades in N grading processes with the warm pool. A reader thread
follows what the runner reports, wakes whoever waits for a job (`wait`) and keeps the figures that
admission control reads (`load`).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass

DEFAULT_ESTIMATE_S = 2.0  # the grading time assumed for an exercise never graded here yet


@dataclass(frozen=True)
class Load:
    """What a queue holds now: jobs waiting, jobs being graded, graders, and the seconds of grading the
    jobs represent per grader (the wait a new job would have)."""

    queued: int
    running: int
    workers: int
    backlog_s: float


class JobWaiters:
    """What every queue keeps about jobs being done: the server's requests waiting for each job (an event on
    the request's own loop), and how long each exercise takes to grade (a moving average of recent runs).
    Thread-safe: a queue's own threads report jobs done while requests wait on the server's loop."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiting: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._estimates: dict[str, float] = {}

    def add_estimates(self, estimates: dict[str, float]) -> None:
        with self._lock:
            self._estimates.update(estimates)

    def estimate(self, exercise: str) -> float:
        return self._estimates.get(exercise, DEFAULT_ESTIMATE_S)

    def settled(self, job_id: str, exercise: str, duration: float) -> None:
        """Job `job_id` is done (after `duration` s of grading, 0 if unknown): wake whoever waits for it."""
        with self._lock:
            if duration:
                previous = self._estimates.get(exercise, duration)
                self._estimates[exercise] = 0.8 * previous + 0.2 * duration
            waiting = self._waiting.pop(job_id, [])
        for loop, event in waiting:
            loop.call_soon_threadsafe(event.set)

    @contextmanager
    def listening(self, job_id: str):
        """An asyncio.Event set when `job_id` is settled, for as long as the block runs."""
        loop, event = asyncio.get_running_loop(), asyncio.Event()
        with self._lock:
            self._waiting.setdefault(job_id, []).append((loop, event))
        try:
            yield event
        finally:
            with self._lock:
                listeners = self._waiting.get(job_id, [])
                if (loop, event) in listeners:
                    listeners.remove((loop, event))
                if not listeners:
                    self._waiting.pop(job_id, None)


class JobQueue(ABC):
    @abstractmethod
    def start(self, pending: list) -> None:
        """Start the queue, then grade `pending` (db.jobs.Job rows not done, oldest first)."""

    @abstractmethod
    def put(self, job) -> None:
        """Hand over a job whose row exists (state "queued")."""

    @abstractmethod
    async def wait(self, job_id: str, timeout: float, is_done) -> bool:
        """Return True once the job is done (`is_done()` reads the database), False after `timeout` s."""

    @abstractmethod
    def estimate(self, exercise: str) -> float:
        """The seconds one job of `exercise` is expected to take to grade (from recent runs)."""

    @abstractmethod
    def load(self) -> Load:
        """The queue's figures, for admission control."""

    @abstractmethod
    def stop(self, grace_s: float) -> None:
        """Stop: running jobs get `grace_s` seconds to finish; the others stay queued in the database."""

    def wait_ready(self, timeout: float) -> bool:
        """Whether the queue is ready to grade (waiting up to `timeout` s for it)."""
        return True

    def hosts(self) -> list[dict]:
        """The grading hosts behind the queue, for the instructor ([] when the server grades itself)."""
        return []


class EmbeddedQueue(JobQueue):
    def __init__(self, db_url: str, jobs: int, *, allow_weak_sandbox: bool = False, time_limit: float | None = None):
        self.db_url, self.jobs = db_url, jobs
        self.allow_weak_sandbox, self.time_limit = allow_weak_sandbox, time_limit
        self._lock = threading.Lock()
        self._states: dict[str, tuple[str, str]] = {}  # job id -> (state, exercise), until done
        self._waiters = JobWaiters()
        self._stopping = False
        self._process = self._connection = None
        self._ready = threading.Event()
        self.problem = ""  # why the runner could not start, if it could not

    # ------------------------------------------------------------ the runner process

    def start(self, pending: list, estimates: dict[str, float] | None = None) -> None:
        self._waiters.add_estimates(estimates or {})
        self._spawn()
        for job in pending:
            self.put(job)

    def _spawn(self) -> None:
        import multiprocessing

        from grader.service.jobrunner import run_jobs

        context = multiprocessing.get_context("spawn")  # a fresh interpreter: none of this process's threads
        ours, theirs = context.Pipe()
        self._ready.clear()
        self._process = context.Process(
            target=run_jobs,
            args=(theirs, self.db_url, self.jobs, self.allow_weak_sandbox, self.time_limit),
            name="grade-job-runner",
            daemon=False,  # it starts grading processes of its own; the server stops it (`stop`)
        )
        self._process.start()
        theirs.close()
        self._connection = ours
        threading.Thread(target=self._follow, args=(ours,), name="grade-queue-reader", daemon=True).start()

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def _follow(self, connection) -> None:
        """The reader thread: every report of the runner, until it stops or dies."""
        while True:
            try:
                message = json.loads(connection.recv_bytes())
            except (EOFError, OSError):
                break
            if message.get("ready"):
                self._ready.set()
            elif message.get("stopped"):
                break
            elif "job" in message:
                self._update(message)
        if self._stopping:
            return
        if not self._ready.is_set():  # it never started: `wait_ready` says so, the server does not start
            self.problem = f"the job runner ended while starting (exit code {self._process.exitcode})"
            return
        self._revive()  # the runner died: a new one, and every job not done is handed to it again

    def _update(self, message: dict) -> None:
        job_id, state, exercise = message["job"], message["state"], message.get("exercise", "")
        with self._lock:
            if state == "done":
                self._states.pop(job_id, None)
            else:
                self._states[job_id] = (state, exercise)
        if state == "done":
            self._waiters.settled(job_id, exercise, message.get("duration") or 0.0)

    def _revive(self) -> None:
        from db import jobs as stored
        from grader.service.submit import open_db

        time.sleep(1.0)
        database = open_db(self.db_url)
        try:
            stored.requeue_running(database)
            pending = stored.queued(database)
        finally:
            database.dispose()
        with self._lock:
            self._states.clear()
        self._spawn()
        for job in pending:
            self.put(job)

    # ------------------------------------------------------------ the interface

    def put(self, job) -> None:
        with self._lock:
            self._states[job.job_id] = ("queued", job.exercise)
            try:
                self._connection.send_bytes(json.dumps({"put": job.job_id}).encode())
            except OSError:
                pass  # the runner is being replaced: _revive hands it every queued job from the database

    async def wait(self, job_id: str, timeout: float, is_done) -> bool:
        with self._waiters.listening(job_id) as event:
            if await asyncio.to_thread(is_done):  # done before we started listening
                return True
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except TimeoutError:
                return await asyncio.to_thread(is_done)
            return True

    def estimate(self, exercise: str) -> float:
        return self._waiters.estimate(exercise)

    def load(self) -> Load:
        with self._lock:
            states = list(self._states.values())
            seconds = sum(self.estimate(exercise) for _, exercise in states)
        queued = sum(state == "queued" for state, _ in states)
        return Load(queued, len(states) - queued, self.jobs, seconds / max(1, self.jobs))

    def stop(self, grace_s: float) -> None:
        self._stopping = True
        if self._process is None:
            return
        try:
            self._connection.send_bytes(json.dumps({"stop": grace_s}).encode())
        except OSError:
            pass
        self._process.join(grace_s + 30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
