"""`grade report --html FILE`: one self-contained page, readable offline.

Charts are inline SVG drawn here; the only script is a few lines written here that sort the tables
when a header is clicked; the report's data is embedded as JSON (id "report-data"). No CDN, no
font, no image, no network: the page is one file that can be mailed or archived.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from grader import __version__

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 2em; }
.meta { color: #666; } .charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: .8em; background: #fcfcfc; }
figcaption { font-weight: 600; margin-bottom: .4em; }
svg text { font: 12px system-ui, sans-serif; fill: #333; } svg .value { fill: #555; }
table { border-collapse: collapse; margin-top: .5em; font-size: 13px; }
th, td { padding: 3px 7px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; cursor: pointer; position: sticky; top: 0; user-select: none; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
td.text { white-space: normal; max-width: 40em; }
td.full { color: #17702b; font-weight: 600; } td.none { color: #aaa; } td.low { color: #b3261e; }
.wrap { overflow-x: auto; max-height: 70vh; }
"""

SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var down = th.dataset.dir !== "down"; th.dataset.dir = down ? "down" : "up";
      function key(row) { var c = row.cells[column]; return c.dataset.v !== undefined ? c.dataset.v : c.textContent; }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        if (x === "" && y !== "") return 1; if (y === "" && x !== "") return -1;
        return down ? -r : r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""

