"""The embedded queue's job runner: a process of its own that grades the server's jobs in a GradingPool.

The course server starts it (a fresh interpreter, so that it runs no thread of the server and may fork
its grading processes safely) and sends it job ids over a pipe as JSON lines of one object each:
{"put": JOB_ID} to grade a job, {"stop": SECONDS} to stop. For each job it claims the row (queued ->
running), grades it, records the outcome in the database (grader.service.jobs.settle) and tells the
server {"job": JOB_ID, "state": "running" | "done" | "queued", "exercise": ..., "duration": ...}.

On stop it takes no new job, lets the running ones finish for up to SECONDS, and puts back (state
"queued") those that did not: the next start grades them. If the server goes away, it stops the same way.
"""

from __future__ import annotations

import json
import time
from collections import deque

RETRY_AFTER_OVERLOAD_S = 5.0


def run_jobs(connection, db_url: str, jobs: int, allow_weak_sandbox: bool, time_limit: float | None) -> None:
    """The runner process's main function (see the module's docstring)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from db import jobs as stored
    from grader.service.grading import GradingPool
    from grader.service.jobs import settle
    from grader.service.submit import open_db

    database = open_db(db_url)
    grading = GradingPool(jobs, time_limit=time_limit, allow_weak_sandbox=allow_weak_sandbox)
    waiting: deque[str] = deque()
    later: list[tuple[float, str]] = []  # (when, job id): runs the host's load spoiled
    stop_after: float | None = None

    def tell(message: dict) -> None:
        try:
            connection.send_bytes(json.dumps(message).encode())
        except OSError:
            pass

    def settled(job, outcome) -> None:
        state = settle(database, job, outcome)
        if state == "queued":
            if outcome.kind == "pending":
                later.append((time.monotonic() + RETRY_AFTER_OVERLOAD_S, job.job_id))
            else:
                waiting.appendleft(job.job_id)  # a crash: once more, at once
        duration = outcome.result.duration if outcome.result else 0.0
        tell({"job": job.job_id, "id": job.id, "state": state, "exercise": job.exercise, "duration": duration})

    try:
        tell({"ready": True, "jobs": len(grading.slots)})
        while stop_after is None:
            try:
                while connection.poll():
                    message = json.loads(connection.recv_bytes())
                    if "put" in message:
                        waiting.append(message["put"])
                    elif "stop" in message:
                        stop_after = float(message["stop"])
            except (EOFError, OSError):
                stop_after = 0.0  # the server went away
            if stop_after is not None:
                break
            now = time.monotonic()
            for entry in [e for e in later if e[0] <= now]:
                later.remove(entry)
                waiting.append(entry[1])
            while grading.idle and waiting:
                job = stored.claim(database, waiting.popleft())
                if job is None:  # done or claimed meanwhile (a job put twice): nothing to do
                    continue
                grading.start(job, job.exercise, job.student, job.source)
                tell({"job": job.job_id, "id": job.id, "state": "running", "exercise": job.exercise})
            for outcome in grading.wait(timeout=0.5, also=(connection,)):
                settled(outcome.tag, outcome)
    finally:
        finished, unfinished = grading.close(wait_s=stop_after or 0.0)
        for outcome in finished:
            settled(outcome.tag, outcome)
        for job in unfinished:
            stored.release(database, job.job_id)  # graded on the next start
            tell({"job": job.job_id, "id": job.id, "state": "queued", "exercise": job.exercise})
        tell({"stopped": True})
        database.dispose()
