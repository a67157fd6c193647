"""The class at a glance: the reports of `grade report` and the files of `grade export`, without click.

Every figure comes from an SQL aggregation in `db.queries`; this module only joins those
aggregates with the course's manifest and quiz bank (titles, points, question texts) and turns them
into plain dicts (JSON), CSV rows, terminal tables (rich) and Gradescope `results.json` files. The
HTML page is built by `grader.reports.html`.

Only official submissions count (practice runs from a learners' copy never do). An exercise's score
is the learner's best; a quiz's score is the number of questions right at the first attempt.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from pathlib import Path

from grader.course.catalog import COURSE_ROOT, load_manifest
from grader.errors import UsageProblem

BASES = ("best", "latest")
FIXED_SORTS = ("student", "rank", "total", "exercises", "quizzes", "complete")


def _quizzes():
    from grader.course.quizbank import load_quizzes

    if not (COURSE_ROOT / "exercises" / "quizzes").is_dir():
        return []
    return load_quizzes(COURSE_ROOT)


def _round(value):
    return None if value is None else round(float(value), 4)


def sort_columns() -> list[str]:
    return [*FIXED_SORTS, *(e.slug for e in load_manifest()), *(f"quiz:{q.id}" for q in _quizzes())]


def resolve_sort(column: str) -> str:
    """The sort key for a column name the user typed ("total", "neurons", "quiz:neurons", "families")."""
    columns = sort_columns()
    if column in columns:
        return column
    if f"quiz:{column}" in columns:
        return f"quiz:{column}"
    close = difflib.get_close_matches(column, columns, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise UsageProblem(f"cannot sort by '{column}'; {hint}the columns are: {', '.join(columns)}")


# ---------------------------------------------------------------- the class table


def class_report(
    database, sort: str = "student", reverse: bool = False, limit: int | None = None, details: bool = False
) -> dict:
    """Students x exercises and quizzes, totals, completion and rank; class statistics per exercise and
    quiz and the distribution of totals. `details` adds the hardest tests and questions (for HTML)."""
    from db import class_reports

    exercises = load_manifest()
    quizzes = _quizzes()
    points = {e.slug: float(e.points) for e in exercises}
    quiz_ids = [q.id for q in quizzes]
    sort = resolve_sort(sort)
    descending = sort not in ("student", "rank")  # scores: highest first; names A-Z; rank 1 first
    rows = class_reports.class_table(database, points, quiz_ids, sort=sort, descending=descending != reverse)
    if limit:
        rows = rows[:limit]
    exercise_stats = class_reports.exercise_summaries(database, points)
    quiz_stats = class_reports.quiz_summaries(database, quiz_ids)
    sizes = {q.id: len(q.questions) for q in quizzes}
    learners = class_reports.count_learners(database)
    report = {
        "report": "class",
        "basis": "best official submission per exercise; quizzes: right at the first attempt",
        "sort": sort,
        "descending": descending != reverse,
        "learners": learners,
        "max_exercises": sum(points.values()),
        "max_quizzes": sum(sizes.values()),
        "max_total": sum(points.values()) + sum(sizes.values()),
        "exercises": [
            {
                "exercise": e.slug,
                "chapter": e.chapter,
                "title": e.title,
                "points": float(e.points),
                "learners": exercise_stats[e.slug].learners if e.slug in exercise_stats else 0,
                "complete": exercise_stats[e.slug].complete if e.slug in exercise_stats else 0,
                "mean_best": _round(exercise_stats[e.slug].mean_best) if e.slug in exercise_stats else None,
                "submissions": exercise_stats[e.slug].submissions if e.slug in exercise_stats else 0,
            }
            for e in exercises
        ],
        "quizzes": [
            {
                "quiz": q.id,
                "chapter": q.chapter,
                "title": q.title,
                "questions": sizes[q.id],
                "learners": quiz_stats[q.id].learners if q.id in quiz_stats else 0,
                "mean_score": _round(quiz_stats[q.id].mean_score) if q.id in quiz_stats else None,
            }
            for q in quizzes
        ],
        "rows": [
            {
                "student": row.student,
                "rank": row.rank,
                **{slug: _round(value) for slug, value in row.exercises.items()},
                **{f"quiz:{quiz}": value for quiz, value in row.quizzes.items()},
                "exercises": _round(row.exercise_total),
                "quizzes": row.quiz_total,
                "total": _round(row.total),
                "complete": row.complete,
            }
            for row in rows
        ],
        "distribution": class_reports.score_distribution(database, points, sizes),
    }
    if details:
        report["hardest_tests"] = hardest_tests(database)
        report["hardest_questions"] = hardest_questions(database)
    return report


def class_columns(report: dict) -> list[str]:
    return [
        "student",
        "rank",
        *(e["exercise"] for e in report["exercises"]),
        *(f"quiz:{q['quiz']}" for q in report["quizzes"]),
        "exercises",
        "quizzes",
        "total",
        "complete",
    ]


def hardest_tests(database, limit: int = 10, basis: str = "best") -> list[dict]:
    from db import item_stats

    stats = [t for t in item_stats.test_failures(database, basis=basis) if t.learners and t.failing]
    stats.sort(key=lambda t: (-t.failing / t.learners, -t.failing, t.exercise, t.position))
    return [_test_dict(t) for t in stats[:limit]]


def hardest_questions(database, limit: int = 10) -> list[dict]:
    from db import item_stats

    texts = {question.id: question.text for quiz in _quizzes() for question in quiz.questions}
    stats = [s for s in item_stats.question_stats(database).values() if s.judged]
    stats.sort(key=lambda s: (s.right / s.judged, s.question_id))
    return [{**_question_dict(s), "text": texts.get(s.question_id, "")} for s in stats[:limit]]


def _test_dict(t) -> dict:
    return {
        "exercise": t.exercise,
        "test": t.test,
        "function": t.function,
        "points": t.max_points,
        "learners": t.learners,
        "failing": t.failing,
        "failing_share": round(t.failing / t.learners, 4) if t.learners else 0.0,
        "top_message": t.top_message,
        "top_message_count": t.top_count,
    }


def _question_dict(s) -> dict:
    return {
        "question": s.question_id,
        "quiz": s.quiz,
        "answered": s.answered,
        "right": s.right,
        "judged": s.judged,
        "right_share": round(s.right / s.judged, 4) if s.judged else None,
        "top_wrong": s.top_wrong,
        "top_wrong_count": s.top_wrong_count,
    }


# ---------------------------------------------------------------- one exercise, one quiz, one learner


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
        "tests": [_test_dict(t) for t in tests],
    }


def find_quiz(chapter: str):
    quizzes = _quizzes()
    for quiz in quizzes:
        if chapter == quiz.id or chapter == str(quiz.chapter):
            return quiz
    names = [q.id for q in quizzes]
    close = difflib.get_close_matches(chapter, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise UsageProblem(
        f"there is no quiz '{chapter}'; {hint}give a quiz name or chapter number: "
        + ", ".join(f"{q.chapter} {q.id}" for q in quizzes)
    )


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
            _question_dict(s)
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


# ---------------------------------------------------------------- CSV


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


# ---------------------------------------------------------------- Gradescope


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


# ---------------------------------------------------------------- terminal tables


def _fmt(value, missing: str = "—") -> str:
    if value is None:
        return missing
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render(report: dict, stream=None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from grader.render.terminal import console

    kind = report["report"]
    if kind == "class":
        return _render_class(report, stream)
    out = console(stream)
    if not out.is_terminal:
        out.width = max(out.width, 160)  # a file or a pipe: long lines beat messages folded to slivers
    if kind == "exercise":
        out.print(Text(report["header"], style="bold"))
        out.print(
            f"{report['learners']} learners; the failing count is out of the learners whose submission ran the test."
        )
        if report["errors"]:
            whose = "1 learner's" if report["errors"] == 1 else f"{report['errors']} learners'"
            out.print(
                Text(
                    f"{whose} {report['basis']} submission could not be graded at all; "
                    f"most common ({report['top_error_count']}): {report['top_error']}",
                    style="yellow",
                )
            )
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("test", overflow="fold", max_width=48)
        table.add_column("function", no_wrap=True)
        table.add_column("pts", justify="right", no_wrap=True)
        table.add_column("failing", justify="right", no_wrap=True)
        table.add_column("most common failure", overflow="fold", min_width=40, ratio=1)
        for t in report["tests"]:
            share = f"{t['failing']}/{t['learners']} ({t['failing_share']:.0%})" if t["learners"] else "—"
            message = f"({t['top_message_count']}) {t['top_message']}" if t["failing"] else ""
            table.add_row(
                t["test"],
                t["function"],
                _fmt(t["points"]),
                Text(share, style="red" if t["failing_share"] >= 0.5 else ""),
                message,
            )
        out.print(table)
    elif kind == "quiz":
        out.print(Text(report["header"], style="bold"))
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("question", no_wrap=True)
        table.add_column("text", overflow="fold", min_width=30, ratio=2)
        table.add_column("right 1st", justify="right", no_wrap=True)
        table.add_column("most chosen wrong answer", overflow="fold", min_width=30, ratio=1)
        for q in report["questions"]:
            share = (
                f"{q['right']}/{q['judged']} ({q['right_share']:.0%})"
                if q["judged"]
                else (f"{q['answered']} answered, no key" if q["answered"] else "—")
            )
            wrong = f"({q['top_wrong_count']}) {q['top_wrong_text']}" if q["top_wrong"] else ""
            table.add_row(q["question"], q["text"], share, wrong)
        out.print(table)
    else:
        out.print(Text(f"History of {report['student']}", style="bold"))
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title="submissions", title_justify="left")
        for column, justify in (
            ("#", "right"),
            ("when", "left"),
            ("exercise", "left"),
            ("score", "right"),
            ("status", "left"),
            ("tests", "right"),
            ("origin", "left"),
        ):
            table.add_column(column, justify=justify, no_wrap=True)
        table.add_column("message", overflow="fold", min_width=30, ratio=1)
        for s in report["submissions"]:
            origin = s["origin"] + ("" if s["official"] else " (practice)")
            tests = f"{s['tests_passed']}/{s['tests']}" if s["tests"] else "—"
            table.add_row(
                str(s["id"]),
                s["at"],
                s["exercise"],
                f"{s['score']:g}/{s['max_score']:g}",
                s["status"],
                tests,
                origin,
                s["message"],
            )
        out.print(table)
        answers = Table(
            box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title="quiz answers", title_justify="left"
        )
        for column in ("when", "question", "answer", "right", "attempt"):
            answers.add_column(column, justify="right" if column == "attempt" else "left")
        for a in report["answers"]:
            right = "?" if a["correct"] is None else ("✓" if a["correct"] else "✗")
            answers.add_row(a["at"], a["question"], a["answer"], right, str(a["attempt"]))
        out.print(answers)
        done = sum(1 for b in report["best"] if b["best"] is not None and b["best"] >= b["points"])
        out.print(
            f"{len(report['submissions'])} submissions, {len(report['answers'])} quiz answers; "
            f"exercises complete (official): {done}/{len(report['best'])}"
        )


def _render_class(report: dict, stream=None) -> None:
    """The class table as aligned text lines (rich's Table lays out 2,000 rows far too slowly), with
    colours on a terminal: green for full marks, dim for never attempted."""
    from rich.text import Text

    from grader.render.terminal import console

    exercises, quizzes = report["exercises"], report["quizzes"]
    out = console(stream)
    headers = [
        "#",
        "student",
        *(str(e["chapter"]) for e in exercises),
        *(f"q{q['chapter']}" for q in quizzes),
        "exercises",
        "quizzes",
        "total",
        "done",
    ]
    keys = [
        "rank",
        "student",
        *(e["exercise"] for e in exercises),
        *(f"quiz:{q['quiz']}" for q in quizzes),
        "exercises",
        "quizzes",
        "total",
        "complete",
    ]
    full = {e["exercise"]: e["points"] for e in exercises}
    body = []
    for row in report["rows"]:
        cells = [_fmt(row[k]) for k in keys]
        cells[-1] = f"{row['complete']}/{len(exercises)}"
        body.append(cells)
    footer = [
        "",
        "class mean",
        *(_fmt(e["mean_best"] and round(e["mean_best"], 1)) for e in exercises),
        *(_fmt(q["mean_score"] and round(q["mean_score"], 1)) for q in quizzes),
        "",
        "",
        "",
        "",
    ]
    widths = [max(len(line[i]) for line in [headers, footer, *body]) for i in range(len(headers))]

    def line(cells, styles=None) -> Text:
        text = Text()
        for i, (cell, width) in enumerate(zip(cells, widths)):
            padded = cell.ljust(width) if i == 1 else cell.rjust(width)
            text.append(padded + ("  " if i < len(cells) - 1 else ""), style=(styles or {}).get(i, ""))
        return text

    title = (
        f"The class: {report['learners']} learners — best official score per exercise, quizzes right at the "
        f"first attempt; sorted by {report['sort']}{' (descending)' if report['descending'] else ''}"
    )
    lines = [
        Text(title, style="bold"),
        line(headers, {i: "bold" for i in range(len(headers))}),
        Text("─" * (sum(widths) + 2 * (len(widths) - 1))),
    ]
    for row, cells in zip(report["rows"], body):
        styles = {}
        for i, key in enumerate(keys):
            if row[key] is None:
                styles[i] = "dim"
            elif key in full and row[key] >= full[key]:
                styles[i] = "green"
        lines.append(line(cells, styles))
    if report["rows"]:
        lines.append(line(footer, {i: "dim" for i in range(len(footer))}))
    legend = "  ".join(f"{e['chapter']} {e['exercise']} /{e['points']:g}" for e in exercises)
    lines.append(Text(f"Exercises: {legend}", style="dim"))
    if quizzes:
        lines.append(
            Text(
                "Quizzes (qN = chapter N): "
                + "  ".join(f"q{q['chapter']} {q['quiz']} /{q['questions']}" for q in quizzes),
                style="dim",
            )
        )
    complete = "  ".join(f"{e['exercise']} {e['complete']}/{report['learners']}" for e in exercises)
    lines.append(Text(f"Complete (full marks): {complete}", style="dim"))
    lines.append(
        Text(
            f"Totals out of {report['max_exercises']:g} exercise points + {report['max_quizzes']} quiz "
            f"questions = {report['max_total']:g}; — means never attempted.",
            style="dim",
        )
    )
    if not out.is_terminal:
        out.width = max(out.width, len(lines[1]))
    out.print(Text("\n").join(lines), crop=False, overflow="ignore", no_wrap=True)
