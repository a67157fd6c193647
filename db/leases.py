"""Jobs graded by workers on other hosts (`grade worker`): claims that expire, sends the server remembers,
and the workers' heartbeats.

A worker claims a job for a *lease* (`claim`): the row becomes "running", held by the worker's name until
`lease_until`, and the worker renews the lease every few seconds while it grades (`renew`). A worker that
dies stops renewing, so its claim runs out: another worker may then take the job over (`claim` accepts a
running job whose lease has passed), and the server's sweep puts such jobs back in the queue (`expire`).
Two graders of one job never give two results: db.jobs.finish records the first one only.

The server remembers when it last handed each job to the broker (`mark_sent`), so that its sweep can send
again what the broker lost (a Redis restart without persistence, a worker killed with jobs it had
fetched): queued jobs never sent, or sent long ago and still not taken (`to_send`).

Each worker writes its row in grading_workers when it starts and every few seconds (`beat`); the server
counts the grading processes of the workers seen lately (`live_workers`) for admission control.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from db.jobs import Job, job_query
from db.models import GradingWorker, Submission, utcnow
from db.session import Database


@dataclass
class Claim:
    """What `claim` found: outcome "claimed" (job is ours; `taken_over` if a lost claim was replaced),
    "held" (another worker's lease runs `wait_s` more seconds), "done" or "missing"."""

    outcome: str
    job: Job | None = None
    taken_over: bool = False
    wait_s: float = 0.0


def _lease_over(now: datetime):
    """The condition of a running job nobody holds any more: its lease has passed (or it never had one: a
    job left running by the embedded queue of a server that stopped)."""
    return and_(Submission.state == "running", or_(Submission.lease_until.is_(None), Submission.lease_until < now))


def claim(db: Database, job_id: str, holder: str, lease_s: float) -> Claim:
    """Claim a job for `holder` until `lease_s` seconds from now: a queued job, or a running one whose
    lease has passed (taken over; its run counts as lost). Only one claimer wins."""
    now = utcnow()
    with db.writing() as session:
        row = session.execute(
            select(Submission.state, Submission.lease_until).where(Submission.job_id == job_id).with_for_update()
        ).one_or_none()
        if row is None:
            return Claim("missing")
        if row.state == "done":
            return Claim("done")
        if row.state == "running" and row.lease_until is not None and row.lease_until >= now:
            return Claim("held", wait_s=(row.lease_until - now).total_seconds())
        session.execute(
            update(Submission)
            .where(Submission.job_id == job_id)
            .values(
                state="running",
                runs=Submission.runs + 1,
                claimed_by=holder,
                lease_until=now + timedelta(seconds=lease_s),
            )
        )
        found = session.execute(job_query().where(Submission.job_id == job_id)).one()
        return Claim("claimed", Job(*found, holder=holder), taken_over=row.state == "running")


def renew(db: Database, holder: str, job_ids: list[str], lease_s: float) -> int:
    """Extend `holder`'s leases on the jobs it is grading; return how many it still holds."""
    if not job_ids:
        return 0
    with db.writing() as session:
        return session.execute(
            update(Submission)
            .where(Submission.job_id.in_(job_ids), Submission.state == "running", Submission.claimed_by == holder)
            .values(lease_until=utcnow() + timedelta(seconds=lease_s))
        ).rowcount


@dataclass
class Lost:
    """A running job whose worker stopped renewing its lease."""

    id: int
    job_id: str
    student: str
    exercise: str
    runs: int
    claimed_by: str | None


def expire(db: Database) -> list[Lost]:
    """Put back in the queue every running job whose lease has passed; return them (to be sent again)."""
    from db.models import Student

    now = utcnow()
    with db.writing() as session:
        rows = session.execute(
            select(
                Submission.id,
                Submission.job_id,
                Student.name,
                Submission.exercise,
                Submission.runs,
                Submission.claimed_by,
            )
            .join(Student, Student.id == Submission.student_id)
            .where(_lease_over(now))
            .order_by(Submission.id)
            .with_for_update(of=Submission)
        ).all()
        if rows:
            session.execute(
                update(Submission)
                .where(Submission.id.in_([row.id for row in rows]), _lease_over(now))
                .values(state="queued", claimed_by=None, lease_until=None, sent_at=None)
            )
        return [Lost(*row) for row in rows]


def to_send(
    db: Database, unsent_for_s: float | None, *, sent_before: datetime | None = None
) -> list[tuple[str, str, bool]]:
    """(job id, exercise, sent before) of the queued jobs to hand to the broker, oldest first: those never
    sent; unless `unsent_for_s` is None, those sent more than that many seconds ago and still queued (the
    broker may have lost them); and those sent before `sent_before` (a worker that died then may have
    fetched them)."""
    conditions = [Submission.sent_at.is_(None)]
    if unsent_for_s is not None:
        conditions.append(Submission.sent_at < utcnow() - timedelta(seconds=unsent_for_s))
    if sent_before is not None:
        conditions.append(Submission.sent_at < sent_before)
    condition = or_(*conditions)
    with db.reading() as session:
        rows = session.execute(
            select(Submission.job_id, Submission.exercise, Submission.sent_at)
            .where(Submission.state == "queued", Submission.job_id.is_not(None), condition)
            .order_by(Submission.id)
        )
        return [(job_id, exercise, sent_at is not None) for job_id, exercise, sent_at in rows]


def mark_sent(db: Database, job_ids: list[str]) -> None:
    """Remember that these jobs were handed to the broker now."""
    if job_ids:
        with db.writing() as session:
            session.execute(update(Submission).where(Submission.job_id.in_(job_ids)).values(sent_at=utcnow()))


def pending_by_exercise(db: Database) -> dict[str, dict[str, int]]:
    """{"queued": {exercise: count}, "running": {exercise: count}}: the jobs not done yet."""
    found: dict[str, dict[str, int]] = {"queued": {}, "running": {}}
    with db.reading() as session:
        for state, exercise, count in session.execute(
            select(Submission.state, Submission.exercise, func.count())
            .where(Submission.state != "done")
            .group_by(Submission.state, Submission.exercise)
        ):
            found.setdefault(state, {})[exercise] = count
    return found


# ---------------------------------------------------------------- the workers' heartbeats


@dataclass
class WorkerInfo:
    name: str
    host: str
    pid: int
    concurrency: int
    sandbox: str
    grader_version: str


def beat(db: Database, worker: WorkerInfo) -> None:
    """Write the worker's row: it is alive now, with so many grading processes."""
    now = utcnow()
    with db.writing() as session:
        changed = session.execute(
            update(GradingWorker)
            .where(GradingWorker.name == worker.name)
            .values(seen_at=now, concurrency=worker.concurrency, stopped_at=None)
        ).rowcount
        if not changed:
            session.add(GradingWorker(**vars(worker), started_at=now, seen_at=now))


def stopped(db: Database, name: str) -> None:
    """The worker stopped cleanly: it no longer counts as alive."""
    with db.writing() as session:
        session.execute(update(GradingWorker).where(GradingWorker.name == name).values(stopped_at=utcnow()))


def declare_gone(db: Database, silent_for_s: float) -> list[tuple[str, datetime]]:
    """Mark stopped the workers silent for `silent_for_s` seconds that never said they stopped (killed,
    their host gone); return their (name, last seen). A worker that beats again is alive again."""
    cutoff = utcnow() - timedelta(seconds=silent_for_s)
    with db.writing() as session:
        rows = session.execute(
            select(GradingWorker.id, GradingWorker.name, GradingWorker.seen_at)
            .where(GradingWorker.stopped_at.is_(None), GradingWorker.seen_at < cutoff)
            .with_for_update()
        ).all()
        if rows:
            session.execute(
                update(GradingWorker).where(GradingWorker.id.in_([row.id for row in rows])).values(stopped_at=utcnow())
            )
        return [(row.name, row.seen_at) for row in rows]


@dataclass
class WorkerRow:
    name: str
    host: str
    pid: int
    concurrency: int
    sandbox: str
    grader_version: str
    started_at: datetime
    seen_at: datetime


def live_workers(db: Database, within_s: float) -> list[WorkerRow]:
    """The workers that have not stopped and were seen within the last `within_s` seconds."""
    since = utcnow() - timedelta(seconds=within_s)
    with db.reading() as session:
        rows = session.execute(
            select(
                GradingWorker.name,
                GradingWorker.host,
                GradingWorker.pid,
                GradingWorker.concurrency,
                GradingWorker.sandbox,
                GradingWorker.grader_version,
                GradingWorker.started_at,
                GradingWorker.seen_at,
            )
            .where(GradingWorker.stopped_at.is_(None), GradingWorker.seen_at >= since)
            .order_by(GradingWorker.name)
        )
        return [WorkerRow(*row) for row in rows]
