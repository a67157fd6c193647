"""`grade quiz` end to end through click's CliRunner, against a temporary SQLite database:
full marks from the keys, answers stored as given (canonical form), attempts and
first-attempt scoring, rejected input never recorded, the interactive flow, the
listing, --json, and the learners' release copy without keys."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db import queries  # noqa: E402
from db.session import open_database  # noqa: E402
from grader.cli import main  # noqa: E402
from grader.course.answers import format_answer  # noqa: E402
from grader.course.quizbank import load_keys, load_quizzes  # noqa: E402

STUDENT = "ada"
QUIZZES = load_quizzes(ROOT)
KEYS = load_keys(ROOT)
NEURONS = next(quiz for quiz in QUIZZES if quiz.id == "neurons")


def key_text(question) -> str:
    return format_answer(question, KEYS[question.id].key)


def wrong_text(question) -> str:
    """A readable answer that the key does not accept."""
    key = KEYS[question.id].key
    if question.kind == "single":
        return next(choice for choice in question.choice_ids if choice != key)
    if question.kind == "multiple":
        others = [choice for choice in question.choice_ids if choice not in key]
        return ",".join(others) if others else ",".join(key[:-1])
    return format_answer(question, key + 1000 * (KEYS[question.id].tolerance + 1))


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path}/q.db"


@pytest.fixture
def grade(db_url):
    """Run `grade quiz ...` (or another command) with the temporary database and student."""
    runner = CliRunner()

    def run(*args, input=None, student=STUDENT):
        return runner.invoke(main, [*args, "--db", db_url, "--student", student], input=input)

    return run


@pytest.fixture
def answers(db_url):
    """The answers recorded in the temporary database, as plain records."""

    def fetch(student=STUDENT, quiz=None):
        database = open_database(db_url)
        try:
            return queries.quiz_answers(database, student, quiz)
        finally:
            database.dispose()

    return fetch


def as_json(result) -> dict:
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # fails unless stdout is exactly one JSON document
    assert isinstance(data, dict), result.stdout
    return data


def all_keys_args(quiz) -> list[str]:
    return [arg for question in quiz.questions for arg in ("--answer", f"{question.id}={key_text(question)}")]


# ---------------------------------------------------------------- non-interactive


def test_answering_every_key_gives_full_marks_in_every_quiz(grade):
    for quiz in QUIZZES:
        report = as_json(grade("quiz", quiz.id, *all_keys_args(quiz), "--json"))
        assert report["quiz"] == quiz.id and report["student"] == STUDENT
        assert report["score"] == report["questions"] == len(quiz.questions), report
        assert all(answer["correct"] is True and answer["attempt"] == 1 for answer in report["answers"]), report
        assert all(answer["explanation"] for answer in report["answers"]), report
    listing = as_json(grade("quiz", "--json"))
    assert [(row["quiz"], row["score"], row["answered"]) for row in listing["quizzes"]] == [
        (quiz.id, len(quiz.questions), len(quiz.questions)) for quiz in QUIZZES
    ]
    status = as_json(grade("status", "--json"))
    assert {row["quiz"]: row["score"] for row in status["quizzes"]} == {
        quiz.id: len(quiz.questions) for quiz in QUIZZES
    }, status["quizzes"]


def test_text_output_says_right_or_wrong_with_the_explanation(grade):
    q1, q2 = NEURONS.questions[0], NEURONS.questions[1]
    result = grade("quiz", "neurons", "--answer", f"{q1.id}={key_text(q1)}", "--answer", f"{q2.id}={wrong_text(q2)}")
    assert result.exit_code == 0, result.output
    assert f"✓ {q1.id}" in result.output and "right" in result.output, result.output
    assert f"✗ {q2.id}" in result.output and f"the answer is {key_text(q2)}" in result.output, result.output
    first_words = " ".join(KEYS[q1.id].explanation.split()[:6])
    assert first_words in " ".join(result.output.split()), result.output
    assert "Quiz score (right at the first attempt): 1/7" in result.output, result.output


def test_answers_are_recorded_as_given_in_canonical_form(grade, answers):
    given = {"neurons.1": "(A)", "neurons.4": "e, c a", "neurons.2": "109,386 parameters", "neurons.5": "-0.5"}
    args = [arg for qid, value in given.items() for arg in ("--answer", f"{qid}={value}")]
    report = as_json(grade("quiz", "neurons", *args, "--json"))
    stored = answers()
    assert [(a.quiz, a.question_id, a.answer, a.correct, a.attempt) for a in stored] == [
        ("neurons", "neurons.1", "a", True, 1),
        ("neurons", "neurons.4", "a,c,e", True, 1),
        ("neurons", "neurons.2", "109386", True, 1),
        ("neurons", "neurons.5", "-0.5", False, 1),
    ]
    assert all(a.answered_at is not None for a in stored)
    assert [(a["question"], a["answer"], a["correct"]) for a in report["answers"]] == [
        (a.question_id, a.answer, a.correct) for a in stored
    ]
    assert answers(student="someone else") == []


def test_attempts_increase_and_only_the_first_attempt_counts(grade, answers):
    q1, q2 = NEURONS.questions[0], NEURONS.questions[1]
    first = as_json(
        grade(
            "quiz", "neurons", "--answer", f"{q1.id}={key_text(q1)}", "--answer", f"{q2.id}={wrong_text(q2)}", "--json"
        )
    )
    assert first["score"] == 1 and first["answered"] == 2, first
    second = grade("quiz", "neurons", "--answer", f"{q1.id}={wrong_text(q1)}", "--answer", f"{q2.id}={key_text(q2)}")
    assert second.exit_code == 0, second.output
    assert "answered again: wrong (attempt 2)" in second.output, second.output
    assert "answered again: right (attempt 2)" in second.output, second.output
    assert "counts first attempts" in second.output, second.output
    assert "Quiz score (right at the first attempt): 1/7" in second.output, second.output
    third = as_json(grade("quiz", "neurons", "--answer", f"{q1.id}={key_text(q1)}", "--json"))
    assert [(a["attempt"], a["correct"]) for a in third["answers"]] == [(3, True)], third
    assert third["score"] == 1 and third["answered"] == 2 and third["round"]["repeats"] == 1, third
    assert [(a.question_id, a.attempt, a.correct) for a in answers()] == [
        (q1.id, 1, True),
        (q2.id, 1, False),
        (q1.id, 2, False),
        (q2.id, 2, True),
        (q1.id, 3, True),
    ]
    listing = as_json(grade("quiz", "--json"))
    neurons = next(row for row in listing["quizzes"] if row["quiz"] == "neurons")
    assert (neurons["score"], neurons["answered"], neurons["answers"]) == (1, 2, 5), neurons


@pytest.mark.parametrize(
    "bad, message",
    [
        ("neurons.1=x", "'x' is not a choice"),
        ("neurons.3=ab", "one answer"),
        ("neurons.4=a,z", "'z' is not a choice"),
        ("neurons.2=lots", "not a number"),
        ("neurons.2=", "empty answer"),
        ("neurons.99=a", "there is no question 'neurons.99'"),
        ("activations.1=a", "a question of the quiz activations"),
        ("neurons.1", "is not Q_ID=VALUE"),
        ("neurons.6=c", "answered twice"),
    ],
)
def test_unusable_answers_are_rejected_and_nothing_is_recorded(grade, answers, bad, message):
    # a valid answer first and after: a run is all or nothing
    result = grade("quiz", "neurons", "--answer", "neurons.6=c", "--answer", bad, "--answer", "neurons.7=a")
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert "nothing was recorded" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert answers() == []


@pytest.mark.parametrize(
    "chapter, message",
    [
        ("nuerons", "did you mean 'neurons'"),
        ("activation", "did you mean 'activations'"),
        ("13", "no quiz for chapter 13"),
        ("zzzz", "`grade quiz` lists them all"),
    ],
)
def test_unknown_chapter_is_one_line_and_exit_2(grade, chapter, message):
    result = grade("quiz", chapter, "--answer", "neurons.1=a")
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_chapter_by_number_and_question_by_number(grade, answers):
    report = as_json(grade("quiz", "1", "--answer", f"1={key_text(NEURONS.questions[0])}", "--json"))
    assert report["quiz"] == "neurons" and report["chapter"] == 1, report
    assert [(a.question_id, a.correct) for a in answers()] == [("neurons.1", True)]
    families = as_json(grade("quiz", "12", "--answer", "families.1=a", "--json"))
    assert families["quiz"] == "families", families


def test_usage_mistakes_exit_2(grade, answers):
    no_chapter = grade("quiz", "--answer", "neurons.1=a")
    assert no_chapter.exit_code == 2 and "--answer needs the quiz" in no_chapter.output, no_chapter.output
    json_without_answers = grade("quiz", "neurons", "--json")
    assert json_without_answers.exit_code == 2 and "--json needs the answers" in json_without_answers.output, (
        json_without_answers.output
    )
    assert answers() == []


def test_a_bad_database_url_is_one_line(tmp_path):
    result = CliRunner().invoke(
        main, ["quiz", "neurons", "--answer", "neurons.1=a", "--db", f"sqlite:///{tmp_path}/missing/q.db"]
    )
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output and "Traceback" not in result.output, result.output


# ---------------------------------------------------------------- interactive


def test_interactive_quiz_reasks_invalid_answers_and_records_the_rest(grade, answers):
    lines = []
    for number, question in enumerate(NEURONS.questions):
        if number == 0:
            lines.append("z")  # not a choice: asked again
        if question.kind == "numeric" and number == 1:
            lines.append("many")  # not a number: asked again
        lines.append(key_text(question))
    result = grade("quiz", "neurons", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Question 1/7" in out and "Question 7/7" in out, out
    assert NEURONS.questions[0].text in " ".join(out.split()), out
    assert "a) " in out and "select all that apply" in out and "a number of parameters" in out, out
    assert "'z' is not a choice" in out and "try again" in out, out
    assert "'many' is not a number" in out, out
    assert out.count("✓ Right.") == 7, out
    assert "This round: 7/7 right." in out and "Quiz score (right at the first attempt): 7/7" in out, out
    stored = answers()
    assert [a.question_id for a in stored] == [q.id for q in NEURONS.questions]
    assert all(a.correct and a.attempt == 1 for a in stored)
    assert "z" not in [a.answer for a in stored] and "many" not in [a.answer for a in stored]


def test_interactive_second_round_shows_later_attempts(grade, answers):
    wrong = [arg for q in NEURONS.questions for arg in ("--answer", f"{q.id}={wrong_text(q)}")]
    as_json(grade("quiz", "neurons", *wrong, "--json"))
    right = "\n".join(key_text(question) for question in NEURONS.questions) + "\n"
    result = grade("quiz", "neurons", input=right)
    assert result.exit_code == 0, result.output
    assert "You answered this quiz before: your score is 0/7" in result.output, result.output
    assert result.output.count("answered again: right (attempt 2)") == 7, result.output
    assert "This round: 7/7 right." in result.output, result.output
    assert "Quiz score (right at the first attempt): 0/7" in result.output, result.output
    assert len(answers()) == 14


def test_interactive_quiz_stopped_early_keeps_the_answers_given(grade, answers):
    two = "\n".join(key_text(question) for question in NEURONS.questions[:2]) + "\n"
    result = grade("quiz", "neurons", input=two)  # input ends: like Ctrl-D at the third question
    assert result.exit_code == 1, result.output
    assert "Stopped after 2 of 7 questions" in result.output, result.output
    assert [a.question_id for a in answers()] == [q.id for q in NEURONS.questions[:2]]


# ---------------------------------------------------------------- listing and status


def test_listing_shows_quizzes_question_ids_and_scores(grade):
    as_json(
        grade(
            "quiz",
            "neurons",
            "--answer",
            f"neurons.1={key_text(NEURONS.questions[0])}",
            "--answer",
            f"neurons.2={wrong_text(NEURONS.questions[1])}",
            "--json",
        )
    )
    text = grade("quiz")
    assert text.exit_code == 0, text.output
    for quiz in QUIZZES:
        assert quiz.id in text.output, text.output
    assert "neurons.1-7" in text.output and "1/7" in text.output and "2/7" in text.output, text.output
    listing = as_json(grade("quiz", "--json"))
    assert listing["student"] == STUDENT and listing["scored"] is True, listing
    first = listing["quizzes"][0]
    assert (first["chapter"], first["quiz"], first["title"]) == (1, "neurons", NEURONS.title), first
    assert first["question_ids"] == [q.id for q in NEURONS.questions], first
    assert (first["score"], first["answered"], first["questions"]) == (1, 2, 7), first
    assert all(row["score"] == 0 and row["answered"] == 0 for row in listing["quizzes"][1:]), listing


def test_status_shows_quiz_scores_beside_exercises(grade):
    as_json(grade("quiz", "losses", *all_keys_args(QUIZZES[2]), "--json"))
    status = as_json(grade("status", "--json"))
    assert status["exercises"] and status["quizzes"], status
    losses = next(row for row in status["quizzes"] if row["quiz"] == "losses")
    assert (losses["score"], losses["answered"]) == (len(QUIZZES[2].questions),) * 2, losses
    text = grade("status")
    assert text.exit_code == 0, text.output
    assert "losses" in text.output and f"{len(QUIZZES[2].questions)}/{len(QUIZZES[2].questions)}" in text.output, (
        text.output
    )


# ---------------------------------------------------------------- the learners' release copy


@pytest.fixture
def release_copy(tmp_path, monkeypatch):
    """The course as learners get it: quizzes without solutions/quizzes (no keys)."""
    course = tmp_path / "release"
    shutil.copytree(ROOT / "exercises" / "quizzes", course / "exercises" / "quizzes")
    import grader.course.catalog

    monkeypatch.setattr(grader.course.catalog, "COURSE_ROOT", course)
    assert load_keys(course) is None
    return course


def test_release_copy_records_answers_unscored(release_copy, grade, answers):
    report = as_json(grade("quiz", "neurons", "--answer", "neurons.1=a", "--answer", "neurons.2=12", "--json"))
    assert report["scored"] is False and report["score"] is None, report
    assert [(a["correct"], a["explanation"], a["key"]) for a in report["answers"]] == [(None, None, None)] * 2
    assert [(a.question_id, a.answer, a.correct, a.attempt) for a in answers()] == [
        ("neurons.1", "a", None, 1),
        ("neurons.2", "12", None, 1),
    ]
    text = grade("quiz", "neurons", "--answer", "neurons.1=b")
    assert text.exit_code == 0, text.output
    assert "instructor scores" in text.output and "attempt 2" in text.output, text.output
    assert "✓" not in text.output and "✗" not in text.output, text.output
    listing = as_json(grade("quiz", "--json"))
    assert listing["scored"] is False and listing["quizzes"][0]["score"] is None, listing
    assert listing["quizzes"][0]["answered"] == 2, listing
    invalid = grade("quiz", "neurons", "--answer", "neurons.1=q")
    assert invalid.exit_code == 2 and len(answers()) == 3, invalid.output


def test_release_copy_interactive_says_the_instructor_scores(release_copy, grade, answers):
    given = ["x", "b", "3", "d", "a c", "0", "c", "a,b"]  # "x" is re-asked even without keys
    result = grade("quiz", "neurons", input="\n".join(given) + "\n")
    assert result.exit_code == 0, result.output
    assert "no answer keys" in result.output and "your instructor scores" in result.output, result.output
    assert "'x' is not a choice" in result.output, result.output
    assert "Right" not in result.output and "Wrong" not in result.output, result.output
    assert [(a.answer, a.correct) for a in answers()] == [
        ("b", None),
        ("3", None),
        ("d", None),
        ("a,c", None),
        ("0", None),
        ("c", None),
        ("a,b", None),
    ]


def test_instructor_copy_scores_answers_given_in_the_release_copy(release_copy, grade, monkeypatch):
    keys = {q.id: key_text(q) for q in NEURONS.questions}
    as_json(
        grade(
            "quiz",
            "neurons",
            "--answer",
            f"neurons.1={keys['neurons.1']}",
            "--answer",
            f"neurons.2={wrong_text(NEURONS.questions[1])}",
            "--json",
        )
    )
    import grader.course.catalog

    monkeypatch.setattr(grader.course.catalog, "COURSE_ROOT", ROOT)  # the instructor's copy, with keys
    listing = as_json(grade("quiz", "--json"))
    assert (listing["quizzes"][0]["score"], listing["quizzes"][0]["answered"]) == (1, 2), listing
