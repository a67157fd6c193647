"""What the class finds hard in the quizzes: per question, the first attempts right and the most chosen
wrong answer (computed in SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from db.models import QuizAnswer
from db.selection import binary
from db.session import Database


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
            .over(partition_by=QuizAnswer.question_id, order_by=(count.desc(), binary(QuizAnswer.answer)))
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
