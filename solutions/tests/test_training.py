"""Hidden tests: training (chapter 7), 10 points.

train_classifier is called ONCE per grading run, in the worker, with the training part of the
fixed digits split (solutions/digits_data.py); its params come back as plain arrays and are
evaluated HERE, in the judge, with the reference mlp_forward on the held-out digits it never saw.
The call's time limit is the manifest's call_limit for this exercise (90 s; the contract asks
for 60 s); a stuck call is stopped there and every train_classifier test reports it.

Mistakes these tests are built to catch (each loses points):
- accuracy: a count instead of a fraction; argmax over the wrong axis; ties resolved other
  than by argmax (the first of the tied columns wins); a result that is not a number.
- train_classifier: no real training (random or barely trained weights: chance level ~0.1);
  a diverging run (NaN or inf in the weights: learning rate too high); weak training
  (between ACCURACY_SOME and ACCURACY_PASS: partial credit only); a result that is not a
  list of (W, b) pairs, weights stored transposed ((fan_out, fan_in)), layers that do not
  chain, a first layer that does not take 64 pixels or a last one that does not give 10
  scores; X_train or y_train modified in place (e.g. normalised with -=); an infinite loop
  or far too much work (stopped at the call limit).
A correct solution gets everything however it trains: any number of hidden layers and units,
SGD, momentum or Adam, full batch or mini-batches, float32 or float64 weights, tuples or lists.
"""

import numpy as np

from grader.engine.failures import LearnerError
from grader.engine.testkit import (
    Feedback,
    check_scalar,
    check_unchanged,
    grades,
    passed_note,
)
from solutions import training as ref
from solutions.digits_data import digits_split
from solutions.neurons import mlp_forward

ACCURACY_PASS = 0.90  # the contract's threshold on the held-out digits
ACCURACY_SOME = 0.50  # "it learns something": partial credit below the pass mark
SPLIT_SEED = 0
PIXELS, CLASSES = 64, 10
TRAIN_WHAT = "train_classifier(X_train, y_train, seed=0) with X_train of shape {} (8×8 digit images)"

_RUN = {}  # the one train_classifier call of this grading run, keyed by the learner object


def trained(learner):
    """(report or the LearnerError it raised, X_train, y_train), computed once per grading run."""
    if _RUN.get("learner") is not learner:
        X_train, y_train, _, _ = digits_split(SPLIT_SEED)
        what = TRAIN_WHAT.format(X_train.shape)
        try:
            # No _timeout: the manifest's call_limit for this exercise applies.
            outcome = learner.call_report("train_classifier", X_train, y_train, seed=0, _describe=what)
        except LearnerError as error:  # a timeout, crash or exception: every test of it reports the same
            outcome = error
        _RUN.clear()
        _RUN.update(learner=learner, outcome=outcome, X_train=X_train, y_train=y_train)
    if isinstance(_RUN["outcome"], LearnerError):
        raise _RUN["outcome"]
    return _RUN["outcome"], _RUN["X_train"], _RUN["y_train"]


def validated_params(report, what):
    """The returned params as a list of float64 (W, b) pairs, or Feedback saying what is wrong."""
    params = report.value
    shape_rule = (
        f"a list of (W, b) pairs, W of shape (fan_in, fan_out) and b of shape (fan_out,), the first W "
        f"with {PIXELS} rows and the last with {CLASSES} columns"
    )
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        raise Feedback(f"{what} returned a {type(params).__name__}; it should return {shape_rule}")
    clean = []
    for k, pair in enumerate(params):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Feedback(f"{what}: params[{k}] is a {type(pair).__name__}, not a (W, b) pair; return {shape_rule}")
        W, b = pair
        if (
            not (isinstance(W, np.ndarray) and isinstance(b, np.ndarray))
            or W.dtype.kind not in "iuf"
            or b.dtype.kind not in "iuf"
        ):
            raise Feedback(f"{what}: params[{k}] should hold two numeric numpy arrays (W, b)")
        if W.ndim == 2 and W.shape[0] != W.shape[1] and b.shape == (W.shape[0],):
            raise Feedback(
                f"{what}: params[{k}] has W of shape {W.shape} and b of shape {b.shape}: W looks "
                "transposed; store it as (fan_in, fan_out) so that X @ W + b works"
            )
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise Feedback(
                f"{what}: params[{k}] has W of shape {W.shape} and b of shape {b.shape}; b must have "
                "one entry per column of W"
            )
        clean.append((W.astype(np.float64), b.astype(np.float64)))
    sizes = [clean[0][0].shape[0]] + [W.shape[1] for W, _ in clean]
    for k in range(1, len(clean)):
        if clean[k][0].shape[0] != clean[k - 1][0].shape[1]:
            raise Feedback(
                f"{what}: the layers do not chain: params[{k - 1}] gives {clean[k - 1][0].shape[1]} "
                f"outputs but params[{k}]'s W has {clean[k][0].shape[0]} rows"
            )
    if sizes[0] != PIXELS or sizes[-1] != CLASSES:
        raise Feedback(
            f"{what}: the network maps {sizes[0]} inputs to {sizes[-1]} outputs; it should map the "
            f"{PIXELS} pixels to {CLASSES} scores (are the weights stored as (fan_out, fan_in)?)"
        )
    if not all(np.all(np.isfinite(a)) for pair in clean for a in pair):
        raise Feedback(
            f"{what}: the returned weights contain NaN or inf: training diverged (a learning rate too high?)"
        )
    return clean


