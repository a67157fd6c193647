"""The versioned result of grading one submission: plain dataclasses, to and from JSON.

Schema version 2 (bump it when a field is added, changes meaning or disappears):
  RunResult: schema_version, exercise, student, score, max_score, status, message,
             tests, duration, grader_version, sandbox, output, submission_id, official
  TestResult: name, function, passed, points, max_points, message, status, diagnosis
diagnosis of a test: null, or {"id": "<slug>.<misconception>", "text": "..."} when the
failure matches a known mistake (e.g. "losses.mse_sum_not_mean"); the text says why it is
wrong without revealing the expected values. Version 1 had no diagnosis.
status of a run: "passed" (every test passed), "failed" (graded, some tests failed),
"error" (the file could not be graded at all: syntax error, import failure...).
status of a test: "passed", "failed" (the learner's code is wrong) or "error" (the
check itself could not run, e.g. the result had an unexpected structure).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SCHEMA_VERSION = 2


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class, despite its name
    name: str
    function: str
    passed: bool
    points: float
    max_points: float
    message: str = ""
    status: str = "passed"
    diagnosis: dict | None = None


@dataclass
class RunResult:
    exercise: str
    student: str
    score: float
    max_score: float
    status: str
    tests: list[TestResult] = field(default_factory=list)
    message: str = ""
    duration: float = 0.0
    grader_version: str = ""
    sandbox: dict = field(default_factory=dict)
    output: str = ""
    submission_id: int | None = None
    official: bool = True
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RunResult:
        data = dict(data)
        data["tests"] = [TestResult(**t) for t in data.get("tests", [])]
        return cls(**data)

    def by_function(self) -> dict[str, tuple[float, float]]:
        """Points earned and available per function, in test order."""
        totals: dict[str, list[float]] = {}
        for test in self.tests:
            earned, available = totals.setdefault(test.function, [0.0, 0.0])
            totals[test.function] = [earned + test.points, available + test.max_points]
        return {name: (e, a) for name, (e, a) in totals.items()}
