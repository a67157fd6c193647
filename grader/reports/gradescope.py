"""Gradescope: an autograder `results.json` per learner and exercise from the gradebook."""

from __future__ import annotations

import json
from pathlib import Path

from grader.course.catalog import load_manifest


def gradescope_tests(tests, first_number: int = 1) -> list[dict]:
    """Gradescope test entries for a run's test results: name, number, score, max_score, status and the
    feedback as output (the misconception first, when the judge recognised one)."""
    entries = []
    for number, test in enumerate(tests, first_number):
        diagnosis = getattr(test, "diagnosis", None)
        if diagnosis is None and getattr(test, "diagnosis_id", None):
            diagnosis = {"id": test.diagnosis_id, "text": test.diagnosis_text}
        if diagnosis is not None and not isinstance(diagnosis, dict):
            diagnosis = {"id": getattr(diagnosis, "id", ""), "text": getattr(diagnosis, "text", "")}
        output = test.message
        if diagnosis and diagnosis.get("text"):
            output = f"{diagnosis['text']}\n{output}".strip()
        entries.append(
            {
                "name": f"{test.function}: {test.name}",
                "number": str(number),
                "score": round(test.points, 4),
                "max_score": round(test.max_points, 4),
                "status": "passed" if test.passed else "failed",
                "output": output,
                "tags": [test.function],
                "visibility": "visible",
            }
        )
    return entries


def gradescope_result(submission, title: str) -> dict:
    """A Gradescope autograder `results.json` for one graded submission (top-level score overrides the
    sum of the tests; tests carry score, max_score, status "passed"/"failed", name, output)."""
    summary = (
        f"{submission.exercise} — {title}: {submission.score:g}/{submission.max_score:g} "
        f"(submission #{submission.id} of {submission.student}, "
        f"{submission.submitted_at.isoformat(sep=' ', timespec='seconds')})"
    )
    output = summary + (f"\n{submission.message}" if submission.message else "")
    if submission.output.strip():
        output += "\n\nThe code printed:\n" + submission.output.rstrip()
    return {
        "score": submission.score,
        "execution_time": round(submission.duration, 3),
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": gradescope_tests(submission.tests),
        "extra_data": {
            "student": submission.student,
            "exercise": submission.exercise,
            "submission_id": submission.id,
            "max_score": submission.max_score,
            "status": submission.status,
        },
    }


def export_gradescope(database, out: Path, basis: str = "best", exercise: str | None = None) -> dict:
    """Write OUT/<exercise>/<student>/results.json for each learner's best (or latest) official
    submission of each exercise; return what was written."""
    from db import exports

    titles = {e.slug: e.title for e in load_manifest()}
    out = Path(out)
    written = 0
    students, exercises = set(), set()
    for submission in exports.chosen_submissions(database, basis=basis, exercise=exercise):
        folder = out / _safe(submission.exercise) / _safe(submission.student)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "results.json").write_text(
            json.dumps(gradescope_result(submission, titles.get(submission.exercise, submission.exercise)), indent=1)
            + "\n"
        )
        written += 1
        students.add(submission.student)
        exercises.add(submission.exercise)
    return {
        "out": str(out),
        "files": written,
        "learners": len(students),
        "exercises": sorted(exercises),
        "basis": basis,
    }


def _safe(name: str) -> str:
    """A learner or exercise name as one path component."""
    cleaned = "".join(c if c.isalnum() or c in "-_.@+" else "_" for c in name).strip(".")
    return cleaned or "_"