BAR = "#4a7bd0"
BAR_BAD = "#d0584a"


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def hbar_chart(
    chart_id: str,
    caption: str,
    rows: list[tuple[str, float, str]],
    maximum: float = 1.0,
    color: str = BAR,
    label_width: int = 260,
    bar_width: int = 320,
) -> str:
    """Horizontal bars: (label, value, text shown after the bar) per row."""
    height = 22 * len(rows) + 10
    parts = [
        f'<figure id="{chart_id}"><figcaption>{escape(caption)}</figcaption>',
        f'<svg role="img" aria-label="{escape(caption)}" width="{label_width + bar_width + 130}" '
        f'height="{height}" viewBox="0 0 {label_width + bar_width + 130} {height}">',
    ]
    if not rows:
        parts.append('<text x="4" y="16">no data yet</text>')
    for i, (label, value, text) in enumerate(rows):
        y = 5 + 22 * i
        width = 0 if not maximum else max(0.0, min(1.0, value / maximum)) * bar_width
        short = label if len(label) <= 40 else label[:38] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end"><title>{escape(label)}</title>'
            f"{escape(short)}</text>"
        )
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{bar_width}" height="16" fill="#eee"/>')
        parts.append(
            f'<rect class="bar" x="{label_width}" y="{y + 2}" width="{width:.1f}" height="16" '
            f'fill="{color}"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
        parts.append(f'<text class="value" x="{label_width + bar_width + 6}" y="{y + 14}">{escape(text)}</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


def histogram(chart_id: str, caption: str, counts: list[int], labels: list[str]) -> str:
    """Vertical bars, one per band."""
    width, height, top, bottom = 520, 220, 20, 40
    step = width / max(1, len(counts))
    tallest = max(counts) if counts and max(counts) else 1
    parts = [
        f'<figure id="{chart_id}"><figcaption>{escape(caption)}</figcaption>',
        f'<svg role="img" aria-label="{escape(caption)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>',
    ]
    for i, (count, label) in enumerate(zip(counts, labels)):
        bar = (height - top - bottom) * count / tallest
        x = i * step + 4
        y = height - bottom - bar
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step - 8:.1f}" height="{bar:.1f}" '
            f'fill="{BAR}"><title>{escape(label)}: {count} learners</title></rect>'
        )
        parts.append(
            f'<text class="value" x="{x + (step - 8) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{count}</text>'
        )
        parts.append(
            f'<text x="{x + (step - 8) / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(f'<text x="{width / 2}" y="{height - 6}" text-anchor="middle">share of the maximum total</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


def _table(table_id: str, headers: list[str], rows: list[list], text_columns=(), classes=None) -> str:
    head = "".join(
        f'<th class="text">{escape(h)}</th>' if i in text_columns else f"<th>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, value in enumerate(row):
            css = []
            if i in text_columns:
                css.append("text")
            if classes:
                extra = classes(r, i, value)
                if extra:
                    css.append(extra)
            attr = f' class="{" ".join(css)}"' if css else ""
            data = f' data-v="{escape(_num(value))}"' if isinstance(value, (int, float)) else ""
            shown = "—" if value is None else _num(value)
            cells.append(f"<td{attr}{data}>{escape(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="wrap"><table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _page(title: str, subtitle: str, sections: list[str], data: dict) -> str:
    payload = json.dumps(data, default=str).replace("</", "<\\/")
    generated = datetime.now().isoformat(sep=" ", timespec="seconds")
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="meta">{escape(subtitle)} · generated {generated} by grade '
        f"{__version__}</p>{''.join(sections)}"
        f'<script type="application/json" id="report-data">{payload}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def _pct(share) -> str:
    return "—" if share is None else f"{share:.0%}"


def class_page(report: dict) -> str:
    exercises, quizzes, learners = report["exercises"], report["quizzes"], report["learners"]
    bands = len(report["distribution"])
    labels = [f"{100 * i // bands}–{100 * (i + 1) // bands}%" for i in range(bands)]
    charts = [
        histogram(
            "chart-distribution",
            f"Score distribution: totals of {learners} learners (out of {report['max_total']:g})",
            report["distribution"],
            labels,
        ),
        hbar_chart(
            "chart-completion",
            "Completion per exercise: learners with full marks",
            [
                (
                    f"{e['chapter']}. {e['exercise']}",
                    e["complete"] / learners if learners else 0.0,
                    f"{e['complete']}/{learners} ({_pct(e['complete'] / learners if learners else None)}), "
                    f"{e['learners']} tried",
                )
                for e in exercises
            ],
        ),
        hbar_chart(
            "chart-hardest-tests",
            "Hardest hidden tests: share of learners failing (best submission)",
            [
                (
                    f"{t['exercise']}: {t['test']}",
                    t["failing_share"],
                    f"{t['failing']}/{t['learners']} ({_pct(t['failing_share'])})",
                )
                for t in report.get("hardest_tests", [])
            ],
            color=BAR_BAD,
        ),
        hbar_chart(
            "chart-hardest-questions",
            "Hardest quiz questions: share right at the first attempt",
            [
                (q["question"], q["right_share"] or 0.0, f"{q['right']}/{q['judged']} ({_pct(q['right_share'])})")
                for q in report.get("hardest_questions", [])
            ],
            color=BAR_BAD,
        ),
    ]
    headers = [
        "student",
        "rank",
        *(e["exercise"] for e in exercises),
        *(f"quiz {q['quiz']}" for q in quizzes),
        "exercises",
        "quizzes",
        "total",
        "complete",
    ]
    keys = [
        "student",
        "rank",
        *(e["exercise"] for e in exercises),
        *(f"quiz:{q['quiz']}" for q in quizzes),
        "exercises",
        "quizzes",
        "total",
        "complete",
    ]
    full = {e["exercise"]: e["points"] for e in exercises}

    def css(_r, column, value):
        key = keys[column]
        if value is None:
            return "none"
        if key in full and value >= full[key]:
            return "full"
        return ""

    rows = [[row[k] for k in keys] for row in report["rows"]]
    stats = _table(
        "exercise-stats",
        ["exercise", "title", "points", "learners", "complete", "mean best", "submissions"],
        [
            [e["exercise"], e["title"], e["points"], e["learners"], e["complete"], e["mean_best"], e["submissions"]]
            for e in exercises
        ],
        text_columns=(1,),
    )
    quiz_stats = _table(
        "quiz-stats",
        ["quiz", "title", "questions", "learners", "mean right (1st attempt)"],
        [[q["quiz"], q["title"], q["questions"], q["learners"], q["mean_score"]] for q in quizzes],
        text_columns=(1,),
    )
    hardest = _table(
        "hardest-tests",
        ["exercise", "test", "failing", "learners", "most common failure"],
        [
            [t["exercise"], t["test"], t["failing"], t["learners"], t["top_message"]]
            for t in report.get("hardest_tests", [])
        ],
        text_columns=(1, 4),
    )
    questions = _table(
        "hardest-questions",
        ["question", "right", "judged", "most chosen wrong answer", "text"],
        [
            [q["question"], q["right"], q["judged"], q["top_wrong"], q.get("text", "")]
            for q in report.get("hardest_questions", [])
        ],
        text_columns=(3, 4),
    )
    sections = [
        '<h2>At a glance</h2><div class="charts">' + "".join(charts) + "</div>",
        f"<h2>The class ({len(rows)} learners shown; click a header to sort)</h2>"
        + _table("class-table", headers, rows, classes=css),
        "<h2>Exercises</h2>" + stats,
        "<h2>Quizzes</h2>" + quiz_stats,
        "<h2>What to teach again: hardest tests</h2>" + hardest,
        "<h2>Hardest questions</h2>" + questions,
    ]
    subtitle = (
        f"{learners} learners · best official score per exercise; quizzes: questions right at the first "
        f"attempt · maximum total {report['max_total']:g}"
    )
    return _page("The class at a glance", subtitle, sections, report)


def exercise_page(report: dict) -> str:
    tests = report["tests"]
    chart = hbar_chart(
        "chart-failing-tests",
        f"Share of learners failing each test ({report['basis']} submission)",
        [
            (t["test"], t["failing_share"], f"{t['failing']}/{t['learners']} ({_pct(t['failing_share'])})")
            for t in tests
        ],
        color=BAR_BAD,
    )
    table = _table(
        "tests-table",
        ["test", "function", "points", "failing", "learners", "most common failure", "count"],
        [
            [
                t["test"],
                t["function"],
                t["points"],
                t["failing"],
                t["learners"],
                t["top_message"],
                t["top_message_count"],
            ]
            for t in tests
        ],
        text_columns=(1, 5),
    )
    errors = (
        f"<p>{report['errors']} learners' {escape(report['basis'])} submission could not be graded at all; "
        f"most common ({report['top_error_count']}): {escape(report['top_error'])}</p>"
        if report["errors"]
        else ""
    )
    return _page(
        report["header"],
        f"{report['learners']} learners",
        [f'<div class="charts">{chart}</div>', errors, "<h2>Per test</h2>" + table],
        report,
    )


def quiz_page(report: dict) -> str:
    questions = report["questions"]
    chart = hbar_chart(
        "chart-right-first",
        "Share right at the first attempt",
        [
            (q["question"], q["right_share"] or 0.0, f"{q['right']}/{q['judged']} ({_pct(q['right_share'])})")
            for q in questions
        ],
    )
    table = _table(
        "questions-table",
        ["question", "text", "answered", "right", "share", "most chosen wrong answer", "count"],
        [
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
        ],
        text_columns=(1, 5),
    )
    return _page(
        report["header"],
        f"{report['learners']} learners",
        [f'<div class="charts">{chart}</div>', "<h2>Per question</h2>" + table],
        report,
    )


def student_page(report: dict) -> str:
    chart = hbar_chart(
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
    submissions = _table(
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
    answers = _table(
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
    return _page(
        f"History of {report['student']}",
        f"{len(report['submissions'])} submissions, {len(report['answers'])} quiz answers",
        [f'<div class="charts">{chart}</div>', "<h2>Submissions</h2>" + submissions, "<h2>Quiz answers</h2>" + answers],
        report,
    )


def page(report: dict) -> str:
    return {"class": class_page, "exercise": exercise_page, "quiz": quiz_page, "student": student_page}[
        report["report"]
    ](report)
