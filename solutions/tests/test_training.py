"""Hidden tests: training (chapter 7), 10 points.

train_classifier is called ONCE per grading run, in the worker, with the training part of the
fixed digits split (solutions/digits_data.py); its params come back as plain arrays and are
evaluated HERE, in the judge, with the reference mlp_forward on the held-out digits it never saw.
The call's time limit is the manifest's call_limit for this exercise (90 s; the contract asks
for 60 s); a stuck call is stopped there and every train_classifier test reports it.

Mistakes these tests are built to catch (each loses points):
- accuracy: a count instead of a fraction; argmax over the wrong axis; ties resolved other
  than by argmax (the first of the tied columns wins); a result that is not a number.
- train_classifier: no real training (weights that start all equal, updates never stored or going
  uphill, labels shuffled apart from the images, ReLUs killed by a huge learning rate: chance level
  ~0.1 even on the training digits); a diverging run (NaN or inf in the weights); weak training
  (between ACCURACY_SOME and ACCURACY_PASS: partial credit only); a result that is not a
  list of (W, b) pairs, weights stored transposed ((fan_out, fan_in)), layers that do not
  chain, a first layer that does not take 64 pixels or a last one that does not give 10
  scores; X_train or y_train modified in place (e.g. normalised with -=); an infinite loop
  or far too much work (stopped at the call limit); weights trained on standardised or centred
  pixels, returned without folding the transform in (mlp_forward feeds the raw pixels).
The messages state facts about the returned parameters (held-out and training accuracy); the
cause, when the parameters show one, is named by the diagnosis (solutions/misconceptions/training.py),
never guessed in a message: "train longer" is said only to a network that underfits.
A correct solution gets everything however it trains: any number of hidden layers and units,
an accuracy computed in float32, SGD, momentum or Adam, full batch or mini-batches, float32 or float64
weights, tuples or lists, biases of shape (fan_out,) or (1, fan_out) (both are usable by mlp_forward,
as the contract asks).
"""

import numpy as np

from grader.engine.failures import LearnerError
from grader.engine.testkit import (
    Feedback,
    check_scalar,
    check_unchanged,
    grades,
    passed_note,
    returned,
)
from solutions import training as ref
from solutions.digits_data import digits_split
from solutions.neurons import mlp_forward

ACCURACY_PASS = 0.90  # the contract's threshold on the held-out digits
ACCURACY_SOME = 0.50  # "it learns something": partial credit below the pass mark
CHANCE_LEVEL = 0.2  # on its own training digits, below this a network has learnt nothing (guessing: 0.1)
FAR_BELOW_CHANCE = 0.05  # on its own training digits, below this a network is wrong systematically
MEMORISED = 0.97  # on its own training digits, at least this while failing on unseen ones: overfitting
SPLIT_SEED = 0
PIXELS, CLASSES = 64, 10
TRAIN_WHAT = "train_classifier(X_train, y_train, seed=0) with X_train of shape {} (8×8 digit images)"

_RUN = {}  # the one train_classifier call of this grading run, keyed by the learner object


