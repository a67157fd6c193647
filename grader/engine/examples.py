"""Running an exercise's visible examples (grader.course.examples) on a submission, in the worker.

Each example's `call` is evaluated in the learner's module inside the sandbox (worker op "eval");
the value comes back as plain data and is compared here, in the judge, by
`grader.course.examplecheck.compare`. One point per example; nothing is recorded.
"""

from __future__ import annotations

import time

from grader.course.catalog import Exercise
from grader.course.examplecheck import compare, expected_value
from grader.course.examples import Example, load_examples
from grader.engine.failures import LearnerError
from grader.engine.judge import run_result, start_sandbox
from grader.results import RunResult, TestResult


def run_examples(exercise: Exercise, source: str, student: str) -> RunResult:
    """Run the exercise's visible examples on `source` in the worker: one point per example passed.

    The result is a practice run (official=False) and is not recorded. Raises ExamplesProblem
    (a UsageProblem) when the exercise has no valid examples file.
    """
    examples = load_examples(exercise)
    started = time.monotonic()
    sandbox = start_sandbox(exercise, source)
    try:
        tests = [_run_one(sandbox, example) for example in examples]
    finally:
        output = sandbox.close()
    return run_result(exercise, student, sandbox, tests, started, output, max_score=len(tests), official=False)


def _run_one(sandbox, example: Example) -> TestResult:
    def outcome(passed: bool, message: str = "", status: str | None = None) -> TestResult:
        return TestResult(
            example.call,
            example.function,
            passed,
            1.0 if passed else 0.0,
            1.0,
            message,
            status or ("passed" if passed else "failed"),
        )

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
        return outcome(
            False,
            f"this example could not be checked ({type(error).__name__}: {error}); please tell your instructor",
            "error",
        )
    if problem is None:
        return outcome(True)
    note = f" (note: {example.note})" if example.note else ""
    return outcome(False, f"{example.call} {problem}{note}")
