"""Which rows count in a class report, and how scores are added up exactly.

Official, graded ("done") submissions only (practice attempts in a learners' copy never enter a grade), each
learner's best or latest per exercise, quiz answers at the first attempt.

Scores are stored as floats (7.3333 points of 22); sums of floats differ in the last bit with the
order of addition, and SQLite and PostgreSQL convert floats to integers differently (CAST truncates
on one and rounds on the other). So every report adds and ranks *integer hundredths of a point*,
rounded the same way everywhere, in SQL and in Python: trunc(score * 100 + 0.5) (scores are never
negative). Two learners with 7.3333 + 4.6667 and 12 points share one rank on either database.
"""

from __future__ import annotations

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from db.models import QuizAnswer, Submission


def to_hundredths(points: float) -> int:
    """Points as integer hundredths, as `hundredths()` computes them in SQL."""
    return int(float(points) * 100 + 0.5)


class hundredths(FunctionElement):
    """hundredths(score): the score in integer hundredths of a point, the same on every database."""

    type = Integer()
    name = "hundredths"
    inherit_cache = True


@compiles(hundredths)
def _hundredths_truncating_cast(element, compiler, **kw):
    # SQLite (and the SQL standard): CAST of a REAL to INTEGER truncates toward zero
    return f"CAST(({compiler.process(element.clauses, **kw)}) * 100 + 0.5 AS INTEGER)"


@compiles(hundredths, "postgresql")
def _hundredths_postgresql(element, compiler, **kw):
    # PostgreSQL's CAST rounds (half to even); TRUNC first gives SQLite's result bit for bit
    return f"CAST(TRUNC(({compiler.process(element.clauses, **kw)}) * 100 + 0.5) AS INTEGER)"


def counted():
    """The submissions a grade is made of: official ones, graded (state "done"). A submission the course
    server has queued or is grading has no score yet and counts nowhere until it is done."""
    return and_(Submission.official.is_(True), Submission.state == "done")


def best_per_student(slugs):
    """student_id, exercise, best score (in hundredths) and attempts, over official submissions."""
    return (
        select(
            Submission.student_id,
            Submission.exercise,
            hundredths(func.max(Submission.score)).label("best"),
            func.count().label("attempts"),
        )
        .where(counted(), Submission.exercise.in_(list(slugs)))
        .group_by(Submission.exercise, Submission.student_id)
        .subquery("best")
    )


def first_attempt_scores(quiz_ids):
    """student_id, quiz, number of questions right at the first attempt, questions answered."""
    first_right = case((and_(QuizAnswer.attempt == 1, QuizAnswer.correct.is_(True)), 1), else_=0)
    return (
        select(
            QuizAnswer.student_id,
            QuizAnswer.quiz,
            func.sum(first_right).label("score"),
            func.sum(case((QuizAnswer.attempt == 1, 1), else_=0)).label("answered"),
        )
        .where(QuizAnswer.quiz.in_(list(quiz_ids)))
        .group_by(QuizAnswer.quiz, QuizAnswer.student_id)
        .subquery("first")
    )


def chosen_submission_ids(basis: str, exercise: str | None = None):
    """One official submission per learner and exercise: the best (highest score, latest among equals)
    or the latest. A CTE, so that a query using it twice computes it once."""
    if basis not in ("best", "latest"):
        raise ValueError(f"basis must be 'best' or 'latest', not {basis!r}")
    order = (Submission.score.desc(), Submission.id.desc()) if basis == "best" else (Submission.id.desc(),)
    conditions = [counted()]
    if exercise is not None:
        conditions.append(Submission.exercise == exercise)
    ranked = (
        select(
            Submission.id,
            Submission.student_id,
            Submission.exercise,
            func.row_number()
            .over(partition_by=(Submission.exercise, Submission.student_id), order_by=order)
            .label("pick"),
        )
        .where(*conditions)
        .subquery("ranked")
    )
    return select(ranked.c.id, ranked.c.student_id, ranked.c.exercise).where(ranked.c.pick == 1).cte("chosen")


class binary(FunctionElement):
    """A text column ordered by code point, the same on every database (and as Python sorts str):
    SQLite's BINARY collation, PostgreSQL's "C". Ties broken by text (the most common message among
    equals, learners by name) then come out alike whatever locale a PostgreSQL database was made with."""

    name = "binary"
    inherit_cache = True


@compiles(binary)
def _binary_sqlite(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)}) COLLATE BINARY"


@compiles(binary, "postgresql")
def _binary_postgresql(element, compiler, **kw):
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


def not_implemented(message_column):
    """True for a failure of an unfilled stub: the judge's message says it "is not implemented yet"."""
    return func.lower(message_column).like("%is not implemented yet%")
