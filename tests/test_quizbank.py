"""The quiz bank: the real bank is valid and answerable, answers parse, and the
validator catches each kind of defect in small hand-written banks."""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grader.course.answers import InvalidAnswer, format_answer, is_correct, parse_answer  # noqa: E402
from grader.course.quizbank import Choice, Key, Question, load_keys, load_quizzes, validate_bank  # noqa: E402
from grader.errors import CourseFileProblem as QuizBankError  # noqa: E402

QUIZ_IDS = [
    "neurons",
    "activations",
    "losses",
    "backprop",
    "autograd",
    "optimizers",
    "training",
    "regularization",
    "deep_training",
    "architectures",
    "fine_tuning",
    "families",
]


# ---------------------------------------------------------------- the real bank


@pytest.fixture(scope="module")
def bank():
    quizzes = load_quizzes(ROOT)
    keys = load_keys(ROOT)
    assert keys is not None, "solutions/quizzes/ is missing"
    return quizzes, keys


def all_questions(quizzes):
    return [question for quiz in quizzes for question in quiz.questions]


def test_real_bank_is_valid():
    assert validate_bank(ROOT) == []


def test_one_quiz_per_chapter_plus_families(bank):
    quizzes, _ = bank
    assert [quiz.id for quiz in quizzes] == QUIZ_IDS
    assert [quiz.chapter for quiz in quizzes] == list(range(1, 13))


def test_quiz_ids_and_chapters_follow_the_manifest(bank):
    quizzes, _ = bank
    with open(ROOT / "exercises" / "manifest.toml", "rb") as handle:
        manifest = tomllib.load(handle)["exercise"]
    chapter_of = {quiz.id: quiz.chapter for quiz in quizzes}
    for exercise in manifest:
        assert chapter_of.get(exercise["slug"]) == exercise["chapter"], exercise["slug"]


def test_bank_size_and_mix(bank):
    quizzes, _ = bank
    assert len(quizzes) >= 12
    for quiz in quizzes:
        kinds = {question.kind for question in quiz.questions}
        assert len(quiz.questions) >= 5, quiz.id
        assert "multiple" in kinds, quiz.id
        assert len(kinds) >= 2, quiz.id
    questions = all_questions(quizzes)
    assert len(questions) >= 60
    assert {question.kind for question in questions} == {"single", "multiple", "numeric"}


def test_every_question_has_a_teaching_explanation(bank):
    quizzes, keys = bank
    for question in all_questions(quizzes):
        explanation = keys[question.id].explanation
        assert len(explanation) >= 80 and explanation.count(". ") >= 1, question.id


def test_learner_files_carry_no_answers():
    for path in sorted((ROOT / "exercises" / "quizzes").glob("*.toml")):
        with open(path, "rb") as handle:
            doc = tomllib.load(handle)
        for question in doc["question"]:
            assert not {"key", "explanation", "tolerance", "answer"} & set(question), path.name


def test_every_key_formatted_then_parsed_is_correct(bank):
    quizzes, keys = bank
    for question in all_questions(quizzes):
        key = keys[question.id]
        typed = format_answer(question, key.key)
        assert is_correct(question, key, parse_answer(question, typed)), (question.id, typed)
        # learners type upper case and spaces too
        assert is_correct(question, key, parse_answer(question, f"  {typed.upper()} ")), question.id


def test_wrong_answers_are_judged_wrong(bank):
    quizzes, keys = bank
    for question in all_questions(quizzes):
        key = keys[question.id]
        if question.kind == "single":
            wrong = next(c for c in question.choice_ids if c != key.key)
        elif question.kind == "multiple":
            toggled = question.choice_ids[0]
            wrong = tuple(sorted(set(key.key) ^ {toggled}))
            if not wrong:  # the key was that single choice: pick another one instead
                wrong = (question.choice_ids[1],)
        else:
            wrong = key.key + key.tolerance + max(1.0, abs(key.key))
        assert not is_correct(question, key, wrong), question.id


