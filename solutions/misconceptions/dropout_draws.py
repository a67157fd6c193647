"""Symptoms read from what dropout_forward returned: the regularization catalogue's detect predicates.

dropout_forward draws a random mask, and a learner's stream is their own, so its mistakes are
recognised from (out, mask) itself: the share of zeros (p dropped, or 1 - p), the values kept
(1/(1-p), 1/p or 1), what evaluation mode returns, the mask's dtype, the input after the call, and
for the seed test the first mask of a pair, which the test hands to the second call's `extra`.
Other calls: which bad p returned normally.
"""

import numpy as np

from solutions.misconceptions import recognise

BIG = 1000  # a mask this large has a share of zeros within 0.03 of p, whatever the stream


def dropout_result(call):
    """(x, p, train, out, mask) of a logged dropout_forward call that returned two arrays, else None."""
    if call.reply is None or not isinstance(call.value, list | tuple) or len(call.value) != 2:
        return None
    out, mask = call.value
    x, p = call.args[0], call.args[1] if len(call.args) > 1 else call.kwargs.get("p")
    train = call.args[2] if len(call.args) > 2 else call.kwargs.get("train", True)
    if not all(isinstance(a, np.ndarray) and a.shape == np.shape(x) for a in (out, mask)):
        return None
    return np.asarray(x, dtype=np.float64), float(p), bool(train), out.astype(np.float64), mask.astype(np.float64)


def zero_share(mask) -> float:
    return float(np.mean(mask == 0))


def mask_of_zeros_and_ones(call, expected=None) -> bool:
    found = dropout_result(call)
    if found is None:
        return False
    x, p, train, out, mask = found
    return (
        train
        and p > 0
        and call.value[1].dtype.kind == "f"
        and mask.size >= BIG
        and np.all((mask == 0) | (mask == 1))
        and abs(zero_share(mask) - p) < 0.03
        and np.allclose(out, x * mask, rtol=1e-5, atol=1e-8)
    )


def drops_the_keep_share(call, expected=None) -> bool:
    found = dropout_result(call)
    if found is None:
        return False
    _, p, train, _, mask = found
    return train and abs(p - 0.5) > 0.1 and mask.size >= BIG and abs(zero_share(mask) - (1 - p)) < 0.03


def drops_at_evaluation(call, expected=None) -> bool:
    found = dropout_result(call)
    if found is None:
        return False
    x, p, train, out, mask = found
    # out must really be x * mask: a mask of zeros returned beside an untouched x drops nothing.
    return not train and p > 0 and np.any(mask == 0) and np.allclose(out, x * mask, rtol=1e-5, atol=1e-8)


def scales_at_evaluation(call, expected=None) -> bool:
    found = dropout_result(call)
    if found is None:
        return False
    x, p, train, out, _ = found
    return not train and 0 < p < 1 and np.any(x != 0) and np.allclose(out, x * (1 - p), rtol=1e-5, atol=1e-8)


def returned_for_bad_p(call, *, train, bad) -> bool:
    if call.reply is None:
        return False
    p = call.args[1] if len(call.args) > 1 else call.kwargs.get("p")
    mode = call.args[2] if len(call.args) > 2 else call.kwargs.get("train", True)
    return bool(mode) == train and bad(float(p))


def accepts_negative_p(call, expected=None) -> bool:
    return returned_for_bad_p(call, train=True, bad=lambda p: p < 0)


def accepts_p_one(call, expected=None) -> bool:
    return returned_for_bad_p(call, train=True, bad=lambda p: p == 1.0)


def accepts_bad_p_at_evaluation(call, expected=None) -> bool:
    return returned_for_bad_p(call, train=False, bad=lambda p: not 0 <= p < 1)


def same_seed_other_mask(call, expected=None) -> bool:
    found, first = dropout_result(call), call.extra.get("same_seed_as")
    return found is not None and first is not None and not np.array_equal(found[4], first)


def no_seed_same_mask(call, expected=None) -> bool:
    found, first = dropout_result(call), call.extra.get("no_seed_after")
    return found is not None and first is not None and np.array_equal(found[4], first)


def boolean_mask(call, expected=None) -> bool:
    value = call.value
    return (
        call.reply is not None
        and isinstance(value, list | tuple)
        and len(value) == 2
        and isinstance(value[1], np.ndarray)
        and value[1].dtype.kind == "b"
    )


def _x_times_mask(call):
    return np.asarray(call.args[0], dtype=np.float64) * np.asarray(call.value[1], dtype=np.float64)


multiplied_x_in_place = recognise.input_became(_x_times_mask)  # x *= mask: x now holds out


def scaled_by_one_over_p(call, expected=None) -> bool:
    found = dropout_result(call)
    if found is None:
        return False
    _, p, train, _, mask = found
    if train and p == 0 and np.all(np.isinf(mask)):  # every unit kept, each divided by p = 0
        return True
    kept = mask[mask != 0]
    return (
        train
        and abs(p - 0.5) > 0.1
        and mask.size >= BIG
        and abs(zero_share(mask) - p) < 0.03
        and np.allclose(kept, 1.0 / p, rtol=1e-5)
    )


def train_off_by_default(call, expected=None) -> bool:
    """Called without train (training mode by contract), yet nothing was dropped from a large mask."""
    found = dropout_result(call)
    if found is None or len(call.args) > 2 or "train" in call.kwargs:
        return False
    _, p, _, _, mask = found
    return p > 0.1 and mask.size >= 100 and np.all(mask == 1)
