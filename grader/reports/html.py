"""`grade report --html FILE`: the report as one self-contained page with charts, readable offline.

Each report becomes charts (grader.reports.charts, matplotlib as inline SVG) beside sortable tables
that hold the same figures in full (grader.reports.html_page). The class page is here; one exercise,
quiz or learner in grader.reports.html_drilldown.
"""

from __future__ import annotations

from html import escape

from grader.reports import charts
from grader.reports.html_page import page as html_page
from grader.reports.html_page import pct, table
from grader.reports.test_names import readable

HARD = 0.5  # a share failing (or right) that is worth a red bar


def class_page(report: dict) -> str:
    exercises, quizzes, learners = report["exercises"], report["quizzes"], report["learners"]
    hardest_tests = report.get("hardest_tests", [])
    hardest_questions = report.get("hardest_questions", [])
    figures = [
        charts.histogram(
            "chart-distribution",
            f"Score distribution: totals of {learners} learners (out of {report['max_total']:g})",
            report["distribution"],
            "total, as a share of the maximum",
        ),
        charts.bar_chart(
            "chart-completion",
            "Completion per exercise: learners with full marks",
            [
                (
                    f"{e['chapter']}. {e['exercise']}",
                    e["complete"] / learners if learners else 0.0,
                    f"{e['complete']}/{learners} ({pct(e['complete'] / learners if learners else None)}), {e['learners']} tried",
                )
                for e in exercises
            ],
        ),
        charts.bar_chart(
            "chart-hardest-tests",
            "Hardest hidden tests: share of learners making a mistake (best submission)",
            [
                (t["label"], t["failing_share"], f"{t['failing']}/{t['learners']} ({pct(t['failing_share'])})")
                for t in hardest_tests
            ],
            bad=any(t["failing_share"] >= HARD for t in hardest_tests),
        ),
        charts.bar_chart(
            "chart-hardest-questions",
            "Hardest quiz questions: share right at the first attempt",
            [
                (q["question"], q["right_share"] or 0.0, f"{q['right']}/{q['judged']} ({pct(q['right_share'])})")
                for q in hardest_questions
            ],
            bad=any((q["right_share"] or 0.0) < HARD for q in hardest_questions),
        ),
    ]
    columns = [
        ("student", "student"),
        ("rank", "rank"),
        *((e["exercise"], e["exercise"]) for e in exercises),
        *((f"quiz {q['quiz']}", f"quiz:{q['quiz']}") for q in quizzes),
        ("exercises", "exercises"),
        ("quizzes", "quizzes"),
        ("total", "total"),
        ("complete", "complete"),
    ]
    full = {e["exercise"]: e["points"] for e in exercises}

    def css(_row, column, value):
        key = columns[column][1]
        return "full" if value is not None and key in full and value >= full[key] else ""

    class_table = table(
        "class-table", [h for h, _ in columns], [[row[k] for _, k in columns] for row in report["rows"]], classes=css
    )
    exercise_stats = table(
        "exercise-stats",
        [
            "exercise",
            "title",
            "points",
            "learners who tried",
            "complete",
            "mean of those who tried",
            "mean of all",
            "submissions",
        ],
        [
            [
                e["exercise"],
                e["title"],
                e["points"],
                e["learners"],
                e["complete"],
                e["mean_best"],
                e["mean_all"],
                e["submissions"],
            ]
            for e in exercises
        ],
        text_columns=(1,),
    )
    quiz_stats = table(
        "quiz-stats",
        ["quiz", "title", "questions", "learners who answered", "mean right (1st attempt)", "mean of all"],
        [[q["quiz"], q["title"], q["questions"], q["learners"], q["mean_score"], q["mean_all"]] for q in quizzes],
        text_columns=(1,),
    )
    hardest = table(
        "hardest-tests",
        ["exercise", "test", "making a mistake", "learners", "not implemented yet", "most common mistake"],
        [
            [t["exercise"], readable(t["test"]), t["failing"], t["learners"], t["unfilled"], t["top_message"]]
            for t in hardest_tests
        ],
        text_columns=(1, 5),
    )
    questions = table(
        "hardest-questions",
        ["question", "right", "judged", "most chosen wrong answer", "text"],
        [[q["question"], q["right"], q["judged"], q["top_wrong"], q.get("text", "")] for q in hardest_questions],
        text_columns=(3, 4),
    )
    sections = [
        '<h2>At a glance</h2><div class="charts">' + "".join(figures) + "</div>",
        f"<h2>The class ({len(report['rows'])} learners shown; activate a header to sort)</h2>"
        f'<p class="note">— means never attempted; it stays last whichever way a column is sorted.</p>{class_table}',
        f'<h2>Exercises</h2><p class="note">{escape(report["means"])}.</p>{exercise_stats}',
        "<h2>Quizzes</h2>" + quiz_stats,
        "<h2>What to teach again: hardest tests</h2>"
        + (hardest if hardest_tests else '<p class="note">Nobody makes a mistake in any test yet.</p>'),
        "<h2>Hardest questions</h2>"
        + (questions if hardest_questions else '<p class="note">Every question answered was right at once.</p>'),
    ]
    subtitle = (
        f"{learners} learners · best official score per exercise; quizzes: questions right at the first "
        f"attempt · maximum total {report['max_total']:g}"
    )
    return html_page("The class at a glance", subtitle, sections, report)


def page(report: dict) -> str:
    """The HTML page of any report (class, exercise, quiz, student)."""
    from grader.reports import html_drilldown

    pages = {
        "class": class_page,
        "exercise": html_drilldown.exercise_page,
        "quiz": html_drilldown.quiz_page,
        "student": html_drilldown.student_page,
    }
    return pages[report["report"]](report)
