"""Starting and stopping the course server (`grade serve`).

On start: refuse without the full sandbox (unless allowed), open (and migrate) the database, put back
every job a previous run left running, make sure the instructor has a token, start the queue with every
job not done yet, then serve HTTP with uvicorn. With --queue (grading hosts over a Redis broker) the
server grades nothing itself: it checks no sandbox, leaves running jobs to the workers' claims, and its
queue sends every job not sent yet (grader.service.celeryqueue). On SIGTERM or Ctrl-C: stop taking requests, let the
running jobs finish (up to GRACE_S) and leave the others queued in the database for the next start;
nothing is lost.
"""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.server.admission import Limits

GRACE_S = 60.0  # how long running jobs may take to finish when the server stops


@dataclass
class ServeOptions:
    db_url: str | None
    host: str = "127.0.0.1"
    port: int = 8000
    jobs: int = 2
    allow_weak_sandbox: bool = False
    limits: Limits = field(default_factory=Limits)
    token_file: Path | None = None
    time_limit: float | None = None
    queue_url: str | None = None  # grade on `grade worker` hosts over this Redis broker, not in this process
    resend_after: float = 60.0  # with queue_url: send again a queued job not taken within this (plus backlog)


def serve(options: ServeOptions, echo=print) -> None:
    """Run the server until SIGTERM or Ctrl-C (see the module's docstring)."""
    import uvicorn

    from db import jobs as stored
    from db.urls import database_url, masked, parse
    from grader.server.admission import Admission
    from grader.server.app import Course
    from grader.server.factory import create_app
    from grader.service import roster
    from grader.service.broker import shown as queue_shown
    from grader.service.grading import full_sandbox_or_refuse
    from grader.service.jobqueue import EmbeddedQueue
    from grader.service.submit import open_db

    if not options.queue_url:  # with a queue, each grading host checks its own sandbox
        full_sandbox_or_refuse(options.allow_weak_sandbox)
    url = database_url(options.db_url)
    database = open_db(url)
    token_path, new_token = roster.instructor_token(database, options.token_file)
    if options.queue_url:
        from grader.service.celeryqueue import CeleryQueue

        # jobs left running belong to workers, which may still be grading them: their claims say so
        queue = CeleryQueue(options.queue_url, database, resend_after=options.resend_after, echo=echo)
        requeued, pending = 0, []
    else:
        requeued = stored.requeue_running(database)
        pending = stored.queued(database)
        queue = EmbeddedQueue(
            url, options.jobs, allow_weak_sandbox=options.allow_weak_sandbox, time_limit=options.time_limit
        )
    course = Course(database, queue, Admission(options.limits), db_url=url)
    queue.start(pending, estimates=stored.typical_durations(database))
    try:
        if not queue.wait_ready(180):
            raise SystemExit("grade serve: the grading processes did not start; see the messages above")
        config = uvicorn.Config(
            create_app(course),
            host=options.host,
            port=options.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=5,
        )
        server = uvicorn.Server(config)
        shown_host = f"[{options.host}]" if ":" in options.host else options.host
        echo(f"Course server on http://{shown_host}:{options.port}/  (API: /api/v1, dashboard: /dashboard)")
        if options.queue_url:
            echo(f"  gradebook: {masked(parse(url))}; grading on the workers of {queue_shown(options.queue_url)}")
            echo(f"  {len(queue.hosts())} workers alive; start more with: grade worker --queue URL --db URL")
        else:
            echo(f"  gradebook: {masked(parse(url))}; {options.jobs} grading processes")
        echo(f"  instructor token: {'new, ' if new_token else ''}in {token_path} (readable by you only)")
        if pending:
            echo(f"  {len(pending)} submissions left by the previous run are queued again ({requeued} were running)")
        if options.queue_url:
            echo("  stop with Ctrl-C or SIGTERM: the workers go on grading, every submission is in the gradebook")
        else:
            echo("  stop with Ctrl-C or SIGTERM: running jobs finish, queued ones wait for the next start")
        sys.stdout.flush()
        # uvicorn turns SIGTERM and SIGINT into a graceful shutdown, then raises them again for the
        # handlers it found: let those be quiet, the stop below is the rest of the shutdown
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: None)
        server.run()
    finally:
        course.stopping.set()
        queue.stop(GRACE_S)
        left = stored.pending_counts(database).get("queued", 0)
        database.dispose()
    if left and options.queue_url:
        echo(f"Stopped. The workers go on grading the {left} submissions queued.")
    else:
        echo(f"Stopped. {left} submissions wait in the queue for the next start." if left else "Stopped.")
