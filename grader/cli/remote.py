"""The learner's commands against the course server (when $GRADE_SERVER is set, after `grade login`, or in
a learners' copy released for a server): the same output as the local commands, from the server's
hidden tests and answer keys. The learner is whoever their token says; nothing here opens a database."""

from __future__ import annotations

import sys

import click

from grader.errors import UsageProblem


def refuse_student_option(student) -> None:
    if student is not None:
        raise UsageProblem(
            "on the course server you act as yourself (your token says who you are); leave out --student"
        )


def submit(login, exercise, path, verbose: bool, as_json: bool) -> None:
    from grader.course import submissions
    from grader.results import RunResult
    from grader.server.client import Client

    raw = submissions.read_submission_bytes(path)
    submissions.source_from_bytes(path, raw, exercise)  # a wrong file is said here, before anything is sent
    said = []

    def waiting(view):
        if not said and not as_json:
            said.append(True)
            click.echo(f"Submission {view['id']} is {view['state']} on the server; waiting for its result...", err=True)

    view = Client(login).submit(exercise.slug, path.name, raw, on_wait=waiting)
    result = RunResult.from_dict(view["result"])
    if as_json:
        from grader.render import print_json

        print_json(result.to_dict())
    else:
        from grader.render import terminal

        terminal.submission(result, exercise, verbose=verbose)
    if view.get("late"):
        deadline = exercise.deadline.isoformat(timespec="minutes") if exercise.deadline else "the deadline"
        click.echo(f"Received after {deadline}: recorded and marked late.", err=True)
    sys.exit(0 if result.status == "passed" else 1)


def status(login, as_json: bool) -> None:
    from grader.server.client import Client
    from grader.service.progress import next_step

    report = Client(login).status()
    report["next"] = next_step(report["exercises"], report["quizzes"])  # with this copy's paths
    if as_json:
        from grader.render import print_json

        print_json(report)
    else:
        from grader.render import terminal

        terminal.status(report["student"], report["exercises"], report["next"], report["quizzes"])


def _answered(bank, report: dict) -> list:
    """The server's verdicts as the renderer's Answered objects, over this copy's questions."""
    from grader.service import quiz as engine

    questions = {q.id: q for quiz in bank.quizzes for q in quiz.questions}
    return [
        engine.Answered(
            engine.Verdict(questions[a["question"]], a["answer"], a["correct"], a["explanation"], a["key"]),
            a["attempt"],
        )
        for a in report["answers"]
    ]


def quiz(login, chapter, answers, as_json: bool) -> None:
    from grader.render import quiz as render_quiz
    from grader.render import terminal as render
    from grader.server.client import Client
    from grader.service import quiz as engine

    client = Client(login)
    bank = engine.load_bank()
    if chapter is None:
        if answers:
            raise UsageProblem("--answer needs the quiz: `grade quiz CHAPTER --answer Q_ID=VALUE`")
        report = client.quizzes()
        render.print_json(report) if as_json else render_quiz.quiz_list(report)
        return
    found = engine.find_quiz(bank, chapter)
    if not answers:
        if as_json:
            raise UsageProblem(f"--json needs the answers: `grade quiz {found.id} --answer Q_ID=VALUE --json`")
        _ask(client, bank, found)
        return
    engine.verdicts_for(bank, found, answers)  # readable here first: a typo costs no round trip
    report = client.answer(found.id, list(answers))
    if as_json:
        render.print_json(report)
    else:
        render_quiz.answers(report, _answered(bank, report))


def _ask(client, bank, quiz) -> None:
    """The interactive quiz over the server: each answer is sent (and recorded) as it is given."""
    from grader.render import quiz as render_quiz
    from grader.service import quiz as engine

    listing = {row["quiz"]: row for row in client.quizzes()["quizzes"]}
    row = listing[quiz.id]
    before = engine.QuizScore(quiz, row["score"], row["answered"], row["answers"])
    student = client.quizzes()["student"]
    render_quiz.intro(quiz, student, before, True)
    report = None
    total = len(quiz.questions)
    for number, question in enumerate(quiz.questions, 1):
        render_quiz.question(question, number, total)
        while True:
            raw = click.prompt(render_quiz.prompt_label(question))
            try:
                engine.read_answer(question, raw)
            except engine.InvalidAnswer as error:
                render_quiz.invalid(str(error))
                continue
            break
        report = client.answer(quiz.id, [f"{question.id}={raw}"])
        render_quiz.verdict(_answered(bank, report)[0])
    if report is not None:
        render_quiz.summary(report)
