"""The class table and the class statistics of `grade report`.

Every figure is computed by the database (GROUP BY, window functions, subqueries); Python only
reshapes the aggregated rows. Only official submissions count.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, case, func, select

from db.models import QuizAnswer, Student, Submission
from db.selection import best_per_student, first_attempt_scores
from db.session import Database


@dataclass
class ClassRow:
    """One learner in the class table. None means never attempted."""

    student: str
    exercises: dict[str, float | None]
    quizzes: dict[str, int | None]
    exercise_total: float
    quiz_total: int
    total: float
    complete: int
    rank: int


def class_table(
    db: Database, points: dict[str, float], quiz_ids: list[str], sort: str = "student", descending: bool = False
) -> list[ClassRow]:
    """Students x exercises (best score) and quizzes (first-attempt score), with totals, completion and
    rank, pivoted and sorted in SQL. `points` maps each exercise slug to its maximum (manifest order);
    `sort` is "student", "total", "exercises", "quizzes", "complete", "rank", an exercise slug or
    "quiz:<id>"."""
    slugs = list(points)
    best = best_per_student(slugs)
    full_marks = case({slug: float(value) for slug, value in points.items()}, value=best.c.exercise)
    exercise_columns = [
        func.max(case((best.c.exercise == slug, best.c.best))).label(f"e{i}") for i, slug in enumerate(slugs)
    ]
    per_exercise = (
        select(
            best.c.student_id,
            *exercise_columns,
            func.sum(best.c.best).label("ex_total"),
            func.sum(case((best.c.best >= full_marks, 1), else_=0)).label("complete"),
        )
        .group_by(best.c.student_id)
        .subquery("ex")
    )
    first = first_attempt_scores(quiz_ids)
    quiz_columns = [
        func.max(case((first.c.quiz == quiz, first.c.score))).label(f"q{i}") for i, quiz in enumerate(quiz_ids)
    ]
    per_quiz = (
        select(first.c.student_id, *quiz_columns, func.sum(first.c.score).label("qz_total"))
        .group_by(first.c.student_id)
        .subquery("qz")
    )
    ex_total = func.coalesce(per_exercise.c.ex_total, 0.0)
    qz_total = func.coalesce(per_quiz.c.qz_total, 0)
    total = (ex_total + qz_total).label("total")
    query = (
        select(
            Student.name,
            *(per_exercise.c[f"e{i}"] for i in range(len(slugs))),
            *(per_quiz.c[f"q{i}"] for i in range(len(quiz_ids))),
            ex_total.label("ex_total"),
            qz_total.label("qz_total"),
            total,
            func.coalesce(per_exercise.c.complete, 0).label("complete"),
            func.rank().over(order_by=(ex_total + qz_total).desc()).label("rank"),
        )
        .outerjoin(per_exercise, per_exercise.c.student_id == Student.id)
        .outerjoin(per_quiz, per_quiz.c.student_id == Student.id)
        .where((per_exercise.c.student_id.is_not(None)) | (per_quiz.c.student_id.is_not(None)))
    )
    named = {
        "total": total,
        "exercises": ex_total,
        "quizzes": qz_total,
        "complete": func.coalesce(per_exercise.c.complete, 0),
        "rank": (ex_total + qz_total),
    }
    named.update({slug: per_exercise.c[f"e{i}"] for i, slug in enumerate(slugs)})
    named.update({f"quiz:{quiz}": per_quiz.c[f"q{i}"] for i, quiz in enumerate(quiz_ids)})
    if sort in ("student", "name"):
        order = [Student.name.desc() if descending else Student.name.asc()]
    else:
        column = named[sort]
        if sort == "rank":
            descending = not descending  # rank 1 is the highest total
        order = [(column.desc() if descending else column.asc()).nulls_last(), Student.name]
    rows = []
    with db.reading() as session:
        for row in session.execute(query.order_by(*order)):
            values = tuple(row)
            rows.append(
                ClassRow(
                    student=values[0],
                    exercises=dict(zip(slugs, values[1 : 1 + len(slugs)])),
                    quizzes={
                        q: (None if v is None else int(v))
                        for q, v in zip(quiz_ids, values[1 + len(slugs) : 1 + len(slugs) + len(quiz_ids)])
                    },
                    exercise_total=float(row.ex_total),
                    quiz_total=int(row.qz_total),
                    total=float(row.total),
                    complete=int(row.complete),
                    rank=int(row.rank),
                )
            )
    return rows


def count_learners(db: Database) -> int:
    """Learners with at least one official submission or quiz answer."""
    active = (
        select(Submission.student_id)
        .where(Submission.official.is_(True))
        .union(select(QuizAnswer.student_id))
        .subquery("active")
    )
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(active))


@dataclass
class ExerciseSummary:
    exercise: str
    learners: int  # learners with at least one official submission
    complete: int  # learners whose best score is full marks
    mean_best: float
    submissions: int


def exercise_summaries(db: Database, points: dict[str, float]) -> dict[str, ExerciseSummary]:
    best = best_per_student(points)
    full_marks = case({slug: float(value) for slug, value in points.items()}, value=best.c.exercise)
    query = select(
        best.c.exercise,
        func.count().label("learners"),
        func.sum(case((best.c.best >= full_marks, 1), else_=0)).label("complete"),
        func.avg(best.c.best).label("mean_best"),
        func.sum(best.c.attempts).label("submissions"),
    ).group_by(best.c.exercise)
    with db.reading() as session:
        return {
            row.exercise: ExerciseSummary(
                row.exercise,
                row.learners,
                int(row.complete or 0),
                float(row.mean_best or 0.0),
                int(row.submissions or 0),
            )
            for row in session.execute(query)
        }


@dataclass
class QuizSummary:
    quiz: str
    learners: int  # learners who answered at least one of its questions
    mean_score: float  # mean number of questions right at the first attempt


def quiz_summaries(db: Database, quiz_ids: list[str]) -> dict[str, QuizSummary]:
    first = first_attempt_scores(quiz_ids)
    query = select(first.c.quiz, func.count().label("learners"), func.avg(first.c.score).label("mean")).group_by(
        first.c.quiz
    )
    with db.reading() as session:
        return {row.quiz: QuizSummary(row.quiz, row.learners, float(row.mean or 0.0)) for row in session.execute(query)}


def score_distribution(db: Database, points: dict[str, float], quiz_sizes: dict[str, int], bins: int = 10) -> list[int]:
    """How many learners have a total (exercises + quizzes) in each of `bins` equal bands of the
    maximum, lowest band first."""
    maximum = float(sum(points.values()) + sum(quiz_sizes.values())) or 1.0
    best = best_per_student(points)
    first = first_attempt_scores(quiz_sizes)
    parts = (
        select(best.c.student_id, best.c.best.label("points"))
        .union_all(select(first.c.student_id, first.c.score))
        .subquery("parts")
    )
    totals = (
        select(parts.c.student_id, func.sum(parts.c.points).label("total"))
        .group_by(parts.c.student_id)
        .subquery("totals")
    )
    band = func.min(func.cast(totals.c.total * bins / maximum, Integer), bins - 1).label("band")
    query = select(band, func.count()).group_by(band)
    counts = [0] * bins
    with db.reading() as session:
        for index, count in session.execute(query):
            counts[max(0, int(index))] += count
    return counts
