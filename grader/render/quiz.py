"""What a person reads of `grade quiz`: questions, verdicts, scores and the list of quizzes (rich).

Plain data in (grader.service.quiz objects and dicts), text out; every learner-written or
course-written string goes through rich.Text, so brackets are never read as markup.
"""

from __future__ import annotations

import textwrap

from rich import box
from rich.table import Table
from rich.text import Text

from grader.render.terminal import FAIL, PASS, console

NO_KEYS = (
    "This copy of the course has no answer keys: your answers are recorded and your instructor "
    "scores them (no explanations here)."
)
FIRST_ATTEMPTS = "your quiz score counts first attempts"


def _prose(out, text: str, indent: int = 0, hanging: int = 0, style: str = "") -> None:
    """Wrapped to the console's width, indented, without rich's padding to the full width."""
    width = max(out.width - 1, 40)
    for paragraph in text.split("\n"):
        lines = textwrap.wrap(
            paragraph, width=width, initial_indent=" " * indent, subsequent_indent=" " * (indent + hanging)
        ) or [""]
        out.print(Text("\n".join(lines), style=style), soft_wrap=True)


def _score(score, questions: int) -> str:
    return "-" if score is None else f"{score}/{questions}"


def _ids(ids: list[str]) -> str:
    """neurons.1-7 when the ids run 1..n, else the ids themselves."""
    if not ids:
        return ""
    stem = ids[0].rsplit(".", 1)[0]
    if ids == [f"{stem}.{n}" for n in range(1, len(ids) + 1)]:
        return f"{stem}.1-{len(ids)}" if len(ids) > 1 else ids[0]
    return ", ".join(ids)


def quiz_list(report: dict, stream=None) -> None:
    out = console(stream)
    out.print(Text(f"Quizzes of {report['student']}", style="bold"))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column, justify in (
        ("ch.", "right"),
        ("quiz", "left"),
        ("title", "left"),
        ("questions", "left"),
        ("score", "right"),
        ("answered", "right"),
    ):
        table.add_column(column, justify=justify, no_wrap=column != "title")
    for row in report["quizzes"]:
        table.add_row(
            str(row["chapter"]),
            row["quiz"],
            Text(row["title"]),
            _ids(row["question_ids"]),
            _score(row["score"], row["questions"]),
            f"{row['answered']}/{row['questions']}",
        )
    out.print(table)
    if report["scored"]:
        out.print(
            Text(
                "Score: questions right at the first attempt. "
                "Answer one with `grade quiz neurons` (or by chapter: `grade quiz 1`).",
                style="dim",
            )
        )
    else:
        out.print(Text(NO_KEYS, style="yellow"))


def intro(quiz, student: str, before, scored: bool, stream=None) -> None:
    """The heading of an interactive quiz; `before` is the QuizScore before this round."""
    out = console(stream)
    out.print(
        Text(f"{quiz.id} — {quiz.title} (chapter {quiz.chapter}), {len(quiz.questions)} questions", style="bold"),
        Text(f"   student: {student}", style="dim"),
    )
    if before.answered:
        score = f"your score is {_score(before.score, before.questions)}; " if scored else ""
        out.print(
            Text(
                f"You answered this quiz before: {score}new answers are recorded as later attempts "
                f"and {FIRST_ATTEMPTS}.",
                style="dim",
            )
        )
    if not scored:
        out.print(Text(NO_KEYS, style="yellow"))


def question(question, number: int, total: int, stream=None) -> None:
    out = console(stream)
    out.print()
    kind = {"single": "one answer", "multiple": "select all that apply", "numeric": "a number"}[question.kind]
    if question.kind == "numeric" and question.unit:
        kind = f"a number of {question.unit}"
    out.print(Text(f"Question {number}/{total}", style="bold"), Text(f"  [{question.id}, {kind}]", style="dim"))
    _prose(out, question.text)
    for choice in question.choices:
        _prose(out, f"{choice.id}) {choice.text}", indent=2, hanging=3)


