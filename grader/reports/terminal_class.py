"""The class table on a terminal: aligned text lines (rich's Table lays out 2,000 rows far too slowly),
coloured on a terminal (green for full marks, dim for never attempted), within the terminal's width.

When every column does not fit, the table is shown in parts that do, each repeating the rank and the
learner: the totals first, then the exercises, then the quizzes. Written to a file or a pipe, the
table keeps one line per learner, however long. Names are printed as text (never markup or escape
sequences) and, on a terminal, shortened to fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.reports.text import terminal_text

GAP = 2
NAME_WIDTH_ON_TERMINAL = 24


@dataclass
class Column:
    header: str
    key: str
    right: bool = True


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{round(value, 2):g}"
    return str(value)


def _columns(report: dict) -> tuple[list[Column], list[list[Column]]]:
    """The columns every part repeats, and the groups of the others (totals, exercises, quizzes)."""
    left = [Column("#", "rank"), Column("student", "student", right=False)]
    totals = [
        Column("exercises", "exercises"),
        Column("quizzes", "quizzes"),
        Column("total", "total"),
        Column("done", "complete"),
    ]
    exercises = [Column(str(e["chapter"]), e["exercise"]) for e in report["exercises"]]
    quizzes = [Column(f"q{q['chapter']}", f"quiz:{q['quiz']}") for q in report["quizzes"]]
    return left, [totals, exercises, quizzes]


def _parts(left, groups, widths: dict[str, int], available: int | None) -> list[list[Column]]:
    """The columns of each part: all at once when they fit (or when there is no width to respect)."""
    natural = [*groups[1], *groups[2], *groups[0]]  # exercises, quizzes, totals: the order of a wide table
    used = sum(widths[c.key] + GAP for c in left)
    if available is None or used + sum(widths[c.key] + GAP for c in natural) - GAP <= available:
        return [natural]
    parts, current, width = [], [], used
    for column in [*groups[0], *groups[1], *groups[2]]:
        if current and width + widths[column.key] > available:
            parts.append(current)
            current, width = [], used
        current.append(column)
        width += widths[column.key] + GAP
    return [*parts, current] if current else parts


def render_class(report: dict, out, available: int | None) -> None:
    """Print the class table on `out` (a rich Console) within `available` columns (None: no limit)."""
    from rich.text import Text

    exercises, quizzes = report["exercises"], report["quizzes"]
    left, groups = _columns(report)
    every = [*left, *groups[0], *groups[1], *groups[2]]
    name_limit = NAME_WIDTH_ON_TERMINAL if available else None
    cells = []
    for row in report["rows"]:
        values = {c.key: _fmt(row[c.key]) for c in every}
        name = terminal_text(row["student"], one_line=True)
        values["student"] = name if not name_limit or len(name) <= name_limit else name[: name_limit - 1] + "…"
        values["complete"] = f"{row['complete']}/{len(exercises)}"
        cells.append(values)
    tried = {"student": "learners who tried", **{e["exercise"]: str(e["learners"]) for e in exercises}}
    tried.update({f"quiz:{q['quiz']}": str(q["learners"]) for q in quizzes})
    means = {"student": "mean of those", **{e["exercise"]: _fmt(e["mean_best"]) for e in exercises}}
    means.update({f"quiz:{q['quiz']}": _fmt(q["mean_score"]) for q in quizzes})
    footer = [tried, means] if report["rows"] else []
    widths = {c.key: max(len(c.header), *(len(v.get(c.key, "")) for v in [*cells, *footer])) for c in every}
    full = {e["exercise"]: e["points"] for e in exercises}
    title = Text(
        f"The class: {report['learners']} learners — best official score per exercise, quizzes right at the "
        f"first attempt; sorted by {report['sort']}{' (descending)' if report['descending'] else ''}",
        style="bold",
    )
    lines = []
    parts = _parts(left, groups, widths, available)
    for number, part in enumerate(parts, 1):
        columns = [*left, *part]
        if len(parts) > 1:
            lines.append(Text(f"Part {number} of {len(parts)} (the table is wider than the terminal)", style="dim"))
        lines.append(_line(columns, widths, {c.key: c.header for c in columns}, lambda _: "bold"))
        lines.append(Text("─" * (sum(widths[c.key] for c in columns) + GAP * (len(columns) - 1))))
        for row, values in zip(report["rows"], cells):
            lines.append(_line(columns, widths, values, lambda key, row=row: _style(row, key, full)))
        for values in footer:
            lines.append(_line(columns, widths, values, lambda _: "dim"))
    if available is None:
        out.width = max(out.width, *(len(line) for line in lines))
    out.print(title)  # prose: wrapped at the terminal's width
    out.print(Text("\n").join(lines), crop=False, overflow="ignore", no_wrap=True)
    for line in _legend(report):  # prose: wrapped at the terminal's width
        out.print(line)


def _style(row: dict, key: str, full: dict) -> str:
    if row.get(key) is None and key != "student":
        return "dim"
    if key in full and row[key] >= full[key]:
        return "green"
    return ""


def _line(columns, widths, values, style_of):
    from rich.text import Text

    text = Text()
    for i, column in enumerate(columns):
        cell = values.get(column.key, "")
        padded = cell.rjust(widths[column.key]) if column.right else cell.ljust(widths[column.key])
        text.append(padded + (" " * GAP if i < len(columns) - 1 else ""), style=style_of(column.key))
    return text


def _legend(report: dict) -> list:
    from rich.text import Text

    exercises, quizzes = report["exercises"], report["quizzes"]
    legend = [
        Text(
            "Exercises: " + "  ".join(f"{e['chapter']} {e['exercise']} /{e['points']:g}" for e in exercises),
            style="dim",
        )
    ]
    if quizzes:
        names = "  ".join(f"q{q['chapter']} {q['quiz']} /{q['questions']}" for q in quizzes)
        legend.append(Text(f"Quizzes (qN = chapter N): {names}", style="dim"))
    complete = "  ".join(f"{e['exercise']} {e['complete']}/{report['learners']}" for e in exercises)
    legend.append(Text(f"Complete (full marks): {complete}", style="dim"))
    legend.append(
        Text(
            f"Totals out of {report['max_exercises']:g} exercise points + {report['max_quizzes']} quiz questions = "
            f"{report['max_total']:g}; — means never attempted. The class mean of a column is over the learners who "
            "tried it (the row above it); those who never did are left out (--json: mean_all counts them as 0).",
            style="dim",
        )
    )
    return legend
