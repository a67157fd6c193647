"""A grading host: `grade worker`, a Celery worker that grades the course server's jobs and records them.

Its processes: the worker's main process (Celery's consumer: it takes job ids from Redis, hands them to
the grading processes, and every HEARTBEAT_S seconds writes the worker's row in the gradebook, so the
server counts it as alive) and `concurrency` grading processes (Celery's prefork pool), each a judge
like `grade submit` with a warm pool of its own, in the sandbox and limits of this host (official
grading refuses to run without bubblewrap unless the weaker sandbox is allowed).

A grading process takes one job at a time (`grade_job`): it claims the job's row for a lease of LEASE_S
seconds, renewed every HEARTBEAT_S seconds while it grades; grades it; records the outcome in the
gradebook (grader.service.jobs.settle: one result per job, however often it is graded); tells the
server at once (Redis pub/sub), and only then is the message acknowledged. So:
  * a grading process killed mid-job: Celery gives its message back at once; the job's lease runs out
    within LEASE_S seconds and the job is graded again (the message waits until then: `held`);
  * a whole worker killed: its grading processes die with it, the leases run out, and the server's sweep
    sends the jobs again (Redis also hands the unacknowledged messages out after the visibility timeout);
  * a job whose grading was lost MAX_RUNS times (a file that crashes the judge, say) is recorded as an
    error instead of blocking the queue; a run the host's load spoiled is put back, not counted.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass

from grader.service import broker
from grader.service.broker import HEARTBEAT_S, LEASE_S

RETRY_AFTER_OVERLOAD_S = 5.0  # a run the host's load spoiled is tried again after this


@dataclass
class WorkerOptions:
    queue_url: str
    db_url: str
    concurrency: int
    allow_weak_sandbox: bool = False


@dataclass
class _Settings:
    """What every grading process of this worker needs; set in the main process before Celery forks them."""

    name: str = ""
    queue_url: str = ""
    db_url: str = ""
    overrides: dict | None = None


_settings = _Settings()
_database = None  # this process's connection to the gradebook (each grading process opens its own)
_publisher = None


def worker_name() -> str:
    """A name no other worker has: host, process id and a few random characters."""
    import secrets

    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


# ---------------------------------------------------------------- in a grading process


def _gradebook():
    global _database
    if _database is None:
        from grader.service.submit import open_db

        _database = open_db(_settings.db_url)
    return _database


def _child_started(**_kwargs) -> None:
    """A new grading process: it dies with the worker, enables the warm pool and forgets the main process's
    database connections (they belong to it)."""
    global _database, _publisher
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if _database is not None:
        _database.engine.dispose(close=False)
    _database = _publisher = None
    if _settings.overrides and _settings.overrides.get("warm"):
        from grader.engine import pool

        pool.enable()


def _tell(job, state: str, duration: float = 0.0) -> None:
    """Tell the server at once that a job is settled (it also looks in the gradebook, so a lost note is
    only a delay)."""
    global _publisher
    message = {"job": job.job_id, "id": job.id, "state": state, "exercise": job.exercise, "duration": duration}
    try:
        if _publisher is None:
            import redis

            _publisher = redis.Redis.from_url(_settings.queue_url, socket_connect_timeout=2, socket_timeout=2)
        _publisher.publish(broker.DONE_CHANNEL, json.dumps(message))
    except Exception:  # noqa: BLE001 - redis's errors, or a URL it reads differently: the server polls too
        _publisher = None


class _Renewal:
    """While a job is graded: a thread that renews its lease every HEARTBEAT_S seconds, up to the job's hard
    time limit (so that the claim of a judge stuck past it runs out)."""

    def __init__(self, job_id: str, limit_s: float):
        self.job_id, self.until = job_id, time.monotonic() + limit_s
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="grade-lease", daemon=True)

    def _run(self) -> None:
        from db import leases

        while not self.done.wait(HEARTBEAT_S) and time.monotonic() < self.until:
            try:
                leases.renew(_gradebook(), _settings.name, [self.job_id], LEASE_S)
            except Exception:  # noqa: BLE001 - a missed renewal: the next one may succeed; the lease is long
                pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.done.set()
        self.thread.join()


def grade_job(task, job_id: str) -> str:
    """The task: claim, grade and settle one job (see the module's docstring); returns what became of it."""
    from db import jobs as stored
    from db import leases
    from grader.service.grading import outcome_of, reply_for
    from grader.service.jobs import MAX_RUNS, crash_result, settle

    database = _gradebook()
    claim = leases.claim(database, job_id, _settings.name, LEASE_S)
    if claim.outcome == "held":  # another grader's claim, maybe of a process that just died: look again later
        raise task.retry(countdown=min(claim.wait_s, LEASE_S) + 1.0, max_retries=None)
    if claim.outcome != "claimed":
        return claim.outcome  # done already (a message sent twice), or no such job
    job = claim.job
    if claim.taken_over and job.runs > MAX_RUNS:
        message = f"its grading was interrupted {job.runs - 1} times (the grading process ended while grading it)"
        stored.finish(database, job.job_id, crash_result(job, message))
        _tell(job, "done")
        return "done"
    request = {"exercise": job.exercise, "student": job.student, "source": job.source}
    with _Renewal(job.job_id, broker.job_limit_s(job.exercise)):
        outcome = outcome_of(job, reply_for(request, _settings.overrides or {}))
    state = settle(database, job, outcome)
    _tell(job, state, outcome.result.duration if outcome.result else 0.0)
    if state == "queued":  # the host was too loaded to give the learner's code its time: once more, later
        leases.mark_sent(database, [job.job_id])
        raise task.retry(countdown=RETRY_AFTER_OVERLOAD_S, max_retries=None)
    return state


# ---------------------------------------------------------------- the worker's main process


def _heartbeat_step(info, echo):
    """A bootstep of the Celery worker: the worker's row, written once it takes jobs from the broker (its
    consumer is ready) and then every HEARTBEAT_S seconds by the main process's event loop (no thread: the
    main process forks grading processes), marked stopped as soon as the worker begins to stop."""
    from celery import bootsteps, signals

    from db import leases

    def beat() -> None:
        try:
            leases.beat(_gradebook(), info)
        except Exception as error:  # noqa: BLE001 - a gradebook out of reach: say so, try again next beat
            echo(f"grade worker: could not write the heartbeat: {error}")

    class Heartbeat(bootsteps.StartStopStep):
        requires = ("celery.worker.components:Timer", "celery.worker.components:Pool")

        def start(self, worker):
            signals.worker_ready.connect(lambda **_: beat(), weak=False)
            self.tref = worker.timer.call_repeatedly(HEARTBEAT_S, beat)  # fires while the event loop runs

        def stop(self, worker):
            self.tref.cancel()
            _stopped(info.name)

    return Heartbeat


def _stopped(name: str) -> None:
    from db import leases

    try:
        leases.stopped(_gradebook(), name)
    except Exception:  # noqa: BLE001 - its row then simply stops being fresh
        pass


def run_worker(options: WorkerOptions, echo=print) -> int:
    """Run `grade worker` until SIGTERM (warm stop: running jobs finish, fetched ones go back to the queue)
    or Ctrl-C; return its exit code."""
    import warnings

    from celery import signals
    from celery.exceptions import CPendingDeprecationWarning

    from db import leases
    from grader import __version__
    from grader.service.grading import full_sandbox_or_refuse
    from grader.service.submit import open_db

    url = broker.check_url(options.queue_url)
    full = full_sandbox_or_refuse(options.allow_weak_sandbox)
    global _database
    _database = open_db(options.db_url)  # created and migrated now: a wrong --db fails here, in one line
    shown_db = _database.shown_url
    name = worker_name()
    _settings.name, _settings.queue_url, _settings.db_url = name, url, options.db_url
    _settings.overrides = {"require_full": not options.allow_weak_sandbox, "warm": full}
    info = leases.WorkerInfo(
        name=name,
        host=socket.gethostname(),
        pid=os.getpid(),
        concurrency=options.concurrency,
        sandbox="bubblewrap" if full else "landlock",
        grader_version=__version__,
    )
    _database.dispose()  # no connection of this process is inherited by the grading processes

    # Celery warns, at every lost broker connection, that a future version will cancel running jobs then;
    # these settings are chosen (broker.make_app): a running job goes on, its result is the gradebook's
    warnings.filterwarnings("ignore", category=CPendingDeprecationWarning)
    app = broker.make_app(url)
    app.task(name=broker.TASK, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)(grade_job)
    app.steps["worker"].add(_heartbeat_step(info, echo))
    signals.worker_process_init.connect(_child_started, weak=False)
    signals.worker_shutting_down.connect(lambda **_: _stopped(name), weak=False)
    echo(f"Grading worker {name}: grading processes: {options.concurrency}, sandbox: {info.sandbox}")
    echo(f"  queue: {broker.shown(url)}; gradebook: {shown_db}")
    echo("  stop with SIGTERM or Ctrl-C: running jobs finish, the others go back to the queue")
    worker = app.Worker(
        hostname=f"grade-{os.getpid()}@{socket.gethostname()}",
        concurrency=options.concurrency,
        pool_cls="prefork",
        loglevel="WARNING",
        quiet=True,
        redirect_stdouts=False,
        optimization="fair",
    )
    worker.start()
    return worker.exitcode or 0
