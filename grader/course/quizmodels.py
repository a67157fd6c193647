"""The quiz bank's files as typed models: a quiz (exercises/quizzes/<id>.toml) and its answer keys
(solutions/quizzes/<id>.toml). Three kinds of question:

  single    one choice id, e.g. "b"
  multiple  every choice that applies, e.g. "a,c" (exact set match)
  numeric   a number ("42", "1e-3", "5/3"), right when |answer - key| <= tolerance

pydantic validates each file against these dataclasses (`grader.course.validation`); their
`__post_init__` normalises the values and checks what types cannot say. The rules across files
are in `grader.course.bankchecks`, the loading in `grader.course.quizbank`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.course.schema import SCHEMA_CONFIG, Rules, from_toml

QUIZ_DIR = Path("exercises", "quizzes")
KEY_DIR = Path("solutions", "quizzes")
KINDS = ("single", "multiple", "numeric")
LEAKS = ("key", "answer", "tolerance", "explanation", "correct")  # never in a learner's file
_QUIZ_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Choice:
    __pydantic_config__ = SCHEMA_CONFIG

    id: str  # one lowercase letter
    text: str

    def __post_init__(self):
        object.__setattr__(self, "text", self.text.strip())
        rules = Rules()
        rules.check(
            re.fullmatch(r"[a-z]", self.id) is not None, "id", f"a choice id is one lowercase letter, not '{self.id}'"
        )
        rules.check(bool(self.text), "text", "the choice's 'text' must not be empty")
        rules.done()


@dataclass(frozen=True)
class Question:
    __pydantic_config__ = SCHEMA_CONFIG

    id: str  # "<quiz>.<n>"
    kind: Literal["single", "multiple", "numeric"]
    text: str
    choices: tuple[Choice, ...] = ()  # single and multiple only
    unit: str | None = None  # numeric only: "109386 parameters" is read as 109386

    def __post_init__(self):
        choices = tuple(c if isinstance(c, Choice) else from_toml(Choice, c) for c in self.choices)
        object.__setattr__(self, "choices", choices)
        object.__setattr__(self, "text", self.text.strip())
        if self.unit is not None:
            object.__setattr__(self, "unit", self.unit.strip())
        rules = Rules()
        rules.check(bool(self.text), "text", "the question's 'text' must not be empty")
        ids = [choice.id for choice in choices]
        for index, choice_id in enumerate(ids):
            rules.check(choice_id not in ids[:index], ("choices", index, "id"), f"duplicate choice id '{choice_id}'")
        if self.kind == "numeric":
            rules.check(not choices, "choices", "a numeric question has no choices")
            rules.check(self.unit is None or bool(self.unit), "unit", "'unit' must not be empty")
        else:
            rules.check(len(choices) >= 2, "choices", f"a {self.kind} question needs at least 2 choices")
            rules.check(self.unit is None, "unit", "'unit' is only for numeric questions")
        rules.done()

    @property
    def quiz(self) -> str:
        """The id of the quiz it belongs to (its id is '<quiz>.<n>')."""
        return self.id.rpartition(".")[0]

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


@dataclass(frozen=True)
class Quiz:
    """exercises/quizzes/<id>.toml: one chapter's questions."""

    __pydantic_config__ = SCHEMA_CONFIG

    id: str
    chapter: int
    title: str
    questions: tuple[Question, ...]

    def __post_init__(self):
        questions = tuple(q if isinstance(q, Question) else from_toml(Question, q) for q in self.questions)
        object.__setattr__(self, "questions", questions)
        object.__setattr__(self, "title", self.title.strip())
        rules = Rules()
        rules.check(
            _QUIZ_ID.fullmatch(self.id) is not None,
            "id",
            f"the id must be a lowercase name like 'neurons', not '{self.id}'",
        )
        rules.check(self.chapter >= 1, "chapter", "'chapter' must be 1 or more")
        rules.check(bool(self.title), "title", "'title' must not be empty")
        rules.check(bool(questions), "question", "no questions (expected [[question]] tables)")
        seen = []
        for index, question in enumerate(questions):
            where = ("question", index, "id")
            rules.check(
                re.fullmatch(rf"{re.escape(self.id)}\.[1-9]\d*", question.id) is not None,
                where,
                f"the id must be '{self.id}.<n>' (n = 1, 2, ...), not '{question.id}'",
            )
            rules.check(question.id not in seen, where, f"duplicate question id '{question.id}'")
            seen.append(question.id)
        rules.done()


KeyValue = str | tuple[str, ...] | float


@dataclass(frozen=True)
class Key:
    """single: a choice id; multiple: a sorted tuple of ids; numeric: a float."""

    __pydantic_config__ = SCHEMA_CONFIG

    question: str
    key: str | tuple[str, ...] | float
    tolerance: float = 0.0  # numeric only: how far from the key an answer may be
    explanation: str = ""  # shown to the learner after answering

    def __post_init__(self):
        key = self.key
        if isinstance(key, str):
            key = key.strip()
        elif isinstance(key, (list, tuple)):
            key = tuple(sorted(item.strip() for item in key))
        else:
            key = float(key)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "tolerance", float(self.tolerance))
        object.__setattr__(self, "explanation", self.explanation.strip())
        rules = Rules()
        if isinstance(key, tuple):
            rules.check(bool(key), "key", "a multiple-choice key must list at least one choice id")
            rules.check(len(set(key)) == len(key), "key", f"the key lists a choice id twice: {list(key)}")
        elif isinstance(key, float):
            rules.check(math.isfinite(key), "key", "a numeric key must be finite")
        else:
            rules.check(bool(key), "key", "'key' is empty")
        rules.check(
            math.isfinite(self.tolerance) and self.tolerance >= 0, "tolerance", "'tolerance' must be a number >= 0"
        )
        rules.check(
            bool(self.explanation), "explanation", "needs an 'explanation' (shown to the learner after answering)"
        )
        rules.done()


@dataclass(frozen=True)
class KeyFile:
    """solutions/quizzes/<id>.toml: the keys of one quiz."""

    __pydantic_config__ = SCHEMA_CONFIG

    answers: tuple[Key, ...]

    def __post_init__(self):
        answers = tuple(a if isinstance(a, Key) else from_toml(Key, a) for a in self.answers)
        object.__setattr__(self, "answers", answers)
        rules = Rules()
        seen = []
        for index, answer in enumerate(answers):
            rules.check(answer.question not in seen, ("answer", index), "the question has more than one key")
            seen.append(answer.question)
        rules.done()
