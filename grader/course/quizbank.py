"""The quiz bank: load the chapter quizzes and their answer keys.

Learners see `exercises/quizzes/<id>.toml` (questions and choices only); the instructor's answer
keys and explanations live in `solutions/quizzes/<id>.toml`, which the learners' release copy does
not ship. The files' models are in `grader.course.quizmodels`, the rules across files in
`grader.course.bankchecks`; everything goes through the one loader, `grader.course.coursefiles`,
which caches a bank that validated. Reading and judging a learner's answer is `grader.course.answers`.
"""

from __future__ import annotations

from pathlib import Path

from grader.course import bankchecks, quizmodels
from grader.course.coursefiles import load
from grader.course.quizmodels import KEY_DIR, QUIZ_DIR, Choice, Key, KeyFile, KeyValue, Question, Quiz
from grader.course.schema import from_toml

__all__ = ["Choice", "Key", "KeyValue", "Question", "Quiz", "load_keys", "load_quizzes", "validate_bank"]
MODELS_SOURCE = (quizmodels.__file__, bankchecks.__file__)  # what decides that a bank is valid


# ---------------------------------------------------------------- loading


def quiz_files(root: Path) -> list[Path]:
    return sorted(path for path in (Path(root) / QUIZ_DIR).glob("*.toml") if path.is_file())


def key_files(root: Path) -> list[Path] | None:
    """The answer-key files, or None when solutions/quizzes/ is absent (the learners' copy)."""
    folder = Path(root) / KEY_DIR
    return sorted(path for path in folder.glob("*.toml") if path.is_file()) if folder.is_dir() else None


def bank_files(root: Path) -> list[tuple[Path, type]]:
    """Every file of the bank with its model: the quizzes, then the keys (when this copy has them)."""
    return [(path, Quiz) for path in quiz_files(root)] + [(path, KeyFile) for path in key_files(root) or []]


def _bank(root: Path) -> tuple[list[Quiz], list[KeyFile] | None]:
    files = bank_files(root)
    data = load("quizbank", files, root, MODELS_SOURCE, bankchecks.bank_checks) if files else []
    quizzes = [from_toml(Quiz, doc) for (_, model), doc in zip(files, data) if model is Quiz]
    keys = [from_toml(KeyFile, doc) for (_, model), doc in zip(files, data) if model is KeyFile]
    return quizzes, (keys if key_files(root) is not None else None)


def load_quizzes(course_root: Path) -> list[Quiz]:
    """Every quiz under exercises/quizzes/, ordered by chapter; CourseFilesInvalid (a UsageProblem)
    lists every problem of the bank (quizzes and, in the instructor's copy, keys)."""
    quizzes, _ = _bank(Path(course_root))
    return sorted(quizzes, key=lambda quiz: (quiz.chapter, quiz.id))


def load_keys(course_root: Path) -> dict[str, Key] | None:
    """The answer keys by question id, or None when solutions/quizzes/ is absent (the learners'
    release copy). CourseFilesInvalid when the bank is broken."""
    _, key_sets = _bank(Path(course_root))
    if key_sets is None:
        return None
    return {key.question: key for key_set in key_sets for key in key_set.answers}


def validate_bank(course_root: Path) -> list[str]:
    """Every problem found in the quiz bank and its keys, one line each; [] when it is valid."""
    from grader.course.validation import problems_of

    root = Path(course_root)
    if not (root / QUIZ_DIR).is_dir():
        return [f"no quiz folder at {root / QUIZ_DIR}"]
    problems = [str(issue) for issue in problems_of(bank_files(root), root, bankchecks.bank_checks)]
    if not quiz_files(root):
        problems.append(f"{QUIZ_DIR.as_posix()}/ holds no quiz files")
    if key_files(root) is None:
        problems.append(f"no answer keys: {KEY_DIR.as_posix()}/ is missing")
    return problems