def trained(learner, diagnose=True):
    """(report, X_train, y_train) of the run's one train_classifier call; raises what that call raised.

    The call is made once per grading run. With `diagnose`, it is logged in the current test too, so
    that a failure here is diagnosed from the returned parameters (the training catalogue's detect
    predicates); it is never replayed in the judge (a training run is not repeatable).
    """
    if _RUN.get("learner") is not learner:
        X_train, y_train, _, _ = digits_split(SPLIT_SEED)
        what = TRAIN_WHAT.format(X_train.shape)
        try:
            # No _timeout: the manifest's call_limit for this exercise applies.
            outcome = learner.call_report("train_classifier", X_train, y_train, seed=0, _describe=what, _replay=False)
        except LearnerError as error:  # a timeout, crash or exception: every test of it reports the same
            outcome = error
        _RUN.clear()
        _RUN.update(learner=learner, outcome=outcome, X_train=X_train, y_train=y_train, call=learner.calls[-1])
    elif diagnose:
        learner.calls.append(_RUN["call"])
    if not diagnose and learner.calls and learner.calls[-1] is _RUN["call"]:
        learner.calls.pop()
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
        raise Feedback(f"{what} returned {returned(params)}; it should return {shape_rule}")
    clean = []
    for k, pair in enumerate(params):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Feedback(f"{what}: params[{k}] is {returned(pair)}, not a (W, b) pair; return {shape_rule}")
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
        if W.ndim == 2 and b.shape == (1, W.shape[1]):
            b = b.reshape(-1)  # a (1, fan_out) row of biases broadcasts in X @ W + b just the same
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise Feedback(
                f"{what}: params[{k}] has W of shape {W.shape} and b of shape {b.shape}; b must have "
                "one entry per column of W"
            )
        clean.append((W.astype(np.float64), b.astype(np.float64)))
    sizes = [clean[0][0].shape[0]] + [W.shape[1] for W, _ in clean]
    for k in range(1, len(clean)):
        if clean[k][0].shape[0] != clean[k - 1][0].shape[1]:
            backwards = all(a[0].shape[0] == b[0].shape[1] for a, b in zip(clean, clean[1:]))
            raise Feedback(
                f"{what}: the layers do not chain: params[{k - 1}] gives {clean[k - 1][0].shape[1]} "
                f"outputs but params[{k}]'s W has {clean[k][0].shape[0]} rows"
                + ("; in reverse order they would: return them from the first layer to the last" if backwards else "")
            )
    if sizes[0] != PIXELS or sizes[-1] != CLASSES:
        raise Feedback(
            f"{what}: the network maps {sizes[0]} inputs to {sizes[-1]} outputs; it should map the "
            f"{PIXELS} pixels to {CLASSES} scores"
        )
    if not all(np.all(np.isfinite(a)) for pair in clean for a in pair):
        raise Feedback(f"{what}: the returned weights contain NaN or inf: training diverged")
    return clean


def accuracy_of(params, X, y):
    with np.errstate(all="ignore"):
        return ref.accuracy(mlp_forward(X, params), y)


def fits_transformed_inputs(params, X, y):
    """Which usual input transform (centring, standardising) the network fits ACCURACY_PASS on, or ''.

    A learner who normalises X inside train_classifier returns weights for normalised pixels; on the raw
    pixels the same network then looks like it underfits. Pixels that never vary stay 0 either way.
    """
    centred = X - X.mean(axis=0)
    std = X.std(axis=0)
    standardised = centred / np.where(std > 0, std, 1.0)
    found = [
        (accuracy_of(params, inputs, y), name)
        for name, inputs in (
            ("centred, x - mean,", centred),
            ("standardised per pixel, (x - mean) / std,", standardised),
        )
    ]
    acc, name = max(found)  # the transform it fits best is the likelier one
    return f"on the same digits {name} it gets {acc:.1%}" if acc >= ACCURACY_PASS else ""


def check_accuracy_at_least(learner, threshold):
    report, X_train, y_train = trained(learner)
    what = TRAIN_WHAT.format(X_train.shape)
    params = validated_params(report, what)
    _, _, X_test, y_test = digits_split(SPLIT_SEED)
    acc, seen = accuracy_of(params, X_test, y_test), accuracy_of(params, X_train, y_train)
    reached = f"your network classified {acc:.1%} of {len(y_test)} held-out digits correctly"
    if acc >= threshold:
        passed_note(reached)
        return
    # Facts about these parameters only; the diagnosis names a cause when it can tell one.
    on_training = f"on the digits it trained on it gets {seen:.1%}"
    modified = not all(
        isinstance(after, np.ndarray) and np.array_equal(before, after)
        for before, after in zip((X_train, y_train), report.args)
    )
    if modified:
        why = (
            "your train_classifier changed X_train or y_train in place, so the network learnt from other data "
            "than the digits it is evaluated with: work on a copy"
        )
    elif seen < ACCURACY_PASS and (fitted := fits_transformed_inputs(params, X_train, y_train)):
        why = (
            f"{on_training}, but {fitted}: it looks trained on transformed pixels, while mlp_forward "
            "feeds it X as it is; train on the raw pixels, or fold the transform into the first layer's W and b"
        )
    elif seen < FAR_BELOW_CHANCE:
        why = f"{on_training}, far below guessing (10%): it picks a wrong class systematically"
    elif seen < CHANCE_LEVEL:
        why = f"{on_training}, no better than guessing (10%): it has not learnt from the labels at all"
    elif seen >= MEMORISED:
        why = (
            f"{on_training}: it fits its training digits but does not generalise (overfitting); try fewer "
            "epochs, a smaller network or regularization"
        )
    elif seen < ACCURACY_PASS:
        why = (
            f"{on_training} too: it underfits; train longer or tune the learning rate, and check your "
            "gradients (chapter 4) and your update step"
        )
    else:
        why = on_training
    raise Feedback(f"{what}: {reached}; at least {threshold:.0%} is needed here. {why[0].upper()}{why[1:]}")


