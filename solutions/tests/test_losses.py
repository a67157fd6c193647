"""Hidden tests: losses (chapter 3), 12 points.

Mistakes these tests are built to catch (each loses points; solutions/misconceptions/losses.py
names them):
- mse_loss as a sum, halved, rooted (RMSE), absolute (MAE), the square of the mean, or averaged
  over rows only instead of the mean over all elements.
- mse_grad without the factor 2, without the 1/n (the gradient of the sum), divided by the
  number of rows instead of the number of elements (caught by (4, 3) and (2, 3, 5) shapes),
  with the sign flipped, pred modified in place.
- binary_cross_entropy as a sum or divided by the rows; without the clip (log(0) at p = 0 or 1),
  clipped from below only (zeros come first, then ones), eps added inside the log; a hard-coded
  eps instead of the eps argument, another default; the sign or the targets swapped; p clipped
  in place.
- bce_with_logits through sigmoid-then-log (overflow, log(0) at |z| = 1000); clipped like
  binary_cross_entropy (a confident mistake then costs ~27.6 instead of ~|z|); a sum; the
  max(z, 0) term left out.
- cross_entropy as a sum, over all N·C entries, or divided by C; softmax without subtracting the
  max (overflow at 1e4); subtracting the global max instead of each row's (a row far below it
  becomes log(0)); log(softmax(...)) instead of a log-softmax (log(0) for a confident mistake),
  with or without an eps; logp[:, labels]; keepdims forgotten (a square case first, where it
  broadcasts silently); the logits shifted in place.
- cross_entropy_grad without the 1/N, or divided by C; with the sign flipped; without the one-hot
  (or the labels themselves subtracted, or np.eye(N) rows); probs[:, labels] -= 1; an unstable or
  globally shifted softmax; keepdims forgotten; the logits modified in place (logits -= max).
A correct solution gets everything, whatever its style: loops or vectorised, float32 or
float64 results, any integer dtype for the labels, a Python float or a numpy scalar or a
0-d array for a loss. Gradients are checked against the reference AND against central
differences of the reference loss computed here in the judge.
"""

import numpy as np

from grader.engine.testkit import (
    ATOL32,
    RTOL32,
    check_array,
    check_gradient,
    check_scalar,
    check_unchanged,
    grades,
)
from solutions import losses as ref

# Stability cases: the exact answers are large numbers, compared this tightly.
STABLE_RTOL = 1e-9
MEAN_ADVICE = ": check the factors and the 1/N of the mean"


def regression_pair(seed, shape, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)


def probabilities(seed, shape):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.02, 0.98, size=shape), rng.integers(0, 2, size=shape).astype(np.float64)


def logits_labels(seed, n, c, scale=2.0, label_dtype=np.int64):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=scale, size=(n, c)), rng.integers(0, c, size=n).astype(label_dtype)


PARAMETERS = {  # the contract's names, for messages
    "mse_loss": ("pred", "target"),
    "mse_grad": ("pred", "target"),
    "binary_cross_entropy": ("p", "y"),
    "bce_with_logits": ("logits", "y"),
    "cross_entropy": ("logits", "labels"),
    "cross_entropy_grad": ("logits", "labels"),
}


def call_unchanged(learner, name, *args, what, _errstate=None, **kwargs):
    """Call, check that no argument was modified, return the value."""
    report = learner.call_report(name, *args, _describe=what, _errstate=_errstate, **kwargs)
    for label, before, after in zip(PARAMETERS[name], args, report.args):
        check_unchanged(before, after, what, label)
    return report.value


REGRESSION_SHAPES = [(4, 3), (2, 3, 5), (7,)]


# -- mean squared error ------------------------------------------------------


@grades("mse_loss", points=1)
def test_mse_loss_values(learner):
    for seed, shape in zip((1, 2, 3), REGRESSION_SHAPES):
        pred, target = regression_pair(seed, shape)
        what = f"mse_loss(pred, target) with pred, target of shape {shape}"
        check_scalar(call_unchanged(learner, "mse_loss", pred, target, what=what), ref.mse_loss(pred, target), what)


