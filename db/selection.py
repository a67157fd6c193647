"""Which rows count in a class report: official submissions only (practice attempts in a learners'
copy never enter a grade), each learner's best or latest per exercise, quiz answers at the first attempt."""

from __future__ import annotations

from sqlalchemy import and_, case, func, select

from db.models import QuizAnswer, Submission


def best_per_student(slugs):
    """student_id, exercise, best score and attempts, over official submissions."""
    return (
        select(
            Submission.student_id,
            Submission.exercise,
            func.max(Submission.score).label("best"),
            func.count().label("attempts"),
        )
        .where(Submission.official.is_(True), Submission.exercise.in_(list(slugs)))
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
    conditions = [Submission.official.is_(True)]
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
