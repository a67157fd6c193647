"""Gradescope: an autograder `results.json` per learner and exercise from the gradebook."""

from __future__ import annotations

import json
from pathlib import Path

from grader.course.catalog import load_manifest


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
        "tests": [
            {
                "name": f"{t.function}: {t.name}",
                "number": str(i),
                "score": t.points,
                "max_score": t.max_points,
                "status": "passed" if t.passed else "failed",
                "output": t.message,
                "tags": [t.function],
                "visibility": "visible",
            }
            for i, t in enumerate(submission.tests, 1)
        ],
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
