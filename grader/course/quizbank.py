"""The quiz bank: load the chapter quizzes, check them, read and score answers.

Learners see `exercises/quizzes/<id>.toml` (questions and choices only); the
instructor's answer keys and explanations live in `solutions/quizzes/<id>.toml`,
which the learners' release copy does not ship. Three kinds of question:

  single    one choice id, e.g. "b"
  multiple  every choice that applies, e.g. "a,c" (exact set match)
  numeric   a number ("109386", "109,386", "1e-3", "5/3"), right when
            |answer - key| <= tolerance

Pure Python (tomllib + dataclasses): no click, no SQL, no numpy. The `grade quiz`
command and the database sit on top of `load_quizzes`, `load_keys`,
`parse_answer`, `is_correct` and `format_answer`.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("single", "multiple", "numeric")
QUIZ_DIR = Path("exercises", "quizzes")
KEY_DIR = Path("solutions", "quizzes")

_QUIZ_FIELDS = {"id", "chapter", "title", "question"}
_QUESTION_FIELDS = {"id", "kind", "text", "choices", "unit"}
_CHOICE_FIELDS = {"id", "text"}
_KEYFILE_FIELDS = {"answer"}
_ANSWER_FIELDS = {"question", "key", "tolerance", "explanation"}
_LEAKS = {"key", "answer", "tolerance", "explanation", "correct"}

_CHOICE_ID = re.compile(r"[a-z]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?")


class QuizBankError(Exception):
    """A quiz or key file is missing, is not valid TOML or breaks the schema."""


class InvalidAnswer(ValueError):
    """A learner's answer cannot be read; the message is one line saying why."""


@dataclass(frozen=True)
class Choice:
    id: str
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    quiz: str
    kind: str
    text: str
    choices: tuple[Choice, ...] = ()
    unit: str | None = None

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


@dataclass(frozen=True)
class Quiz:
    id: str
    chapter: int
    title: str
    questions: tuple[Question, ...]


KeyValue = str | tuple[str, ...] | float


@dataclass(frozen=True)
class Key:
    """single: a choice id; multiple: a sorted tuple of ids; numeric: a float."""

    question: str
    key: KeyValue
    tolerance: float = 0.0
    explanation: str = ""


# ---------------------------------------------------------------- reading files


