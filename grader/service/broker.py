"""The grading queue on a broker: one Celery app over Redis, which the course server sends job ids to
(`grade serve --queue redis://...`) and `grade worker` processes on any number of hosts take them from.

A message carries a job id only; the job's row (its source, its state) is in the gradebook, which is the
source of truth: the broker may lose a message (a Redis restart without persistence, a worker killed
with messages it had fetched) and the server sends it again (grader.service.celeryqueue).

Celery's settings, and why (the README's Deployment section repeats them for operators):
  task_acks_late              a message is acknowledged only once its job is settled in the gradebook;
  task_reject_on_worker_lost  a grading process killed mid-job gives its message back at once, to be
                              delivered again (a worker killed outright leaves its messages unacknowledged:
                              Redis hands them out again after the visibility timeout);
  visibility_timeout          twice the longest a job may take (the longest time limit of the course's
                              exercises plus the judge's grace): a job a live worker holds, running or
                              fetched, is never handed to another worker meanwhile;
  worker_prefetch_multiplier  1: a worker reserves no more jobs than it has grading processes, so the
                              others stay in the queue for the other hosts;
  JSON only, no result backend (results go to the gradebook), and a worker retries the broker forever.

Each job also carries a hard time limit (its exercise's, plus the judge's grace): Celery ends a grading
process stuck past it, and the job's claim then runs out like a crashed one's.
"""

from __future__ import annotations

from functools import lru_cache

from grader.errors import UsageProblem

TASK = "nn_grade.grade_job"
QUEUE = "nn-grade"
DONE_CHANNEL = "nn-grade:graded"  # Redis pub/sub: workers tell the server a job is settled, at once
SCHEMES = ("redis", "rediss")
HEARTBEAT_S = 2.0  # how often a worker writes its row, and a grading process renews its job's lease
LEASE_S = 10.0  # how long a claim holds without renewal: a dead worker's jobs are free again after this
ALIVE_S = 4 * HEARTBEAT_S  # a worker not seen for this long does not count as alive


def check_url(url: str | None) -> str:
    """The broker URL, or UsageProblem saying what a good one looks like."""
    from urllib.parse import urlsplit

    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in SCHEMES or not parts.hostname:
        raise UsageProblem(
            f"--queue takes the URL of a Redis server, e.g. redis://127.0.0.1:6379/0 (got {shown(text) or 'nothing'})"
        )
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise UsageProblem(f"the Redis database of --queue is a number, e.g. redis://{parts.hostname}:{port or 6379}/0")
    return text


def shown(url: str) -> str:
    """The URL as it may be printed: any password masked."""
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url) if "@" in url else url


@lru_cache(maxsize=1)
def longest_job_s() -> float:
    """The longest one job may take on a grading host: the course's longest time limit plus the judge's grace."""
    from grader.course.catalog import load_manifest
    from grader.service.grading import JUDGE_GRACE_S

    return max((exercise.time_limit for exercise in load_manifest()), default=60.0) + JUDGE_GRACE_S


def job_limit_s(exercise: str) -> float:
    """The hard time limit of a job of `exercise` (Celery ends its grading process past it)."""
    from grader.course.catalog import get_exercise
    from grader.service.grading import JUDGE_GRACE_S

    return get_exercise(exercise).time_limit + JUDGE_GRACE_S


def make_app(url: str):
    """The Celery app of the grading queue at `url` (imports Celery: only with --queue)."""
    from celery import Celery

    app = Celery("nn_grade", broker=url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        result_backend=None,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        worker_enable_remote_control=False,  # no broadcast mailboxes: workers are counted from the gradebook
        worker_cancel_long_running_tasks_on_connection_loss=False,  # a job goes on; its result is the gradebook's
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits out a broker restart, however long
        broker_transport_options={
            "visibility_timeout": 2 * longest_job_s(),
            "socket_connect_timeout": 5,
        },
    )
    return app


# a message that cannot be published after these tries waits in the gradebook for the server's next sweep
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.3, "interval_max": 0.5}


def send(app, job_id: str, exercise: str) -> None:
    """Hand one job to the broker (raises the broker's error if it cannot be reached)."""
    app.send_task(
        TASK,
        args=[job_id],
        queue=QUEUE,
        time_limit=job_limit_s(exercise),
        ignore_result=True,
        retry=True,
        retry_policy=PUBLISH_RETRY,
    )
