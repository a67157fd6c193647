"""Submissions as jobs of the course server: the database is the source of truth of the queue.

A submission the server receives is stored at once, with its source, as a row in state "queued" with a
unique job id (`create_job`), *before* any queue hears of it. Grading claims it ("running", `claim`:
only one claimer wins), and `finish` records the result exactly once: a second result for the same job
(a redelivered job, a retry after a lost reply) changes nothing. A job interrupted by a stop or a crash
is put back (`requeue_running`) and graded again; a job is never lost and never recorded twice.

Rows that are not "done" have no score yet and count in no report (db.selection.counted).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from db.models import Student, Submission, TestRun, utcnow
from db.recording import learner_id, result_columns, source_hash, test_rows
from db.session import Database


@dataclass
class Job:
    """What a grading process needs to grade one submission."""

    id: int  # the submission's id
    job_id: str
    student: str
    exercise: str
    source: str
    state: str
    runs: int = 0
    holder: str | None = None  # the worker holding its claim (db.leases); None for the embedded queue

    def message(self) -> dict:
        return {"id": self.id, "job_id": self.job_id, "student": self.student, "exercise": self.exercise}


def create_job(
    db: Database, student: str, exercise: str, source: str, *, max_score: float, late: bool, origin: str
) -> Job:
    """Store a received submission as a queued job (score 0 until graded) and return it."""
    job_id = str(uuid.uuid4())
    with db.writing() as session:
        row = Submission(
            student_id=learner_id(session, student),
            exercise=exercise,
            score=0.0,
            max_score=max_score,
            status="",
            duration=0.0,
            source=source,
            source_sha256=source_hash(source),
            grader_version="",
            schema_version=0,
            origin=origin,
            job_id=job_id,
            state="queued",
            late=late,
        )
        session.add(row)
        session.flush()
        return Job(row.id, job_id, student, exercise, source, "queued")


def job_query():
    return select(
        Submission.id,
        Submission.job_id,
        Student.name,
        Submission.exercise,
        Submission.source,
        Submission.state,
        Submission.runs,
    ).join(Student, Student.id == Submission.student_id)


def claim(db: Database, job_id: str) -> Job | None:
    """Mark a queued job running and return it; None if it is not queued (done, or claimed by another)."""
    with db.writing() as session:
        changed = session.execute(
            update(Submission)
            .where(Submission.job_id == job_id, Submission.state == "queued")
            .values(state="running", runs=Submission.runs + 1)
        ).rowcount
        if changed != 1:
            return None
        row = session.execute(job_query().where(Submission.job_id == job_id)).one()
        return Job(*row)


def release(db: Database, job_id: str, *, holder: str | None = None, uncount: bool = False) -> None:
    """Put a running job back in the queue (the host was overloaded, the server is stopping); only if
    `holder` still holds it, when given. `uncount`: this run does not count as an attempt (the host's
    load spoiled it, not the file)."""
    condition = [Submission.job_id == job_id, Submission.state == "running"]
    if holder is not None:
        condition.append(Submission.claimed_by == holder)
    values = {"state": "queued", "claimed_by": None, "lease_until": None}
    if uncount:
        values["runs"] = Submission.runs - 1
    with db.writing() as session:
        session.execute(update(Submission).where(*condition).values(**values))


def finish(db: Database, job_id: str, result) -> int:
    """Record the graded run (a grader.results.RunResult) of a job; return the submission's id.

    Idempotent: only the first result of a job is stored (the UPDATE's condition state != 'done' lets
    one writer through; SQLite's BEGIN IMMEDIATE and PostgreSQL's row lock make the others see it done)."""
    with db.writing() as session:
        changed = session.execute(
            update(Submission)
            .where(Submission.job_id == job_id, Submission.state != "done")
            .values(state="done", graded_at=utcnow(), lease_until=None, **result_columns(result))
        ).rowcount
        submission_id = session.scalar(select(Submission.id).where(Submission.job_id == job_id))
        if submission_id is None:
            raise LookupError(f"no job {job_id}")
        if changed == 1:
            for row in test_rows(result):
                row.submission_id = submission_id
                session.add(row)
        return submission_id


def requeue_running(db: Database) -> int:
    """Put back every job left running (by a server that stopped or crashed); return how many."""
    with db.writing() as session:
        return session.execute(update(Submission).where(Submission.state == "running").values(state="queued")).rowcount


def queued(db: Database) -> list[Job]:
    """Every queued job, oldest first."""
    with db.reading() as session:
        return [
            Job(*row)
            for row in session.execute(job_query().where(Submission.state == "queued").order_by(Submission.id))
        ]


def pending_counts(db: Database) -> dict[str, int]:
    """How many jobs are queued and running."""
    with db.reading() as session:
        rows = session.execute(
            select(Submission.state, func.count()).where(Submission.state != "done").group_by(Submission.state)
        )
        return {state: count for state, count in rows}


def typical_durations(db: Database, limit: int = 200) -> dict[str, float]:
    """Per exercise, the mean grading time of its latest `limit` graded submissions (admission control)."""
    found = {}
    with db.reading() as session:
        for exercise in session.scalars(select(Submission.exercise).distinct()):
            latest = (
                select(Submission.duration)
                .where(Submission.exercise == exercise, Submission.state == "done")
                .order_by(Submission.id.desc())
                .limit(limit)
                .subquery()
            )
            mean = session.scalar(select(func.avg(latest.c.duration)))
            if mean is not None:
                found[exercise] = float(mean)
    return found


@dataclass
class StoredRun:
    """A submission as the server shows it: its state and, once done, everything its result holds."""

    id: int
    job_id: str | None
    student: str
    exercise: str
    state: str
    late: bool
    origin: str
    submitted_at: datetime
    graded_at: datetime | None
    source_sha256: str
    columns: dict  # score, max_score, status, message, duration, grader_version, schema_version, ...
    tests: list[dict]


def stored_run(db: Database, submission_id: int) -> StoredRun | None:
    """One submission with its tests; None if there is none with that id."""
    with db.reading() as session:
        row = session.execute(
            select(Submission, Student.name)
            .join(Student, Student.id == Submission.student_id)
            .where(Submission.id == submission_id)
        ).one_or_none()
        if row is None:
            return None
        s, name = row
        columns = {
            "score": s.score,
            "max_score": s.max_score,
            "status": s.status,
            "message": s.message,
            "duration": s.duration,
            "grader_version": s.grader_version,
            "schema_version": s.schema_version,
            "official": s.official,
            "output": s.output,
            "sandbox": json.loads(s.sandbox) if s.sandbox else {},
        }
        tests = []
        if s.state == "done":
            for t in session.scalars(select(TestRun).where(TestRun.submission_id == s.id).order_by(TestRun.position)):
                diagnosis = {"id": t.diagnosis_id, "text": t.diagnosis_text} if t.diagnosis_id else None
                tests.append(
                    {
                        "name": t.name,
                        "function": t.function,
                        "passed": bool(t.passed),
                        "points": t.points,
                        "max_points": t.max_points,
                        "message": t.message,
                        "status": t.status,
                        "diagnosis": diagnosis,
                    }
                )
        return StoredRun(
            s.id, s.job_id, name, s.exercise, s.state, bool(s.late), s.origin, s.submitted_at, s.graded_at,
            s.source_sha256, columns, tests,
        )  # fmt: skip


def source_of(db: Database, submission_id: int) -> tuple[str, str] | None:
    """(learner, source) of a submission, for the audit trail; None if there is none with that id."""
    with db.reading() as session:
        row = session.execute(
            select(Student.name, Submission.source)
            .join(Student, Student.id == Submission.student_id)
            .where(Submission.id == submission_id)
        ).one_or_none()
        return None if row is None else (row[0], row[1])


@dataclass
class AuditRow:
    id: int
    job_id: str | None
    student: str
    exercise: str
    submitted_at: datetime
    graded_at: datetime | None
    state: str
    late: bool
    origin: str
    official: bool
    score: float
    max_score: float
    status: str
    source_sha256: str


def audit(db: Database, student: str | None = None, exercise: str | None = None, limit: int = 1000) -> list[AuditRow]:
    """Every submission received (newest first), whatever its state: who, what, when, late, the source's hash."""
    query = (
        select(
            Submission.id,
            Submission.job_id,
            Student.name,
            Submission.exercise,
            Submission.submitted_at,
            Submission.graded_at,
            Submission.state,
            Submission.late,
            Submission.origin,
            Submission.official,
            Submission.score,
            Submission.max_score,
            Submission.status,
            Submission.source_sha256,
        )
        .join(Student, Student.id == Submission.student_id)
        .order_by(Submission.id.desc())
        .limit(limit)
    )
    if student is not None:
        query = query.where(Student.name == student)
    if exercise is not None:
        query = query.where(Submission.exercise == exercise)
    with db.reading() as session:
        return [
            AuditRow(*row[:7], bool(row.late), row.origin, bool(row.official), *row[10:])
            for row in session.execute(query)
        ]


def pending_of(db: Database, student: str) -> int:
    """How many of a learner's submissions are not graded yet."""
    with db.reading() as session:
        return session.scalar(
            select(func.count())
            .select_from(Submission)
            .join(Student, Student.id == Submission.student_id)
            .where(Student.name == student, Submission.state != "done")
        )
