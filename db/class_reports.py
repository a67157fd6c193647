"""The class table and the class statistics of `grade report`.

Every figure is computed by the database (GROUP BY, window functions, subqueries); Python only
reshapes the aggregated rows. Only official submissions count. Scores are added, compared and ranked
as integer hundredths of a point (db.selection), so SQLite and PostgreSQL give the same numbers,
ranks and score bands, and equal totals share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, case, cast, func, literal, select

from db.models import QuizAnswer, Student, Submission
from db.selection import best_per_student, binary, counted, first_attempt_scores, to_hundredths
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


def _points(value_in_hundredths) -> float | None:
    return None if value_in_hundredths is None else int(value_in_hundredths) / 100


def _full_marks(points: dict[str, float], exercise_column):
    """Each exercise's maximum in hundredths, as an SQL expression over `exercise_column`."""
    return case({slug: literal(to_hundredths(value)) for slug, value in points.items()}, value=exercise_column)


def class_table(
    db: Database, points: dict[str, float], quiz_ids: list[str], sort: str = "student", descending: bool = False
) -> list[ClassRow]:
    """Students x exercises (best score) and quizzes (first-attempt score), with totals, completion and
    rank, pivoted and sorted in SQL. `points` maps each exercise slug to its maximum (manifest order);
    `sort` is "student", "total", "exercises", "quizzes", "complete", "rank", an exercise slug or
    "quiz:<id>". Equal totals share a rank (1, 2, 2, 4)."""
    slugs = list(points)
    best = best_per_student(slugs)
    exercise_columns = [
        func.max(case((best.c.exercise == slug, best.c.best))).label(f"e{i}") for i, slug in enumerate(slugs)
    ]
    per_exercise = (
        select(
            best.c.student_id,
            *exercise_columns,
            func.sum(best.c.best).label("ex_total"),
            func.sum(case((best.c.best >= _full_marks(points, best.c.exercise), 1), else_=0)).label("complete"),
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
    ex_total = func.coalesce(per_exercise.c.ex_total, 0)  # hundredths
    qz_total = func.coalesce(per_quiz.c.qz_total, 0)  # questions
    total = ex_total + qz_total * 100  # hundredths: an integer, so equal totals are equal
    complete = func.coalesce(per_exercise.c.complete, 0)
    query = (
        select(
            Student.name,
            *(per_exercise.c[f"e{i}"] for i in range(len(slugs))),
            *(per_quiz.c[f"q{i}"] for i in range(len(quiz_ids))),
            ex_total.label("ex_total"),
            qz_total.label("qz_total"),
            total.label("total"),
            complete.label("complete"),
            func.rank().over(order_by=total.desc()).label("rank"),
        )
        .outerjoin(per_exercise, per_exercise.c.student_id == Student.id)
        .outerjoin(per_quiz, per_quiz.c.student_id == Student.id)
        .where((per_exercise.c.student_id.is_not(None)) | (per_quiz.c.student_id.is_not(None)))
    )
    named = {"total": total, "exercises": ex_total, "quizzes": qz_total, "complete": complete, "rank": total}
    named.update({slug: per_exercise.c[f"e{i}"] for i, slug in enumerate(slugs)})
    named.update({f"quiz:{quiz}": per_quiz.c[f"q{i}"] for i, quiz in enumerate(quiz_ids)})
    if sort in ("student", "name"):
        by_name = binary(Student.name)
        order = [by_name.desc() if descending else by_name.asc()]
    else:
        column = named[sort]
        if sort == "rank":
            descending = not descending  # rank 1 is the highest total
        order = [(column.desc() if descending else column.asc()).nulls_last(), binary(Student.name)]
    rows = []
    with db.reading() as session:
        for row in session.execute(query.order_by(*order)):
            values = tuple(row)
            rows.append(
                ClassRow(
                    student=values[0],
                    exercises={slug: _points(v) for slug, v in zip(slugs, values[1 : 1 + len(slugs)])},
                    quizzes={
                        q: (None if v is None else int(v))
                        for q, v in zip(quiz_ids, values[1 + len(slugs) : 1 + len(slugs) + len(quiz_ids)])
                    },
                    exercise_total=_points(row.ex_total),
                    quiz_total=int(row.qz_total),
                    total=_points(row.total),
                    complete=int(row.complete),
                    rank=int(row.rank),
                )
            )
    return rows


def count_learners(db: Database) -> int:
    """Learners with at least one official submission or quiz answer."""
    active = select(Submission.student_id).where(counted()).union(select(QuizAnswer.student_id)).subquery("active")
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(active))


@dataclass
class ExerciseSummary:
    exercise: str
    learners: int  # learners with at least one official submission
    complete: int  # learners whose best score is full marks
    best_total: float  # the sum of their best scores (exact: added in hundredths)
    submissions: int

    @property
    def mean_best(self) -> float:
        """The mean best score of the learners who submitted (never-attempted learners left out)."""
        return self.best_total / self.learners if self.learners else 0.0


def exercise_summaries(db: Database, points: dict[str, float]) -> dict[str, ExerciseSummary]:
    best = best_per_student(points)
    query = select(
        best.c.exercise,
        func.count().label("learners"),
        func.sum(case((best.c.best >= _full_marks(points, best.c.exercise), 1), else_=0)).label("complete"),
        func.sum(best.c.best).label("best_total"),
        func.sum(best.c.attempts).label("submissions"),
    ).group_by(best.c.exercise)
    with db.reading() as session:
        return {
            row.exercise: ExerciseSummary(
                row.exercise,
                row.learners,
                int(row.complete or 0),
                _points(row.best_total or 0),
                int(row.submissions or 0),
            )
            for row in session.execute(query)
        }


@dataclass
class QuizSummary:
    quiz: str
    learners: int  # learners who answered at least one of its questions
    right_total: int  # questions right at the first attempt, added over those learners

    @property
    def mean_score(self) -> float:
        """Mean number of questions right at the first attempt, over the learners who answered."""
        return self.right_total / self.learners if self.learners else 0.0


def quiz_summaries(db: Database, quiz_ids: list[str]) -> dict[str, QuizSummary]:
    first = first_attempt_scores(quiz_ids)
    query = select(first.c.quiz, func.count().label("learners"), func.sum(first.c.score).label("right")).group_by(
        first.c.quiz
    )
    with db.reading() as session:
        return {row.quiz: QuizSummary(row.quiz, row.learners, int(row.right or 0)) for row in session.execute(query)}


def score_distribution(db: Database, points: dict[str, float], quiz_sizes: dict[str, int], bins: int = 10) -> list[int]:
    """How many learners have a total (exercises + quizzes) in each of `bins` equal bands of the
    maximum, lowest band first; full marks count in the top band. Integer arithmetic in hundredths:
    band = total * bins // maximum, the same on every database."""
    maximum = sum(to_hundredths(p) for p in points.values()) + 100 * sum(quiz_sizes.values())
    best = best_per_student(points)
    first = first_attempt_scores(quiz_sizes)
    parts = (
        select(best.c.student_id, best.c.best.label("points"))
        .union_all(select(first.c.student_id, first.c.score * 100))
        .subquery("parts")
    )
    totals = (
        # PostgreSQL sums integers into NUMERIC; the cast keeps the division below an integer one
        select(parts.c.student_id, cast(func.sum(parts.c.points), BigInteger).label("total"))
        .group_by(parts.c.student_id)
        .subquery("totals")
    )
    raw_band = totals.c.total * bins // max(1, maximum)  # integer division on both databases
    band = case((raw_band >= bins, bins - 1), else_=raw_band).label("band")
    query = select(band, func.count()).group_by(band)
    counts = [0] * bins
    with db.reading() as session:
        for index, count in session.execute(query):
            counts[min(bins - 1, max(0, int(index)))] += count
    return counts
