"""Visible examples (issue 7): the files are valid, every reference passes them, every stub fails them,
and the worker's "eval" op handles errors like calls do."""

from __future__ import annotations

import ast
import dataclasses
import tomllib

import numpy as np
import pytest

from grader.course.catalog import get_exercise, load_manifest
from grader.course.examplecheck import compare, expected_value
from grader.course.examples import Example, ExamplesProblem, load_examples
from grader.engine.examples import run_examples
from grader.engine.failures import LearnerException, LearnerTimeout
from grader.engine.sandbox import Sandbox
from grader.engine.wire import Unsupported
from grader.errors import CourseFileProblem

SLUGS = [e.slug for e in load_manifest()]
KEYS = {field.name for field in dataclasses.fields(Example)}


def stub_names(exercise) -> dict[str, set[str]]:
    """Top-level functions and classes of the stub, each class with its methods."""
    tree = ast.parse(exercise.stub_path.read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            names[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
    return names


@pytest.mark.parametrize("slug", SLUGS)
def test_examples_file_follows_the_schema(slug):
    exercise = get_exercise(slug)
    with open(exercise.examples_path, "rb") as handle:
        raw = tomllib.load(handle)
    assert set(raw) == {"example"}
    for entry in raw["example"]:
        assert set(entry) <= KEYS
        assert ("expected" in entry) != ("expected_shape" in entry)
    examples = load_examples(exercise)
    names = stub_names(exercise)
    per_definition: dict[str, int] = {}
    for example in examples:
        top, _, method = example.function.partition(".")
        assert top in names, f"{example.function} is not defined in exercises/{slug}.py"
        assert not method or method in names[top], f"{example.function}: no such method in the stub"
        per_definition[top] = per_definition.get(top, 0) + 1
        if example.expected is not None:
            expected_value(example.expected)
    for name in names:
        assert per_definition.get(name, 0) >= 2, f"{slug}.{name} needs at least 2 examples"
    assert len({e.call for e in examples}) == len(examples), "two examples make the same call"


@pytest.mark.parametrize("slug", SLUGS)
def test_reference_passes_every_example_and_the_stub_none(slug):
    exercise = get_exercise(slug)
    reference = run_examples(exercise, exercise.solution_path.read_text(), "tester")
    failed = [(t.name, t.message) for t in reference.tests if not t.passed]
    assert reference.status == "passed" and not failed, failed
    assert reference.official is False and reference.score == reference.max_score == len(reference.tests)
    stub = run_examples(exercise, exercise.stub_path.read_text(), "tester")
    assert stub.score == 0 and stub.status == "failed"
    assert all("not implemented yet" in t.message for t in stub.tests), [t.message for t in stub.tests]


def test_malformed_examples_are_reported_with_file_line_and_suggestion(tmp_path):
    (tmp_path / "exercises" / "examples").mkdir(parents=True)
    exercise = dataclasses.replace(get_exercise("neurons"), root=tmp_path)
    with pytest.raises(ExamplesProblem, match="has no visible examples"):
        load_examples(exercise)
    where = "exercises/examples/neurons.toml"
    for text, message in [
        ("x = 1", f"{where}, line 1: unknown key 'x'"),
        ('[[example]]\nfunction = "f"\ncall = "f(1)"', f"{where}, line 1, example 'f': needs exactly one of"),
        (
            '[[example]]\nfunction = "f"\ncall = "f(1"\nexpected = "1"',
            "line 3, example 'f': 'call' is not a Python expression",
        ),
        (
            '[[example]]\nfunction = "f"\ncall = "f(1)"\nexpected = "open(1)"',
            "line 4, example 'f': 'expected' does not evaluate",
        ),
        ('[[example]]\nfunction = "f"\ncall = "f(1)"\nexpected_shape = "2"', "'expected_shape' must be a list"),
        (
            '[[example]]\nfunction = "f"\ncall = "f(1)"\nexpected = "1"\ncolour = 1',
            "line 5, example 'f': unknown key 'colour'",
        ),
        (
            '[[example]]\nfunction = "f"\ncall = "f(1)"\nexpeted = "1"',
            "unknown key 'expeted' — did you mean 'expected'\\?",
        ),
        (
            '[[example]]\nfunction = "f"\ncall = "f(1)"\nexpected = "1"\nrtol = "0.1"',
            "'rtol' must be a number, not \"0.1\" \\(text\\)",
        ),
    ]:
        exercise.examples_path.write_text(text)
        with pytest.raises(CourseFileProblem, match=message):
            load_examples(exercise)


def test_compare_checks_type_shape_and_value():
    assert compare(np.array([0.0, 2.0]), np.array([0.0, 2.0 + 1e-9])) is None
    assert "shape (2,); expected shape (3,)" in compare(np.zeros(2), np.zeros(3))
    assert "a list of length 2; expected an array" in compare([0.0, 0.0], np.zeros(2))
    assert compare(np.float64(0.5), 0.5) is None and compare(np.array(0.5), 0.5) is None
    assert "expected a number" in compare(True, 1.0)
    assert "expected the bool True" in compare(1, True)
    assert compare((np.ones(2), [1, 2]), [np.ones(2), (1, 2)]) is None  # tuples and lists alike
    assert "result[1]: an array of shape (2,)" in compare((np.ones(1), np.ones(2)), (np.ones(1), np.ones(3)))
    assert "a Tensor; expected a number" in compare(Unsupported("Tensor"), 1)
    assert compare(np.zeros((2, 3)), None, [2, 3]) is None
    assert "shape (3, 2); expected shape (2, 3)" in compare(np.zeros((3, 2)), None, [2, 3])


def test_sandbox_evaluate_handles_errors_like_calls():
    source = (
        "import numpy as np\n\ndef f(x):\n    return np.asarray(x) * 2\n\ndef slow():\n    while True:\n        pass\n"
    )
    exercise = dataclasses.replace(get_exercise("activations"), call_limit=1.0, time_limit=30.0)
    sandbox = Sandbox(exercise, source)
    sandbox.start()
    try:
        assert np.array_equal(sandbox.evaluate("f([1, 2])").value, np.array([2, 4]))
        assert sandbox.evaluate("np.zeros(2).shape").value == (2,)
        with pytest.raises(LearnerException, match="raised ZeroDivisionError"):
            sandbox.evaluate("1 / 0")
        with pytest.raises(LearnerException, match="raised NameError"):
            sandbox.evaluate("g(1)")
        with pytest.raises(LearnerTimeout, match="did not return within 1 s"):
            sandbox.evaluate("slow()")
        assert isinstance(sandbox.evaluate("object()").value, Unsupported)  # a fresh worker after the timeout
        assert sandbox.restarts == 1
    finally:
        sandbox.close()
