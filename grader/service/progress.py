"""A learner's progress: the course in order with best scores, quiz scores and what to do next."""

from __future__ import annotations

from grader.errors import UsageProblem


def _quiz_rows(database, student: str) -> list[dict]:
    from grader.course.catalog import COURSE_ROOT

    quiz_dir = COURSE_ROOT / "exercises" / "quizzes"
    if not any(quiz_dir.glob("*.toml")):
        return []
    from grader.course.quizbank import QuizBankError
    from grader.service.quiz import status_rows

    # score: right at the first attempt (None in a copy without answer keys: the instructor scores)
    try:
        return status_rows(database, student, COURSE_ROOT)
    except QuizBankError as problem:
        raise UsageProblem(
            f"the quiz files are broken ({problem}); `python -m grader.course.quizbank` lists the problems"
        ) from None


def status_report(database, student: str) -> dict:
    """The course in order with this student's best scores, quiz scores, and what to do next."""
    from db import learners
    from grader.course.catalog import load_manifest

    done = learners.progress(database, student)
    rows = []
    for exercise in load_manifest():
        progress = done.get(exercise.slug)
        best = progress.best_score if progress else 0.0
        rows.append(
            {
                "exercise": exercise.slug,
                "chapter": exercise.chapter,
                "title": exercise.title,
                "best_score": best,
                "max_score": float(exercise.points),
                "attempts": progress.attempts if progress else 0,
                "last_status": progress.last_status if progress else None,
                "complete": best >= exercise.points,
            }
        )
    quizzes = _quiz_rows(database, student)
    return {"student": student, "exercises": rows, "quizzes": quizzes, "next": _next_step(rows, quizzes)}


def _next_step(rows: list[dict], quizzes: list[dict]) -> str:
    from grader.course.catalog import get_exercise

    for row in rows:
        if row["complete"]:
            continue
        exercise = get_exercise(row["exercise"])
        if row["attempts"] == 0:
            return f"Next: open {exercise.stub_path}, fill in the functions, then run `grade submit {exercise.slug}`."
        return (
            f"Next: finish {exercise.slug} (best so far {row['best_score']:g}/{row['max_score']:g}): "
            f"`grade submit {exercise.slug}` again; `grade hint {exercise.slug}` if you are stuck."
        )
    for quiz in quizzes:
        if quiz["answered"] < quiz["questions"]:
            return f"Every exercise is complete. Next: the quiz `grade quiz {quiz['quiz']}`."
    return "Everything is complete. Well done!"
