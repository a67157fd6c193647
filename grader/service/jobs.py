"""A submission's life on the course server, whatever carries its job: received, graded, settled.

`receive` stores the submission (state "queued", with its source and a unique job id, marked late after
the exercise's deadline) before any queue hears of it. A grader claims the job (db.jobs.claim), grades it
and `settle`s the outcome: a graded run is recorded once (a second result for the same job changes
nothing); a run the host's load spoiled goes back to the queue; a job that crashed its grading process
is tried again, and after MAX_RUNS such crashes recorded as an error, so that one hostile file cannot
block the queue. The embedded queue's job runner (grader.service.jobrunner) and a distributed worker
use the same functions.
"""

from __future__ import annotations

from datetime import UTC, datetime

from grader.course.catalog import Exercise
from grader.results import RunResult

MAX_RUNS = 2  # grading attempts that crashed the grading process before the job is recorded as an error


def is_late(exercise: Exercise, when: datetime | None = None) -> bool:
    """Whether a submission received at `when` (now by default) comes after the exercise's deadline."""
    if exercise.deadline is None:
        return False
    return (when or datetime.now(UTC)) > exercise.deadline


def receive(database, exercise: Exercise, student: str, source: str, origin: str = "server"):
    """Store a received submission as a queued job (a db.jobs.Job) and return it."""
    from db import jobs

    return jobs.create_job(
        database,
        student,
        exercise.slug,
        source,
        max_score=float(exercise.points),
        late=is_late(exercise),
        origin=origin,
    )


def crash_result(job, message: str) -> RunResult:
    """The recorded result of a job that crashed its grading process MAX_RUNS times: an error, no points."""
    from grader import __version__
    from grader.course.catalog import get_exercise

    return RunResult(
        exercise=job.exercise,
        student=job.student,
        score=0.0,
        max_score=float(get_exercise(job.exercise).points),
        status="error",
        message=f"this file could not be graded: {message}; submit it again, and tell your instructor if it persists",
        grader_version=__version__,
    )


def settle(database, job, outcome) -> str:
    """Record what became of a claimed job (a grader.service.grading.Outcome); return the job's new state:
    "done" (recorded, or recorded before), or "queued" (to be graded again)."""
    from db import jobs

    if outcome.kind == "graded":
        jobs.finish(database, job.job_id, outcome.result)
        return "done"
    if outcome.kind == "pending" or (outcome.kind == "crashed" and job.runs < MAX_RUNS):
        # a run the host's load spoiled is not an attempt of the file's: it does not count towards MAX_RUNS
        jobs.release(database, job.job_id, holder=job.holder, uncount=outcome.kind == "pending")
        return "queued"
    jobs.finish(database, job.job_id, crash_result(job, outcome.message))
    return "done"


def result_of(stored) -> RunResult | None:
    """The RunResult of a stored submission (a db.jobs.StoredRun), or None while it is not graded."""
    if stored.state != "done":
        return None
    columns = dict(stored.columns)
    columns.pop("schema_version", None)  # results are rebuilt in the current schema
    return RunResult.from_dict(
        {
            **columns,
            "exercise": stored.exercise,
            "student": stored.student,
            "tests": stored.tests,
            "submission_id": stored.id,
        }
    )


def view(stored) -> dict:
    """A submission as the API shows it: {"id", "state", "late", ..., "result": the RunResult or null}."""
    result = result_of(stored)
    return {
        "id": stored.id,
        "job_id": stored.job_id,
        "state": stored.state,
        "exercise": stored.exercise,
        "student": stored.student,
        "late": stored.late,
        "submitted_at": iso(stored.submitted_at),
        "graded_at": iso(stored.graded_at),
        "result": result.to_dict() if result else None,
    }


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat(timespec="seconds")