def test_single_choice_keys_are_spread_over_the_letters(bank):
    quizzes, keys = bank
    letters = [keys[q.id].key for q in all_questions(quizzes) if q.kind == "single"]
    for letter in "abcd":
        assert letters.count(letter) >= len(letters) // 8, letter


# ---------------------------------------------------------------- parse, judge, format

CHOICES = tuple(Choice(cid, f"choice {cid}") for cid in "abcd")
SINGLE = Question("t.1", "single", "Pick one.", CHOICES)
MULTIPLE = Question("t.2", "multiple", "Pick all that apply.", CHOICES)
NUMERIC = Question("t.3", "numeric", "How many?", (), "parameters")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a", "a"),
        ("C", "c"),
        ("  d \n", "d"),
        ("(b)", "b"),
    ],
)
def test_parse_single(raw, expected):
    assert parse_answer(SINGLE, raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a,c", ("a", "c")),
        ("a c", ("a", "c")),
        ("A, C", ("a", "c")),
        ("ac", ("a", "c")),
        ("c,a", ("a", "c")),
        ("c; a", ("a", "c")),
        ("b", ("b",)),
        ("a,a", ("a",)),
        ("dcba", ("a", "b", "c", "d")),
    ],
)
def test_parse_multiple(raw, expected):
    assert parse_answer(MULTIPLE, raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("109386", 109386.0),
        ("109,386", 109386.0),
        ("1e-3", 0.001),
        (" 0.5 ", 0.5),
        ("-0.125", -0.125),
        (".25", 0.25),
        ("1,234,567.5", 1234567.5),
        ("5/4", 1.25),
        ("109386 parameters", 109386.0),
        ("\u22120.2", -0.2),
    ],
)
def test_parse_numeric(raw, expected):
    assert parse_answer(NUMERIC, raw) == pytest.approx(expected, rel=1e-15, abs=0)


@pytest.mark.parametrize(
    "question, raw",
    [
        (SINGLE, "e"),
        (SINGLE, ""),
        (SINGLE, "   "),
        (SINGLE, "a,b"),
        (SINGLE, "hello"),
        (SINGLE, "1"),
        (MULTIPLE, "e"),
        (MULTIPLE, "a,e"),
        (MULTIPLE, "ace"),
        (MULTIPLE, ""),
        (MULTIPLE, " , "),
        (MULTIPLE, "a, 1"),
        (MULTIPLE, "all of them"),
        (NUMERIC, ""),
        (NUMERIC, "abc"),
        (NUMERIC, "twelve"),
        (NUMERIC, "0,5"),
        (NUMERIC, "12,34"),
        (NUMERIC, "1.2.3"),
        (NUMERIC, "nan"),
        (NUMERIC, "inf"),
        (NUMERIC, "1e999"),
        (NUMERIC, "1/0"),
        (NUMERIC, "5 apples"),
    ],
)
def test_invalid_answers_are_rejected_with_one_line(question, raw):
    with pytest.raises(InvalidAnswer) as info:
        parse_answer(question, raw)
    message = str(info.value)
    assert message and "\n" not in message


def test_invalid_answer_messages_say_what_to_do():
    with pytest.raises(InvalidAnswer, match=r"^'e' is not a choice; answer with one of a, b, c, d$"):
        parse_answer(SINGLE, "e")
    with pytest.raises(InvalidAnswer, match="'e' is not a choice"):
        parse_answer(MULTIPLE, "a,e")
    with pytest.raises(InvalidAnswer, match="number"):
        parse_answer(NUMERIC, "abc")


def key(question, value, tolerance=0.0):
    return Key(question, value, tolerance, explanation="Why it is so.")


