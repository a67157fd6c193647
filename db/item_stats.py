"""What the class finds hard in the exercises: per hidden test, and the runs that could not be graded.

Computed in SQL over each learner's chosen (best or latest) official submission. A failing test is a
real mistake, or an unfilled stub (the judge says the function "is not implemented yet"): the two are
counted apart, so a class that has not started yet does not bury the mistakes worth teaching about.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from db.models import Student, Submission, TestRun
from db.selection import binary, chosen_submission_ids, not_implemented
from db.session import Database


@dataclass
class HiddenTestStats:
    exercise: str
    test: str
    function: str
    position: int
    max_points: float
    learners: int  # learners whose chosen submission ran this test
    failing: int  # ... and failed it with a real mistake
    unfilled: int  # ... and failed it because the function is still the stub
    top_message: str  # the most common real failure message ("" when nobody makes one)
    top_count: int


def test_failures(db: Database, exercise: str | None = None, basis: str = "best") -> list[HiddenTestStats]:
    """Per hidden test: how many learners fail it on their best (or latest) official submission (real
    mistakes and unfilled stubs apart), and the most common real failure message. Ordered by exercise
    and test position."""
    chosen = chosen_submission_ids(basis, exercise)
    stub = not_implemented(TestRun.message)
    wrong = case((and_(TestRun.passed.is_(False), ~stub), 1), else_=0)
    unfilled = case((and_(TestRun.passed.is_(False), stub), 1), else_=0)
    per_test = (
        select(
            chosen.c.exercise,
            TestRun.name,
            func.min(TestRun.position).label("position"),
            func.max(TestRun.function).label("function"),
            func.max(TestRun.max_points).label("max_points"),
            func.count().label("learners"),
            func.sum(wrong).label("failing"),
            func.sum(unfilled).label("unfilled"),
        )
        .join(TestRun, TestRun.submission_id == chosen.c.id)
        .group_by(chosen.c.exercise, TestRun.name)
        .subquery("per_test")
    )
    count = func.count()
    messages = (
        select(
            chosen.c.exercise,
            TestRun.name,
            TestRun.message,
            count.label("n"),
            func.row_number()
            .over(partition_by=(chosen.c.exercise, TestRun.name), order_by=(count.desc(), binary(TestRun.message)))
            .label("pick"),
        )
        .join(TestRun, TestRun.submission_id == chosen.c.id)
        .where(TestRun.passed.is_(False), ~stub)
        .group_by(chosen.c.exercise, TestRun.name, TestRun.message)
        .subquery("messages")
    )
    query = (
        select(per_test, messages.c.message, messages.c.n)
        .outerjoin(
            messages,
            and_(messages.c.exercise == per_test.c.exercise, messages.c.name == per_test.c.name, messages.c.pick == 1),
        )
        .order_by(per_test.c.exercise, per_test.c.position, binary(per_test.c.name))
    )
    with db.reading() as session:
        return [
            HiddenTestStats(
                row.exercise,
                row.name,
                row.function,
                row.position,
                float(row.max_points),
                row.learners,
                int(row.failing or 0),
                int(row.unfilled or 0),
                row.message or "",
                int(row.n or 0),
            )
            for row in session.execute(query)
        ]


def failing_learners(db: Database, exercise: str, basis: str = "best") -> list[tuple[str, str, bool]]:
    """(learner, test, unfilled) for every test a learner's chosen submission fails: what a report needs to
    count the learners failing any case of a parametrised test."""
    chosen = chosen_submission_ids(basis, exercise)
    query = (
        select(Student.name, TestRun.name, not_implemented(TestRun.message))
        .select_from(chosen)
        .join(TestRun, TestRun.submission_id == chosen.c.id)
        .join(Student, Student.id == chosen.c.student_id)
        .where(TestRun.passed.is_(False))
    )
    with db.reading() as session:
        return [(student, test, bool(stub)) for student, test, stub in session.execute(query)]


@dataclass
class RunFailures:
    """Chosen submissions that could not be graded at all (status "error": no per-test results), and those
    in which nothing was filled in yet (every test fails as "not implemented yet")."""

    exercise: str
    learners: int  # learners with a chosen submission
    errors: int  # ... whose chosen submission is an error (it did not import, a syntax error...)
    top_message: str
    top_count: int
    untouched: int = 0  # ... whose chosen submission is the untouched stub


def run_failures(db: Database, exercise: str | None = None, basis: str = "best") -> dict[str, RunFailures]:
    chosen = chosen_submission_ids(basis, exercise)
    runs = (
        select(chosen.c.id, chosen.c.exercise, Submission.status, Submission.message)
        .join(Submission, Submission.id == chosen.c.id)
        .cte("runs")
    )
    is_error = case((runs.c.status == "error", 1), else_=0)
    totals = (
        select(runs.c.exercise, func.count().label("learners"), func.sum(is_error).label("errors"))
        .group_by(runs.c.exercise)
        .subquery("totals")
    )
    stub = case((not_implemented(TestRun.message), 1), else_=0)
    per_run = (
        select(runs.c.exercise, func.count().label("tests"), func.sum(stub).label("stubs"))
        .join(TestRun, TestRun.submission_id == runs.c.id)
        .group_by(runs.c.id, runs.c.exercise)
        .subquery("per_run")
    )
    untouched = (
        select(per_run.c.exercise, func.count().label("untouched"))
        .where(per_run.c.tests == per_run.c.stubs)
        .group_by(per_run.c.exercise)
        .subquery("untouched")
    )
    count = func.count()
    messages = (
        select(
            runs.c.exercise,
            runs.c.message,
            count.label("n"),
            func.row_number()
            .over(partition_by=runs.c.exercise, order_by=(count.desc(), binary(runs.c.message)))
            .label("pick"),
        )
        .where(runs.c.status == "error")
        .group_by(runs.c.exercise, runs.c.message)
        .subquery("messages")
    )
    query = (
        select(totals, messages.c.message, messages.c.n, untouched.c.untouched)
        .outerjoin(messages, and_(messages.c.exercise == totals.c.exercise, messages.c.pick == 1))
        .outerjoin(untouched, untouched.c.exercise == totals.c.exercise)
    )
    with db.reading() as session:
        return {
            row.exercise: RunFailures(
                row.exercise,
                row.learners,
                int(row.errors or 0),
                row.message or "",
                int(row.n or 0),
                int(row.untouched or 0),
            )
            for row in session.execute(query)
        }
