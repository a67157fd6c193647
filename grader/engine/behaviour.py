"""Behavioural diagnosis: what a wrong result is, compared with the expected one.

Used by `grader.engine.diagnosis` when no catalogued misconception explains a failure. Each
pattern is a cheap transformation of the expected value that a common mistake produces: a
constant factor that is a size of the input (a sum for a mean), the opposite sign, a transpose, a
dropped axis, wrong entries only where x == 0 or only in the last row, a list in reverse order,
NaN from log(0) or from 0/0 told apart from an overflow. A pattern counts only when every failing
call of the test shows the same one. Texts state facts about the learner's own result and never
show an expected value.
"""

from __future__ import annotations

import numpy as np

RTOL, ATOL = 1e-5, 1e-8
FACTOR_RTOL = 1e-6  # a factor is named only when it holds to this precision on every entry


def close(a, b) -> bool:
    """Whether two plain-data results are the same (arrays within a float32-friendly tolerance)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":  # counts and indices: exactly
            return a.shape == b.shape and bool(np.array_equal(a, b))
        try:
            a, b = a.astype(np.float64), b.astype(np.float64)
        except (TypeError, ValueError):
            return False
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=2e-4, atol=1e-6, equal_nan=True))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if _is_number(a) and _is_number(b):
        if isinstance(a, int | np.integer) and isinstance(b, int | np.integer):
            return int(a) == int(b)
        return bool(np.isclose(float(a), float(b), rtol=2e-4, atol=1e-6, equal_nan=True))
    return type(a) is type(b) and a == b


def _is_number(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _numeric(value):
    if _is_number(value):
        return np.array(float(value))
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value.astype(np.float64)
    return None


def explain(slug: str, records, expected) -> dict | None:
    """One diagnosis shared by every failing call of the test, or None."""
    found = None
    for (call, got), ref in zip(records, expected):
        if got.raised or ref.raised or close(got.value, ref.value):
            continue
        try:
            pattern = _pattern(got.value, ref.value, call)
        except Exception:  # noqa: BLE001 - a pattern that cannot be computed is no diagnosis
            return None
        if pattern is None or (found is not None and pattern[0] != found[0]):
            return None
        found = pattern
    return None if found is None else {"id": f"{slug}.{found[0]}", "text": found[1]}


def _pattern(got, expected, call) -> tuple[str, str] | None:
    if isinstance(got, list | tuple) and isinstance(expected, list | tuple):
        return _sequence(got, expected, call)
    g, e = _numeric(got), _numeric(expected)
    if g is None or e is None:
        return None
    if g.shape != e.shape:
        return _shape(g, e)
    finite = np.isfinite(e)
    if not np.all(np.isfinite(g[finite])):
        return _non_finite(call)
    return _factor(g, e, call) or _where_wrong(g, e, call)


def _sequence(got, expected, call):
    if len(got) != len(expected) or len(got) < 2:
        return None
    if close(list(reversed(got)), list(expected)):
        return (
            "reversed_order",
            "the items you returned are the right ones in reverse order: walk the layers (or the list) "
            "in the order the contract gives, and if you built the list going backwards, reverse it at the end",
        )
    wrong = [i for i, (g, e) in enumerate(zip(got, expected)) if not close(g, e)]
    if len(wrong) == 1:
        inner = _pattern(got[wrong[0]], expected[wrong[0]], call)
        if inner is not None:
            return inner[0], f"only item {wrong[0] + 1} of what you returned is wrong: {inner[1]}"
    return None


def _shape(g, e):
    if g.ndim == 2 and g.shape == e.shape[::-1] and np.allclose(g.T, e, rtol=RTOL, atol=ATOL):
        return (
            "transposed",
            f"your result is the transpose of the right one (shape {g.shape} instead of {e.shape}): "
            "check the order of a matrix product or a missing .T",
        )
    if e.ndim == g.ndim + 1 and 1 in e.shape and np.allclose(g, e.reshape(g.shape), rtol=RTOL, atol=ATOL):
        return (
            "keepdims_forgotten",
            f"your values are right but an axis of length 1 is missing (shape {g.shape} instead of {e.shape}): "
            "keep the reduced axis (keepdims=True) or reshape",
        )
    if g.ndim == 2 and g.shape[0] == g.shape[1] and e.shape in ((g.shape[0],), (g.shape[0], 1)):
        return (
            "broadcast_to_square",
            f"your result has shape {g.shape} where {e.shape} is expected: an array of shape (n,) was combined "
            "with one of shape (n, 1) and numpy broadcast them to (n, n); keep both as columns or both as rows",
        )
    return None


NON_FINITE = {
    "divide by zero encountered in log": (
        "log_of_zero",
        "your code takes the logarithm of 0 (numpy warned 'divide by zero encountered in log'), which is -inf "
        "and then turns into NaN or inf: compute log-probabilities from the scores directly (log-softmax: "
        "z - max - log(sum(exp(z - max)))) or keep the argument of log away from 0",
    ),
    "invalid value encountered in divide": (
        "zero_divided_by_zero",
        "your code divides 0 by 0 (numpy warned 'invalid value encountered in divide'), which gives NaN: "
        "this happens when every term of a sum underflows to 0, as exp of very negative numbers does; shift "
        "each slice by its own maximum before exp so that its largest term is exp(0) = 1",
    ),
    "overflow encountered in exp": (
        "overflow_in_exp",
        "exp of a large number overflows to inf in your code (numpy warned 'overflow encountered in exp'): "
        "rearrange the formula so exp only ever sees numbers <= 0",
    ),
}


def _non_finite(call):
    warnings = " | ".join(call.reply.warnings if call.reply is not None else [])
    hits = [pattern for text, pattern in NON_FINITE.items() if text in warnings]
    if len(hits) == 1:
        return hits[0]
    overflow = NON_FINITE["overflow encountered in exp"]
    if overflow in hits:  # NaN after an overflow (inf - inf, inf / inf): the overflow is the cause
        return overflow
    return None


def _sizes(call) -> list[tuple[float, str]]:
    """Quantities a factor could be, from the call's arguments, with what they are."""
    named = []
    arrays = [a for a in (*call.args, *call.kwargs.values()) if isinstance(a, np.ndarray) and a.ndim >= 1]
    if arrays:
        first = arrays[0]
        named.append((first.shape[0], f"the number of rows of the input (the batch size, {first.shape[0]})"))
        if first.size != first.shape[0]:
            named.append((first.size, f"the number of elements of the input ({first.size})"))
        if first.ndim >= 2 and first.shape[-1] not in (first.shape[0], 1):
            named.append((first.shape[-1], f"the size of the input's last axis ({first.shape[-1]})"))
    return [(n, text) for n, text in named if n > 1]


