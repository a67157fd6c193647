"""Visible examples: a few public checks per exercise, run by `grade check` and by each notebook.

They live in exercises/examples/<slug>.toml (learner-visible, unlike the hidden tests):

    [[example]]
    function = "relu"                                 # the function (or Class.method) it checks
    call = "relu(np.array([-1.0, 0.0, 2.0]))"         # evaluated in the learner's module, np available
    expected = "np.array([0.0, 0.0, 2.0])"            # evaluated in the judge with numpy only
    # or: expected_shape = [2, 4]                      # the result must be an array of that shape
    # optional: rtol, atol (default 1e-6, 1e-8), note (shown when the example fails)

`call` runs in the isolated worker like everything else a learner wrote (worker op "eval"); the
verdict is decided here, in the judge, by `grader.course.examplecheck.compare`, the same function the
notebooks' examples cell uses. Running examples records nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from grader.course.catalog import Exercise
from grader.course.examplecheck import EXAMPLE_ATOL, EXAMPLE_RTOL, expected_value
from grader.errors import UsageProblem

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
    return [_parse(entry, f"{path}: example {number}") for number, entry in enumerate(data["example"], start=1)]


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
            raise ExamplesProblem(
                f"{where}: `expected` does not evaluate with numpy alone ({type(error).__name__}: {error})"
            ) from None
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
    return Example(
        entry["function"].strip(), entry["call"].strip(), entry.get("expected"), shape, note=note.strip(), **tolerances
    )