def test_is_correct_rules():
    assert is_correct(SINGLE, key("t.1", "b"), "b")
    assert not is_correct(SINGLE, key("t.1", "b"), "c")
    multiple_key = key("t.2", ("a", "c"))
    assert is_correct(MULTIPLE, multiple_key, ("a", "c"))
    assert not is_correct(MULTIPLE, multiple_key, ("a",))  # a subset is not enough
    assert not is_correct(MULTIPLE, multiple_key, ("a", "b", "c"))  # nor a superset
    numeric_key = key("t.3", 0.5, tolerance=0.01)
    assert is_correct(NUMERIC, numeric_key, 0.5)
    assert is_correct(NUMERIC, numeric_key, 0.51)  # the boundary counts
    assert is_correct(NUMERIC, numeric_key, 0.49)
    assert not is_correct(NUMERIC, numeric_key, 0.52)
    assert is_correct(NUMERIC, key("t.3", 109386.0), 109386.0)
    assert not is_correct(NUMERIC, key("t.3", 109386.0), 109385.0)
    with pytest.raises(ValueError):
        is_correct(SINGLE, key("t.2", "b"), "b")  # a key for another question


def test_format_answer_is_canonical_and_round_trips():
    assert format_answer(SINGLE, "b") == "b"
    assert format_answer(MULTIPLE, ("c", "a")) == "a,c"
    assert format_answer(MULTIPLE, "C A") == "a,c"
    assert format_answer(NUMERIC, 109386.0) == "109386"
    assert format_answer(NUMERIC, 0.25) == "0.25"
    assert format_answer(NUMERIC, "109,386") == "109386"
    for value in (109386.0, 0.25, -0.125, 1e-3, 1 / 3, 2.5e20, 0.0):
        assert parse_answer(NUMERIC, format_answer(NUMERIC, value)) == value


# ---------------------------------------------------------------- defects in small banks

GOOD_QUIZ = """\
id = "demo"
chapter = 1
title = "A demo quiz"

[[question]]
id = "demo.1"
kind = "single"
text = "Pick b."
choices = [ { id = "a", text = "A" }, { id = "b", text = "B" }, { id = "c", text = "C" } ]

[[question]]
id = "demo.2"
kind = "multiple"
text = "Pick a and c."
choices = [ { id = "a", text = "A" }, { id = "b", text = "B" }, { id = "c", text = "C" } ]

[[question]]
id = "demo.3"
kind = "numeric"
text = "How many?"
unit = "parameters"
"""

GOOD_KEYS = """\
[[answer]]
question = "demo.1"
key = "b"
explanation = "B is right. A and C are tempting but wrong."

[[answer]]
question = "demo.2"
key = ["a", "c"]
explanation = "A and C are right. B is wrong."

[[answer]]
question = "demo.3"
key = 109386
tolerance = 0.5
explanation = "Count the weights and the biases. The inputs are not parameters."
"""


def write_bank(root: Path, quiz: str = GOOD_QUIZ, keys: str | None = GOOD_KEYS, name: str = "demo") -> Path:
    (root / "exercises" / "quizzes").mkdir(parents=True, exist_ok=True)
    (root / "exercises" / "quizzes" / f"{name}.toml").write_text(quiz, encoding="utf-8")
    if keys is not None:
        (root / "solutions" / "quizzes").mkdir(parents=True, exist_ok=True)
        (root / "solutions" / "quizzes" / f"{name}.toml").write_text(keys, encoding="utf-8")
    return root


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def problems_for(tmp_path: Path, quiz: str = GOOD_QUIZ, keys: str = GOOD_KEYS) -> str:
    problems = validate_bank(write_bank(tmp_path, quiz, keys))
    assert problems, "the defect was not caught"
    return "\n".join(problems)


def test_small_good_bank_is_valid_and_loads(tmp_path):
    write_bank(tmp_path)
    assert validate_bank(tmp_path) == []
    [quiz] = load_quizzes(tmp_path)
    assert (quiz.id, quiz.chapter, len(quiz.questions)) == ("demo", 1, 3)
    assert quiz.questions[0].choice_ids == ("a", "b", "c")
    assert quiz.questions[2].unit == "parameters" and quiz.questions[2].choices == ()
    keys = load_keys(tmp_path)
    assert keys["demo.1"].key == "b"
    assert keys["demo.2"].key == ("a", "c")
    assert keys["demo.3"].key == 109386.0 and keys["demo.3"].tolerance == 0.5


