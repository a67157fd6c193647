"""One exercise, one quiz, one learner: the reports of `grade report --exercise/--quiz/--student`."""

from __future__ import annotations

import difflib

from grader.course.catalog import load_manifest
from grader.errors import UsageProblem
from grader.reports.class_report import question_dict, test_dict
from grader.reports.course import find_quiz


def exercise_report(database, slug: str, basis: str = "best") -> dict:
    """Per hidden test: how many learners fail it on their best (or latest) official submission, and
    the most common failure message; plus the submissions that could not be graded at all."""
    from db import item_stats
    from grader.course.catalog import get_exercise

    exercise = get_exercise(slug)
    tests = item_stats.test_failures(database, exercise.slug, basis=basis)
    runs = item_stats.run_failures(database, exercise.slug, basis=basis).get(exercise.slug)
    return {
        "report": "exercise",
        "exercise": exercise.slug,
        "title": exercise.title,
        "chapter": exercise.chapter,
        "points": float(exercise.points),
        "basis": basis,
        "header": f"{exercise.slug} — {exercise.title}: per hidden test, on each learner's {basis} official submission",
        "learners": runs.learners if runs else 0,
        "errors": runs.errors if runs else 0,
        "top_error": runs.top_message if runs else "",
        "top_error_count": runs.top_count if runs else 0,
        "tests": [test_dict(t) for t in tests],
    }


def _answer_text(question, answer: str) -> str:
    if not answer or question.kind == "numeric":
        return answer
    texts = {choice.id: choice.text for choice in question.choices}
    return "; ".join(f"{part}) {texts.get(part, '?')}" for part in answer.split(","))


def quiz_report(database, chapter: str) -> dict:
    """Per question: the share right at the first attempt and the most chosen wrong answer."""
    from db import item_stats

    quiz = find_quiz(chapter)
    stats = item_stats.question_stats(database, quiz.id)
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
    """One learner's history: every submission (official or practice) and every quiz answer."""
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
                "score": s.score,
                "max_score": s.max_score,
                "status": s.status,
                "tests_passed": s.tests_passed,
                "tests": s.tests,
                "message": s.message,
                "duration": s.duration,
                "official": s.official,
                "origin": s.origin,
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
