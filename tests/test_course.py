"""The course as a whole: every reference solution gets full marks, every untouched stub gets zero,
and the manifest, stubs, references and hidden tests agree with each other."""

from __future__ import annotations

import ast

import pytest

from grader.course.catalog import COURSE_ROOT, load_manifest
from grader.engine.judge import grade_source
from grader.engine.runner import load_tests

EXERCISES = load_manifest()
SLUGS = [e.slug for e in EXERCISES]


def _top_level_names(path):
    tree = ast.parse(path.read_text())
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("exercise", EXERCISES, ids=SLUGS)
def test_reference_gets_full_marks(exercise):
    result = grade_source(exercise, exercise.solution_path.read_text(), "reference")
    failures = [f"{t.name}: {t.message}" for t in result.tests if not t.passed]
    assert result.status == "passed", "\n".join([result.message, *failures, result.output])
    assert result.score == result.max_score == exercise.points


@pytest.mark.parametrize("exercise", EXERCISES, ids=SLUGS)
def test_untouched_stub_gets_zero(exercise):
    result = grade_source(exercise, exercise.stub_path.read_text(), "stub")
    assert result.score == 0, [t.name for t in result.tests if t.passed]
    assert result.tests, "the hidden tests ran"
    assert all("not implemented yet" in t.message for t in result.tests), [t.message for t in result.tests]


@pytest.mark.parametrize("exercise", EXERCISES, ids=SLUGS)
def test_stub_and_reference_define_the_same_names(exercise):
    assert _top_level_names(exercise.stub_path) >= {
        n for n in _top_level_names(exercise.solution_path) if not n.startswith("_")
    }


@pytest.mark.parametrize("exercise", EXERCISES, ids=SLUGS)
def test_stub_raises_not_implemented_with_the_task_name(exercise):
    source = exercise.stub_path.read_text()
    for node in ast.walk(ast.parse(source)):
        private_helper = (
            node.name.startswith("_") and not node.name.endswith("__") if isinstance(node, ast.FunctionDef) else True
        )
        if isinstance(node, ast.FunctionDef) and not private_helper:
            raises = [n for n in ast.walk(node) if isinstance(n, ast.Raise)]
            assert raises, f"{exercise.slug}.{node.name} should raise NotImplementedError"
            assert f'"{exercise.slug}.' in ast.get_source_segment(source, raises[0]), node.name


def test_manifest_slugs_are_unique_and_chapters_in_order():
    assert len(set(SLUGS)) == len(SLUGS)
    chapters = [e.chapter for e in EXERCISES]
    assert chapters == sorted(chapters) == list(range(1, len(EXERCISES) + 1))
    assert all(e.hint and e.title and e.points > 0 for e in EXERCISES)


@pytest.mark.parametrize("exercise", EXERCISES, ids=SLUGS)
def test_hidden_test_points_add_up_to_the_manifest(exercise):
    """Collect the hidden tests as the judge does and add up their points."""
    tests = load_tests(exercise.tests_path, COURSE_ROOT)
    assert tests, f"no hidden tests collected for {exercise.slug}"
    assert sum(t.points for t in tests) == pytest.approx(exercise.points)
    assert {t.function for t in tests} <= _top_level_names(exercise.stub_path) | {"Value"}
    assert len({t.name for t in tests}) == len(tests), "every hidden test has its own readable name"


def test_torch_is_imported_only_by_exercises_that_need_it():
    """Grading every numpy exercise (stub) must not import torch, in the judge or in the worker."""
    import subprocess
    import sys

    slugs = [e.slug for e in EXERCISES if not e.torch]
    script = (
        "import sys\n"
        "from grader.course.catalog import get_exercise\n"
        "from grader.engine.judge import grade_source\n"
        f"for slug in {slugs!r}:\n"
        "    e = get_exercise(slug)\n"
        "    grade_source(e, e.stub_path.read_text(), 'x')\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=COURSE_ROOT, timeout=300)
    assert done.stdout.strip() == "False", done.stdout + done.stderr
    for exercise in EXERCISES:
        if not exercise.torch:
            for path in (exercise.stub_path, exercise.solution_path, exercise.tests_path):
                assert "import torch" not in path.read_text(), path
