"""The course server's roster and access tokens: who may submit, and as whom.

A token is stored as its sha256 only (the database never holds one that could be used). A learner's
token acts as that learner and nobody else; the instructor's token reads the class. Revoking keeps the
row (the audit trail still says whose a token was) and ends its use at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update

from db.models import AccessToken, Student, Submission, utcnow
from db.recording import learner_id
from db.selection import binary
from db.session import Database


@dataclass(frozen=True)
class Identity:
    """Whom a valid token speaks for: role "learner" (with the learner's name) or "instructor"."""

    role: str
    student: str | None = None


def identify(db: Database, token_sha256: str) -> Identity | None:
    """The identity of a token's hash; None for an unknown or revoked token."""
    with db.reading() as session:
        row = session.execute(
            select(AccessToken.role, Student.name)
            .outerjoin(Student, Student.id == AccessToken.student_id)
            .where(AccessToken.token_sha256 == token_sha256, AccessToken.revoked_at.is_(None))
        ).one_or_none()
    if row is None:
        return None
    return Identity(row.role, row.name)


@dataclass(frozen=True)
class Enrolment:
    student: str
    roster_id: str | None = None
    email: str | None = None


def active_learners(db: Database, names: list[str]) -> set[str]:
    """Those of `names` who hold a token that is not revoked."""
    with db.reading() as session:
        return set(
            session.scalars(
                select(Student.name)
                .join(AccessToken, AccessToken.student_id == Student.id)
                .where(Student.name.in_(names), AccessToken.revoked_at.is_(None))
            )
        )


def enrol(db: Database, enrolments: list[tuple[Enrolment, str]], replace: bool = False) -> None:
    """Give each learner (created if new) the token whose hash is paired with them, and their LMS ids
    when given. With `replace`, the learner's earlier tokens are revoked; all in one transaction."""
    with db.writing() as session:
        for enrolment, token_sha256 in enrolments:
            student_id = learner_id(session, enrolment.student)
            values = {}
            if enrolment.roster_id is not None:
                values["roster_id"] = enrolment.roster_id
            if enrolment.email is not None:
                values["email"] = enrolment.email
            if values:
                session.execute(update(Student).where(Student.id == student_id).values(**values))
            if replace:
                session.execute(
                    update(AccessToken)
                    .where(AccessToken.student_id == student_id, AccessToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow())
                )
            session.add(AccessToken(token_sha256=token_sha256, role="learner", student_id=student_id))


def revoke(db: Database, student: str) -> int:
    """Revoke every token of a learner; return how many were active."""
    with db.writing() as session:
        student_id = session.scalar(select(Student.id).where(Student.name == student))
        if student_id is None:
            return 0
        return session.execute(
            update(AccessToken)
            .where(AccessToken.student_id == student_id, AccessToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        ).rowcount


def add_instructor_token(db: Database, token_sha256: str) -> None:
    with db.writing() as session:
        session.add(AccessToken(token_sha256=token_sha256, role="instructor"))


@dataclass
class RosterEntry:
    student: str
    roster_id: str | None
    email: str | None
    active: bool  # holds a token that is not revoked
    enrolled_at: datetime
    submissions: int


def roster(db: Database) -> list[RosterEntry]:
    """Every learner who was ever given a token, by name, with their ids and how much they handed in."""
    with db.reading() as session:
        tokens = (
            select(
                AccessToken.student_id,
                func.min(AccessToken.created_at).label("since"),
                func.sum(case((AccessToken.revoked_at.is_(None), 1), else_=0)).label("active"),
            )
            .where(AccessToken.student_id.is_not(None))
            .group_by(AccessToken.student_id)
            .subquery("tokens")
        )
        handed_in = (
            select(Submission.student_id, func.count().label("count"))
            .group_by(Submission.student_id)
            .subquery("handed_in")
        )
        query = (
            select(Student.name, Student.roster_id, Student.email, tokens.c.active, tokens.c.since, handed_in.c.count)
            .join(tokens, tokens.c.student_id == Student.id)
            .outerjoin(handed_in, handed_in.c.student_id == Student.id)
            .order_by(binary(Student.name))
        )
        return [
            RosterEntry(name, roster_id, email, bool(active), since, int(count or 0))
            for name, roster_id, email, active, since, count in session.execute(query)
        ]


def roster_ids(db: Database) -> dict[str, tuple[str | None, str | None]]:
    """name -> (LMS id, e-mail) of every learner the roster knows an id or an e-mail of."""
    with db.reading() as session:
        rows = session.execute(
            select(Student.name, Student.roster_id, Student.email).where(
                (Student.roster_id.is_not(None)) | (Student.email.is_not(None))
            )
        )
        return {name: (roster_id, email) for name, roster_id, email in rows}


def enrol_ids(db: Database, ids: dict[str, tuple[str | None, str | None]]) -> None:
    """Store the LMS id and e-mail (where given) of learners already on the roster."""
    with db.writing() as session:
        for name, (roster_id, email) in ids.items():
            values = {key: value for key, value in (("roster_id", roster_id), ("email", email)) if value is not None}
            if values:
                session.execute(update(Student).where(Student.name == name).values(**values))
