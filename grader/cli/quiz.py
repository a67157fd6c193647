"""`grade quiz`: the chapter quizzes, asked in the terminal or answered in one command."""

from __future__ import annotations

import click

from grader.cli.app import main
from grader.cli.common import (
    db_option,
    db_or_fail,
    json_option,
    student_option,
)
from grader.course import submissions
from grader.errors import UsageProblem


@main.command(name="quiz")
@click.argument("chapter", required=False)
@click.option(
    "--answer",
    "answers",
    multiple=True,
    metavar="Q_ID=VALUE",
    help="Answer without being asked (repeatable): a choice (neurons.1=b), all that apply "
    "(neurons.4=b,d) or a number (neurons.2=42).",
)
@student_option
@db_option
@json_option
def quiz_command(chapter, answers, student, db_url, as_json):
    """Answer the quiz of CHAPTER (its id or number); without CHAPTER, list the quizzes and your scores.

    The questions are asked one by one; after each answer you see whether it is
    right and why. Every answer is recorded. Your quiz score is the number of
    questions right at the FIRST attempt: answering again is recorded and shown
    but does not change it.

    \b
    Examples:
      grade quiz                       the quizzes, their questions and your scores
      grade quiz neurons               the chapter 1 quiz, asked in the terminal
      grade quiz 1                     the same, by chapter number
      grade quiz neurons --answer neurons.1=b --answer neurons.4=b,d --answer neurons.2=42
      grade quiz neurons --answer neurons.2=42 --json

    (The examples show the form of an answer, not the right one.)
    """
    from grader.server.login import current

    login = current()
    if login is not None:  # answered on the course server, under the learner's token
        from grader.cli import remote

        remote.refuse_student_option(student)
        remote.quiz(login, chapter, answers, as_json)
        return
    from grader.render import quiz as render_quiz
    from grader.render import terminal as render
    from grader.service import quiz as engine

    student = student or submissions.default_student()
    bank = engine.load_bank()
    if chapter is None:
        if answers:
            raise UsageProblem("--answer needs the quiz: `grade quiz CHAPTER --answer Q_ID=VALUE`")
        report = engine.listing(bank, engine.scores(db_or_fail(db_url, create=False), student, bank), student)
        if as_json:
            render.print_json(report)
        else:
            render_quiz.quiz_list(report)
        return
    quiz = engine.find_quiz(bank, chapter)
    if not answers:
        if as_json:
            raise UsageProblem(
                f"--json needs the answers: `grade quiz {quiz.id} --answer "
                f"{quiz.questions[0].id}=VALUE --json` (a quiz in the terminal "
                "prints text)"
            )
        _ask(engine, render_quiz, bank, quiz, student, db_or_fail(db_url))
        return
    verdicts = engine.verdicts_for(bank, quiz, answers)  # every answer is readable, or nothing is recorded
    database = db_or_fail(db_url)
    answered = [engine.record(database, student, verdict) for verdict in verdicts]
    score = engine.scores(database, student, bank)[quiz.id]
    report = engine.round_report(bank, quiz, student, answered, score)
    if as_json:
        render.print_json(report)
    else:
        render_quiz.answers(report, answered)


def _ask(engine, render_quiz, bank, quiz, student, database) -> None:
    """The interactive quiz: each question, re-asked until the answer is readable, recorded at once."""
    render_quiz.intro(quiz, student, engine.scores(database, student, bank)[quiz.id], bank.scored)
    answered = []
    total = len(quiz.questions)
    try:
        for number, question in enumerate(quiz.questions, 1):
            render_quiz.question(question, number, total)
            while True:
                raw = click.prompt(render_quiz.prompt_label(question))
                try:
                    value = engine.read_answer(question, raw)
                except engine.InvalidAnswer as error:
                    render_quiz.invalid(str(error))
                    continue
                break
            answered.append(engine.record(database, student, engine.judge(bank, question, value)))
            render_quiz.verdict(answered[-1])
    except click.Abort:
        click.echo(f"\nStopped after {len(answered)} of {total} questions; the answers given are recorded.")
        raise
    score = engine.scores(database, student, bank)[quiz.id]
    render_quiz.summary(engine.round_report(bank, quiz, student, answered, score))
