"""A learner's progress: the course in order with best scores, quiz scores and what to do next."""

from __future__ import annotations


def _quiz_rows(database, student: str) -> list[dict]:
    from grader.course.catalog import COURSE_ROOT

    quiz_dir = COURSE_ROOT / "exercises" / "quizzes"
    if not any(quiz_dir.glob("*.toml")):
        return []
    from grader.service.quiz import status_rows

    # score: right at the first attempt (None in a copy without answer keys: the instructor scores)
    return status_rows(database, student, COURSE_ROOT)


def status_report(database, student: str) -> dict:
    """The course in order with this student's best scores, quiz scores, and what to do next.

    In the learners' copy (no hidden tests) every attempt is a practice run of the visible examples,
    scored out of their number: the rows count those, so that passing every example reads as
    complete here just as it does in `grade submit`."""
    from db import learners
    from grader.course.catalog import has_hidden_tests, load_manifest

    practice = not has_hidden_tests()
    done = learners.progress(database, student)
    rows = []
    for exercise in load_manifest():
        progress = done.get(exercise.slug)
        best = progress.best_score if progress else 0.0
        most = _practice_max(exercise, progress) if practice else float(exercise.points)
        rows.append(
            {
                "exercise": exercise.slug,
                "chapter": exercise.chapter,
                "title": exercise.title,
                "best_score": best,
                "max_score": most,
                "attempts": progress.attempts if progress else 0,
                "last_status": progress.last_status if progress else None,
                "complete": bool(progress) and best >= most,
            }
        )
    quizzes = _quiz_rows(database, student)
    report = {"student": student, "exercises": rows, "quizzes": quizzes, "next": next_step(rows, quizzes)}
    report["practice"] = practice
    return report


def _practice_max(exercise, progress) -> float:
    """What a practice run of the exercise is scored out of: the number of its visible examples."""
    if progress is not None and progress.max_score is not None:
        return float(progress.max_score)
    if not exercise.examples_path.exists():
        return 0.0
    from grader.course.examples import load_examples

    return float(len(load_examples(exercise)))


def next_step(rows: list[dict], quizzes: list[dict]) -> str:
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
