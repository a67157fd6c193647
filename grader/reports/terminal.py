"""Reports as terminal tables (rich): one exercise, one quiz, one learner; the class table is in
`terminal_class`. Every learner-controlled text goes through `text.terminal_text` and into a rich
`Text` (never a markup string): it prints exactly as written and can carry no escape sequence.

On a terminal the tables fit its width; written to a file or a pipe they are laid out 160 columns
wide (long lines beat messages folded to slivers).
"""

from __future__ import annotations

from grader.reports.text import terminal_text

PIPE_WIDTH = 160
NAMES_SHOWN = 8


def _fmt(value, missing: str = "—") -> str:
    if value is None:
        return missing
    if isinstance(value, float):
        return f"{round(value, 2):g}"
    return str(value)


def _text(value, style: str = "", one_line: bool = False):
    from rich.text import Text

    return Text(terminal_text(value, one_line=one_line), style=style)


def _console(stream):
    from grader.render.terminal import console

    out = console(stream)
    if not out.is_terminal:
        out.width = max(out.width, PIPE_WIDTH)
    return out


def render(report: dict, stream=None) -> None:
    kind = report["report"]
    if kind == "class":
        from grader.render.terminal import console
        from grader.reports.terminal_class import render_class

        out = console(stream)
        return render_class(report, out, out.width if out.is_terminal else None)
    out = _console(stream)
    {"exercise": _exercise, "quiz": _quiz, "student": _student}[kind](report, out)


def _table(**options):
    from rich import box
    from rich.table import Table

    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, **options)


def _exercise(report: dict, out) -> None:
    out.print(_text(report["header"], "bold"))
    out.print(_text(f"{report['who']}. The counts are out of the learners whose submission ran the test."))
    if report["errors"]:
        whose = "1 learner's" if report["errors"] == 1 else f"{report['errors']} learners'"
        out.print(
            _text(
                f"{whose} {report['basis']} submission could not be graded at all (it did not import); "
                f"most common ({report['top_error_count']}): {report['top_error']}",
                "yellow",
            )
        )
    if report["untouched"]:
        out.print(_text(f"{report['untouched']} submitted the stub untouched (nothing filled in yet)", "yellow"))
    table = _table()
    table.add_column("test", overflow="fold", max_width=48)
    table.add_column("function", no_wrap=True)
    table.add_column("pts", justify="right", no_wrap=True)
    table.add_column("wrong", justify="right", no_wrap=True)
    table.add_column("not yet", justify="right", no_wrap=True)
    table.add_column("most common mistake", overflow="fold", min_width=40, ratio=1)
    for group in report["groups"]:
        cases = group["cases"]
        title = group["test"] + (
            f" ({len(cases)} cases)" if len(cases) > 1 else f" ({cases[0]['case']})" * bool(cases[0]["case"])
        )
        _test_row(table, title, group, group["function"])
        if len(cases) > 1:
            for case in cases:
                _test_row(table, f"  · {case['case']}", case, "", dim=True)
    out.print(table)
    _misconceptions(report, out)


def _test_row(table, title: str, row: dict, function: str, dim: bool = False) -> None:
    learners = row["learners"]
    wrong = f"{row['failing']}/{learners} ({row['failing_share']:.0%})" if learners else "—"
    message = f"({row['top_message_count']}) {row['top_message']}" if row["failing"] else ""
    style = "dim" if dim else ""
    table.add_row(
        _text(title, style),
        _text(function, style),
        _text(_fmt(row["points"]), style),
        _text(wrong, "red" if row["failing_share"] >= 0.5 else style),
        _text(str(row["unfilled"]) if row["unfilled"] else "", style),
        _text(message, style, one_line=True),
    )


def _misconceptions(report: dict, out) -> None:
    found = report["misconceptions"]
    if not found:
        out.print(_text("No misconception recognised in these submissions.", "dim"))
        return
    table = _table(title=f"Misconceptions found (each learner's {report['basis']} submission)", title_justify="left")
    table.add_column("misconception", no_wrap=True)
    table.add_column("learners", justify="right", no_wrap=True)
    table.add_column("who", overflow="fold", max_width=36)
    table.add_column("what it is", overflow="fold", min_width=30, ratio=1)
    for item in found:
        names = item["students"][:NAMES_SHOWN]
        more = len(item["students"]) - len(names)
        who = ", ".join(terminal_text(n, one_line=True) for n in names) + (f" and {more} more" if more else "")
        table.add_row(_text(item["id"]), _text(str(item["learners"])), _text(who), _text(item["text"], one_line=True))
    out.print(table)


def _quiz(report: dict, out) -> None:
    out.print(_text(report["header"], "bold"))
    table = _table()
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
        table.add_row(_text(q["question"]), _text(q["text"]), _text(share), _text(wrong, one_line=True))
    out.print(table)


def _student(report: dict, out) -> None:
    out.print(_text(f"History of {report['student']}", "bold"))
    table = _table(title="submissions", title_justify="left")
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
        score = f"{_fmt(s['score'])}/{_fmt(s['max_score'])}"
        table.add_row(
            *(_text(v) for v in (s["id"], s["at"], s["exercise"], score, s["status"], tests, origin)),
            _text(s["message"], one_line=True),
        )
    out.print(table)
    answers = _table(title="quiz answers", title_justify="left")
    for column in ("when", "question", "answer", "right", "attempt"):
        answers.add_column(column, justify="right" if column == "attempt" else "left")
    for a in report["answers"]:
        right = "?" if a["correct"] is None else ("✓" if a["correct"] else "✗")
        answers.add_row(*(_text(v, one_line=True) for v in (a["at"], a["question"], a["answer"], right, a["attempt"])))
    out.print(answers)
    _latest_details(report, out)
    done = sum(1 for b in report["best"] if b["best"] is not None and b["best"] >= b["points"])
    out.print(
        f"{len(report['submissions'])} submissions, {len(report['answers'])} quiz answers; "
        f"exercises complete (official): {done}/{len(report['best'])}. --json has every submission's tests and output."
    )


def _latest_details(report: dict, out) -> None:
    """The latest submission of each exercise as the learner saw it: every test, its message (the
    misconception first when one was recognised) and what the code printed."""
    latest = {}
    for s in report["submissions"]:
        latest[s["exercise"]] = s
    for exercise, s in latest.items():
        kind = "official" if s["official"] else "practice"
        out.print(
            _text(
                f"\n{exercise}: latest submission #{s['id']} ({s['at']}, {kind}) — "
                f"{_fmt(s['score'])}/{_fmt(s['max_score'])}, {s['status']}",
                "bold",
            )
        )
        if s["message"]:
            out.print(_text(s["message"], "yellow"))
        if s["test_results"]:
            table = _table()
            table.add_column("", width=1)
            table.add_column("test", overflow="fold", max_width=40)
            table.add_column("points", justify="right", no_wrap=True)
            table.add_column("feedback", overflow="fold", min_width=30, ratio=1)
            for t in s["test_results"]:
                feedback = t["message"]
                if t["diagnosis"]:
                    feedback = f"{t['diagnosis']['text']} [{t['diagnosis']['id']}]\n{feedback}"
                table.add_row(
                    _text("✓" if t["passed"] else "✗", "green" if t["passed"] else "red"),
                    _text(t["test"]),
                    _text(f"{_fmt(t['points'])}/{_fmt(t['max_points'])}"),
                    _text(feedback),
                )
            out.print(table)
        if s["output"].strip():
            out.print(_text("The code printed:", "dim"))
            out.print(_text(s["output"].rstrip(), "dim"))