def held_out_accuracy(learner):
    report, X_train, _ = trained(learner)
    what = TRAIN_WHAT.format(X_train.shape)
    params = validated_params(report, what)
    _, _, X_test, y_test = digits_split(SPLIT_SEED)
    with np.errstate(all="ignore"):
        logits = mlp_forward(X_test, params)
    return ref.accuracy(logits, y_test), what, len(y_test)


def check_accuracy_at_least(learner, threshold):
    acc, what, n = held_out_accuracy(learner)
    if not acc >= threshold:
        raise Feedback(
            f"{what}: your network classified {acc:.1%} of {n} held-out digits correctly; at least "
            f"{threshold:.0%} is needed here. Train longer, tune the learning rate, or check your "
            "gradients (chapter 4) and your update step"
        )
    passed_note(f"your network classified {acc:.1%} of {n} held-out digits correctly")


# -- accuracy -----------------------------------------------------------------------


@grades("accuracy", points=1)
def test_accuracy_values(learner):
    for seed, (n, c), label_dtype, dtype in (
        (1, (37, 5), np.int64, np.float64),
        (2, (12, 10), np.int32, np.float32),
        (3, (8, 3), np.int64, np.float64),
    ):
        rng = np.random.default_rng(seed)
        logits, labels = rng.normal(size=(n, c)).astype(dtype), rng.integers(0, c, size=n).astype(label_dtype)
        what = (
            f"accuracy(logits, labels) with {np.dtype(dtype)} logits of shape {(n, c)} and "
            f"{np.dtype(label_dtype)} labels"
        )
        report = learner.call_report("accuracy", logits, labels, _describe=what)
        check_scalar(report.value, ref.accuracy(logits, labels), what, rtol=1e-12, atol=1e-12)
        check_unchanged(logits, report.args[0], what, "logits")
        check_unchanged(labels, report.args[1], what, "labels")


@grades("accuracy", points=0.5)
def test_accuracy_all_right_and_all_wrong(learner):
    logits = np.array([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.0, -1.0, -2.0]])
    for labels, case in ((np.array([1, 0, 2, 0]), "every row right"), (np.array([0, 2, 1, 1]), "every row wrong")):
        what = f"accuracy(logits, labels) with logits of shape (4, 3), {case}"
        check_scalar(
            learner.call("accuracy", logits, labels, _describe=what),
            ref.accuracy(logits, labels),
            what,
            rtol=0.0,
            atol=1e-12,
        )


@grades("accuracy", points=0.5)
def test_accuracy_ties_go_to_the_first_maximum(learner):
    logits = np.array([[1.0, 1.0, 0.0], [0.5, 2.0, 2.0], [3.0, 3.0, 3.0], [0.0, 1.0, 1.0]])
    labels = np.array([1, 1, 2, 2])
    what = "accuracy(logits, labels) with tied maxima in some rows (np.argmax picks the first of them)"
    check_scalar(
        learner.call("accuracy", logits, labels, _describe=what),
        ref.accuracy(logits, labels),
        what,
        rtol=0.0,
        atol=1e-12,
    )


# -- train_classifier ------------------------------------------------------------------


@grades("train_classifier", points=1)
def test_train_classifier_returns_a_usable_network(learner):
    report, X_train, _ = trained(learner)
    validated_params(report, TRAIN_WHAT.format(X_train.shape))


@grades("train_classifier", points=0.5)
def test_train_classifier_leaves_the_data_unchanged(learner):
    report, X_train, y_train = trained(learner)
    what = TRAIN_WHAT.format(X_train.shape)
    check_unchanged(X_train, report.args[0], what, "X_train")
    check_unchanged(y_train, report.args[1], what, "y_train")


@grades("train_classifier", points=2.5)
def test_train_classifier_learns_something(learner):
    check_accuracy_at_least(learner, ACCURACY_SOME)


@grades("train_classifier", points=4)
def test_train_classifier_reaches_90_percent_on_unseen_digits(learner):
    check_accuracy_at_least(learner, ACCURACY_PASS)
