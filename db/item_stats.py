"""What the class finds hard: per hidden test, per failed run and per quiz question.

Computed in SQL over each learner's chosen (best or latest) official submission and first quiz attempts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from db.models import QuizAnswer, Submission, TestRun
from db.selection import chosen_submission_ids
from db.session import Database


@dataclass
class HiddenTestStats:
    exercise: str
    test: str
    function: str
    position: int
    max_points: float
    learners: int  # learners whose chosen submission ran this test
    failing: int  # ... and failed it
    top_message: str  # the most common failure message ("" when nobody fails)
    top_count: int


def test_failures(db: Database, exercise: str | None = None, basis: str = "best") -> list[HiddenTestStats]:
    """Per hidden test: how many learners fail it on their best (or latest) official submission, and
    the most common failure message. Ordered by exercise and test position."""
    chosen = chosen_submission_ids(basis, exercise)
    failed = case((TestRun.passed.is_(False), 1), else_=0)
    per_test = (
        select(
            chosen.c.exercise,
            TestRun.name,
            func.min(TestRun.position).label("position"),
            func.max(TestRun.function).label("function"),
            func.max(TestRun.max_points).label("max_points"),
            func.count().label("learners"),
            func.sum(failed).label("failing"),
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
            .over(partition_by=(chosen.c.exercise, TestRun.name), order_by=(count.desc(), TestRun.message))
            .label("pick"),
        )
        .join(TestRun, TestRun.submission_id == chosen.c.id)
        .where(TestRun.passed.is_(False))
        .group_by(chosen.c.exercise, TestRun.name, TestRun.message)
        .subquery("messages")
    )
    query = (
        select(per_test, messages.c.message, messages.c.n)
        .outerjoin(
            messages,
            and_(messages.c.exercise == per_test.c.exercise, messages.c.name == per_test.c.name, messages.c.pick == 1),
        )
        .order_by(per_test.c.exercise, per_test.c.position, per_test.c.name)
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
                row.message or "",
                int(row.n or 0),
            )
            for row in session.execute(query)
        ]


@dataclass
class RunFailures:
    """Chosen submissions that could not be graded at all (status "error": no per-test results)."""

    exercise: str
    learners: int  # learners with a chosen submission
    errors: int  # ... whose chosen submission is an error
    top_message: str
    top_count: int


def run_failures(db: Database, exercise: str | None = None, basis: str = "best") -> dict[str, RunFailures]:
    chosen = chosen_submission_ids(basis, exercise)
    runs = (
        select(chosen.c.exercise, Submission.status, Submission.message)
        .join(Submission, Submission.id == chosen.c.id)
        .cte("runs")
    )
    is_error = case((runs.c.status == "error", 1), else_=0)
    totals = (
        select(runs.c.exercise, func.count().label("learners"), func.sum(is_error).label("errors"))
        .group_by(runs.c.exercise)
        .subquery("totals")
    )
    count = func.count()
    messages = (
        select(
            runs.c.exercise,
            runs.c.message,
            count.label("n"),
            func.row_number().over(partition_by=runs.c.exercise, order_by=(count.desc(), runs.c.message)).label("pick"),
        )
        .where(runs.c.status == "error")
        .group_by(runs.c.exercise, runs.c.message)
        .subquery("messages")
    )
    query = select(totals, messages.c.message, messages.c.n).outerjoin(
        messages, and_(messages.c.exercise == totals.c.exercise, messages.c.pick == 1)
    )
    with db.reading() as session:
        return {
            row.exercise: RunFailures(
                row.exercise, row.learners, int(row.errors or 0), row.message or "", int(row.n or 0)
            )
            for row in session.execute(query)
        }


@dataclass
class QuestionStats:
    question_id: str
    quiz: str
    answered: int  # learners who answered it (first attempts)
    right: int  # ... right at the first attempt
    judged: int  # first attempts that could be judged (there was a key)
    top_wrong: str  # the most chosen wrong first answer ("" if none)
    top_wrong_count: int


def question_stats(db: Database, quiz: str | None = None) -> dict[str, QuestionStats]:
    """Per question: learners who answered, how many were right at the first attempt, and the most
    chosen wrong first answer."""
    conditions = [QuizAnswer.attempt == 1]
    if quiz is not None:
        conditions.append(QuizAnswer.quiz == quiz)
    right = case((QuizAnswer.correct.is_(True), 1), else_=0)
    totals = (
        select(
            QuizAnswer.question_id,
            func.max(QuizAnswer.quiz).label("quiz"),
            func.count().label("answered"),
            func.sum(right).label("right"),
            func.count(QuizAnswer.correct).label("judged"),
        )
        .where(*conditions)
        .group_by(QuizAnswer.question_id)
        .subquery("totals")
    )
    count = func.count()
    wrong = (
        select(
            QuizAnswer.question_id,
            QuizAnswer.answer,
            count.label("n"),
            func.row_number()
            .over(partition_by=QuizAnswer.question_id, order_by=(count.desc(), QuizAnswer.answer))
            .label("pick"),
        )
        .where(*conditions, QuizAnswer.correct.is_(False))
        .group_by(QuizAnswer.question_id, QuizAnswer.answer)
        .subquery("wrong")
    )
    query = select(totals, wrong.c.answer, wrong.c.n).outerjoin(
        wrong, and_(wrong.c.question_id == totals.c.question_id, wrong.c.pick == 1)
    )
    with db.reading() as session:
        return {
            row.question_id: QuestionStats(
                row.question_id,
                row.quiz,
                row.answered,
                int(row.right or 0),
                row.judged,
                row.answer or "",
                int(row.n or 0),
            )
            for row in session.execute(query)
        }
