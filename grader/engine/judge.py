"""The judge: runs an exercise's hidden tests against a submission and scores them.

The hidden tests are plain modules of `test_*` functions, run here by
`grader.engine.runner` with a `learner` proxy (see `grader.engine.testkit`); each
outcome becomes a `TestResult`, and a failure is diagnosed (`grader.engine.diagnosis`). The submission itself only ever runs inside the
worker started by `grader.engine.sandbox`; this process never imports it.
"""

from __future__ import annotations

import time

from grader import __version__
from grader.course.catalog import Exercise
from grader.engine.sandbox import Sandbox
from grader.results import RunResult, TestResult


def start_sandbox(exercise: Exercise, source: str, require_full: bool = False) -> Sandbox:
    """A worker for this exercise's limits, already booting when this returns."""
    sandbox = Sandbox(exercise, source, require_full=require_full)
    sandbox.start()
    return sandbox


def grade_source(exercise: Exercise, source: str, student: str, *, require_full: bool = False) -> RunResult:
    """Grade `source` (the text of a learner's module) against the exercise's hidden tests.

    Raises HostOverloaded when the machine, not the code, made the run fail (nothing to record), and
    SandboxUnavailable when `require_full` and bubblewrap cannot run here.
    """
    started = time.monotonic()
    sandbox = start_sandbox(exercise, source, require_full)  # the worker boots while the tests load
    try:
        tests, problem = _run_hidden_tests(exercise, sandbox)
    finally:
        output = sandbox.close()
    return run_result(exercise, student, sandbox, tests, started, output, max_score=exercise.points, problem=problem)


def run_result(
    exercise: Exercise,
    student: str,
    sandbox: Sandbox,
    tests: list[TestResult],
    started: float,
    output: str,
    *,
    max_score: float,
    problem: str = "",
    official: bool = True,
) -> RunResult:
    """The versioned result of a finished run: score, status and what the sandbox reported."""
    if sandbox.import_error:
        status, message = "error", sandbox.import_error
    elif problem:
        status, message = "error", problem
    else:
        status = "passed" if tests and all(t.passed for t in tests) else "failed"
        message = ""
    return RunResult(
        exercise=exercise.slug,
        student=student,
        score=round(sum(t.points for t in tests), 4),
        max_score=float(max_score),
        status=status,
        tests=tests,
        message=message,
        duration=round(time.monotonic() - started, 3),
        grader_version=__version__,
        sandbox=sandbox.summary(),
        output=output,
        official=official,
    )


_diagnosers: dict[str, object] = {}


def diagnoser_for(exercise: Exercise):
    """The exercise's diagnoser (catalogue, reference, driver), built once per process."""
    from grader.engine.diagnosis import Diagnoser

    found = _diagnosers.get(exercise.slug)
    if found is None:
        found = _diagnosers[exercise.slug] = Diagnoser(exercise)
    return found


def _run_hidden_tests(exercise: Exercise, sandbox: Sandbox) -> tuple[list[TestResult], str]:
    from grader.engine.runner import HiddenTestsBroken, load_tests, run_tests
    from grader.engine.testkit import Learner

    try:
        tests = load_tests(exercise.tests_path, exercise.root)
    except HiddenTestsBroken as broken:
        return [], (
            f"the hidden tests could not be loaded ({broken}); this is a problem with the grader, not with "
            "your code: please tell your instructor"
        )
    return run_tests(tests, Learner(sandbox), lambda *failure: diagnoser_for(exercise)(*failure)), ""