def _factor(g, e, call):
    usable = np.abs(e) > 1e-9
    if not np.any(usable) or np.any(np.abs(g[~usable]) > 1e-9):
        return None
    ratios = g[usable] / e[usable]
    c = float(np.median(ratios))
    if not np.allclose(ratios, c, rtol=FACTOR_RTOL, atol=0) or np.isclose(c, 1.0):
        return None
    if np.isclose(c, -1.0, rtol=FACTOR_RTOL):
        return (
            "sign_flipped",
            "your result has the opposite sign everywhere: check the order of a subtraction (a - b for b - a) "
            "or a minus sign in a derivative",
        )
    two = usable.sum() >= 2 and (np.isclose(c, 2.0, rtol=FACTOR_RTOL) or np.isclose(c, 0.5, rtol=FACTOR_RTOL))
    for n, what in _sizes(call):
        if two and n == 2:  # a count of 2 or a factor 2 gained or lost: not sure which, so say both
            word = "twice" if c > 1 else "half"
            return (
                "factor_of_two",
                f"every value of your result is exactly {word} the expected one: look for a factor 2 (or 1/2) "
                f"gained or lost, e.g. in the derivative of a square, or a division by {what}",
            )
        if np.isclose(c, n, rtol=FACTOR_RTOL):
            return (
                "not_divided_by_count",
                f"your result is exactly {n:g} times the expected one, and {n:g} is {what}: "
                "check what you divide by (a mean divides the sum by the number of things it averages)",
            )
        if np.isclose(c, 1 / n, rtol=FACTOR_RTOL):
            return (
                "divided_by_count_too_often",
                f"your result is exactly 1/{n:g} of the expected one, and {n:g} is {what}: you divide by it "
                "where the contract does not (a sum, not a mean, or a division done twice)",
            )
    if two:
        word = "twice" if c > 1 else "half"
        return (
            "factor_of_two",
            f"every value of your result is exactly {word} the expected one: look for a factor 2 (or 1/2) "
            "gained or lost, e.g. in the derivative of a square",
        )
    return None


def _where_wrong(g, e, call):
    wrong = ~np.isclose(g, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    if not wrong.any() or wrong.all():
        return None
    inputs = [a for a in (*call.args, *call.kwargs.values()) if isinstance(a, np.ndarray) and a.shape == g.shape]
    for x in inputs[:1]:
        for mask, pattern in (
            (
                x == 0,
                (
                    "wrong_only_at_zero",
                    "only the entries where the input is exactly 0 are wrong: check what "
                    "your function gives at 0 (the contract defines the value, or the slope, there)",
                ),
            ),
            (
                x < 0,
                (
                    "wrong_only_for_negative_inputs",
                    "only the entries where the input is negative are wrong: "
                    "check the branch of your function for x < 0",
                ),
            ),
            (
                x > 0,
                (
                    "wrong_only_for_positive_inputs",
                    "only the entries where the input is positive are wrong: "
                    "check the branch of your function for x > 0",
                ),
            ),
        ):
            if mask.any() and np.array_equal(wrong, mask):
                return pattern
    if (
        g.ndim == 2
        and g.shape[0] == g.shape[1]
        and g.shape[0] > 1
        and np.array_equal(wrong, np.eye(len(g), dtype=bool))
    ):
        return (
            "wrong_only_on_diagonal",
            "only the diagonal of your result is wrong: check how the entries "
            "with i == j are treated (a mask that includes or hides the diagonal)",
        )
    if g.ndim >= 2 and g.shape[0] > 1 and wrong[-1].any() and not wrong[:-1].any():
        return (
            "wrong_only_last_row",
            "only the last row (the last item of the batch) of your result is wrong: "
            "check the end of a loop over the rows or the last, shorter batch",
        )
    return None