def prompt_label(question) -> str:
    """The text before the cursor (click adds ': ')."""
    ids = question.choice_ids
    if question.kind == "single":
        return f"Your answer ({', '.join(ids[:-1])} or {ids[-1]})"
    if question.kind == "multiple":
        return f"Your answers (all that apply, e.g. {','.join(ids[:2])})"
    return f"Your answer (in {question.unit})" if question.unit else "Your answer (a number)"


def invalid(message: str, stream=None) -> None:
    console(stream).print(Text(f"  {message}; try again.", style="yellow"))


def _shown(verdict) -> str:
    unit = verdict.question.unit if verdict.question.kind == "numeric" and verdict.question.unit else ""
    return f"{verdict.answer} {unit}".strip()


def _key(verdict) -> str:
    unit = verdict.question.unit if verdict.question.kind == "numeric" and verdict.question.unit else ""
    return f"{verdict.key} {unit}".strip()


def verdict_line(answered, with_id: bool = False) -> Text:
    """✓/✗ and the verdict of one recorded answer, saying which attempt it was."""
    verdict, attempt = answered.verdict, answered.attempt
    head = f"{verdict.question.id}  {_shown(verdict)}  " if with_id else ""
    if verdict.correct is None:
        return Text(f"• {head}recorded (attempt {attempt}); your instructor scores it.", style="yellow")
    mark, style = (PASS, "green") if verdict.correct else (FAIL, "red")
    word = "right" if verdict.correct else "wrong"
    key = "" if verdict.correct else f" — the answer is {_key(verdict)}"
    if attempt == 1:
        text = f"{mark} {head}{word.capitalize() if not with_id else word}{key}."
    else:
        text = f"{mark} {head}answered again: {word} (attempt {attempt}){key}; {FIRST_ATTEMPTS}."
    return Text(text, style=style)


def verdict(answered, stream=None) -> None:
    out = console(stream)
    out.print(verdict_line(answered))
    if answered.verdict.explanation:
        _prose(out, answered.verdict.explanation, indent=2)


def summary(report: dict, stream=None) -> None:
    """The end of a round: how it went now, and the quiz score (first attempts)."""
    out = console(stream)
    out.print()
    round_, questions = report["round"], report["questions"]
    if not report["scored"]:
        out.print(
            Text(
                f"{round_['answers']} answer(s) recorded for {report['quiz']} "
                f"({report['answered']}/{questions} questions answered so far). "
                "Your instructor scores them: this copy of the course has no answer keys.",
                style="bold",
            )
        )
        return
    this_round = f"This round: {round_['right']}/{round_['answers']} right."
    out.print(
        Text(
            f"{this_round}   Quiz score (right at the first attempt): {_score(report['score'], questions)}",
            style="bold",
        )
    )
    if round_["repeats"]:
        out.print(
            Text(f"{round_['repeats']} answer(s) were later attempts: recorded, but {FIRST_ATTEMPTS}.", style="dim")
        )
    if report["answered"] < questions:
        out.print(
            Text(
                f"Answered so far: {report['answered']}/{questions} questions; "
                f"`grade quiz {report['quiz']}` asks them all.",
                style="dim",
            )
        )


def answers(report: dict, answered: list, stream=None) -> None:
    """A non-interactive round: one verdict per answer, with its explanation, then the summary."""
    out = console(stream)
    out.print(
        Text(f"{report['quiz']} — {report['title']} (chapter {report['chapter']})", style="bold"),
        Text(f"   student: {report['student']}", style="dim"),
    )
    if not report["scored"]:
        out.print(Text(NO_KEYS, style="yellow"))
    for item in answered:
        out.print(verdict_line(item, with_id=True))
        if item.verdict.explanation:
            _prose(out, item.verdict.explanation, indent=2)
    summary(report, stream)
