"""Reports as terminal tables (rich)."""

from __future__ import annotations


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
