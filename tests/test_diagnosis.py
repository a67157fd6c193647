"""Behavioural diagnosis (grader.engine.behaviour): each pattern on a made-up call, and no pattern
where the evidence is not there."""

from __future__ import annotations

import numpy as np
import pytest

from grader.engine import behaviour
from grader.engine.diagnosis import Outcome
from grader.engine.sandbox import Reply
from grader.engine.testkit import Call

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 3))


def explain(got, expected, *args, warnings=()):
    call = Call("call", "f", args, {}, reply=Reply(got, warnings=list(warnings)))
    found = behaviour.explain("demo", [(call, Outcome(got))], [Outcome(expected)])
    return found and found["id"]


def test_a_sum_for_a_mean_names_the_count():
    assert explain(X.sum(), X.mean(), X, X) == "demo.not_divided_by_count"
    assert explain(X * 4, X, X) == "demo.not_divided_by_count"  # 4 rows: the batch size
    assert explain(X / 4, X, X) == "demo.divided_by_count_too_often"


def test_a_factor_two_when_the_input_has_two_rows_names_neither_cause_alone():
    two_rows = X[:2]
    for got, word in ((two_rows * 2, "twice"), (two_rows / 2, "half")):
        call = Call("call", "f", (two_rows,), {}, reply=Reply(got, warnings=[]))
        found = behaviour.explain("demo", [(call, Outcome(got))], [Outcome(two_rows)])
        assert found["id"] == "demo.factor_of_two" and word in found["text"]
        assert "a factor 2" in found["text"] and "the number of rows" in found["text"]


def test_a_factor_that_is_no_size_of_the_input_is_not_named():
    assert explain(X * 7, X, X) is None
    assert explain(X.sum() * 1.37, X.sum(), X) is None


def test_sign_transpose_and_shapes():
    assert explain(-X, X, X) == "demo.sign_flipped"
    assert explain(X.T.copy(), X, X) == "demo.transposed"
    assert explain(X.sum(axis=1), X.sum(axis=1, keepdims=True), X) == "demo.keepdims_forgotten"
    v = X[:, 0]
    assert explain(v - v[:, None], np.zeros(4), X) == "demo.broadcast_to_square"


def test_wrong_entries_in_one_place():
    x = X.copy()
    x[0, 0] = x[2, 1] = 0.0
    right = (x > 0).astype(float)
    assert explain((x >= 0).astype(float), right, x) == "demo.wrong_only_at_zero"
    leaky = np.where(x > 0, x, 0.01 * x)
    assert explain(np.where(x > 0, x, 0.2 * x), leaky, x) == "demo.wrong_only_for_negative_inputs"
    square = RNG.normal(size=(3, 3))
    assert explain(square + np.eye(3), square, RNG.normal(size=(5,))) == "demo.wrong_only_on_diagonal"
    last = X.copy()
    last[-1] += 1.0
    assert explain(last, X, RNG.normal(size=(9,))) == "demo.wrong_only_last_row"


def test_lists_in_reverse_order_and_one_wrong_item():
    items = [RNG.normal(size=(2, 3)), RNG.normal(size=(3,)), RNG.normal(size=(3, 1))]
    assert explain(items[::-1], items, X) == "demo.reversed_order"
    one_off = [items[0], -items[1], items[2]]
    assert explain(one_off, items, X) == "demo.sign_flipped"


@pytest.mark.parametrize(
    "warning, expected",
    [
        ("RuntimeWarning: divide by zero encountered in log", "demo.log_of_zero"),
        ("RuntimeWarning: invalid value encountered in divide", "demo.zero_divided_by_zero"),
        ("RuntimeWarning: overflow encountered in exp", "demo.overflow_in_exp"),
    ],
)
def test_nan_tells_log_of_zero_from_zero_by_zero_from_overflow(warning, expected):
    bad = X.copy()
    bad[1, 1] = np.nan
    assert explain(bad, X, X, warnings=[warning]) == expected
    assert explain(bad, X, X) is None  # no warning, no guess


def test_every_failing_call_must_show_the_same_pattern():
    first = Call("call", "f", (X,), {}, reply=Reply(X * 4))
    second = Call("call", "f", (X,), {}, reply=Reply(-X))
    records = [(first, Outcome(X * 4)), (second, Outcome(-X))]
    assert behaviour.explain("demo", records, [Outcome(X), Outcome(X)]) is None
