"""One exercise, one quiz, one learner: the reports of `grade report --exercise/--quiz/--student`."""

from __future__ import annotations

import difflib

from grader.course.catalog import load_manifest
from grader.errors import UsageProblem
from grader.reports.class_report import question_dict, test_dict
from grader.reports.course import find_quiz
from grader.reports.test_names import group_tests


def exercise_report(database, slug: str, basis: str = "best") -> dict:
    """Per hidden test (parametrised cases grouped under their test): how many learners make a real
    mistake in it on their best (or latest) official submission, how many left the function unfilled,
    and the most common failure message; the submissions that could not be graded at all; the
    misconceptions the judge recognised, with the learners who show each."""
    from db import class_reports, item_stats, misconceptions
    from grader.course.catalog import get_exercise

    exercise = get_exercise(slug)
    tests = [test_dict(t) for t in item_stats.test_failures(database, exercise.slug, basis=basis)]
    runs = item_stats.run_failures(database, exercise.slug, basis=basis).get(exercise.slug)
    failing: dict[str, tuple[set, set]] = {}
    for student, test, stub in item_stats.failing_learners(database, exercise.slug, basis=basis):
        failing.setdefault(test, (set(), set()))[1 if stub else 0].add(student)
    learners = runs.learners if runs else 0
    class_size = class_reports.count_learners(database)
    found = misconceptions.misconceptions(database, exercise.slug, basis=basis)
    return {
        "report": "exercise",
        "exercise": exercise.slug,
        "title": exercise.title,
        "chapter": exercise.chapter,
        "points": float(exercise.points),
        "basis": basis,
        "header": f"{exercise.slug} — {exercise.title}: per hidden test, on each learner's {basis} official submission",
        "learners": learners,
        "class_learners": class_size,
        "who": (
            f"{learners} of the class's {class_size} learners submitted {exercise.slug}; "
            f"{class_size - learners} who never did are left out"
        ),
        "errors": runs.errors if runs else 0,
        "top_error": runs.top_message if runs else "",
        "top_error_count": runs.top_count if runs else 0,
        "untouched": runs.untouched if runs else 0,
        "tests": tests,
        "groups": group_tests(tests, failing),
        "misconceptions": [
            {"id": m.id, "text": m.text, "learners": len(m.students), "students": m.students, "tests": m.tests}
            for m in found
        ],
    }


def _answer_text(question, answer: str) -> str:
    if not answer or question.kind == "numeric":
        return answer
    texts = {choice.id: choice.text for choice in question.choices}
    return "; ".join(f"{part}) {texts.get(part, '?')}" for part in answer.split(","))


def quiz_report(database, chapter: str) -> dict:
    """Per question: the share right at the first attempt and the most chosen wrong answer."""
    from db import quiz_stats

    quiz = find_quiz(chapter)
    stats = quiz_stats.question_stats(database, quiz.id)
    questions = []
    for question in quiz.questions:
        s = stats.get(question.id)
        row = (
            question_dict(s)
            if s
            else {
                "question": question.id,
                "quiz": quiz.id,
                "answered": 0,
                "right": 0,
                "judged": 0,
                "right_share": None,
                "top_wrong": "",
                "top_wrong_count": 0,
            }
        )
        row["text"] = question.text
        row["kind"] = question.kind
        row["top_wrong_text"] = _answer_text(question, row["top_wrong"])
        questions.append(row)
    return {
        "report": "quiz",
        "quiz": quiz.id,
        "chapter": quiz.chapter,
        "title": quiz.title,
        "header": f"Quiz {quiz.id} (chapter {quiz.chapter}) — {quiz.title}: each learner's first attempt",
        "learners": max((q["answered"] for q in questions), default=0),
        "questions": questions,
    }


def student_report(database, name: str) -> dict:
    """One learner's history: every submission (official or practice) with each test's outcome and message
    and what the code printed, and every quiz answer."""
    from db import learners

    history = learners.student_history(database, name)
    if history is None:
        close = difflib.get_close_matches(name, learners.student_names(database), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise UsageProblem(f"there is no learner '{name}' in this database; {hint}`grade report` lists them all")
    submissions, answers = history
    best = {slug: p.best_score for slug, p in learners.progress(database, name, official_only=True).items()}
    return {
        "report": "student",
        "student": name,
        "best": [{"exercise": e.slug, "best": best.get(e.slug), "points": float(e.points)} for e in load_manifest()],
        "submissions": [
            {
                "id": s.id,
                "at": s.submitted_at.isoformat(sep=" ", timespec="seconds"),
                "exercise": s.exercise,
                "score": round(s.score, 4),
                "max_score": round(s.max_score, 4),
                "status": s.status,
                "tests_passed": s.tests_passed,
                "tests": s.tests,
                "message": s.message,
                "duration": s.duration,
                "official": s.official,
                "origin": s.origin,
                "output": s.output,
                "test_results": [
                    {
                        "test": t.name,
                        "function": t.function,
                        "passed": t.passed,
                        "status": t.status,
                        "points": round(t.points, 4),
                        "max_points": round(t.max_points, 4),
                        "message": t.message,
                        "diagnosis": {"id": t.diagnosis_id, "text": t.diagnosis_text} if t.diagnosis_id else None,
                    }
                    for t in s.test_results
                ],
            }
            for s in submissions
        ],
        "answers": [
            {
                "at": a.answered_at.isoformat(sep=" ", timespec="seconds"),
                "quiz": a.quiz,
                "question": a.question_id,
                "answer": a.answer,
                "correct": a.correct,
                "attempt": a.attempt,
            }
            for a in answers
        ],
    }
