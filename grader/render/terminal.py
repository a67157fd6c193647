"""Turning plain results into what a person reads: tables (rich) or JSON."""

from __future__ import annotations

import re
import sys

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.render import print_json  # noqa: F401 - the commands' one place for both outputs
from grader.render.feedback import FAIL, PASS, function_rows

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # escape sequences and other controls; \t and \n stay


def plain(text) -> str:
    """Text from a learner or the grader, safe for a terminal: no escape sequences, no control characters."""
    return CONTROL.sub("", str(text))


def console(stream=None) -> Console:
    # markup and emoji off: "[nan, nan]", "x[x < 0]" and ":warning:" print exactly as written
    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=False, markup=False, emoji=False)


def _points(value: float) -> str:
    return f"{value:g}"


def _feedback(lines: list[tuple[str, str]]) -> Text:
    """One function's feedback (grader.render.feedback): the mistakes named first, then where the checks
    failed, then notes."""
    feedback = Text()
    for number, (line, style) in enumerate(lines):
        feedback.append(("\n" if number else "") + plain(line), style=style)
    return feedback


def submission(result, exercise, stream=None, verbose: bool = False) -> None:
    """The learner's view of a graded run: one row per function (mistake named first), then the total."""
    out = console(stream)
    out.print(
        Text(f"{exercise.slug} — {exercise.title} (chapter {exercise.chapter})", style="bold"),
        Text(f"   student: {plain(result.student)}", style="dim"),
    )
    if result.message:
        out.print(Text(f"{FAIL} {plain(result.message)}", style="red"))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("", width=1)
    table.add_column("function", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("feedback", overflow="fold")
    for row in function_rows(result, verbose):
        ok = row["ok"]
        table.add_row(
            Text(PASS if ok else FAIL, style="green" if ok else "red"),
            Text(row["function"]),
            Text(f"{_points(row['earned'])}/{_points(row['available'])}"),
            _feedback(row["lines"]),
        )
    if result.tests:
        out.print(table)
    style = "bold green" if result.status == "passed" else "bold yellow"
    recorded = f" — recorded as submission #{result.submission_id}" if result.submission_id else ""
    official = "" if result.official else " (practice run: the official grade comes from your instructor)"
    # soft_wrap: lines holding a command are never broken by us; the terminal wraps them
    out.print(
        Text(f"Score: {_points(result.score)}/{_points(result.max_score)}{recorded}{official}", style=style),
        soft_wrap=True,
    )
    if result.status != "passed":
        out.print(Text(f"Stuck? `grade hint {exercise.slug}` gives a hint.", style="dim"), soft_wrap=True)
    note = result.sandbox.get("filesystem", "")
    if note.startswith("unavailable"):
        out.print(Text(f"Warning: isolation is incomplete on this machine: {note}", style="yellow"))
    if result.output.strip():
        out.print(Text("Your code printed:", style="dim"))
        out.print(Text(plain(result.output.rstrip()), style="dim"))


def status(student: str, rows: list[dict], next_step: str, quizzes: list[dict], stream=None) -> None:
    out = console(stream)
    out.print(Text(f"Progress of {plain(student)}", style="bold"))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column, justify in (
        ("", "left"),
        ("ch.", "right"),
        ("exercise", "left"),
        ("title", "left"),
        ("best", "right"),
        ("tries", "right"),
    ):
        table.add_column(column, justify=justify, no_wrap=column != "title")
    for row in rows:
        mark = PASS if row["complete"] else ("…" if row["attempts"] else " ")
        best = (
            f"{_points(row['best_score'])}/{_points(row['max_score'])}" if row["attempts"] else f"-/{row['max_score']}"
        )
        table.add_row(
            Text(mark, style="green" if row["complete"] else "yellow"),
            str(row["chapter"]),
            row["exercise"],
            row["title"],
            best,
            str(row["attempts"]),
        )
    out.print(table)
    if quizzes:
        quiz_table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for column, justify in (("quiz", "left"), ("title", "left"), ("score", "right"), ("answered", "right")):
            quiz_table.add_column(column, justify=justify)
        for quiz in quizzes:
            score = "-" if quiz["score"] is None else f"{quiz['score']}/{quiz['questions']}"
            quiz_table.add_row(quiz["quiz"], quiz["title"], score, f"{quiz['answered']}/{quiz['questions']}")
        out.print(quiz_table)
    total = sum(r["best_score"] for r in rows)
    available = sum(r["max_score"] for r in rows)
    done = sum(r["complete"] for r in rows)
    out.print(Text(f"Exercises complete: {done}/{len(rows)}   points: {_points(total)}/{_points(available)}"))
    out.print(Text(next_step, style="bold"), soft_wrap=True)


def exercise_list(exercises, stream=None) -> None:
    out = console(stream)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column, justify in (("ch.", "right"), ("exercise", "left"), ("title", "left"), ("points", "right")):
        table.add_column(column, justify=justify)
    for exercise in exercises:
        table.add_row(str(exercise.chapter), exercise.slug, exercise.title, str(exercise.points))
    out.print(table)


def example_run(result, exercise, file_shown: str, stream=None) -> None:
    """`grade check`: one row per visible example, then what to do next. Nothing was recorded."""
    out = console(stream)
    out.print(Text(f"{exercise.slug} — {exercise.title}: visible examples on {file_shown}", style="bold"))
    if result.message:
        out.print(Text(f"{FAIL} {plain(result.message)}", style="red"))
    else:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("", width=1)
        table.add_column("function", no_wrap=True)
        table.add_column("example", overflow="fold", ratio=1)
        table.add_column("feedback", overflow="fold", ratio=1)
        for test in result.tests:
            message = test.message
            if message.startswith(test.name + " "):
                message = message[len(test.name) + 1 :]  # the call is already in its own column
            table.add_row(
                Text(PASS if test.passed else FAIL, style="green" if test.passed else "red"),
                Text(test.function),
                Text(plain(test.name)),
                Text(plain(message)),
            )
        out.print(table)
    passed = sum(t.passed for t in result.tests)
    style = "bold green" if result.status == "passed" else "bold yellow"
    out.print(
        Text(f"Examples passed: {passed}/{len(result.tests)} — a practice check: nothing was recorded.", style=style)
    )
    if result.status == "passed":
        out.print(
            Text(
                f"Next: `grade submit {exercise.slug} --file {file_shown}` for your grade (hidden tests).", style="bold"
            )
        )
    else:
        out.print(
            Text(f"Fix the {FAIL} rows and check again; `grade hint {exercise.slug}` if you are stuck.", style="dim")
        )
    if result.output.strip():
        out.print(Text("Your code printed:", style="dim"))
        out.print(Text(plain(result.output.rstrip()), style="dim"))
