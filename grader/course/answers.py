"""A learner's answer to a quiz question: read it, judge it against the key, write it canonically.

    parse_answer(question, "A, c")      -> ("a", "c")
    is_correct(question, key, answer)   -> True / False
    format_answer(question, answer)     -> "a,c" (as stored in the database)

Pure Python: no click, no SQL, no numpy. `grade quiz` and the database sit on top of these.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from grader.course.quizmodels import Key, KeyValue, Question

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?")


class InvalidAnswer(ValueError):
    """A learner's answer cannot be read; the message is one line saying why."""


def _is_number(value) -> bool:
    # bool is a subclass of int, but `key = true` is surely a mistake
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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
