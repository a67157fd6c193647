"""The release audit: does a learners' copy give anything away?

Two kinds of secret:

- long texts: every file under solutions/ (references, hidden tests, drivers, quiz keys), every
  test function of the hidden tests, every answer-key explanation (`secret_texts`). Below
  MIN_SECRET_CHARS a text (an import line, a one-word key) is no evidence of a leak;
- short answers stated outright (`stated_answers`): a question id written with its right answer
  anywhere ("chapter.1=a", "chapter.2: 12345", as a help text's example might), and a numeric key
  distinctive enough that seeing it written is seeing the answer (`distinctive`: 109386 or ln 2 to
  four digits in a stub's docstring is a leak; "a", 0, 0.25 or 16 are everywhere and prove nothing).
"""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

from grader.course.catalog import COURSE_ROOT
from grader.errors import CourseFileProblem

MIN_SECRET_CHARS = 60
SKIP_NAMES = (
    "__pycache__",
    ".git",
    ".pytest_cache",
    ".ipynb_checkpoints",
    "*.pyc",
    "*.egg-info",
    "*.sqlite3",
    "*.sqlite3-*",
    ".DS_Store",
)
_NUMBER = re.compile(r"(?<![\w.,])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w]|\.\d)")
COURSE_TEXT_SUFFIXES = (".py", ".toml", ".ipynb", ".md", ".txt")
FOLDERS_TO_AUDIT = ("exercises", "grader", "db", "notebooks")


def _ignored(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in SKIP_NAMES)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _significant_digits(text: str) -> str:
    mantissa = re.split(r"[eE]", text.replace(",", ""))[0].lstrip("+-−")
    return (
        mantissa.replace(".", "").lstrip("0").rstrip("0")
        if "." not in mantissa
        else mantissa.replace(".", "").strip("0")
    )


def distinctive(value: float) -> bool:
    """Whether a numeric key is specific enough that finding it written in the course material means
    the material states the answer: four significant digits or more (109386, 0.6931...), or three
    for a number of 100 or more (448, 2410). Small or round numbers (0, 16, 0.25, 1e6) are not."""
    digits = _significant_digits(repr(float(value)) if not float(value).is_integer() else str(int(value)))
    return len(digits) >= 4 or (len(digits) >= 3 and abs(value) >= 100)


def _numbers(text: str):
    for match in _NUMBER.finditer(text):
        token = match.group(0)
        try:
            value = float(token.replace(",", "").replace("−", "-"))
        except ValueError:
            continue
        yield token, value


def stated_answers_in(texts: dict[str, str], root: Path = COURSE_ROOT) -> list[tuple[str, str]]:
    """(file, what) for each quiz answer stated in `texts` (file -> text); see the module docstring.
    Numbers are looked for in course material only (exercises/, notebooks, READMEs), where a
    number is an example or a result; question ids with their answers everywhere."""
    from grader.course.answers import InvalidAnswer, format_answer, is_correct, parse_answer
    from grader.course.quizbank import load_keys, load_quizzes

    try:
        keys = load_keys(root) or {}
        questions = {q.id: q for quiz in load_quizzes(root) for q in quiz.questions if q.id in keys}
    except CourseFileProblem:
        return []  # a broken bank is reported as such; its answers cannot be known
    numeric = {qid: keys[qid] for qid, q in questions.items() if q.kind == "numeric" and distinctive(keys[qid].key)}
    found = []
    for label, text in texts.items():
        for qid, question in questions.items():
            for match in re.finditer(rf"(?<![\w.]){re.escape(qid)}(?![\w.])\s*[=:]\s*([\w.,−+-]+)", text):
                try:
                    answer = parse_answer(question, match.group(1).rstrip(".,"))
                except InvalidAnswer:
                    continue
                if is_correct(question, keys[qid], answer):
                    found.append((label, f"{qid}={format_answer(question, answer)} is its right answer"))
        if not label.endswith(COURSE_TEXT_SUFFIXES) or label.startswith(("grader/", "db/")):
            continue
        for token, value in _numbers(text):
            if len(_significant_digits(token)) < 3:
                continue  # "0.69" is not "0.6931..."; neither is "2"
            for qid, key in numeric.items():
                if abs(value - key.key) <= max(key.tolerance, 1e-9 * max(1.0, abs(key.key))):
                    found.append((label, f"{token} is the answer of {qid}"))
    return sorted(set(found))


def course_texts(root: Path, folders=("exercises", "grader", "db"), files=("README.md",)) -> dict[str, str]:
    """relative path -> text of the learner-visible text files under `root`."""
    texts = {}
    paths = [root / name for name in files if (root / name).is_file()]
    for folder in folders:
        paths += sorted(p for p in (root / folder).rglob("*") if p.is_file()) if (root / folder).is_dir() else []
    for path in paths:
        relative = path.relative_to(root)
        if any(_ignored(part) for part in relative.parts):
            continue
        try:
            texts[relative.as_posix()] = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary data (exercises/data/*.npz) holds no text
    return texts


def stated_answers(root: Path = COURSE_ROOT) -> list[tuple[str, str]]:
    """The quiz answers that the course's own learner-visible files state (for `grade course check`)."""
    return stated_answers_in(course_texts(root), root)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def secret_texts(root: Path = COURSE_ROOT) -> dict[str, str]:
    """label -> normalised text of everything a learner must not see: every file under solutions/
    (references, hidden tests, drivers, quiz keys), every test function of the hidden tests, and
    every answer-key explanation."""
    secrets: dict[str, str] = {}
    solutions = root / "solutions"
    if not solutions.is_dir():
        return secrets
    for path in sorted(solutions.rglob("*")):
        if not path.is_file() or _ignored(path.name) or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        label = path.relative_to(root).as_posix()
        if len(_normalise(text)) >= MIN_SECRET_CHARS:
            secrets[label] = _normalise(text)
        if path.suffix == ".py" and path.name.startswith("test_"):
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    segment = _normalise(ast.get_source_segment(text, node) or "")
                    if len(segment) >= MIN_SECRET_CHARS:
                        secrets[f"{label}::{node.name}"] = segment
    from grader.course.quizbank import load_keys

    for question, key in (load_keys(root) or {}).items():
        if len(_normalise(key.explanation)) >= MIN_SECRET_CHARS:
            secrets[f"the explanation of {question}"] = _normalise(key.explanation)
    return secrets


def find_leaks(release: Path, root: Path = COURSE_ROOT, secrets: dict[str, str] | None = None) -> list[str]:
    """Everything in `release` that gives something away, one line each; [] when the copy is clean."""
    secrets = secret_texts(root) if secrets is None else secrets
    hidden_test_names = (
        {p.name for p in (root / "solutions").rglob("test_*.py")} if (root / "solutions").is_dir() else set()
    )
    leaks = []
    for path in sorted(release.rglob("*")):
        relative = path.relative_to(release).as_posix()
        if relative.split("/")[0] == "solutions":
            leaks.append(f"{relative} is instructor material")
            continue
        if not path.is_file():
            continue
        if path.name in hidden_test_names:
            leaks.append(f"{relative} has the name of a hidden test file")
        if _ignored(path.name):
            leaks.append(f"{relative} should not be shipped")
        try:
            text = _normalise(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue  # binary data (e.g. exercises/data/*.npz) cannot hold source text
        for label, secret in secrets.items():
            if secret in text:
                leaks.append(f"{relative} contains {label}")
    short = stated_answers_in(course_texts(release, folders=FOLDERS_TO_AUDIT, files=("README.md",)), root)
    leaks += [f"{where} states a quiz answer: {what}" for where, what in short]
    return leaks
