"""Reports and the gradebook as CSV."""

from __future__ import annotations

import csv
import io

from grader.reports.class_report import class_columns, class_report


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def to_csv(report: dict) -> str:
    """The report as CSV: one row per learner (class), test (exercise), question (quiz), or submission
    and answer (student, with a `kind` column)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    kind = report["report"]
    if kind == "class":
        columns = class_columns(report)
        writer.writerow(columns)
        for row in report["rows"]:
            writer.writerow([_cell(row[c]) for c in columns])
    elif kind == "exercise":
        columns = [
            "test",
            "function",
            "points",
            "learners",
            "failing",
            "failing_share",
            "top_message",
            "top_message_count",
        ]
        writer.writerow(["exercise", "basis", *columns])
        for test in report["tests"]:
            writer.writerow([report["exercise"], report["basis"], *(_cell(test[c]) for c in columns)])
    elif kind == "quiz":
        columns = ["question", "kind", "answered", "right", "right_share", "top_wrong", "top_wrong_count", "text"]
        writer.writerow(columns)
        for question in report["questions"]:
            writer.writerow([_cell(question[c]) for c in columns])
    else:
        writer.writerow(
            [
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
            ]
        )
        for s in report["submissions"]:
            writer.writerow(
                [
                    "submission",
                    s["at"],
                    s["exercise"],
                    "",
                    _cell(s["score"]),
                    _cell(s["max_score"]),
                    s["status"],
                    s["tests_passed"],
                    s["tests"],
                    _cell(s["official"]),
                    s["origin"],
                    s["id"],
                    "",
                    "",
                    "",
                ]
            )
        for a in report["answers"]:
            writer.writerow(
                [
                    "answer",
                    a["at"],
                    a["quiz"],
                    a["question"],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    a["answer"],
                    _cell(a["correct"]),
                    a["attempt"],
                ]
            )
    return out.getvalue()


def gradebook_csv(database) -> str:
    """One row per learner: best score per exercise, first-attempt score per quiz, then totals.
    Work never attempted counts 0."""
    report = class_report(database, sort="student")
    columns = [
        "student",
        *(e["exercise"] for e in report["exercises"]),
        *(f"quiz:{q['quiz']}" for q in report["quizzes"]),
        "exercises",
        "quizzes",
        "total",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in report["rows"]:
        writer.writerow([row["student"], *(_cell(0.0 if row[c] is None else row[c]) for c in columns[1:])])
    return out.getvalue()
