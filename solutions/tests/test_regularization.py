"""Hidden tests: regularization (chapter 8), 10 points.

Mistakes these tests are built to catch (each loses points):
- l2_penalty: the biases penalised too (or instead of the weights), the 0.5 factor or lam forgotten,
  only the first layer summed, norms not squared, a mean for the sum.
- l2_grads: a bias gradient lam·b instead of zeros, 2·lam·W (the derivative without the 0.5), 0.5·lam·W.
- dropout_forward: p used as the KEEP probability; one pattern of drops repeated in every row (or column); no 1/(1-p) scaling (mask of 0 and 1, the
  mean shrinks); dropout (or a (1-p) scaling) applied in evaluation mode; p checked only in
  training mode; p = 1 or a negative p accepted; the seed ignored (a global generator: the same
  seed gives different masks) or a fixed generator (seed=None always gives the same mask);
  x multiplied in place.
- dropout_backward: the gradient passed through the 0/1 pattern without the 1/(1-p) scale.
- should_stop: ties counted as improvements (<= instead of <); True already when there are
  exactly `patience` losses; no ValueError for patience < 1; only the last loss compared with
  the best before the window; the window compared with the loss just before it instead of the
  best one before it.
Every call of a test is made before its checks where it can be, so that a diagnosis
(solutions/misconceptions/regularization.py) sees them all; random draws are logged with
_replay=False (the learner's stream is not the reference's) and judged by their statistics.
A correct solution gets everything: loops or vectorised, lists or tuples, any valid use of the
seed (tests check properties of the masks, never a particular random stream), float32 results
for float32 inputs, a Python bool or a numpy bool for should_stop.
"""

import numpy as np

from grader.engine.testkit import (
    Feedback,
    as_array,
    check_array,
    check_scalar,
    check_unchanged,
    expect_raises,
    grades,
    parametrize,
    returned,
)
from solutions import regularization as ref


def layers(seed, sizes, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(size=(m, n)).astype(dtype), rng.normal(loc=2.0, size=n).astype(dtype))
        for m, n in zip(sizes[:-1], sizes[1:])
    ]


def pairs(got, n, what):
    if not isinstance(got, (list, tuple)) or len(got) != n:
        raise Feedback(
            f"{what} returned {returned(got)}; it should return a list with one (dW, db) pair per layer ({n} here)"
        )
    for k, item in enumerate(got):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise Feedback(f"{what}: item {k} of the result is {returned(item)}; every item should be a (dW, db) pair")
    return got


def dropout_pair(got, shape, what):
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        raise Feedback(f"{what} returned {returned(got)}; it should return a pair (out, mask)")
    out, mask = (as_array(a, what) for a in got)
    for name, a in (("out", out), ("mask", mask)):
        if a.shape != shape:
            raise Feedback(f"{what} returned {name} of shape {a.shape}; it should have x's shape {shape}")
    if mask.dtype.kind != "f":
        raise Feedback(
            f"{what} returned a mask of dtype {mask.dtype}; it should be a float array (its entries are 0 or 1/(1-p))"
        )
    return out, mask


def as_bool(got, what):
    if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind == "b":
        return bool(got)
    if not isinstance(got, bool):
        raise Feedback(f"{what} returned {returned(got)}; it should return True or False")
    return got


# -- L2 ----------------------------------------------------------------------


@grades("l2_penalty", points=1)
def test_l2_penalty_three_layers(learner):
    cases = []
    for seed, sizes, lam in ((1, [4, 3, 5, 2], 0.3), (2, [6, 2], 1e-2)):
        params = layers(seed, sizes)
        what = f"l2_penalty(params, lam={lam}) with layers {'→'.join(map(str, sizes))}"
        cases.append((params, lam, what, learner.call_report("l2_penalty", params, lam, _describe=what)))
    for params, lam, what, report in cases:  # every call made first: a diagnosis sees them all
        check_scalar(report.value, ref.l2_penalty(params, lam), what)
        check_unchanged(params, report.args[0], what, "params")


@grades("l2_penalty", points=0.5)
def test_l2_penalty_ignores_biases(learner):
    # lam is neither 0.5 nor 2: a forgotten lam and a forgotten 0.5 must not give the same number.
    params = [(np.zeros((3, 4)), np.full(4, 5.0)), (np.random.default_rng(13).normal(size=(4, 2)), np.full(2, -7.0))]
    params32 = layers(3, [5, 4, 3], np.float32)
    cases = [
        (
            params,
            0.4,
            np.float64,
            "l2_penalty(params, lam=0.4) where only the second layer has non-zero weights and all biases are large",
        ),
        (params32, 0.1, np.float32, "l2_penalty(params, lam=0.1) with float32 layers 5→4→3"),
    ]
    answers = [learner.call("l2_penalty", ps, lam, _describe=what) for ps, lam, _, what in cases]
    for (ps, lam, dtype, what), got in zip(cases, answers):
        check_scalar(got, ref.l2_penalty(ps, lam), what, input_dtype=dtype)


