"""`grade worker`: a grading host for the course server, over a Redis broker (the [queue] extra)."""

from __future__ import annotations

import click

from grader.cli.app import main
from grader.cli.common import db_option

QUEUE_HELP = "The Redis broker the course server sends jobs to, e.g. redis://10.0.0.5:6379/0 (default: $GRADE_QUEUE)."


def queue_option(required: bool):
    return click.option("--queue", "queue_url", metavar="URL", envvar="GRADE_QUEUE", required=required, help=QUEUE_HELP)


@main.command()
@queue_option(required=True)
@db_option
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(min=1),
    metavar="N",
    help="Grading processes on this host (default: the number of cores).",
)
@click.option(
    "--allow-weak-sandbox",
    is_flag=True,
    help="Grade even where bubblewrap is missing, with the weaker Landlock sandbox (not recommended).",
)
def worker(queue_url, db_url, concurrency, allow_weak_sandbox):
    """Grade the course server's submissions on this host (`grade serve --queue URL` sends them).

    Start one on every grading host, all with the server's --queue and --db (the gradebook: PostgreSQL
    when the hosts are several machines). Each grades in this host's sandbox and limits, with a warm pool
    per grading process, and records results in the gradebook, once per submission. A worker killed
    mid-job loses nothing: its jobs are graded again elsewhere. Stop it with SIGTERM or Ctrl-C: running
    jobs finish first. Needs `pip install 'nn-grade[queue]'`.

    \b
    Example:
      grade worker --queue redis://10.0.0.5:6379/0 --db postgresql://grader@10.0.0.5/course --concurrency 4
    """
    import os

    from grader.service.gradinghost import WorkerOptions, run_worker

    need_celery()
    options = WorkerOptions(queue_url, db_url, concurrency or os.cpu_count() or 1, allow_weak_sandbox)
    raise SystemExit(run_worker(options, echo=click.echo))


def need_celery() -> None:
    from grader.cli.common import Problem

    try:
        import celery  # noqa: F401
        import redis  # noqa: F401
    except ImportError:
        raise Problem("the grading queue needs Celery and Redis's client: pip install 'nn-grade[queue]'") from None