@grades("mse_loss", points=0.5)
def test_mse_loss_float32(learner):
    pred, target = regression_pair(4, (5, 3), np.float32)
    what = "mse_loss(pred, target) with float32 pred, target of shape (5, 3)"
    check_scalar(
        learner.call("mse_loss", pred, target, _describe=what),
        ref.mse_loss(pred.astype(np.float64), target.astype(np.float64)),
        what,
        input_dtype=np.float32,
    )


@grades("mse_grad", points=1)
def test_mse_grad_values(learner):
    for seed, shape in zip((5, 6, 7), REGRESSION_SHAPES):
        pred, target = regression_pair(seed, shape)
        what = f"mse_grad(pred, target) with pred, target of shape {shape}"
        got = check_array(
            call_unchanged(learner, "mse_grad", pred, target, what=what), ref.mse_grad(pred, target), what
        )
        check_gradient(got, lambda p: ref.mse_loss(p, target), pred, what, MEAN_ADVICE)


@grades("mse_grad", points=0.5)
def test_mse_grad_float32(learner):
    pred, target = regression_pair(8, (3, 6), np.float32)
    what = "mse_grad(pred, target) with float32 pred, target of shape (3, 6)"
    check_array(
        learner.call("mse_grad", pred, target, _describe=what),
        ref.mse_grad(pred.astype(np.float64), target.astype(np.float64)),
        what,
        input_dtype=np.float32,
    )


# -- binary cross-entropy on probabilities -------------------------------------


@grades("binary_cross_entropy", points=1)
def test_binary_cross_entropy_values(learner):
    for seed, shape in zip((9, 10), ((5, 3), (8,))):
        p, y = probabilities(seed, shape)
        what = f"binary_cross_entropy(p, y) with p, y of shape {shape} (p between 0.02 and 0.98)"
        check_scalar(
            call_unchanged(learner, "binary_cross_entropy", p, y, what=what), ref.binary_cross_entropy(p, y), what
        )


@grades("binary_cross_entropy", points=1)
def test_binary_cross_entropy_clips(learner):
    zeros = np.array([[0.0, 0.5], [0.0, 1e-15]]), np.array([[1.0, 1.0], [0.0, 1.0]])
    mixed = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 1e-15]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    # Zeros alone first: a clip of the lower end only passes them, and fails on the ones after.
    for (p, y), kwargs, shown in (
        (zeros, {}, "probabilities of exactly 0"),
        (mixed, {}, "probabilities of exactly 0 and 1"),
        (mixed, {"eps": 1e-3}, "probabilities of exactly 0 and 1"),
    ):
        call = "binary_cross_entropy(p, y, eps=1e-3)" if kwargs else "binary_cross_entropy(p, y)"
        what = f"{call} with {shown} (confident answers)"
        got = call_unchanged(learner, "binary_cross_entropy", p, y, what=what, _errstate="raise", **kwargs)
        check_scalar(got, ref.binary_cross_entropy(p, y, **kwargs), what)


# -- binary cross-entropy on logits --------------------------------------------


@grades("bce_with_logits", points=1)
def test_bce_with_logits_values(learner):
    for seed, shape in zip((11, 12), ((6, 3), (9,))):
        rng = np.random.default_rng(seed)
        z, y = rng.normal(scale=4.0, size=shape), rng.integers(0, 2, size=shape).astype(np.float64)
        what = f"bce_with_logits(logits, y) with logits, y of shape {shape}"
        check_scalar(call_unchanged(learner, "bce_with_logits", z, y, what=what), ref.bce_with_logits(z, y), what)
    z32, y32 = z.astype(np.float32), y.astype(np.float32)
    what = f"bce_with_logits(logits, y) with float32 logits, y of shape {shape}"
    check_scalar(
        learner.call("bce_with_logits", z32, y32, _describe=what),
        ref.bce_with_logits(z, y),
        what,
        input_dtype=np.float32,
    )