@grades("l2_grads", points=1)
def test_l2_grads_weights(learner):
    params = layers(4, [4, 3, 5, 2])
    what = "l2_grads(params, lam=0.3) with layers 4→3→5→2"
    report = learner.call_report("l2_grads", params, 0.3, _describe=what)
    got = pairs(report.value, len(params), what)
    for i, ((dW, _), (want, _)) in enumerate(zip(got, ref.l2_grads(params, 0.3))):
        check_array(dW, want, f"{what}, the weight gradient of layer {i}")
    check_unchanged(params, report.args[0], what, "params")


@grades("l2_grads", points=0.5)
def test_l2_grads_biases_are_zero(learner):
    params = layers(5, [3, 6, 2])
    what = "l2_grads(params, lam=0.7) with layers 3→6→2"
    got = pairs(learner.call("l2_grads", params, 0.7, _describe=what), len(params), what)
    for i, ((_, db), (_, b)) in enumerate(zip(got, params)):
        check_array(db, np.zeros_like(b), f"{what}, the bias gradient of layer {i} (biases are not penalised)")


# -- dropout -----------------------------------------------------------------


@parametrize("p", [0.3, 0.75])
@grades("dropout_forward", points=0.75)
def test_dropout_training_mask_statistics(learner, p):
    x = np.random.default_rng(6).normal(loc=1.0, size=(240, 250))
    what = f"dropout_forward(x, p={p}, train=True, seed=7) with x of shape (240, 250)"
    # A random draw: the diagnosis judges its statistics, never a replay of the reference's stream.
    got = learner.call("dropout_forward", x, p, train=True, seed=7, _describe=what, _replay=False)
    out, mask = dropout_pair(got, x.shape, what)
    zero = mask == 0
    kept = np.isclose(mask, 1.0 / (1.0 - p), rtol=1e-6)
    if not np.all(zero | kept):
        raise Feedback(f"{what}: every mask entry should be 0 (dropped) or 1/(1-p) (kept and scaled up)")
    for axis, name in ((0, "row"), (1, "column")):
        if np.all(mask == mask.take([0], axis=axis)):
            raise Feedback(
                f"{what}: every {name} of the mask is the same; each entry should be dropped on its own "
                "draw (a mask drawn with x's full shape), not one pattern repeated"
            )
    if abs(zero.mean() - p) > 0.02:
        raise Feedback(f"{what}: {zero.mean():.1%} of the mask is 0, but p = {p} is the probability to DROP a unit")
    if abs(mask.mean() - 1.0) > 0.05:
        raise Feedback(
            f"{what}: the mask's mean is {mask.mean():.3f}; with inverted dropout it should be close "
            "to 1, so that the expected activation is preserved"
        )
    check_array(out, x * mask, f"{what}: out compared with x * mask")


@grades("dropout_forward", points=1)
def test_dropout_is_identity_at_eval_and_for_p_zero(learner):
    x = np.random.default_rng(8).normal(size=(5, 7))
    for p, train in ((0.5, False), (0.0, False), (0.0, True), (0.9, False)):
        what = f"dropout_forward(x, p={p}, train={train}, seed=3) with x of shape (5, 7)"
        out, mask = dropout_pair(
            learner.call("dropout_forward", x, p, train=train, seed=3, _describe=what), x.shape, what
        )
        check_array(mask, np.ones_like(x), f"{what}: the mask (dropout should change nothing here)")
        check_array(out, x, f"{what}: out (dropout should change nothing here)")


@grades("dropout_forward", points=0.5)
def test_dropout_rejects_bad_p_in_both_modes(learner):
    x = np.ones((3, 4))
    for p in (-0.1, 1.0, 1.5):
        for train in (True, False):
            expect_raises(
                learner,
                "ValueError",
                "dropout_forward",
                x,
                p,
                train=train,
                _describe=f"dropout_forward(x, p={p}, train={train}) (p must be in [0, 1))",
            )


@grades("dropout_forward", points=0.5)
def test_dropout_seed_reproducible(learner):
    x = np.random.default_rng(9).normal(size=(40, 50))
    what = "dropout_forward(x, p=0.5, seed=11) called twice"
    _, m1 = dropout_pair(learner.call("dropout_forward", x, 0.5, seed=11, _describe=what, _replay=False), x.shape, what)
    _, m2 = dropout_pair(learner.call("dropout_forward", x, 0.5, seed=11, _describe=what, _replay=False), x.shape, what)
    learner.calls[-1].extra["same_seed_as"] = m1  # lets the diagnosis compare the pair from one call
    if not np.any(m1 == 0):
        raise Feedback(
            f"{what}: the mask drops no unit at all; called without train, dropout_forward is in training "
            "mode (train defaults to True) and should drop about half of them"
        )
    if not np.array_equal(m1, m2):
        raise Feedback(
            f"{what} gave two different masks: the same seed must give the same mask (use np.random.default_rng(seed))"
        )
    what = "dropout_forward(x, p=0.5, seed=None) called twice"
    _, m3 = dropout_pair(
        learner.call("dropout_forward", x, 0.5, seed=None, _describe=what, _replay=False), x.shape, what
    )
    _, m4 = dropout_pair(
        learner.call("dropout_forward", x, 0.5, seed=None, _describe=what, _replay=False), x.shape, what
    )
    learner.calls[-1].extra["no_seed_after"] = m3
    if np.array_equal(m3, m4):
        raise Feedback(f"{what} gave the same mask twice: without a seed every call should draw a new mask")


