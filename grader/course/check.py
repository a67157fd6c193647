"""Check the whole course at once: `python -m grader.course.check` (or `grade course check`).

Every problem is listed, one line each, with its file and line; the exit code is 1 when there is
any, 0 when the course is clean. What is checked:

  - exercises/manifest.toml against its model (catalog.ExerciseEntry), and every exercise's stub;
  - the quizzes, and in the instructor's copy their answer keys, against each other;
  - every exercise's visible examples: valid, and each names a function its stub defines;
  - the notebooks in exercises/notebooks/ are what `grade notebook --all` would write now;
  - in the instructor's copy: every exercise has its reference solution and hidden tests, and no
    answer key is stated in a file the learners get (`leaks.stated_answers`).

Nothing is cached here: a check always reads every file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from grader.course.catalog import COURSE_ROOT, Manifest, has_hidden_tests, manifest_checks, manifest_path


def check_course(root: Path = COURSE_ROOT) -> tuple[list[str], dict[str, int]]:
    """(every problem, one line each; what was checked, counted)."""
    from grader.course.validation import problems_of

    root = Path(root)
    problems = [str(issue) for issue in problems_of([(manifest_path(root), Manifest)], root, manifest_checks)]
    counts = {"exercises": 0, "quiz questions": 0, "visible examples": 0, "notebooks": 0}
    if problems:
        return problems, counts  # without a manifest, nothing else can be found
    from grader.course.catalog import load_manifest

    exercises = load_manifest(root)
    counts["exercises"] = len(exercises)
    instructor = has_hidden_tests(root)
    for exercise in exercises:
        problems += _exercise_problems(exercise, root, instructor, counts)
    problems += _quiz_problems(root, instructor, counts)
    if instructor:
        from grader.course.leaks import stated_answers

        problems += [f"{where}: states the answer of a quiz question ({what})" for where, what in stated_answers(root)]
    return problems, counts


def _exercise_problems(exercise, root: Path, instructor: bool, counts: dict[str, int]) -> list[str]:
    from grader.course.examples import ExampleFile, example_checks
    from grader.course.functions import stub_functions
    from grader.course.validation import documents_of

    label = f"exercise '{exercise.slug}'"
    if not exercise.stub_path.is_file():
        return [f"exercises/{exercise.slug}.py is missing: the stub of {label}"]
    problems = []
    if instructor:
        for path, what in ((exercise.solution_path, "reference solution"), (exercise.tests_path, "hidden tests")):
            if not path.is_file():
                problems.append(f"{path.relative_to(root).as_posix()} is missing: the {what} of {label}")
    if not exercise.examples_path.is_file():
        return problems + [f"exercises/examples/{exercise.slug}.toml is missing: the visible examples of {label}"]
    [document] = documents_of([(exercise.examples_path, ExampleFile)], root)
    problems += [str(issue) for issue in document.issues + example_checks([document])]
    if document.value is None:
        return problems
    names = stub_functions(exercise)
    for index, example in enumerate(document.value.examples):
        counts["visible examples"] += 1
        if example.function_name not in names:
            problems.append(
                str(
                    document.issue(
                        ("example", index, "function"),
                        f"'{example.function}' is not a function of exercises/{exercise.slug}.py "
                        f"(it defines {', '.join(sorted(names))})",
                    )
                )
            )
    if not problems:
        problems += _notebook_problem(exercise, root, counts)
    return problems


def _notebook_problem(exercise, root: Path, counts: dict[str, int]) -> list[str]:
    from grader.course.notebooks import notebook_text

    path = root / "exercises" / "notebooks" / f"{exercise.slug}.ipynb"
    counts["notebooks"] += 1
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current != notebook_text(exercise):
        state = "is missing" if current is None else "is out of date"
        return [f"exercises/notebooks/{exercise.slug}.ipynb {state}; run `grade notebook --all` and commit the result"]
    return []


def _quiz_problems(root: Path, instructor: bool, counts: dict[str, int]) -> list[str]:
    from grader.course.quizbank import KEY_DIR, load_quizzes, quiz_files, validate_bank

    if not quiz_files(root):
        return []
    problems = validate_bank(root)
    if not instructor:  # the learners' copy has no keys, by design
        problems = [p for p in problems if not p.startswith(f"no answer keys: {KEY_DIR.as_posix()}")]
    if not problems:
        counts["quiz questions"] = sum(len(quiz.questions) for quiz in load_quizzes(root))
    return problems


def main(argv: list[str] | None = None) -> int:
    problems, counts = check_course()
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the course at {COURSE_ROOT}", file=sys.stderr
        )
        return 1
    print("course OK: " + ", ".join(f"{count} {what}" for what, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
