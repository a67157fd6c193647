"""The class at a glance (`grade report`): students x exercises and quizzes, totals, rank, class statistics.

Every figure comes from an SQL aggregation in `db`; this module only joins those aggregates with the
course's manifest and quiz bank (titles, points, question texts) into plain dicts (JSON). Only official
submissions count (practice runs from a learners' copy never do). An exercise's score is the learner's
best; a quiz's score is the number of questions right at the first attempt.

Means are said with whom they count: `mean_best` is over the learners who submitted the exercise
(those who never did are left out, `learners` says how many did); `mean_all` counts every learner of
the class, a never-attempted exercise as 0. Both are rounded to two decimals.
"""

from __future__ import annotations

from grader.course.catalog import load_manifest
from grader.reports.course import course_quizzes, resolve_sort
from grader.reports.test_names import readable

MEANS_NOTE = (
    "class mean: over the learners who attempted that exercise or quiz (those who never did are left out); "
    "mean_all counts them as 0"
)


def _round(value, digits: int = 2):
    return None if value is None else round(float(value), digits)


def _mean(total: float, count: int):
    return _round(total / count) if count else None


def class_report(
    database, sort: str = "student", reverse: bool = False, limit: int | None = None, details: bool = False
) -> dict:
    """Students x exercises and quizzes, totals, completion and rank; class statistics per exercise and
    quiz and the distribution of totals. `details` adds the hardest tests and questions (for HTML)."""
    from db import class_reports

    exercises = load_manifest()
    quizzes = course_quizzes()
    points = {e.slug: float(e.points) for e in exercises}
    quiz_ids = [q.id for q in quizzes]
    sort = resolve_sort(sort)
    descending = sort not in ("student", "rank")  # scores: highest first; names A-Z; rank 1 first
    rows = class_reports.class_table(database, points, quiz_ids, sort=sort, descending=descending != reverse)
    shown = rows[:limit] if limit else rows
    exercise_stats = class_reports.exercise_summaries(database, points)
    quiz_stats = class_reports.quiz_summaries(database, quiz_ids)
    sizes = {q.id: len(q.questions) for q in quizzes}
    learners = class_reports.count_learners(database)
    report = {
        "report": "class",
        "basis": "best official submission per exercise; quizzes: right at the first attempt",
        "means": MEANS_NOTE,
        "sort": sort,
        "descending": descending != reverse,
        "learners": learners,
        "max_exercises": sum(points.values()),
        "max_quizzes": sum(sizes.values()),
        "max_total": sum(points.values()) + sum(sizes.values()),
        "exercises": [_exercise_stats(e, exercise_stats.get(e.slug), learners) for e in exercises],
        "quizzes": [
            {
                "quiz": q.id,
                "chapter": q.chapter,
                "title": q.title,
                "questions": sizes[q.id],
                "learners": quiz_stats[q.id].learners if q.id in quiz_stats else 0,
                "mean_score": _round(quiz_stats[q.id].mean_score) if q.id in quiz_stats else None,
                "mean_all": _mean(quiz_stats[q.id].right_total if q.id in quiz_stats else 0, learners),
            }
            for q in quizzes
        ],
        "rows": [
            {
                "student": row.student,
                "rank": row.rank,
                **{slug: _round(value) for slug, value in row.exercises.items()},
                **{f"quiz:{quiz}": value for quiz, value in row.quizzes.items()},
                "exercises": _round(row.exercise_total),
                "quizzes": row.quiz_total,
                "total": _round(row.total),
                "complete": row.complete,
            }
            for row in shown
        ],
        "distribution": class_reports.score_distribution(database, points, sizes),
    }
    if details:
        report["hardest_tests"] = hardest_tests(database)
        report["hardest_questions"] = hardest_questions(database)
    return report


def _exercise_stats(exercise, stats, learners: int) -> dict:
    return {
        "exercise": exercise.slug,
        "chapter": exercise.chapter,
        "title": exercise.title,
        "points": float(exercise.points),
        "learners": stats.learners if stats else 0,
        "complete": stats.complete if stats else 0,
        "mean_best": _round(stats.mean_best) if stats else None,
        "mean_all": _mean(stats.best_total if stats else 0.0, learners),
        "submissions": stats.submissions if stats else 0,
    }


def class_columns(report: dict) -> list[str]:
    return [
        "student",
        "rank",
        *(e["exercise"] for e in report["exercises"]),
        *(f"quiz:{q['quiz']}" for q in report["quizzes"]),
        "exercises",
        "quizzes",
        "total",
        "complete",
    ]


def hardest_tests(database, limit: int = 10, basis: str = "best") -> list[dict]:
    """The tests most learners get wrong (real mistakes; unfilled stubs do not count), hardest first."""
    from db import item_stats

    stats = [t for t in item_stats.test_failures(database, basis=basis) if t.learners and t.failing]
    stats.sort(key=lambda t: (-t.failing / t.learners, -t.failing, t.exercise, t.position))
    return [{**test_dict(t), "label": f"{t.exercise}: {readable(t.test)}"} for t in stats[:limit]]


def hardest_questions(database, limit: int = 10) -> list[dict]:
    """The questions fewest learners get right at the first attempt; a question nobody got wrong is not hard."""
    from db import quiz_stats

    texts = {question.id: question.text for quiz in course_quizzes() for question in quiz.questions}
    stats = [s for s in quiz_stats.question_stats(database).values() if s.judged and s.right < s.judged]
    stats.sort(key=lambda s: (s.right / s.judged, s.question_id))
    return [{**question_dict(s), "text": texts.get(s.question_id, "")} for s in stats[:limit]]


def test_dict(t) -> dict:
    return {
        "exercise": t.exercise,
        "test": t.test,
        "function": t.function,
        "points": t.max_points,
        "learners": t.learners,
        "failing": t.failing,
        "unfilled": t.unfilled,
        "failing_share": round(t.failing / t.learners, 4) if t.learners else 0.0,
        "top_message": t.top_message,
        "top_message_count": t.top_count,
    }


def question_dict(s) -> dict:
    return {
        "question": s.question_id,
        "quiz": s.quiz,
        "answered": s.answered,
        "right": s.right,
        "judged": s.judged,
        "right_share": round(s.right / s.judged, 4) if s.judged else None,
        "top_wrong": s.top_wrong,
        "top_wrong_count": s.top_wrong_count,
    }
