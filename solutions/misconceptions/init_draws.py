"""Symptoms read from a weight matrix an initialiser drew: the deep_training catalogue's detect predicates.

xavier_init and he_init draw random numbers, and a learner's stream is their own, so their mistakes
are recognised from the matrix itself: its standard deviation (which formula it follows), its mean
(a standard deviation passed as normal's first argument, the mean), the share of draws within one
standard deviation (normal or uniform), its shape, and for the seed test the first matrix of a
pair, which the test hands to the second call's `extra`.
"""

import numpy as np

BIG = 10_000  # draws enough for a standard deviation within 1% and a share within 0.01


def drawn(call):
    """(fan_in, fan_out, W as float64) of a logged initialiser call that returned a float matrix, else None."""
    W = call.value
    if call.reply is None or not isinstance(W, np.ndarray) or W.ndim != 2 or W.dtype.kind != "f":
        return None
    fan_in, fan_out = call.args[:2]
    return int(fan_in), int(fan_out), W.astype(np.float64)


def std_is(formula):
    """A predicate: the learner's (fan_in, fan_out) matrix has the standard deviation formula(fan_in, fan_out)."""

    def detect(call, expected=None) -> bool:
        found = drawn(call)
        if found is None or found[2].size < BIG or found[2].shape != found[:2]:
            return False
        fan_in, fan_out, W = found
        return abs(W.std() / formula(fan_in, fan_out) - 1.0) < 0.02

    return detect


def std_as_mean(formula):
    """A predicate: rng.normal(std, size=...) was called, so std became the mean and the scale stayed 1."""

    def detect(call, expected=None) -> bool:
        found = drawn(call)
        if found is None or found[2].size < BIG or found[2].shape != found[:2]:
            return False
        fan_in, fan_out, W = found
        return abs(W.mean() - formula(fan_in, fan_out)) < 0.01 and abs(W.std() - 1.0) < 0.02

    return detect


def uniform(call, expected=None) -> bool:
    found = drawn(call)
    if found is None or found[2].size < BIG:
        return False
    W = found[2]
    return abs(np.mean(np.abs(W - W.mean()) < W.std()) - 1 / np.sqrt(3)) < 0.01


def transposed(call, expected=None) -> bool:
    found = drawn(call)
    return found is not None and found[0] != found[1] and found[2].shape == (found[1], found[0])


def same_seed_other_matrix(call, expected=None) -> bool:
    found, first = drawn(call), call.extra.get("same_seed_as")
    return (
        found is not None
        and first is not None
        and first.shape == found[2].shape
        and not np.array_equal(found[2], first)
    )


def no_seed_same_matrix(call, expected=None) -> bool:
    found, first = drawn(call), call.extra.get("no_seed_after")
    return found is not None and first is not None and first.shape == found[2].shape and np.array_equal(found[2], first)
