"""The course's side of a report: its quizzes, the columns a class table can be sorted by, a quiz by name."""

from __future__ import annotations

import difflib

from grader.course.catalog import COURSE_ROOT, load_manifest
from grader.errors import UsageProblem

BASES = ("best", "latest")
FIXED_SORTS = ("student", "rank", "total", "exercises", "quizzes", "complete")


def course_quizzes():
    from grader.course.quizbank import load_quizzes

    if not (COURSE_ROOT / "exercises" / "quizzes").is_dir():
        return []
    return load_quizzes(COURSE_ROOT)


def _round(value):
    return None if value is None else round(float(value), 4)


def sort_columns() -> list[str]:
    return [*FIXED_SORTS, *(e.slug for e in load_manifest()), *(f"quiz:{q.id}" for q in course_quizzes())]


def resolve_sort(column: str) -> str:
    """The sort key for a column name the user typed ("total", "neurons", "quiz:neurons", "families")."""
    columns = sort_columns()
    if column in columns:
        return column
    if f"quiz:{column}" in columns:
        return f"quiz:{column}"
    close = difflib.get_close_matches(column, columns, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise UsageProblem(f"cannot sort by '{column}'; {hint}the columns are: {', '.join(columns)}")


def find_quiz(chapter: str):
    quizzes = course_quizzes()
    for quiz in quizzes:
        if chapter == quiz.id or chapter == str(quiz.chapter):
            return quiz
    names = [q.id for q in quizzes]
    close = difflib.get_close_matches(chapter, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise UsageProblem(
        f"there is no quiz '{chapter}'; {hint}give a quiz name or chapter number: "
        + ", ".join(f"{q.chapter} {q.id}" for q in quizzes)
    )
