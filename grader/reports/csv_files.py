"""Reports and the gradebook as CSV, safe to open in a spreadsheet and ready for an LMS to import.

`grade export csv --format`:
  plain   one row per learner: student, one column per exercise (best official score) and quiz
          (questions right at the first attempt), then the exercise, quiz and overall totals;
  canvas  Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, one column per
          exercise and quiz, and the "Points Possible" row Canvas expects under the header; no total
          columns (Canvas computes its own, a total column would be imported as another assignment);
  moodle  Moodle's grade import: Username, ID number, Email address (map any of them to the user
          field on import), one column per exercise and quiz; no totals.
Never attempted is a blank cell in every format (an LMS reads blank as "no submission", 0 as a grade).

Learners are known to an LMS by ids a roster supplies (`LearnerIds`: an LMS/SIS id, a login, an email,
a section); where a learner has none, their name stands in as the login, so the file still imports
wherever logins are the names learners use with `grade`.

Every text cell a learner could influence is written with `text.csv_text`, so nothing becomes a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from grader.reports.class_report import class_columns, class_report
from grader.reports.text import csv_text

FORMATS = ("plain", "canvas", "moodle")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "    Points Possible"  # as Canvas writes it in its own exports
MOODLE_IDENTITY = ("Username", "ID number", "Email address")


@dataclass(frozen=True)
class LearnerIds:
    """How an LMS knows one learner; None where the roster has no such id."""

    lms_id: str | None = None  # Canvas's SIS User ID, Moodle's ID number
    login: str | None = None  # Canvas's SIS Login ID, Moodle's username
    email: str | None = None
    section: str | None = None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{round(value, 4):g}"
    if isinstance(value, int):
        return str(value)
    return csv_text(value)


def _writer():
    out = io.StringIO()
    return out, csv.writer(out, lineterminator="\n")


REPORT_COLUMNS = {
    "exercise": [
        "test",
        "function",
        "points",
        "learners",
        "failing",
        "unfilled",
        "failing_share",
        "top_message",
        "top_message_count",
    ],
    "quiz": ["question", "kind", "answered", "right", "right_share", "top_wrong", "top_wrong_count", "text"],
    "student": [
        "kind",
        "at",
        "exercise",
        "question",
        "score",
        "max_score",
        "status",
        "tests_passed",
        "tests",
        "official",
        "origin",
        "submission_id",
        "answer",
        "correct",
        "attempt",
    ],
}


def to_csv(report: dict) -> str:
    """The report as CSV: one row per learner (class), test (exercise), question (quiz), or submission
    and answer (student, with a `kind` column)."""
    out, writer = _writer()
    kind = report["report"]
    if kind == "class":
        columns = class_columns(report)
        writer.writerow(columns)
        for row in report["rows"]:
            writer.writerow([_cell(row[c]) for c in columns])
    elif kind == "exercise":
        columns = REPORT_COLUMNS["exercise"]
        writer.writerow(["exercise", "basis", *columns])
        for test in report["tests"]:
            writer.writerow([report["exercise"], report["basis"], *(_cell(test[c]) for c in columns)])
    elif kind == "quiz":
        writer.writerow(REPORT_COLUMNS["quiz"])
        for question in report["questions"]:
            writer.writerow([_cell(question[c]) for c in REPORT_COLUMNS["quiz"]])
    else:
        writer.writerow(REPORT_COLUMNS["student"])
        for s in report["submissions"]:
            values = {**s, "kind": "submission", "submission_id": s["id"]}
            writer.writerow([_cell(values.get(c)) if c != "question" else "" for c in REPORT_COLUMNS["student"]])
        for a in report["answers"]:
            values = {"kind": "answer", "at": a["at"], "exercise": a["quiz"], "question": a["question"]}
            values.update(answer=a["answer"], correct=a["correct"], attempt=a["attempt"])
            writer.writerow([_cell(values.get(c)) for c in REPORT_COLUMNS["student"]])
    return out.getvalue()


def _item_columns(report: dict) -> list[tuple[str, str, float]]:
    """(key in a class row, column title, points possible) per exercise and quiz, in course order."""
    return [
        *((e["exercise"], f"{e['exercise']} — {e['title']}", e["points"]) for e in report["exercises"]),
        *((f"quiz:{q['quiz']}", f"quiz {q['quiz']} — {q['title']}", float(q["questions"])) for q in report["quizzes"]),
    ]


def gradebook_csv(database, fmt: str = "plain", roster: Mapping[str, LearnerIds] | None = None) -> str:
    """One row per learner who submitted or answered anything, in the format an LMS imports (see the
    module's docstring). `roster` maps a learner's name to their LMS ids (default: those the course
    server's roster holds, from `grade roster import`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    report = class_report(database, sort="student")
    if roster is None:  # the ids `grade roster import` stored
        from db.roster import roster_ids

        roster = {
            name: LearnerIds(lms_id=lms_id, email=email) for name, (lms_id, email) in roster_ids(database).items()
        }
    out, writer = _writer()
    if fmt == "plain":
        columns = [c for c in class_columns(report) if c not in ("rank", "complete")]
        writer.writerow(columns)
        for row in report["rows"]:
            writer.writerow([_cell(row[c]) for c in columns])
        return out.getvalue()
    items = _item_columns(report)
    if fmt == "canvas":
        writer.writerow([*CANVAS_IDENTITY, *(csv_text(title) for _, title, _ in items)])
        writer.writerow([CANVAS_POINTS_ROW, "", "", "", "", *(_cell(points) for _, _, points in items)])
    else:
        writer.writerow([*MOODLE_IDENTITY, *(csv_text(title) for _, title, _ in items)])
    for row in report["rows"]:
        ids = roster.get(row["student"], LearnerIds())
        login = ids.login or row["student"]
        if fmt == "canvas":
            identity = [row["student"], ids.lms_id or "", ids.lms_id or "", login, ids.section or ""]
        else:
            identity = [login, ids.lms_id or "", ids.email or ""]
        writer.writerow([*(csv_text(value) for value in identity), *(_cell(row[key]) for key, _, _ in items)])
    return out.getvalue()