def test_release_copy_without_solutions_has_no_keys(tmp_path):
    write_bank(tmp_path, keys=None)
    assert load_keys(tmp_path) is None
    assert len(load_quizzes(tmp_path)) == 1


def test_real_bank_loads_without_solutions(tmp_path):
    shutil.copytree(ROOT / "exercises" / "quizzes", tmp_path / "exercises" / "quizzes")
    assert load_keys(tmp_path) is None
    assert [quiz.id for quiz in load_quizzes(tmp_path)] == QUIZ_IDS


def test_catches_duplicate_choice_id(tmp_path):
    tail = ' ]\n\n[[question]]\nid = "demo.3"'
    quiz = replace_once(GOOD_QUIZ, '{ id = "c", text = "C" }' + tail, '{ id = "b", text = "C" }' + tail)
    assert "duplicate choice id 'b'" in problems_for(tmp_path, quiz=quiz)
    with pytest.raises(QuizBankError, match=r"demo\.toml"):
        load_quizzes(tmp_path)


def test_catches_key_not_among_choices(tmp_path):
    keys = replace_once(GOOD_KEYS, 'key = "b"', 'key = "e"')
    assert "'e' is not among the choices" in problems_for(tmp_path, keys=keys)


def test_catches_multiple_key_not_among_choices(tmp_path):
    keys = replace_once(GOOD_KEYS, 'key = ["a", "c"]', 'key = ["a", "z"]')
    assert "'z'" in problems_for(tmp_path, keys=keys)


def test_catches_missing_explanation(tmp_path):
    keys = replace_once(GOOD_KEYS, 'explanation = "A and C are right. B is wrong."\n', "")
    assert "demo.2" in problems_for(tmp_path, keys=keys)
    assert "explanation" in problems_for(tmp_path, keys=keys)
    with pytest.raises(QuizBankError, match=r"demo\.toml"):
        load_keys(tmp_path)


def test_catches_empty_explanation(tmp_path):
    keys = replace_once(GOOD_KEYS, '"A and C are right. B is wrong."', '"  "')
    assert "explanation" in problems_for(tmp_path, keys=keys)


def test_catches_numeric_key_that_is_a_string(tmp_path):
    keys = replace_once(GOOD_KEYS, "key = 109386", 'key = "109386"')
    assert "numeric key must be a number" in problems_for(tmp_path, keys=keys)


def test_catches_boolean_numeric_key(tmp_path):
    keys = replace_once(GOOD_KEYS, "key = 109386", "key = true")
    assert "'key' must be text in quotes, a list or a number, not true" in problems_for(tmp_path, keys=keys)


def test_catches_negative_tolerance(tmp_path):
    keys = replace_once(GOOD_KEYS, "tolerance = 0.5", "tolerance = -0.5")
    assert "tolerance" in problems_for(tmp_path, keys=keys)


def test_catches_missing_key(tmp_path):
    start = GOOD_KEYS.index('[[answer]]\nquestion = "demo.2"')
    end = GOOD_KEYS.index('[[answer]]\nquestion = "demo.3"')
    keys = GOOD_KEYS[:start] + GOOD_KEYS[end:]
    assert "'demo.2' has no answer key" in problems_for(tmp_path, keys=keys)


def test_catches_answer_entry_without_key_field(tmp_path):
    keys = replace_once(GOOD_KEYS, 'key = "b"\n', "")
    assert "answer 'demo.1': 'key' is missing" in problems_for(tmp_path, keys=keys)


def test_catches_two_keys_for_one_question(tmp_path):
    keys = GOOD_KEYS + '\n[[answer]]\nquestion = "demo.1"\nkey = "a"\nexplanation = "Twice. Oops."\n'
    assert "more than one key" in problems_for(tmp_path, keys=keys)


