"""The course server's queue when grading happens on other hosts: `grade serve --queue redis://...`.

`CeleryQueue` sends job ids to the Redis broker (grader.service.broker); `grade worker` processes on any
number of hosts grade them and record the results in the gradebook. The gradebook stays the source of
truth: a job's row exists (state "queued") before it is sent, and remembers when it was sent.

A sweep thread, every SWEEP_S seconds, makes sure no job is forgotten:
  * a running job whose worker stopped renewing its claim (killed, its host gone) goes back to the
    queue and is sent again; after MAX_RUNS lost runs it is recorded as an error instead;
  * a queued job never sent (the broker was down when it came) is sent now;
  * a worker silent for ALIVE_S seconds that never said it stopped is declared gone, and every queued job
    sent before it died is sent again: it may have fetched them (Redis would hand them out again only
    after the visibility timeout);
  * a queued job sent more than `resend_after` seconds ago (plus the wait the queue's backlog explains)
    while workers are alive is sent again: the broker lost it (a Redis restart without persistence).
A job sent twice is graded once: a worker claims it first (db.leases), and its result is recorded once
(db.jobs.finish); the other message finds it taken or done.

Workers announce every settled job on a Redis channel; a listener thread wakes the requests waiting for
it and keeps the per-exercise grading time that admission control estimates with. Waiting requests also
look in the gradebook every POLL_S seconds, so a lost announcement is only a delay. `load()` counts the
jobs in the gradebook and the grading processes of the workers seen lately (their heartbeat rows).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import timedelta

from grader.service import broker
from grader.service.jobqueue import JobQueue, JobWaiters, Load

SWEEP_S = 2.0
POLL_S = 1.0  # a waiting request looks in the gradebook at least this often
LOAD_CACHE_S = 1.0  # admission control reads the load on every submission: count at most once a second
RESEND_AFTER_S = 60.0


class CeleryQueue(JobQueue):
    def __init__(self, queue_url: str, database, *, resend_after: float = RESEND_AFTER_S, echo=print):
        self.url = broker.check_url(queue_url)
        self.database = database
        self.resend_after = resend_after
        self.echo = echo
        self.app = broker.make_app(self.url)
        self._lock = threading.Lock()
        self._waiters = JobWaiters()
        self._load: tuple[float, Load, list] | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._broker_down = False
        self.problem = ""

    # ------------------------------------------------------------ sending

    def start(self, pending: list, estimates: dict[str, float] | None = None) -> None:
        """Start the sweep and the listener; the first sweep sends every job of the gradebook not sent yet
        (`pending` is not needed: the gradebook says what was sent)."""
        self._waiters.add_estimates(estimates or {})
        self.sweep()
        for target, name in ((self._sweeping, "grade-queue-sweep"), (self._listen, "grade-queue-listener")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def wait_ready(self, timeout: float) -> bool:
        return True  # nothing to wait for: jobs wait in the gradebook until the broker and a worker take them

    def put(self, job) -> None:
        self._send([(job.job_id, job.exercise)])

    def _send(self, jobs: list[tuple[str, str]]) -> list[str]:
        """Hand jobs to the broker; return the ids sent. If it cannot be reached, the rest wait in the
        gradebook for the next sweep (said once per outage)."""
        from db import leases

        sent = []
        try:
            for job_id, exercise in jobs:
                broker.send(self.app, job_id, exercise)
                sent.append(job_id)
        except Exception as error:  # noqa: BLE001 - kombu's and redis's errors: the sweep sends the rest later
            if not self._broker_down:
                self.echo(f"grade serve: the queue {broker.shown(self.url)} cannot be reached ({error}); "
                          "submissions are kept and sent when it is back")  # fmt: skip
            self._broker_down = True
        else:
            if self._broker_down and jobs:
                self.echo(f"grade serve: the queue {broker.shown(self.url)} is back")
            self._broker_down = False
        leases.mark_sent(self.database, sent)
        return sent

    def sweep(self) -> dict:
        """One pass of the sweep (see the module's docstring); returns what it did, by kind."""
        from db import jobs as stored
        from db import leases
        from grader.service.jobs import MAX_RUNS, crash_result

        lost = leases.expire(self.database)
        for job in lost:
            if job.runs >= MAX_RUNS:
                message = f"its grading was interrupted {job.runs} times (the grading host stopped while grading it)"
                stored.finish(self.database, job.job_id, crash_result(job, message))
                self._waiters.settled(job.job_id, job.exercise, 0.0)
        gone = leases.declare_gone(self.database, broker.ALIVE_S)
        # a worker that died may have fetched jobs it never started: send again whatever was sent before then
        sent_before = max(seen for _, seen in gone) + timedelta(seconds=broker.HEARTBEAT_S) if gone else None
        load = self.load(fresh=True)
        unsent_for = self.resend_after + load.backlog_s if load.workers else None
        due = leases.to_send(self.database, unsent_for, sent_before=sent_before)
        sent = set(self._send([(job_id, exercise) for job_id, exercise, _ in due]))
        again = sum(job_id in sent for job_id, _, before in due if before)
        taken_back = sum(job.runs < MAX_RUNS for job in lost)
        said = [
            f"{len(gone)} workers stopped answering: {', '.join(name for name, _ in gone)}" if gone else "",
            f"sent again {again} queued jobs the broker may have lost" if again else "",
            f"sent again {taken_back} jobs whose worker stopped renewing its claim" if taken_back else "",
            f"recorded {len(lost) - taken_back} jobs as errors after {MAX_RUNS} lost runs"
            if len(lost) > taken_back
            else "",
        ]
        if any(said):
            self.echo("grade serve: " + "; ".join(part for part in said if part))
        return {"lost": len(lost), "sent": len(sent), "again": again}

    def _sweeping(self) -> None:
        while not self._stop.wait(SWEEP_S):
            try:
                self.sweep()
            except Exception as error:  # noqa: BLE001 - a gradebook out of reach for a moment: the next pass
                self.echo(f"grade serve: the sweep of the queue failed ({error}); trying again")

    # ------------------------------------------------------------ hearing back

    def _listen(self) -> None:
        """Follow the workers' announcements (Redis pub/sub), reconnecting after a Redis restart."""
        import redis

        while not self._stop.is_set():
            try:
                client = redis.Redis.from_url(self.url, socket_connect_timeout=2, health_check_interval=10)
                with client.pubsub(ignore_subscribe_messages=True) as channel:
                    channel.subscribe(broker.DONE_CHANNEL)
                    while not self._stop.is_set():
                        message = channel.get_message(timeout=1.0)
                        if message and message.get("type") == "message":
                            note = json.loads(message["data"])
                            if note.get("state") == "done":
                                self._waiters.settled(
                                    note["job"], note.get("exercise", ""), float(note.get("duration") or 0)
                                )
            except (redis.RedisError, OSError, ValueError, KeyError, TypeError):
                self._stop.wait(1.0)

    async def wait(self, job_id: str, timeout: float, is_done) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        with self._waiters.listening(job_id) as event:
            while True:
                if await asyncio.to_thread(is_done):
                    return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                try:
                    await asyncio.wait_for(event.wait(), min(POLL_S, remaining))
                except TimeoutError:
                    pass

    # ------------------------------------------------------------ figures

    def estimate(self, exercise: str) -> float:
        return self._waiters.estimate(exercise)

    def load(self, fresh: bool = False) -> Load:
        """Jobs queued and running (from the gradebook), the grading processes of the workers alive, and
        the seconds of grading waiting per process; counted at most once every LOAD_CACHE_S seconds."""
        from db import leases

        with self._lock:
            cached = self._load
        if cached and not fresh and time.monotonic() - cached[0] < LOAD_CACHE_S:
            return cached[1]
        pending = leases.pending_by_exercise(self.database)
        live = leases.live_workers(self.database, broker.ALIVE_S)
        processes = sum(worker.concurrency for worker in live)
        seconds = sum(count * self.estimate(exercise) for jobs in pending.values() for exercise, count in jobs.items())
        queued, running = sum(pending["queued"].values()), sum(pending["running"].values())
        load = Load(queued, running, processes, seconds / max(1, processes))
        with self._lock:
            self._load = (time.monotonic(), load, live)
        return load

    def hosts(self) -> list[dict]:
        self.load()
        with self._lock:
            live = self._load[2] if self._load else []
        return [
            {
                "name": w.name,
                "host": w.host,
                "processes": w.concurrency,
                "sandbox": w.sandbox,
                "version": w.grader_version,
            }
            for w in live
        ]

    def stop(self, grace_s: float) -> None:
        """Stop sweeping and listening; the workers go on grading, and the gradebook keeps every job."""
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