# -- accuracy -----------------------------------------------------------------------


def accuracy_cases(learner, cases):
    """Call accuracy on every (logits, labels, what) first, then check each: a diagnosis sees them all."""
    reports = [learner.call_report("accuracy", logits, labels, _describe=what) for logits, labels, what in cases]
    for (logits, labels, what), report in zip(cases, reports):
        # Usual tolerances: a fraction computed in float32 (np.mean(hits.astype(np.float32))) is right too;
        # two fractions of these few rows differ by far more than that.
        check_scalar(report.value, ref.accuracy(logits, labels), what, input_dtype=np.asarray(logits).dtype)
        check_unchanged(logits, report.args[0], what, "logits")
        check_unchanged(labels, report.args[1], what, "labels")


@grades("accuracy", points=1)
def test_accuracy_values(learner):
    cases = []
    for seed, (n, c), label_dtype, dtype in (
        (1, (37, 5), np.int64, np.float64),
        (2, (12, 10), np.int32, np.float32),
        (3, (8, 3), np.int64, np.float64),
        (4, (6, 6), np.int64, np.float64),  # square: an argmax over the wrong axis still runs
    ):
        rng = np.random.default_rng(seed)
        logits, labels = rng.normal(size=(n, c)).astype(dtype), rng.integers(0, c, size=n).astype(label_dtype)
        logits[0, c // 2] = (
            logits.max() + 1
        )  # the largest score of all in the first row: an argmax without axis=1 differs
        what = (
            f"accuracy(logits, labels) with {np.dtype(dtype)} logits of shape {(n, c)} and "
            f"{np.dtype(label_dtype)} labels"
        )
        cases.append((logits, labels, what))
    accuracy_cases(learner, cases)


@grades("accuracy", points=0.5)
def test_accuracy_all_right_and_all_wrong(learner):
    logits = np.array([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.0, -1.0, -2.0]])
    accuracy_cases(
        learner,
        [
            (logits, labels, f"accuracy(logits, labels) with logits of shape (4, 3), {case}")
            for labels, case in (
                (np.array([1, 0, 2, 0]), "every row right"),
                (np.array([0, 2, 1, 1]), "every row wrong"),
            )
        ],
    )


@grades("accuracy", points=0.5)
def test_accuracy_ties_go_to_the_first_maximum(learner):
    # Counting every tied class as right changes each result by a factor that is no size of the input.
    first = np.array(
        [[1.0, 1.0, 0.0], [0.5, 2.0, 2.0], [3.0, 3.0, 3.0], [0.0, 1.0, 1.0], [2.0, 0.0, 1.0], [1.0, 2.0, 0.0]]
    )
    second = np.array([[4.0, 4.0], [0.0, 1.0], [2.0, 2.0], [1.0, 0.0], [0.5, 0.5]])
    what = "accuracy(logits, labels) with tied maxima in some rows (np.argmax picks the first of them), shape {}"
    accuracy_cases(
        learner,
        [
            (first, np.array([1, 1, 0, 0, 1, 0]), what.format(first.shape)),
            (second, np.array([1, 1, 0, 0, 1]), what.format(second.shape)),
        ],
    )


# -- train_classifier ------------------------------------------------------------------


@grades("train_classifier", points=1)
def test_train_classifier_returns_a_usable_network(learner):
    report, X_train, _ = trained(learner)
    validated_params(report, TRAIN_WHAT.format(X_train.shape))


@grades("train_classifier", points=0.5)
def test_train_classifier_leaves_the_data_unchanged(learner):
    report, X_train, y_train = trained(learner, diagnose=False)  # a fact about the data, not the network
    what = TRAIN_WHAT.format(X_train.shape)
    check_unchanged(X_train, report.args[0], what, "X_train")
    check_unchanged(y_train, report.args[1], what, "y_train")


@grades("train_classifier", points=2.5)
def test_train_classifier_learns_something(learner):
    check_accuracy_at_least(learner, ACCURACY_SOME)


@grades("train_classifier", points=4)
def test_train_classifier_reaches_90_percent_on_unseen_digits(learner):
    check_accuracy_at_least(learner, ACCURACY_PASS)
