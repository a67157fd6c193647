"""Which exercise defines which function: read from the stubs' top-level definitions (with `ast`,
never by importing them), for `grade hint softmax` and for spotting a file handed in for the
wrong exercise."""

from __future__ import annotations

import ast
from pathlib import Path

from grader.course.catalog import COURSE_ROOT, Exercise, load_manifest


def stub_functions(exercise: Exercise) -> set[str]:
    """The public top-level functions and classes of the exercise's stub (what the learner writes)."""
    try:
        tree = ast.parse(exercise.stub_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return set()
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_")
    }


def exercise_functions(root: Path = COURSE_ROOT) -> dict[str, set[str]]:
    """slug -> the names its stub defines, for every exercise of the course, in course order."""
    return {exercise.slug: stub_functions(exercise) for exercise in load_manifest(root)}


def exercises_defining(name: str, root: Path = COURSE_ROOT) -> list[Exercise]:
    """The exercises whose stub defines `name` (a function, a class, or Class.method)."""
    wanted = name.split(".")[0]
    return [exercise for exercise in load_manifest(root) if wanted in stub_functions(exercise)]