def test_catches_duplicate_question_id_in_one_file(tmp_path):
    quiz = replace_once(GOOD_QUIZ, 'id = "demo.2"', 'id = "demo.1"')
    assert "duplicate question id 'demo.1'" in problems_for(tmp_path, quiz=quiz)


def test_catches_duplicate_question_id_across_files(tmp_path):
    write_bank(tmp_path)
    other_quiz = (
        'id = "other"\nchapter = 2\ntitle = "Another quiz"\n\n[[question]]\nid = "demo.1"\n'
        'kind = "numeric"\ntext = "How many?"\n'
    )
    other_keys = '[[answer]]\nquestion = "demo.1"\nkey = 3\nexplanation = "Three. Not two."\n'
    problems = "\n".join(validate_bank(write_bank(tmp_path, other_quiz, other_keys, "other")))
    assert "question id 'demo.1' is also used in" in problems
    with pytest.raises(QuizBankError):
        load_quizzes(tmp_path)


def test_catches_key_for_unknown_question(tmp_path):
    keys = GOOD_KEYS + '\n[[answer]]\nquestion = "demo.9"\nkey = "a"\nexplanation = "No such question. Oops."\n'
    assert "unknown question 'demo.9'" in problems_for(tmp_path, keys=keys)


def test_catches_unknown_kind_and_missing_text(tmp_path):
    quiz = replace_once(GOOD_QUIZ, 'kind = "numeric"', 'kind = "essay"')
    assert "'kind' must be one of 'single', 'multiple', 'numeric', not \"essay\"" in problems_for(tmp_path, quiz=quiz)
    quiz = replace_once(GOOD_QUIZ, 'text = "Pick b."\n', "")
    assert "text" in problems_for(tmp_path, quiz=quiz)


def test_catches_wrong_key_shape_for_kind(tmp_path):
    keys = replace_once(GOOD_KEYS, 'key = ["a", "c"]', 'key = "a"')
    assert "list of choice ids" in problems_for(tmp_path, keys=keys)
    keys = replace_once(GOOD_KEYS, 'key = ["a", "c"]', "key = []")
    assert "at least one" in problems_for(tmp_path, keys=keys)
    keys = replace_once(GOOD_KEYS, 'key = ["a", "c"]', 'key = ["a", "a"]')
    assert "twice" in problems_for(tmp_path, keys=keys)


def test_catches_answer_leaked_into_learner_file(tmp_path):
    quiz = replace_once(GOOD_QUIZ, 'text = "Pick b."', 'text = "Pick b."\nkey = "b"')
    assert "must not appear in the learners' file" in problems_for(tmp_path, quiz=quiz)


def test_catches_bad_question_id_and_chapter(tmp_path):
    quiz = replace_once(GOOD_QUIZ, 'id = "demo.1"', 'id = "first"')
    assert "demo.<n>" in problems_for(tmp_path, quiz=quiz)
    quiz = replace_once(GOOD_QUIZ, "chapter = 1", 'chapter = "one"')
    assert "chapter" in problems_for(tmp_path, quiz=quiz)


def test_catches_numeric_question_with_choices(tmp_path):
    choices = 'choices = [ { id = "a", text = "A" }, { id = "b", text = "B" } ]'
    quiz = replace_once(GOOD_QUIZ, 'unit = "parameters"', choices)
    assert "numeric question has no choices" in problems_for(tmp_path, quiz=quiz)


def test_invalid_toml_is_reported_with_the_file_name(tmp_path):
    quiz = GOOD_QUIZ + "\nthis is not toml\n"
    assert "demo.toml" in problems_for(tmp_path, quiz=quiz)
    with pytest.raises(QuizBankError, match=r"demo\.toml"):
        load_quizzes(tmp_path)


def test_missing_solutions_is_a_validation_problem(tmp_path):
    write_bank(tmp_path, keys=None)
    assert any("no answer keys" in problem for problem in validate_bank(tmp_path))