def _label(path: Path) -> str:
    """exercises/quizzes/x.toml or solutions/quizzes/x.toml: both folders use the same names."""
    return "/".join(path.parts[-3:])


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise QuizBankError(f"{_label(path)}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise QuizBankError(f"{_label(path)}: cannot be read: {exc.strerror}") from None


def _is_number(value: Any) -> bool:
    # bool is a subclass of int, but `key = true` is surely a mistake
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _unknown(table: dict, allowed: set[str]) -> list[str]:
    return sorted(set(table) - allowed)


@dataclass
class _ParsedQuiz:
    file: str
    quiz: Quiz | None
    problems: list[str]
    seen_ids: list[str]  # every question id written in the file, valid or not


def _parse_choices(raw: Any, where: str) -> tuple[tuple[Choice, ...], list[str]]:
    if not isinstance(raw, list):
        return (), [f"{where}: choices must be a list of {{ id, text }} tables"]
    problems, choices, seen = [], [], set()
    for n, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            problems.append(f"{where}: choice {n} must be a {{ id, text }} table")
            continue
        extra = _unknown(entry, _CHOICE_FIELDS)
        if extra:
            problems.append(f"{where}: choice {n} has unknown field(s) {', '.join(extra)}")
        cid, text = entry.get("id"), entry.get("text")
        if not isinstance(cid, str) or not _CHOICE_ID.fullmatch(cid):
            problems.append(f"{where}: choice {n} needs an id that is one lowercase letter, got {cid!r}")
            continue
        if cid in seen:
            problems.append(f"{where}: duplicate choice id '{cid}'")
            continue
        seen.add(cid)
        if not _nonempty_str(text):
            problems.append(f"{where}: choice '{cid}' needs a non-empty text")
            continue
        choices.append(Choice(cid, text.strip()))
    if len(raw) < 2:
        problems.append(f"{where}: needs at least 2 choices, has {len(raw)}")
    return tuple(choices), problems


def _parse_question(raw: Any, n: int, quiz_id: str, file: str) -> tuple[Question | None, list[str], str | None]:
    if not isinstance(raw, dict):
        return None, [f"{file}: question {n} must be a table ([[question]])"], None
    qid = raw.get("id")
    where = f"{file}: question '{qid}'" if isinstance(qid, str) else f"{file}: question {n}"
    problems = []
    leaked = sorted(set(raw) & _LEAKS)
    if leaked:
        problems.append(
            f"{where}: {', '.join(leaked)} must not appear in the learners' file "
            f"(answers belong in {KEY_DIR.as_posix()}/)"
        )
    extra = [name for name in _unknown(raw, _QUESTION_FIELDS) if name not in _LEAKS]
    if extra:
        problems.append(f"{where}: unknown field(s) {', '.join(extra)}")
    if not isinstance(qid, str) or not re.fullmatch(rf"{re.escape(quiz_id)}\.[1-9]\d*", qid):
        problems.append(f"{where}: the id must be '{quiz_id}.<n>' (n = 1, 2, ...), got {qid!r}")
    kind, text, unit = raw.get("kind"), raw.get("text"), raw.get("unit")
    if kind not in KINDS:
        problems.append(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if not _nonempty_str(text):
        problems.append(f"{where}: text must be a non-empty string")
    choices: tuple[Choice, ...] = ()
    if kind in ("single", "multiple"):
        if "choices" not in raw:
            problems.append(f"{where}: a {kind} question needs choices")
        else:
            choices, more = _parse_choices(raw["choices"], where)
            problems += more
        if unit is not None:
            problems.append(f"{where}: unit is only for numeric questions")
    elif kind == "numeric":
        if "choices" in raw:
            problems.append(f"{where}: a numeric question has no choices")
        if unit is not None and not _nonempty_str(unit):
            problems.append(f"{where}: unit must be a non-empty string")
    seen = qid if isinstance(qid, str) else None
    if problems:
        return None, problems, seen
    unit = unit.strip() if kind == "numeric" and unit is not None else None
    return Question(qid, quiz_id, kind, text.strip(), choices, unit), [], seen


def _parse_quiz(doc: dict[str, Any], path: Path) -> _ParsedQuiz:
    file = _label(path)
    problems = []
    extra = _unknown(doc, _QUIZ_FIELDS)
    if extra:
        problems.append(f"{file}: unknown top-level field(s) {', '.join(extra)}")
    quiz_id, chapter, title = doc.get("id"), doc.get("chapter"), doc.get("title")
    if not isinstance(quiz_id, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", quiz_id):
        problems.append(f"{file}: id must be a lowercase name like 'neurons', got {quiz_id!r}")
        quiz_id = path.stem  # keep checking the questions against the file name
    elif quiz_id != path.stem:
        problems.append(f"{file}: id '{quiz_id}' does not match the file name (expected {quiz_id}.toml)")
    if not isinstance(chapter, int) or isinstance(chapter, bool) or chapter < 1:
        problems.append(f"{file}: chapter must be a positive integer, got {chapter!r}")
    if not _nonempty_str(title):
        problems.append(f"{file}: title must be a non-empty string")
    raw_questions = doc.get("question")
    questions, seen_ids = [], []
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(f"{file}: no questions (expected [[question]] tables)")
        raw_questions = []
    for n, raw in enumerate(raw_questions, 1):
        question, more, seen = _parse_question(raw, n, quiz_id, file)
        problems += more
        if seen is not None:
            if seen in seen_ids:
                problems.append(f"{file}: duplicate question id '{seen}'")
                question = None
            seen_ids.append(seen)
        if question is not None:
            questions.append(question)
    quiz = None
    if isinstance(chapter, int) and not isinstance(chapter, bool) and _nonempty_str(title):
        quiz = Quiz(quiz_id, chapter, title.strip(), tuple(questions))
    return _ParsedQuiz(file, quiz, problems, seen_ids)


@dataclass
class _ParsedKeys:
    file: str
    keys: list[Key]
    problems: list[str]
    seen_ids: list[str]


def _parse_key_value(value: Any, where: str) -> tuple[KeyValue | None, list[str]]:
    if isinstance(value, bool):
        return None, [f"{where}: key must be a choice id, a list of choice ids or a number, not a boolean"]
    if _is_number(value):
        if not math.isfinite(value):
            return None, [f"{where}: a numeric key must be finite"]
        return float(value), []
    if isinstance(value, str):
        if not value.strip():
            return None, [f"{where}: key is empty"]
        return value.strip(), []
    if isinstance(value, list):
        if not value:
            return None, [f"{where}: a multiple-choice key must list at least one choice id"]
        if not all(isinstance(v, str) and v.strip() for v in value):
            return None, [f"{where}: a multiple-choice key must be a list of choice ids (strings)"]
        ids = [v.strip() for v in value]
        if len(set(ids)) != len(ids):
            return None, [f"{where}: the key lists a choice id twice: {value!r}"]
        return tuple(sorted(ids)), []
    return None, [f"{where}: key must be a choice id, a list of choice ids or a number, got {value!r}"]


def _parse_keys(doc: dict[str, Any], path: Path) -> _ParsedKeys:
    file = _label(path)
    problems, keys, seen_ids = [], [], []
    extra = _unknown(doc, _KEYFILE_FIELDS)
    if extra:
        problems.append(f"{file}: unknown top-level field(s) {', '.join(extra)}")
    entries = doc.get("answer", [])
    if not isinstance(entries, list):
        return _ParsedKeys(file, [], problems + [f"{file}: expected [[answer]] tables"], [])
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            problems.append(f"{file}: answer {n} must be a table ([[answer]])")
            continue
        qid = entry.get("question")
        where = f"{file}: key for '{qid}'" if _nonempty_str(qid) else f"{file}: answer {n}"
        mine = []
        more = _unknown(entry, _ANSWER_FIELDS)
        if more:
            mine.append(f"{where}: unknown field(s) {', '.join(more)}")
        if not _nonempty_str(qid):
            mine.append(f'{where}: needs question = "<quiz>.<n>"')
        elif qid in seen_ids:
            mine.append(f"{where}: the question has more than one key")
        if _nonempty_str(qid):
            seen_ids.append(qid)
        if "key" not in entry:
            mine.append(f"{where}: no key")
            value = None
        else:
            value, bad = _parse_key_value(entry["key"], where)
            mine += bad
        tolerance = entry.get("tolerance", 0.0)
        if not _is_number(tolerance) or not math.isfinite(tolerance) or tolerance < 0:
            mine.append(f"{where}: tolerance must be a number >= 0, got {tolerance!r}")
        explanation = entry.get("explanation")
        if not _nonempty_str(explanation):
            mine.append(f"{where}: needs an explanation (shown to the learner after answering)")
        problems += mine
        if not mine:
            keys.append(Key(qid, value, float(tolerance), explanation.strip()))
    return _ParsedKeys(file, keys, problems, seen_ids)


def _toml_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.toml") if path.is_file())


def _summary(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return f"{problems[0]} (and {len(problems) - 1} more problem(s))"


# ---------------------------------------------------------------- public loading


def load_quizzes(course_root: Path) -> list[Quiz]:
    """Every quiz under exercises/quizzes/, ordered by chapter.

    Raises QuizBankError (naming the file) on a malformed file, and on a quiz id,
    chapter or question id used twice in the bank.
    """
    folder = Path(course_root) / QUIZ_DIR
    if not folder.is_dir():
        raise QuizBankError(f"no quiz folder at {folder}")
    quizzes: list[Quiz] = []
    owner: dict[str, str] = {}  # question id -> file
    by_id: dict[str, str] = {}  # quiz id -> file
    by_chapter: dict[int, str] = {}
    for path in _toml_files(folder):
        parsed = _parse_quiz(_read_toml(path), path)
        if parsed.problems:
            raise QuizBankError(_summary(parsed.problems))
        quiz = parsed.quiz
        here = _label(path)
        for other, key, label in ((by_id, quiz.id, "quiz id"), (by_chapter, quiz.chapter, "chapter")):
            if key in other:
                raise QuizBankError(f"{here}: {label} {key!r} is also used by {other[key]}")
            other[key] = here
        for question in quiz.questions:
            if question.id in owner:
                raise QuizBankError(f"{here}: question id '{question.id}' is also used in {owner[question.id]}")
            owner[question.id] = here
        quizzes.append(quiz)
    return sorted(quizzes, key=lambda quiz: (quiz.chapter, quiz.id))


def load_keys(course_root: Path) -> dict[str, Key] | None:
    """The answer keys by question id, or None when solutions/quizzes/ is absent
    (the learners' release copy). Raises QuizBankError on a malformed key file."""
    folder = Path(course_root) / KEY_DIR
    if not folder.is_dir():
        return None
    keys: dict[str, Key] = {}
    owner: dict[str, str] = {}
    for path in _toml_files(folder):
        parsed = _parse_keys(_read_toml(path), path)
        if parsed.problems:
            raise QuizBankError(_summary(parsed.problems))
        for key in parsed.keys:
            if key.question in keys:
                raise QuizBankError(
                    f"{_label(path)}: question '{key.question}' also has a key in {owner[key.question]}"
                )
            keys[key.question] = key
            owner[key.question] = _label(path)
    return keys


# ---------------------------------------------------------------- validation


def _check_key_against(question: Question, key: Key, file: str) -> list[str]:
    where = f"{file}: key for '{question.id}'"
    value, ids = key.key, question.choice_ids
    if question.kind == "single":
        if not isinstance(value, str):
            return [f"{where}: a single-choice key is one choice id (a string), got {value!r}"]
        if value not in ids:
            return [f"{where}: '{value}' is not among the choices {', '.join(ids)}"]
        if key.tolerance:
            return [f"{where}: tolerance only applies to numeric questions"]
    elif question.kind == "multiple":
        if not isinstance(value, tuple):
            return [f"{where}: a multiple-choice key is a list of choice ids, got {value!r}"]
        missing = [v for v in value if v not in ids]
        if missing:
            return [f"{where}: {', '.join(repr(m) for m in missing)} not among the choices {', '.join(ids)}"]
        if key.tolerance:
            return [f"{where}: tolerance only applies to numeric questions"]
    else:
        if not isinstance(value, float):
            return [f"{where}: a numeric key must be a number, got {value!r}"]
    return []


def validate_bank(course_root: Path) -> list[str]:
    """Every problem found in the quiz bank and its keys, one readable line each;
    an empty list means the bank is valid. Never raises for a bad bank."""
    root = Path(course_root)
    quiz_folder, key_folder = root / QUIZ_DIR, root / KEY_DIR
    if not quiz_folder.is_dir():
        return [f"no quiz folder at {quiz_folder}"]
    problems: list[str] = []
    questions: dict[str, Question] = {}
    known: dict[str, str] = {}  # every question id written in a quiz file -> that file's name
    unreadable: set[str] = set()  # quiz ids whose file is not even TOML
    quiz_ids: dict[str, str] = {}
    chapters: dict[int, str] = {}
    quiz_files = _toml_files(quiz_folder)
    if not quiz_files:
        problems.append(f"{QUIZ_DIR.as_posix()}/ holds no quiz files")
    for path in quiz_files:
        here = _label(path)
        try:
            parsed = _parse_quiz(_read_toml(path), path)
        except QuizBankError as exc:
            problems.append(str(exc))
            unreadable.add(path.stem)
            continue
        problems += parsed.problems
        for qid in parsed.seen_ids:
            if qid in known and known[qid] != path.name:
                problems.append(f"{here}: question id '{qid}' is also used in {QUIZ_DIR.as_posix()}/{known[qid]}")
            known.setdefault(qid, path.name)
        quiz = parsed.quiz
        if quiz is None:
            continue
        for table, value, label in ((quiz_ids, quiz.id, "quiz id"), (chapters, quiz.chapter, "chapter")):
            if value in table:
                problems.append(f"{here}: {label} {value!r} is also used by {table[value]}")
            table.setdefault(value, here)
        for question in quiz.questions:
            questions.setdefault(question.id, question)

    if not key_folder.is_dir():
        problems.append(f"no answer keys: {KEY_DIR.as_posix()}/ is missing")
        return problems
    keyed: dict[str, str] = {}  # question id -> the key file that answers it
    for path in _toml_files(key_folder):
        here = _label(path)
        try:
            parsed_keys = _parse_keys(_read_toml(path), path)
        except QuizBankError as exc:
            problems.append(str(exc))
            continue
        problems += parsed_keys.problems
        if not (quiz_folder / path.name).exists():
            problems.append(f"{here}: answer keys for a quiz that does not exist ({QUIZ_DIR.as_posix()}/{path.name})")
        for qid in parsed_keys.seen_ids:
            if qid in keyed and keyed[qid] != here:
                problems.append(f"{here}: question '{qid}' also has a key in {keyed[qid]}")
            keyed.setdefault(qid, here)
            if qid not in known:
                if qid.split(".")[0] not in unreadable:  # already reported as unreadable
                    problems.append(f"{here}: key for unknown question '{qid}'")
            elif known[qid] != path.name:
                problems.append(f"{here}: the key for '{qid}' belongs in {KEY_DIR.as_posix()}/{known[qid]}")
        for key in parsed_keys.keys:
            if key.question in questions:
                problems += _check_key_against(questions[key.question], key, here)
    for qid, name in known.items():
        if qid not in keyed:
            problems.append(
                f"{QUIZ_DIR.as_posix()}/{name}: question '{qid}' has no answer key in {KEY_DIR.as_posix()}/{name}"
            )
    return problems


# ---------------------------------------------------------------- answers


def _listing(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _parse_number(question: Question, text: str) -> float:
    if question.unit and text.lower().endswith(question.unit.lower()):
        text = text[: -len(question.unit)].strip()  # "109386 parameters" is fine
    text = text.replace("\u2212", "-")  # a typographic minus sign
    if not text:
        raise InvalidAnswer("empty answer; enter a number, e.g. 42, 0.25 or 1e-3")
    fraction = re.fullmatch(r"(\S+?)\s*/\s*(\S+)", text)
    if fraction:  # "5/3" is as good as 1.667
        numerator, denominator = (_plain_number(part, text) for part in fraction.groups())
        if denominator == 0:
            raise InvalidAnswer(f"{text!r} divides by zero; answer with a number such as 42, 0.25 or 1e-3")
        value = numerator / denominator
    else:
        value = _plain_number(text, text)
    if not math.isfinite(value):
        raise InvalidAnswer(f"{text!r} is too large to be an answer")
    return value


def _plain_number(part: str, text: str) -> float:
    if _GROUPED.fullmatch(part):
        part = part.replace(",", "")
    elif "," in part:
        raise InvalidAnswer(
            f"{text!r} is not a number; write decimals with a point (0.5) and use commas "
            "only between groups of three digits (109,386)"
        )
    if not _NUMBER.fullmatch(part):
        raise InvalidAnswer(f"{text!r} is not a number; answer with a number such as 42, 0.25 or 1e-3")
    return float(part)


def _split_choices(text: str) -> list[str]:
    return [token for token in re.split(r"[\s,;]+", text) if token]


def parse_answer(question: Question, raw: str) -> KeyValue:
    """The learner's typed answer, normalised: a choice id (single), a sorted
    tuple of distinct choice ids (multiple) or a float (numeric).

    Raises InvalidAnswer with a one-line reason for anything unreadable.
    """
    if not isinstance(raw, str):
        raise InvalidAnswer(f"the answer must be text, got {type(raw).__name__}")
    text = raw.strip()
    if question.kind == "numeric":
        return _parse_number(question, text)
    ids = question.choice_ids
    if question.kind == "single":
        if not text:
            raise InvalidAnswer(f"empty answer; answer with one of {_listing(ids)}")
        answer = text.lower().strip("().")  # "(b)" or "b." mean b
        if answer in ids:
            return answer
        tokens = _split_choices(answer)
        if len(tokens) == 1 and len(answer) > 1 and all(letter in ids for letter in answer):
            tokens = list(answer)  # "ab"
        if len(tokens) > 1 and all(token in ids for token in tokens):
            raise InvalidAnswer(f"this question has one answer; answer with one of {_listing(ids)}")
        raise InvalidAnswer(f"{text!r} is not a choice; answer with one of {_listing(ids)}")
    if question.kind != "multiple":
        raise ValueError(f"unknown question kind {question.kind!r}")
    example = ",".join(ids[:2])
    tokens = _split_choices(text.lower())
    if not tokens:
        raise InvalidAnswer(f"empty answer; answer with one or more of {_listing(ids)}, e.g. {example}")
    chosen: set[str] = set()
    for token in tokens:
        if token in ids:
            chosen.add(token)
            continue
        bad = [letter for letter in token if letter not in ids]
        if not bad:
            chosen.update(token)  # "ac" means a and c
            continue
        if token.isalpha() and len(bad) < len(token):
            token = bad[0]  # "ace" where only e is wrong
        raise InvalidAnswer(f"{token!r} is not a choice; answer with one or more of {_listing(ids)}, e.g. {example}")
    return tuple(sorted(chosen))


def is_correct(question: Question, key: Key | KeyValue, answer: KeyValue) -> bool:
    """Whether a parsed answer matches the key: same id (single), the same set
    of ids (multiple), within the key's absolute tolerance (numeric).

    `key` is normally a Key; a bare key value is judged with tolerance 0.
    """
    if isinstance(key, Key):
        if key.question != question.id:
            raise ValueError(f"key for '{key.question}' used to judge question '{question.id}'")
        expected, tolerance = key.key, key.tolerance
    else:
        expected, tolerance = key, 0.0
    if question.kind == "single":
        return isinstance(answer, str) and answer == expected
    if question.kind == "multiple":
        if isinstance(answer, str) or isinstance(expected, str):
            return False
        return set(answer) == set(expected)
    if question.kind == "numeric":
        if not _is_number(answer) or not _is_number(expected):
            return False
        # a hair of slack so that 0.51 is within 0.01 of 0.5 despite binary rounding
        slack = 1e-9 * max(1.0, abs(float(expected)))
        return abs(float(answer) - float(expected)) <= tolerance + slack
    raise ValueError(f"unknown question kind {question.kind!r}")


def _format_number(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def format_answer(question: Question, answer: KeyValue) -> str:
    """The canonical text of an answer, as stored in the database: "b", "a,c",
    "109386", "0.25". A raw string is parsed first (so it may raise InvalidAnswer);
    `parse_answer(question, format_answer(question, a))` gives `a` back."""
    if isinstance(answer, str):
        answer = parse_answer(question, answer)
    if question.kind == "single":
        return answer
    if question.kind == "multiple":
        return ",".join(sorted(set(answer)))
    if question.kind == "numeric":
        return _format_number(answer)
    raise ValueError(f"unknown question kind {question.kind!r}")


if __name__ == "__main__":  # python -m grader.course.quizbank: check the installed course's bank
    import sys

    from grader.course.catalog import COURSE_ROOT

    found = validate_bank(COURSE_ROOT)
    print("\n".join(found) if found else "quiz bank OK")
    sys.exit(1 if found else 0)
