"""`grade quiz` without click: find a quiz, read and judge answers, record them, score.

A quiz's score is the number of its questions answered correctly at the FIRST
attempt; later attempts are recorded (with their attempt number) and shown, but
never change it. In the learners' release copy there are no answer keys
(`load_keys` gives None): answers are recorded with correct = None and the
instructor scores them later. An instructor's copy judges such stored answers
with its keys when it computes scores, so nothing has to be entered twice.

Errors a user can cause raise `service.UsageProblem` with one line saying what
is wrong and how to fix it. No click here; the database only through the db package.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from grader.course.answers import InvalidAnswer, format_answer, is_correct, parse_answer
from grader.course.quizbank import Key, KeyValue, Question, Quiz, load_keys, load_quizzes
from grader.errors import CourseFileProblem, UsageProblem


@dataclass(frozen=True)
class Bank:
    """The quizzes of the course and, in the instructor's copy, their keys."""

    quizzes: tuple[Quiz, ...]
    keys: dict[str, Key] | None  # None: the learners' release copy, nothing to judge by

    @property
    def scored(self) -> bool:
        return self.keys is not None

    def quiz_of(self, question_id: str) -> Quiz | None:
        for quiz in self.quizzes:
            if any(question.id == question_id for question in quiz.questions):
                return quiz
        return None


def load_bank(root: Path | None = None) -> Bank:
    """The installed course's bank (or the one under `root`)."""
    if root is None:
        from grader.course import (
            catalog,  # looked up at call time, so a test can point it elsewhere
        )

        root = catalog.COURSE_ROOT
    try:
        return Bank(tuple(load_quizzes(root)), load_keys(root))
    except CourseFileProblem as error:
        raise UsageProblem(f"the quiz bank cannot be read ({error}); tell your instructor") from None


def find_quiz(bank: Bank, name: str) -> Quiz:
    """A quiz by its id ("neurons") or its chapter number ("1")."""
    wanted = name.strip().lower()
    if wanted.isdigit():
        for quiz in bank.quizzes:
            if quiz.chapter == int(wanted):
                return quiz
        chapters = sorted(quiz.chapter for quiz in bank.quizzes)
        span = f"chapters {chapters[0]} to {chapters[-1]}" if chapters else "no chapter yet"
        raise UsageProblem(f"there is no quiz for chapter {wanted}; the quizzes cover {span} (`grade quiz` lists them)")
    for quiz in bank.quizzes:
        if quiz.id == wanted:
            return quiz
    ids = [quiz.id for quiz in bank.quizzes]
    close = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.5)
    suggestion = f"did you mean '{close[0]}'? " if close else ""
    raise UsageProblem(f"there is no quiz '{name}'; {suggestion}`grade quiz` lists them all")


# ---------------------------------------------------------------- judging


@dataclass(frozen=True)
class Verdict:
    """A readable answer to one question, judged if there is a key."""

    question: Question
    answer: str  # canonical text, as stored: "b", "a,c", "109386"
    correct: bool | None  # None: no key in this copy of the course
    explanation: str | None
    key: str | None  # the right answer in canonical text, when known


def read_answer(question: Question, raw: str) -> KeyValue:
    """The parsed answer; raises InvalidAnswer (one line) for anything unreadable."""
    return parse_answer(question, raw)


def judge(bank: Bank, question: Question, answer: KeyValue) -> Verdict:
    key = bank.keys.get(question.id) if bank.keys is not None else None
    text = format_answer(question, answer)
    if key is None:
        return Verdict(question, text, None, None, None)
    return Verdict(question, text, is_correct(question, key, answer), key.explanation, format_answer(question, key.key))


def verdicts_for(bank: Bank, quiz: Quiz, assignments: list[str] | tuple[str, ...]) -> list[Verdict]:
    """Read every `Q_ID=VALUE` of a non-interactive run, in order; raise UsageProblem
    if any is unusable, before anything is recorded."""
    questions = {question.id: question for question in quiz.questions}
    problems: list[str] = []
    verdicts: list[Verdict] = []
    seen: set[str] = set()
    for assignment in assignments:
        qid, sep, raw = assignment.partition("=")
        qid = qid.strip().lower()
        if not sep or not qid:
            problems.append(f"--answer '{assignment}' is not Q_ID=VALUE; e.g. --answer {quiz.questions[0].id}=a")
            continue
        if qid.isdigit():  # "2=..." is short for "<quiz>.2"
            qid = f"{quiz.id}.{qid}"
        question = questions.get(qid)
        if question is None:
            problems.append(_unknown_question(bank, quiz, qid))
            continue
        if qid in seen:
            problems.append(f"{qid} is answered twice; give each question one --answer")
            continue
        seen.add(qid)
        try:
            verdicts.append(judge(bank, question, read_answer(question, raw)))
        except InvalidAnswer as error:
            problems.append(f"{qid}: {error}")
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise UsageProblem(f"{problems[0]}{more}; nothing was recorded")
    if not verdicts:
        raise UsageProblem(f"no answers given; e.g. --answer {quiz.questions[0].id}=a")
    return verdicts


