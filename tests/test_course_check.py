"""`grade course check` validates the whole course; the release audit catches short answers stated
outright; the quiz examples the learners see are not answers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.answers import InvalidAnswer, is_correct, parse_answer
from grader.course.catalog import COURSE_ROOT
from grader.course.check import check_course
from grader.course.leaks import distinctive, stated_answers, stated_answers_in
from grader.course.quizbank import load_keys, load_quizzes

QUESTIONS = {q.id: q for quiz in load_quizzes(COURSE_ROOT) for q in quiz.questions}
KEYS = load_keys(COURSE_ROOT)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_the_course_is_clean_and_the_commands_say_so():
    done = subprocess.run(
        [sys.executable, "-m", "grader.course.check"], capture_output=True, text=True, cwd=COURSE_ROOT, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(
        r"course OK: 11 exercises, \d+ quiz questions, \d+ visible examples, 11 notebooks\n", done.stdout
    )
    result = CliRunner().invoke(main, ["course", "check"])
    assert result.exit_code == 0 and result.output == done.stdout


@pytest.fixture
def course_copy(tmp_path):
    root = tmp_path / "course"
    for folder in ("exercises", "solutions"):
        shutil.copytree(COURSE_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(COURSE_ROOT / "README.md", root / "README.md")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_kind_of_problem_is_listed_with_its_place(course_copy):
    root = course_copy
    edit(root / "exercises" / "examples" / "neurons.toml", 'function = "count_parameters"', 'function = "count_params"')
    edit(root / "exercises" / "quizzes" / "losses.toml", 'kind = "numeric"', 'kind = "numerc"')
    edit(root / "solutions" / "quizzes" / "neurons.toml", 'key = "a"', 'key = "z"')
    edit(root / "exercises" / "activations.py", "def relu(x):", "def relu(x):  # edited, notebook not rebuilt")
    (root / "solutions" / "tests" / "test_training.py").unlink()
    problems, _ = check_course(root)
    text = "\n".join(problems)
    assert re.search(
        r"exercises/examples/neurons\.toml, line \d+, example 'count_params': 'count_params' is not a function of exercises/neurons\.py",
        text,
    ), text
    assert re.search(
        r"exercises/quizzes/losses\.toml, line \d+, question 'losses\.\d': 'kind' must be one of .* did you mean 'numeric'\?",
        text,
    ), text
    assert re.search(
        r"solutions/quizzes/neurons\.toml, line \d+, answer 'neurons\.1': 'z' is not among the choices a, b, c, d", text
    ), text
    assert "exercises/notebooks/activations.ipynb is out of date; run `grade notebook --all`" in text
    assert "solutions/tests/test_training.py is missing: the hidden tests of exercise 'training'" in text
    assert len(problems) == 5, text


def test_an_answer_stated_in_a_stub_is_a_problem(course_copy):
    edit(
        course_copy / "exercises" / "backprop.py",
        '"""',
        '"""A layer of 784, 128, 64 and 10 units has 109386 parameters.\n',
    )
    problems, _ = check_course(course_copy)
    assert "exercises/backprop.py: states the answer of a quiz question (109386 is the answer of neurons.2)" in problems
    assert (
        "exercises/notebooks/backprop.ipynb is out of date; run `grade notebook --all` and commit the result"
        in problems
    )


def test_a_course_without_a_valid_manifest_stops_at_the_manifest(course_copy):
    edit(course_copy / "exercises" / "manifest.toml", "points = 12", 'points = "12"')
    problems, counts = check_course(course_copy)
    assert len(problems) == 1 and "'points' must be a whole number" in problems[0]
    assert counts["exercises"] == 0


@pytest.mark.parametrize(
    "text, stated",
    [
        ("grade quiz neurons --answer neurons.1=a", "neurons.1=a is its right answer"),
        ("grade quiz neurons --answer neurons.4=e,c,a --json", "neurons.4=a,c,e is its right answer"),
        ("answer neurons.2: 109,386 parameters", "neurons.2=109386 is its right answer"),
        ("count_parameters([784, 128, 64, 10]) is 109386.", "109386 is the answer of neurons.2"),
        ("costs -log(0.25) = 1.386", "1.386 is the answer of losses.3"),
    ],
)
def test_stated_answers_are_found(text, stated):
    assert stated in [what for _, what in stated_answers_in({"exercises/x.py": text}, COURSE_ROOT)]


@pytest.mark.parametrize(
    "text",
    [
        "grade quiz neurons --answer neurons.1=b --answer neurons.4=a,c",  # wrong answers are fine
        "a value of 0 and a learning rate of 0.25; 16 filters",  # not distinctive: everywhere in a course
        "neurons.2=42",
        "the result is 1.42",  # three significant digits, but not within losses.3's tolerance of ln 4
    ],
)
def test_ordinary_text_is_no_leak(text):
    assert stated_answers_in({"exercises/x.py": text}, COURSE_ROOT) == []


def test_numbers_in_the_grader_code_are_not_taken_for_answers():
    assert stated_answers_in({"grader/x.py": "LIMIT = 109386"}, COURSE_ROOT) == []
    assert stated_answers_in({"grader/x.py": "--answer neurons.2=109386"}, COURSE_ROOT) != []


def test_which_numeric_keys_are_distinctive():
    assert distinctive(109386) and distinctive(2410) and distinctive(448) and distinctive(0.6931471805599453)
    assert not any(distinctive(v) for v in (0, 16, 0.25, -0.125, 1e6, 2.0, 1.95, 0.0625))


def test_nothing_the_learners_get_states_an_answer():
    assert stated_answers(COURSE_ROOT) == []


def quiz_examples(text: str) -> list[tuple[str, str]]:
    return re.findall(r"\b([a-z_]+\.\d+)=([\w.,]+)", text)


def test_the_quiz_examples_shown_to_learners_are_not_answers():
    help_text = CliRunner().invoke(main, ["quiz", "--help"]).output
    readme = (COURSE_ROOT / "README.md").read_text(encoding="utf-8")
    examples = quiz_examples(help_text) + quiz_examples(readme)
    assert len(examples) >= 6, examples
    for qid, value in examples:
        question = QUESTIONS[qid]
        try:
            answer = parse_answer(question, value.rstrip(".,"))
        except InvalidAnswer:
            pytest.fail(f"the example {qid}={value} is not even a valid answer")
        assert not is_correct(question, KEYS[qid], answer), f"the example {qid}={value} gives the answer away"


def test_the_release_refuses_a_copy_that_states_an_answer(tmp_path, monkeypatch, course_copy):
    from grader.course.release import build_release

    edit(course_copy / "exercises" / "neurons.py", '"""', '"""Hint: a 784-128-64-10 network has 109,386 parameters.\n')
    (course_copy / "grader").mkdir()
    with pytest.raises(
        RuntimeError, match=r"exercises/neurons\.py states a quiz answer: 109,386 is the answer of neurons\.2"
    ):
        build_release(tmp_path / "out", course_copy)
    assert not (tmp_path / "out").exists()


def test_check_counts_match_the_files():
    problems, counts = check_course(COURSE_ROOT)
    assert problems == []
    assert counts["quiz questions"] == len(QUESTIONS)
    files = (COURSE_ROOT / "exercises" / "examples").glob("*.toml")
    tables = sum(len(re.findall(r"^\[\[example\]\]$", p.read_text(), flags=re.M)) for p in files)
    assert counts["visible examples"] == tables
