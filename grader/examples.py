"""Visible examples: a few public checks per exercise, run by `grade check` and by each notebook.

They live in exercises/examples/<slug>.toml (learner-visible, unlike the hidden tests):

    [[example]]
    function = "relu"                                 # the function (or Class.method) it checks
    call = "relu(np.array([-1.0, 0.0, 2.0]))"         # evaluated in the learner's module, np available
    expected = "np.array([0.0, 0.0, 2.0])"            # evaluated in the judge with numpy only
    # or: expected_shape = [2, 4]                      # the result must be an array of that shape
    # optional: rtol, atol (default 1e-6, 1e-8), note (shown when the example fails)

`call` runs in the isolated worker like everything else a learner wrote (worker op "eval"); the
verdict is decided here, in the judge, by `grader.examplecheck.compare`, the same function the
notebooks' examples cell uses. Running examples records nothing.
"""
from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass

from grader.catalog import Exercise
from grader.examplecheck import EXAMPLE_ATOL, EXAMPLE_RTOL, compare, expected_value
from grader.results import RunResult, TestResult
from grader.service import UsageProblem

KEYS = {"function", "call", "expected", "expected_shape", "rtol", "atol", "note"}


class ExamplesProblem(UsageProblem):
    """The examples of an exercise are missing or malformed (one line saying which and where)."""


@dataclass(frozen=True)
class Example:
    function: str
    call: str
    expected: str | None = None
    expected_shape: tuple[int, ...] | None = None
    rtol: float = EXAMPLE_RTOL
    atol: float = EXAMPLE_ATOL
    note: str = ""


def load_examples(exercise: Exercise) -> list[Example]:
    """The exercise's examples, checked against the schema above (ExamplesProblem if anything is off)."""
    path = exercise.examples_path
    if not path.exists():
        raise ExamplesProblem(f"exercise '{exercise.slug}' has no visible examples ({path} is missing)")
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ExamplesProblem(f"{path} is not valid TOML: {error}") from None
    if set(data) != {"example"} or not isinstance(data["example"], list) or not data["example"]:
        raise ExamplesProblem(f"{path} must hold [[example]] tables and nothing else")
    return [_parse(entry, f"{path}: example {number}")
            for number, entry in enumerate(data["example"], start=1)]


def _parse(entry, where: str) -> Example:
    if not isinstance(entry, dict):
        raise ExamplesProblem(f"{where} is not a table")
    unknown = set(entry) - KEYS
    if unknown:
        raise ExamplesProblem(f"{where} has unknown keys {sorted(unknown)}; the keys are {sorted(KEYS)}")
    for key in ("function", "call"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ExamplesProblem(f"{where} needs a non-empty string `{key}`")
    if ("expected" in entry) == ("expected_shape" in entry):
        raise ExamplesProblem(f"{where} needs exactly one of `expected` and `expected_shape`")
    try:
        compile(entry["call"], "<call>", "eval")
    except SyntaxError as error:
        raise ExamplesProblem(f"{where}: `call` is not a Python expression ({error.msg})") from None
    shape = None
    if "expected" in entry:
        if not isinstance(entry["expected"], str):
            raise ExamplesProblem(f"{where}: `expected` must be a string holding a Python expression")
        try:
            expected_value(entry["expected"])
        except Exception as error:  # noqa: BLE001 - any failure is a defect of the file
            raise ExamplesProblem(f"{where}: `expected` does not evaluate with numpy alone "
                                  f"({type(error).__name__}: {error})") from None
    else:
        shape = entry["expected_shape"]
        if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
            raise ExamplesProblem(f"{where}: `expected_shape` must be a list of sizes, e.g. [2, 4]")
        shape = tuple(shape)
    tolerances = {}
    for key in ("rtol", "atol"):
        if key in entry:
            value = entry[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ExamplesProblem(f"{where}: `{key}` must be a number >= 0")
            tolerances[key] = float(value)
    note = entry.get("note", "")
    if not isinstance(note, str):
        raise ExamplesProblem(f"{where}: `note` must be a string")
    return Example(entry["function"].strip(), entry["call"].strip(), entry.get("expected"), shape,
                   note=note.strip(), **tolerances)


def run_examples(exercise: Exercise, source: str, student: str) -> RunResult:
    """Run the exercise's visible examples on `source` in the worker: one point per example passed.

    The result is a practice run (official=False) and is not recorded. Raises ExamplesProblem
    (a UsageProblem) when the exercise has no valid examples file.
    """
    from grader.judge import run_result, start_sandbox

    examples = load_examples(exercise)
    started = time.monotonic()
    sandbox = start_sandbox(exercise, source)
    try:
        tests = [_run_one(sandbox, example) for example in examples]
    finally:
        output = sandbox.close()
    return run_result(exercise, student, sandbox, tests, started, output, max_score=len(tests), official=False)


def _run_one(sandbox, example: Example) -> TestResult:
    from grader.sandbox import LearnerError

    def outcome(passed: bool, message: str = "", status: str | None = None) -> TestResult:
        return TestResult(example.call, example.function, passed, 1.0 if passed else 0.0, 1.0, message,
                          status or ("passed" if passed else "failed"))

    name = example.function.split(".")[0]
    try:
        sandbox.require(name)
        reply = sandbox.evaluate(example.call, describe=example.call)
    except LearnerError as error:
        return outcome(False, str(error))
    try:
        expected = None if example.expected is None else expected_value(example.expected)
        problem = compare(reply.value, expected, example.expected_shape, example.rtol, example.atol)
    except Exception as error:  # noqa: BLE001 - a defect of the example, not of the learner's code
        return outcome(False, f"this example could not be checked ({type(error).__name__}: {error}); "
                              "please tell your instructor", "error")
    if problem is None:
        return outcome(True)
    note = f" (note: {example.note})" if example.note else ""
    return outcome(False, f"{example.call} {problem}{note}")
