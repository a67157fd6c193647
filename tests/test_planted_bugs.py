"""Single bugs planted outside the catalogues (tests/planted/<slug>/*.py) against the judge.

Each file is a whole submission with one realistic bug that a probe once found graded wrongly
(not caught, or given a diagnosis that was not true for it). Its header says what must happen
now: `# expect-diagnosis: <id>` (every diagnosis it gets is that one) or `none` (no diagnosis),
and optionally `# expect-message: <text>` that some failing test's message must contain.
Every file must lose points.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.catalog import get_exercise
from grader.engine.judge import grade_source

PLANTED = sorted((Path(__file__).parent / "planted").glob("*/*.py"))


def _header(source: str, key: str) -> str | None:
    for line in source.splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return None


@pytest.mark.parametrize("path", PLANTED, ids=[f"{p.parent.name}/{p.stem}" for p in PLANTED])
def test_a_planted_bug_loses_points_and_gets_only_a_true_diagnosis(path):
    source = path.read_text(encoding="utf-8")
    exercise = get_exercise(path.parent.name)
    result = grade_source(exercise, source, "planted")
    failed = [t for t in result.tests if not t.passed]
    assert failed and result.score < exercise.points, f"{path.stem}: the hidden tests do not catch this bug"
    expected = _header(source, "expect-diagnosis")
    named = {t.diagnosis["id"] for t in failed if t.diagnosis}
    assert named == (set() if expected == "none" else {expected}), [t.message for t in failed]
    message = _header(source, "expect-message")
    if message:
        assert any(message in (t.message or "") for t in failed), [t.message for t in failed]
