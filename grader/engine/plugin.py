"""The pytest plugin that lets hidden tests reach the learner and records their outcomes."""

from __future__ import annotations

import pytest

from grader.engine.sandbox import LearnerError
from grader.engine.testkit import take_passed_notes
from grader.results import TestResult

MESSAGE_LIMIT = 600


class GradingPlugin:
    def __init__(self, learner):
        self._learner = learner
        self.results: list[TestResult] = []
        self.problem = ""

    @pytest.fixture
    def learner(self):
        return self._learner

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "grade(function, points): the function a test grades and its points")
        config.option.tbstyle = "no"  # nobody reads pytest's tracebacks here; formatting them is slow

    def pytest_collectreport(self, report):
        if report.failed:
            self.problem = (
                "the hidden tests could not be loaded; this is a problem with the grader, not with "
                "your code: please tell your instructor"
            )

    def pytest_runtest_makereport(self, item, call):
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            self.results.append(_outcome(item, call.excinfo, take_passed_notes()))


def _outcome(item, excinfo, note: str = "") -> TestResult:
    marker = item.get_closest_marker("grade")
    function = marker.kwargs.get("function", "?") if marker else "?"
    max_points = float(marker.kwargs.get("points", 0)) if marker else 0.0
    name = item.name.removeprefix("test_")
    if excinfo is None:
        return TestResult(name, function, True, max_points, max_points, note[:MESSAGE_LIMIT], "passed")
    error = excinfo.value
    if isinstance(error, (AssertionError, LearnerError)):
        message, status = str(error) or "this check failed", "failed"
    else:
        message = (
            f"could not check the result ({type(error).__name__}: {error}); does it have the structure "
            "the exercise asks for?"
        )
        status = "error"
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + "..."
    return TestResult(name, function, False, 0.0, max_points, message, status)
