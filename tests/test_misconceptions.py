"""The misconception catalogues (solutions/misconceptions/) against the judge.

For every catalogued misconception, the reference with exactly that bug loses points and every
diagnosis it gets names that misconception; every correct alternate solution (tests/alternates/,
written in other styles) gets full marks and no diagnosis at all: no diagnosis beats a wrong one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.catalog import COURSE_ROOT, get_exercise, load_manifest
from grader.engine.diagnosis import load_catalogue, variant_source
from grader.engine.judge import grade_source

MIN_PER_EXERCISE = 8
CATALOGUES = {e.slug: load_catalogue(e.slug, COURSE_ROOT) for e in load_manifest()}
CASES = [(slug, item) for slug, items in CATALOGUES.items() for item in items]
ALTERNATES = sorted((Path(__file__).parent / "alternates").glob("*/*.py"))


@pytest.mark.parametrize("slug, item", CASES, ids=[item.id for _, item in CASES])
def test_a_planted_misconception_gets_its_diagnosis(slug, item):
    exercise = get_exercise(slug)
    source = variant_source(exercise.solution_path.read_text(encoding="utf-8"), item)
    result = grade_source(exercise, source, "variant")
    failed = [t for t in result.tests if not t.passed]
    assert failed, f"{item.id}: the hidden tests do not catch this bug"
    named = {t.diagnosis["id"] for t in failed if t.diagnosis}
    assert item.id in named, f"{item.id} was not named; diagnoses: {named}; failures: {[t.message for t in failed]}"
    assert named == {item.id}, f"{item.id}: other diagnoses too: {named - {item.id}}"
    assert all(item.text == t.diagnosis["text"] for t in failed if t.diagnosis)


@pytest.mark.parametrize("path", ALTERNATES, ids=[f"{p.parent.name}/{p.stem}" for p in ALTERNATES])
def test_a_correct_alternate_gets_full_marks_and_no_diagnosis(path):
    exercise = get_exercise(path.parent.name)
    result = grade_source(exercise, path.read_text(encoding="utf-8"), "alternate")
    failures = [f"{t.name}: {t.message}" for t in result.tests if not t.passed]
    assert result.score == exercise.points, failures
    assert [t.diagnosis for t in result.tests if t.diagnosis] == []


def test_every_catalogue_entry_has_a_unique_teaching_text():
    texts = [item.text for _, item in CASES]
    assert len(set(texts)) == len(texts)
    assert all(len(text) >= 40 for text in texts)