@grades("dropout_forward", points=0.5)
def test_dropout_float32_and_input_untouched(learner):
    x = np.random.default_rng(10).normal(size=(6, 3, 5)).astype(np.float32)
    what = "dropout_forward(x, p=0.2, seed=1) with a float32 x of shape (6, 3, 5)"
    report = learner.call_report("dropout_forward", x, 0.2, seed=1, _describe=what, _replay=False)
    out, mask = dropout_pair(report.value, x.shape, what)
    check_array(out, x.astype(np.float64) * mask, f"{what}: out compared with x * mask", input_dtype=np.float32)
    check_unchanged(x, report.args[0], what, "x")


@grades("dropout_backward", points=1)
def test_dropout_backward_uses_the_mask(learner):
    rng = np.random.default_rng(12)
    for shape, p, dtype in (((4, 9), 0.4, np.float64), ((3, 2, 5), 0.25, np.float64), ((8, 3), 0.6, np.float32)):
        dout = rng.normal(size=shape).astype(dtype)
        _, mask = ref.dropout_forward(rng.normal(size=shape).astype(dtype), p, seed=int(rng.integers(1000)))
        what = f"dropout_backward(dout, mask) with {np.dtype(dtype).name} arrays of shape {shape}, p = {p}"
        report = learner.call_report("dropout_backward", dout, mask, _describe=what)
        check_array(report.value, ref.dropout_backward(dout, mask), what, input_dtype=dtype)
        check_unchanged(dout, report.args[0], what, "dout")


# -- early stopping ----------------------------------------------------------

STOP_CASES = [
    ([1.0, 0.9, 0.95, 0.92], 2),
    (np.array([0.8, 0.7, 0.75, 0.72, 0.71]), 3),  # a 1-D array works as well as a list
    ([1.0, 0.9, 0.95, 0.85], 2),
    ([1.0, 0.9, 0.9, 0.9], 2),  # a tie is not an improvement
    ([1.0, 0.9, 0.8, 0.95], 2),  # the improvement is not the last loss
    ([0.5, 0.9, 0.8, 0.85], 2),  # better than the loss just before the window, not than the best
    ([0.5, 0.4, 0.6], 1),
    ([0.5, 0.4, 0.3], 1),
    ([3.0, 2.0, 1.0, 0.5, 0.6, 0.7, 0.8], 3),
    ([3.0, 2.0, 1.0, 0.5, 0.6, 0.7, 0.4], 3),
    ([2.0, 2.0, 2.0, 2.0, 2.0], 4),
]


@grades("should_stop", points=1)
def test_should_stop_values(learner):
    answers = [
        learner.call("should_stop", losses, patience, _describe=f"should_stop({losses}, patience={patience})")
        for losses, patience in STOP_CASES
    ]  # every call made first: a diagnosis sees them all
    for (losses, patience), answer in zip(STOP_CASES, answers):
        what = f"should_stop({losses}, patience={patience})"
        got = as_bool(answer, what)
        if got != ref.should_stop(losses, patience):
            values = [float(v) for v in losses]
            tie = min(values[:-patience]) in values[-patience:]  # the rule for ties is worth saying only here
            raise Feedback(
                f"{what} returned {got}: compare the last {patience} losses with the best "
                "(lowest) loss before them" + ("; only a strictly lower loss is an improvement" if tie else "")
            )


@grades("should_stop", points=0.5)
def test_should_stop_waits_for_more_than_patience_losses(learner):
    for losses, patience in (([], 1), ([0.5], 1), ([1.0, 1.0], 2), ([1.0, 1.1, 1.2], 3), ([0.3, 0.4], 5)):
        what = f"should_stop({losses}, patience={patience})"
        if as_bool(learner.call("should_stop", losses, patience, _describe=what), what):
            raise Feedback(
                f"{what} returned True: with no more than `patience` losses there is nothing to "
                "compare with yet, so it should return False"
            )


@grades("should_stop", points=0.5)
def test_should_stop_rejects_patience_below_one(learner):
    for patience in (0, -2):
        expect_raises(
            learner,
            "ValueError",
            "should_stop",
            [1.0, 0.9, 0.8, 0.85],
            patience,
            _describe=f"should_stop(losses, patience={patience}) (patience must be at least 1)",
        )
