"""The HTML pages of one exercise (tests, cases and misconceptions), one quiz and one learner (every
submission with what it was told)."""

from __future__ import annotations

from html import escape

from grader.reports import charts
from grader.reports.html_page import page as html_page
from grader.reports.html_page import pct, table
from grader.reports.test_names import readable


def exercise_page(report: dict) -> str:
    groups = report["groups"]
    rows = []
    for group in groups:
        single = group["cases"][0]["test"] if len(group["cases"]) == 1 else group["test"]
        rows.append((readable(single), group, ""))
        if len(group["cases"]) > 1:
            rows.extend((case["case"], case, "case") for case in group["cases"])
    figure = charts.bar_chart(
        "chart-failing-tests",
        f"Share of learners making a mistake in each test ({report['basis']} submission)",
        [
            (g["test"], g["failing_share"], f"{g['failing']}/{g['learners']} ({pct(g['failing_share'])})")
            for g in groups
        ],
        bad=True,
    )
    found = report["misconceptions"]
    misconception_chart = charts.bar_chart(
        "chart-misconceptions",
        "Misconceptions found: learners showing each",
        [
            (m["id"], m["learners"] / report["learners"] if report["learners"] else 0.0, f"{m['learners']} learners")
            for m in found
        ],
        bad=True,
    )
    tests = table(
        "tests-table",
        [
            "test",
            "function",
            "points",
            "making a mistake",
            "not implemented yet",
            "learners",
            "most common mistake",
            "count",
        ],
        [
            [
                name,
                row["function"],
                row["points"],
                row["failing"],
                row["unfilled"],
                row["learners"],
                row["top_message"],
                row["top_message_count"],
            ]
            for name, row, _ in rows
        ],
        text_columns=(6,),
        classes=lambda r, column, _value: rows[r][2] if column == 0 else "",
        sortable=False,
    )
    misconceptions = table(
        "misconceptions-table",
        ["misconception", "learners", "what it is", "who", "tests"],
        [
            [m["id"], m["learners"], m["text"], ", ".join(m["students"]), ", ".join(readable(t) for t in m["tests"])]
            for m in found
        ],
        text_columns=(2, 3, 4),
    )
    notes = [escape(report["who"]) + "."]
    if report["errors"]:
        notes.append(
            f"{report['errors']} learners' {escape(report['basis'])} submission could not be graded at all (it did not "
            f"import); most common ({report['top_error_count']}): {escape(report['top_error'])}"
        )
    if report["untouched"]:
        notes.append(f"{report['untouched']} submitted the stub untouched (nothing filled in yet).")
    sections = [
        f'<div class="charts">{figure}{misconception_chart if found else ""}</div>',
        "".join(f'<p class="note">{note}</p>' for note in notes),
        "<h2>Misconceptions to teach again</h2>"
        + (misconceptions if found else '<p class="note">No misconception recognised in these submissions.</p>'),
        "<h2>Per test</h2>" + tests,
    ]
    return html_page(report["header"], f"{report['learners']} learners", sections, report)


def quiz_page(report: dict) -> str:
    questions = report["questions"]
    figure = charts.bar_chart(
        "chart-right-first",
        "Share right at the first attempt",
        [
            (q["question"], q["right_share"] or 0.0, f"{q['right']}/{q['judged']} ({pct(q['right_share'])})")
            for q in questions
        ],
    )
    rows = [
        [
            q["question"],
            q["text"],
            q["answered"],
            q["right"],
            q["right_share"],
            q["top_wrong_text"],
            q["top_wrong_count"],
        ]
        for q in questions
    ]
    headers = ["question", "text", "answered", "right", "share", "most chosen wrong answer", "count"]
    sections = [
        f'<div class="charts">{figure}</div>',
        "<h2>Per question</h2>" + table("questions-table", headers, rows, text_columns=(1, 5)),
    ]
    return html_page(report["header"], f"{report['learners']} learners", sections, report)


def student_page(report: dict) -> str:
    figure = charts.bar_chart(
        "chart-best",
        "Best official score per exercise",
        [
            (
                b["exercise"],
                (b["best"] or 0.0) / b["points"] if b["points"] else 0.0,
                "—" if b["best"] is None else f"{b['best']:g}/{b['points']:g}",
            )
            for b in report["best"]
        ],
    )
    submissions = table(
        "submissions-table",
        ["#", "when", "exercise", "score", "max", "status", "tests passed", "tests", "origin", "official", "message"],
        [
            [
                s["id"],
                s["at"],
                s["exercise"],
                s["score"],
                s["max_score"],
                s["status"],
                s["tests_passed"],
                s["tests"],
                s["origin"],
                "yes" if s["official"] else "practice",
                s["message"],
            ]
            for s in report["submissions"]
        ],
        text_columns=(1, 2, 5, 8, 9, 10),
    )
    answers = table(
        "answers-table",
        ["when", "quiz", "question", "answer", "right", "attempt"],
        [
            [
                a["at"],
                a["quiz"],
                a["question"],
                a["answer"],
                "?" if a["correct"] is None else ("yes" if a["correct"] else "no"),
                a["attempt"],
            ]
            for a in report["answers"]
        ],
        text_columns=(1, 2, 3, 4),
    )
    details = "".join(_submission_details(s) for s in reversed(report["submissions"]))
    return html_page(
        f"History of {report['student']}",
        f"{len(report['submissions'])} submissions, {len(report['answers'])} quiz answers",
        [
            f'<div class="charts">{figure}</div>',
            "<h2>Submissions</h2>" + submissions,
            "<h2>What each submission was told (newest first)</h2>" + details,
            "<h2>Quiz answers</h2>" + answers,
        ],
        report,
    )


def _submission_details(s: dict) -> str:
    rows = [
        [
            "✓" if t["passed"] else "✗",
            t["test"],
            t["points"],
            t["max_points"],
            (f"{t['diagnosis']['text']} [{t['diagnosis']['id']}]\n" if t["diagnosis"] else "") + t["message"],
        ]
        for t in s["test_results"]
    ]
    tests = (
        table(f"tests-{s['id']}", ["", "test", "points", "of", "feedback"], rows, text_columns=(1, 4), sortable=False)
        if rows
        else ""
    )
    output = f'<p>The code printed:</p><pre class="output">{escape(s["output"])}</pre>' if s["output"].strip() else ""
    message = f"<p>{escape(s['message'])}</p>" if s["message"] else ""
    summary = f"#{s['id']} {s['at']} {s['exercise']}: {s['score']:g}/{s['max_score']:g} ({s['status']})"
    return f"<details><summary>{escape(summary)}</summary>{message}{tests}{output}</details>"
