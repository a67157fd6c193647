"""Running an exercise's hidden tests without pytest: collect, call each with `learner`, score.

A hidden test file (`solutions/tests/test_<slug>.py`) is a plain module of functions named
`test_*`, each marked with `grader.engine.testkit.grades(function, points)` and optionally
`parametrize(names, values)`. This runner imports it once (and keeps it for the next
submission), calls each test in file order with the `learner` proxy, and turns each outcome into
a `TestResult`: passed; failed (a check or the learner's code said no: `AssertionError`,
`LearnerError`); or error (the check itself could not run on what came back). A failure is then
handed to the diagnosis (what mistake the learner's values show).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.engine.failures import HostOverloaded, LearnerError, LearnerException
from grader.engine.testkit import take_passed_notes
from grader.results import TestResult

MESSAGE_LIMIT = 600


class HiddenTestsBroken(Exception):
    """The hidden test file itself could not be loaded (a defect of the course, not of the learner)."""


@dataclass(frozen=True)
class HiddenTest:
    name: str  # readable: "softmax_other_axis (shape=(4, 6), axis=0)"
    function: str  # the learner's function it grades
    points: float
    test: object = field(repr=False)  # the test function
    params: tuple = ()  # (name, value) pairs of one parametrisation

    def __call__(self, learner) -> None:
        self.test(learner, **dict(self.params))


def _readable(value) -> str:
    if isinstance(value, list | tuple) and len(value) > 8:
        return f"{type(value).__name__} of {len(value)}"
    return repr(value)


def _expand(name: str, test) -> list[HiddenTest]:
    function, points = test.__grade__
    cases = getattr(test, "__cases__", None)
    if not cases:
        return [HiddenTest(name, function, float(points), test)]
    names, rows = cases
    found = []
    for row in rows:
        values = row if len(names) > 1 else (row,)
        params = tuple(zip(names, values))
        label = ", ".join(f"{key}={_readable(value)}" for key, value in params)
        found.append(HiddenTest(f"{name} ({label})", function, float(points), test, params))
    return found


_loaded: dict[Path, tuple[float, list[HiddenTest]]] = {}


def load_tests(path: Path, course_root: Path) -> list[HiddenTest]:
    """The hidden tests of one file, in file order; imported once per process and kept while unchanged."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime
    except OSError as error:
        raise HiddenTestsBroken(f"{path} cannot be read ({error.strerror})") from None
    cached = _loaded.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    if str(course_root) not in sys.path:
        sys.path.insert(0, str(course_root))  # hidden tests import the references: `from solutions import ...`
    spec = importlib.util.spec_from_file_location(f"hidden_tests_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - any defect of the file is the course's, reported as one line
        raise HiddenTestsBroken(f"{path.name}: {type(error).__name__}: {error}") from None
    tests = []
    for name, value in vars(module).items():
        if name.startswith("test_") and callable(value):
            if not hasattr(value, "__grade__"):
                raise HiddenTestsBroken(f"{path.name}: {name} has no @grades(function, points)")
            tests.extend(_expand(name.removeprefix("test_"), value))
    _loaded[path] = (stamp, tests)
    return tests


def _message(error: BaseException) -> tuple[str, str]:
    """(message, status) of a test that did not pass."""
    if isinstance(error, AssertionError | LearnerError):
        return str(error) or "this check failed", "failed"
    return (
        f"could not check the result ({type(error).__name__}: {error}); does it have the structure "
        "the exercise asks for?",
        "error",
    )


def run_tests(tests: list[HiddenTest], learner, diagnose=None) -> list[TestResult]:
    """Run each test with `learner`; `diagnose(test, calls, error)` may name the mistake behind a failure."""
    results = []
    for test in tests:
        learner.calls.clear()
        try:
            test(learner)
        except HostOverloaded:
            raise  # the host, not the code: the whole run is void
        except Exception as error:  # noqa: BLE001 - every outcome of a test becomes its result
            take_passed_notes()
            message, status = _message(error)
            if len(message) > MESSAGE_LIMIT:
                message = message[:MESSAGE_LIMIT] + "..."
            diagnosis = None
            stub = isinstance(error, LearnerException) and error.type_name == "NotImplementedError"
            if diagnose is not None and status == "failed" and not stub:
                diagnosis = _diagnosis(diagnose, test, learner.calls, error)
            results.append(TestResult(test.name, test.function, False, 0.0, test.points, message, status, diagnosis))
        else:
            note = take_passed_notes()[:MESSAGE_LIMIT]
            results.append(TestResult(test.name, test.function, True, test.points, test.points, note, "passed"))
    return results


def _diagnosis(diagnose, test, calls, error) -> dict | None:
    """The diagnosis of a failure, or None when the learner's values defeat it (10**4000, odd shapes...):
    the diagnosis only adds to the feedback, so nothing it meets may end the run."""
    try:
        return diagnose(test, list(calls), error)
    except HostOverloaded:
        raise
    except Exception:  # noqa: BLE001 - whatever a learner's value makes the replay raise
        return None