def _span(quiz: Quiz) -> str:
    ids = [question.id for question in quiz.questions]
    return ids[0] if len(ids) == 1 else f"{ids[0]} to {ids[-1]}"


def _unknown_question(bank: Bank, quiz: Quiz, qid: str) -> str:
    owner = bank.quiz_of(qid)
    if owner is not None:
        return (
            f"{qid} is a question of the quiz {owner.id} (chapter {owner.chapter}), not of {quiz.id}; "
            f"answer it with `grade quiz {owner.id} --answer {qid}=...`"
        )
    return f"there is no question '{qid}' in the quiz {quiz.id}; its questions are {_span(quiz)}"


# ---------------------------------------------------------------- recording and scoring


@dataclass(frozen=True)
class Answered:
    verdict: Verdict
    attempt: int

    def to_dict(self) -> dict:
        v = self.verdict
        return {
            "question": v.question.id,
            "answer": v.answer,
            "correct": v.correct,
            "attempt": self.attempt,
            "explanation": v.explanation,
            "key": v.key,
        }


def record(database, student: str, verdict: Verdict) -> Answered:
    from db import recording

    attempt = recording.record_quiz_answer(
        database, student, verdict.question.quiz, verdict.question.id, verdict.answer, verdict.correct
    )
    return Answered(verdict, attempt)


@dataclass(frozen=True)
class QuizScore:
    quiz: Quiz
    score: int | None  # right at the first attempt; None when nothing can be judged
    answered: int  # questions answered at least once
    answers: int  # answers given, all attempts

    @property
    def questions(self) -> int:
        return len(self.quiz.questions)


def _first_right(bank: Bank, question: Question, stored) -> bool:
    if stored.correct is not None:
        return stored.correct
    key = bank.keys.get(question.id)  # answered in a copy without keys: judge it now
    if key is None:
        return False
    try:
        return is_correct(question, key, parse_answer(question, stored.answer))
    except InvalidAnswer:
        return False


def scores(database, student: str, bank: Bank) -> dict[str, QuizScore]:
    """Every quiz's score for one student, by quiz id (quizzes never answered score 0)."""
    from db import learners

    rows = learners.quiz_answers(database, student)
    result = {}
    for quiz in bank.quizzes:
        questions = {question.id: question for question in quiz.questions}
        mine = [row for row in rows if row.question_id in questions]
        firsts = [row for row in mine if row.attempt == 1]
        score = sum(_first_right(bank, questions[row.question_id], row) for row in firsts) if bank.scored else None
        result[quiz.id] = QuizScore(quiz, score, len({row.question_id for row in mine}), len(mine))
    return result


def listing(bank: Bank, quiz_scores: dict[str, QuizScore], student: str) -> dict:
    """`grade quiz` without a chapter: every quiz with its questions and this student's score."""
    rows = []
    for quiz in bank.quizzes:
        score = quiz_scores[quiz.id]
        rows.append(
            {
                "chapter": quiz.chapter,
                "quiz": quiz.id,
                "title": quiz.title,
                "question_ids": [question.id for question in quiz.questions],
                "questions": len(quiz.questions),
                "score": score.score,
                "answered": score.answered,
                "answers": score.answers,
            }
        )
    return {"student": student, "scored": bank.scored, "quizzes": rows}


def round_report(bank: Bank, quiz: Quiz, student: str, answered: list[Answered], score: QuizScore) -> dict:
    """One run of `grade quiz CHAPTER`: what was answered now, and the quiz score."""
    judged = [a for a in answered if a.verdict.correct is not None]
    return {
        "quiz": quiz.id,
        "chapter": quiz.chapter,
        "title": quiz.title,
        "student": student,
        "scored": bank.scored,
        "answers": [a.to_dict() for a in answered],
        "round": {
            "answers": len(answered),
            "right": sum(bool(a.verdict.correct) for a in judged) if judged else None,
            "repeats": sum(a.attempt > 1 for a in answered),
        },
        "score": score.score,
        "questions": score.questions,
        "answered": score.answered,
    }


def status_rows(database, student: str, root: Path | None = None) -> list[dict]:
    """The quiz part of `grade status`, one row per quiz."""
    bank = load_bank(root)
    quiz_scores = scores(database, student, bank)
    return [
        {
            "quiz": quiz.id,
            "chapter": quiz.chapter,
            "title": quiz.title,
            "questions": len(quiz.questions),
            "score": quiz_scores[quiz.id].score,
            "answered": quiz_scores[quiz.id].answered,
            "scored": bank.scored,
        }
        for quiz in bank.quizzes
    ]


def questions_view(bank: Bank, name: str) -> dict:
    """One quiz's questions as the course server shows them before they are answered: never a key."""
    quiz = find_quiz(bank, name)
    return {
        "quiz": quiz.id,
        "chapter": quiz.chapter,
        "title": quiz.title,
        "scored": bank.scored,
        "questions": [
            {
                "id": q.id,
                "kind": q.kind,
                "text": q.text,
                "unit": q.unit,
                "choices": [{"id": c.id, "text": c.text} for c in q.choices],
            }
            for q in quiz.questions
        ],
    }
