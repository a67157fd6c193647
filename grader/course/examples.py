"""Visible examples: a few public checks per exercise, run by `grade check` and by each notebook.

They live in exercises/examples/<slug>.toml (learner-visible, unlike the hidden tests):

    [[example]]
    function = "relu"                                 # the function (or Class.method) it checks
    call = "relu(np.array([-1.0, 0.0, 2.0]))"         # evaluated in the learner's module, np available
    expected = "np.array([0.0, 0.0, 2.0])"            # evaluated in the judge with numpy only
    # or: expected_shape = [2, 4]                      # the result must be an array of that shape
    # optional: rtol, atol (default 1e-6, 1e-8), note (shown when the example fails)

The `Example` model below is that schema; the file goes through the one loader of course files
(`grader.course.coursefiles`), which also checks that every `call` is a Python expression and every
`expected` evaluates with numpy alone. `call` runs in the isolated worker like everything else a
learner wrote (worker op "eval"); the verdict is decided in the judge by
`grader.course.examplecheck.compare`, the same function the notebooks' examples cell uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.course.catalog import Exercise
from grader.course.coursefiles import load
from grader.course.examplecheck import EXAMPLE_ATOL, EXAMPLE_RTOL, expected_value
from grader.course.schema import SCHEMA_CONFIG, Rules, from_toml
from grader.errors import CourseFileProblem


class ExamplesProblem(CourseFileProblem):
    """The examples of an exercise are missing (one line saying which and where)."""


@dataclass(frozen=True)
class Example:
    __pydantic_config__ = SCHEMA_CONFIG

    function: str  # the function or Class.method it checks
    call: str  # a Python expression, evaluated in the learner's module
    expected: str | None = None  # a Python expression, evaluated with numpy alone
    expected_shape: tuple[int, ...] | None = None  # or: the result is an array of this shape
    rtol: float = EXAMPLE_RTOL
    atol: float = EXAMPLE_ATOL
    note: str = ""  # shown when the example fails

    def __post_init__(self):
        normal = {"function": self.function.strip(), "call": self.call.strip(), "note": self.note.strip()}
        normal |= {"rtol": float(self.rtol), "atol": float(self.atol)}
        if self.expected_shape is not None:
            normal["expected_shape"] = tuple(self.expected_shape)
        for name, value in normal.items():
            object.__setattr__(self, name, value)
        rules = Rules()
        rules.check(bool(self.function), "function", "'function' must not be empty")
        rules.check(bool(self.call), "call", "'call' must not be empty")
        rules.check(
            (self.expected is None) != (self.expected_shape is None),
            "expected",
            "needs exactly one of 'expected' and 'expected_shape'",
        )
        rules.check(all(size >= 0 for size in self.expected_shape or ()), "expected_shape", "sizes must be >= 0")
        rules.check(self.rtol >= 0, "rtol", "'rtol' must be a number >= 0")
        rules.check(self.atol >= 0, "atol", "'atol' must be a number >= 0")
        rules.done()

    @property
    def function_name(self) -> str:
        """The top-level name the example needs: "Value" for "Value.backward"."""
        return self.function.split(".")[0]


@dataclass(frozen=True)
class ExampleFile:
    """exercises/examples/<slug>.toml."""

    __pydantic_config__ = SCHEMA_CONFIG

    examples: tuple[Example, ...]

    def __post_init__(self):
        examples = tuple(e if isinstance(e, Example) else from_toml(Example, e) for e in self.examples)
        object.__setattr__(self, "examples", examples)
        rules = Rules()
        rules.check(bool(examples), "example", "no examples (expected [[example]] tables)")
        rules.done()


def example_checks(documents) -> list:
    """What pydantic cannot check: `call` is Python, `expected` evaluates with numpy alone."""
    found = []
    for document in documents:
        if not isinstance(document.value, ExampleFile):
            continue
        for index, example in enumerate(document.value.examples):
            try:
                compile(example.call, "<call>", "eval")
            except SyntaxError as error:
                found.append(
                    document.issue(("example", index, "call"), f"'call' is not a Python expression ({error.msg})")
                )
            if example.expected is None:
                continue
            try:
                expected_value(example.expected)
            except Exception as error:  # noqa: BLE001 - any failure is a defect of the file
                found.append(
                    document.issue(
                        ("example", index, "expected"),
                        f"'expected' does not evaluate with numpy alone ({type(error).__name__}: {error})",
                    )
                )
    return found


MODELS_SOURCE = (__file__,)


def load_examples(exercise: Exercise) -> list[Example]:
    """The exercise's examples; ExamplesProblem when it has none, CourseFilesInvalid when the file is
    broken (both UsageProblems: one line, exit 2)."""
    path = exercise.examples_path
    if not path.exists():
        raise ExamplesProblem(f"exercise '{exercise.slug}' has no visible examples ({path} is missing)")
    [data] = load(f"examples-{exercise.slug}", [(path, ExampleFile)], exercise.root, MODELS_SOURCE, example_checks)
    return list(from_toml(ExampleFile, data).examples)
