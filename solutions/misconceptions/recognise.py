"""Predicates for `@misconception(..., detect=...)`: recognising a mistake from the learner's call itself.

A catalogue entry usually replays its wrong version on the test's arguments and compares values.
Some mistakes leave no trace in the returned value (the input changed in place, a right value
returned), are written in many equivalent ways, or raise an exception that a replay cannot
reproduce (an AssertionError); these predicates look at the logged call instead
(`grader.engine.testkit.Call`: the arguments sent, `call.reply.args` as they came back, the value,
the error). Each takes `(call, expected)`, `expected` being the reference's value (None when the
reference raised), and must be False whenever it is not sure.
"""

from __future__ import annotations

import re

import numpy as np


def raised(call, *names: str) -> bool:
    """The learner's call raised an exception of one of these type names."""
    return call.error is not None and getattr(call.error, "type_name", None) in names


def raised_with(type_name: str, *phrases: str):
    """A predicate: the call raised `type_name` with every one of `phrases` in its message."""

    def detect(call, expected):
        return raised(call, type_name) and all(phrase in str(call.error) for phrase in phrases)

    return detect


def either(*predicates):
    """A predicate that holds when any of `predicates` does."""
    return lambda call, expected: any(predicate(call, expected) for predicate in predicates)


def input_became(transform, position: int = 0):
    """A predicate: the call returned, and its argument `position` now holds `transform(call)`.

    `transform` computes, from the call's original arguments, what an in-place version leaves in
    that argument (x with its negatives zeroed, z minus its maximum...).
    """

    def detect(call, expected):
        if call.reply is None or len(call.reply.args) <= position:
            return False
        before, after = np.asarray(call.args[position], dtype=np.float64), call.reply.args[position]
        if not isinstance(after, np.ndarray) or after.shape != before.shape:
            return False
        with np.errstate(all="ignore"):
            changed = np.asarray(transform(call), dtype=np.float64)
        after = after.astype(np.float64)
        return not np.array_equal(after, before) and np.allclose(after, changed, rtol=1e-6, atol=1e-9)

    return detect


def same(got, candidate) -> bool:
    """Whether a learner's value equals a candidate array or number (NaN equal to NaN)."""
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(candidate) and bool(np.allclose(got, candidate, rtol=1e-6, atol=1e-9, equal_nan=True))


def as_float(value) -> float | None:
    """A learner's scalar as a float, or None when it is not one."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


REDUCTION = re.compile(r"(?<![\w])(max|amax|sum|logsumexp)\(")  # np.max(, z.sum(; not softmax(


def failing_line(call) -> str:
    """The line of the learner's file where the call raised (the judge quotes it), or ""."""
    found = re.search(r"\(your file, line \d+, in [^:]*: (.*)\)$", str(call.error or ""))
    return found.group(1) if found else ""


def broadcast_failed_at_a_reduction(call, expected) -> bool:
    """numpy could not broadcast, on a line that takes a max or a sum: a reduced axis was dropped."""
    return (
        raised(call, "ValueError")
        and "could not be broadcast" in str(call.error)
        and REDUCTION.search(failing_line(call)) is not None
    )