@grades("bce_with_logits", points=1.5)
def test_bce_with_logits_confident_mistakes_cost_their_logit(learner):
    cases = [
        (np.array([1000.0, -1000.0, 800.0, -700.0]), np.array([0.0, 1.0, 0.0, 1.0])),  # all wrong
        (np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]), np.array([[0.0, 1.0], [0.0, 1.0]])),  # half right
    ]
    for z, y in cases:
        what = f"bce_with_logits(logits, y) with logits of shape {z.shape} as large as ±1000 (confident answers)"
        got = learner.call("bce_with_logits", z, y, _errstate="raise", _describe=what)
        check_scalar(got, ref.bce_with_logits(z, y), what, rtol=STABLE_RTOL, atol=0.0)


# -- softmax cross-entropy -----------------------------------------------------


@grades("cross_entropy", points=1)
def test_cross_entropy_values(learner):
    # A square case first: a row max or sum without keepdims then broadcasts silently (wrong values).
    for seed, (n, c), label_dtype in (
        (12, (5, 5), np.int64),
        (13, (6, 4), np.int64),
        (14, (3, 7), np.int32),
        (15, (9, 2), np.uint8),
    ):
        z, labels = logits_labels(seed, n, c, label_dtype=label_dtype)
        what = f"cross_entropy(logits, labels) with logits of shape {(n, c)} and {np.dtype(label_dtype)} labels"
        check_scalar(call_unchanged(learner, "cross_entropy", z, labels, what=what), ref.cross_entropy(z, labels), what)
    what = f"cross_entropy(logits, labels) with float32 logits of shape {(n, c)}"
    check_scalar(
        learner.call("cross_entropy", z.astype(np.float32), labels, _describe=what),
        ref.cross_entropy(z.astype(np.float32).astype(np.float64), labels),
        what,
        input_dtype=np.float32,
    )


HUGE_LOGITS = np.array(
    [
        [1e4, 0.0, -1e4],
        [-1e4, -1e4 + 1.0, -1e4 + 2.0],  # a row far below the others' maximum
        [5.0, 5.0, 5.0],
        [1e4, -1e4, 0.0],
    ]
)  # a confident mistake: label 1
HUGE_LABELS = np.array([0, 1, 2, 1])
HUGE_WHAT = "{}(logits, labels) with logits of shape (4, 3) as large as ±1e4, one row far below the others"


@grades("cross_entropy", points=1)
def test_cross_entropy_stable_for_huge_logits(learner):
    what = HUGE_WHAT.format("cross_entropy")
    got = learner.call("cross_entropy", HUGE_LOGITS, HUGE_LABELS, _errstate="raise", _describe=what)
    check_scalar(got, ref.cross_entropy(HUGE_LOGITS, HUGE_LABELS), what, rtol=STABLE_RTOL, atol=0.0)


@grades("cross_entropy_grad", points=1.5)
def test_cross_entropy_grad_values(learner):
    for seed, (n, c), label_dtype in ((18, (5, 5), np.int64), (16, (6, 4), np.int64), (17, (3, 7), np.int32)):
        z, labels = logits_labels(seed, n, c, label_dtype=label_dtype)
        what = f"cross_entropy_grad(logits, labels) with logits of shape {(n, c)}"
        got = check_array(
            call_unchanged(learner, "cross_entropy_grad", z, labels, what=what), ref.cross_entropy_grad(z, labels), what
        )
        check_gradient(got, lambda a: ref.cross_entropy(a, labels), z, what, MEAN_ADVICE)
    what = f"cross_entropy_grad(logits, labels) with float32 logits of shape {(n, c)}"
    z32 = z.astype(np.float32)
    labels = (labels + 1) % c  # other labels for the same shape: nothing may carry over from the last call
    check_array(
        learner.call("cross_entropy_grad", z32, labels, _describe=what),
        ref.cross_entropy_grad(z32.astype(np.float64), labels),
        what,
        input_dtype=np.float32,
        rtol=RTOL32,
        atol=ATOL32,
    )


@grades("cross_entropy_grad", points=1)
def test_cross_entropy_grad_stable_for_huge_logits(learner):
    what = HUGE_WHAT.format("cross_entropy_grad")
    got = learner.call("cross_entropy_grad", HUGE_LOGITS, HUGE_LABELS, _errstate="raise", _describe=what)
    check_array(got, ref.cross_entropy_grad(HUGE_LOGITS, HUGE_LABELS), what, atol=1e-12)
