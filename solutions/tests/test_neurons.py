"""Hidden tests: the neuron and the layer (chapter 1), 12 points.

Mistakes these tests are built to catch (each loses points; solutions/misconceptions/neurons.py
names them):
- neuron: the bias forgotten, subtracted, added once per input or after the activation; the
  products w * x never summed; an unknown or mis-cased activation ("Sigmoid", "softplus")
  accepted instead of raising ValueError (or an assert raising AssertionError); a default
  activation other than the sigmoid; the textbook sigmoid 1/(1+exp(-z)) overflowing at
  z = -1000; tanh written with exponentials (overflow).
- dense_forward: W @ X or W.T (a square case tells them apart, non-square shapes raise), b
  forgotten or added as a column, an input modified.
- mlp_forward: a ReLU after the last layer (the logits can be negative), no ReLU at all, the
  ReLU before each layer, a return inside the loop, every layer fed the input X, an input or
  the params modified.
- count_parameters: the biases forgotten, the input layer counted as having biases, the last
  pair of layers skipped, no ValueError for a single size, no size, or a size of 0 or below.
A correct solution passes whatever it returns for a scalar (a Python float, a numpy scalar,
a 0-d array) and whether it loops or uses matrix products.
"""

import numpy as np

from grader.engine.testkit import (
    check_array,
    check_scalar,
    check_unchanged,
    expect_raises,
    grades,
    parametrize,
)
from solutions import neurons as ref

ACTIVATIONS = ["identity", "relu", "sigmoid", "tanh"]


def vectors(seed, n=7):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), rng.normal(size=n), float(rng.normal())


def layers(seed, sizes):
    rng = np.random.default_rng(seed)
    return [(rng.normal(scale=0.8, size=(m, n)), rng.normal(size=n)) for m, n in zip(sizes[:-1], sizes[1:])]


@parametrize("activation", ACTIVATIONS)
@grades("neuron", points=0.5)
def test_neuron_values(learner, activation):
    # Pre-activations of both signs, and every call made before any is checked: a ReLU's zeros
    # alone say little about which mistake gave them, all four together do.
    answers = []
    for seed in (1, 2, 3, 9):
        x, w, b = vectors(seed)
        what = f'neuron(x, w, b, "{activation}") with x, w of shape (7,) and b = {b:.3f}'
        answers.append(
            (learner.call("neuron", x, w, b, activation, _describe=what), ref.neuron(x, w, b, activation), what)
        )
    for got, expected, what in answers:
        check_scalar(got, expected, what)


@grades("neuron", points=1)
def test_neuron_default_is_sigmoid_and_inputs_untouched(learner):
    x, w, b = vectors(4, n=5)
    what = "neuron(x, w, b) with the default activation"
    report = learner.call_report("neuron", x, w, b, _describe=what)
    check_scalar(report.value, ref.neuron(x, w, b), what)
    check_unchanged(x, report.args[0], what, "x")
    check_unchanged(w, report.args[1], what, "w")


@grades("neuron", points=1)
def test_neuron_rejects_unknown_activation(learner):
    x, w, b = vectors(5, n=3)
    for name in ("Sigmoid", "softplus", ""):
        expect_raises(
            learner,
            "ValueError",
            "neuron",
            x,
            w,
            b,
            name,
            _describe=f'neuron(x, w, b, "{name}") (not one of identity, relu, sigmoid, tanh)',
        )


@grades("neuron", points=1)
def test_neuron_stable_at_extreme_preactivations(learner):
    x = np.array([10.0, 20.0])
    for w, b in ((np.array([-30.0, -35.0]), 0.0), (np.array([30.0, 35.0]), 0.0), (np.array([-20.0, -40.0]), -100.0)):
        z = float(w @ x + b)
        for activation in ("sigmoid", "tanh"):
            what = f'neuron(x, w, b, "{activation}") where w·x + b = {z:g}'
            got = learner.call("neuron", x, w, b, activation, _errstate="raise", _describe=what)
            check_scalar(got, ref.neuron(x, w, b, activation), what, atol=1e-12)


@grades("dense_forward", points=1)
def test_dense_forward_values(learner):
    # The square case comes first: a transposed W or a bias added as a column then gives values
    # (which tell the mistakes apart) rather than a shape error.
    for seed, (n, d, m) in zip((5, 6, 7), ((3, 3, 3), (5, 3, 4), (2, 6, 3))):
        rng = np.random.default_rng(seed)
        X, W, b = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m)
        what = f"dense_forward(X, W, b) with X {X.shape}, W {W.shape}, b {b.shape}"
        report = learner.call_report("dense_forward", X, W, b, _describe=what)
        check_array(report.value, ref.dense_forward(X, W, b), what)
        for name, before, after in zip("XWb", (X, W, b), report.args):
            check_unchanged(before, after, what, name)


@grades("dense_forward", points=1)
def test_dense_forward_float32(learner):
    rng = np.random.default_rng(8)
    X, W, b = (rng.normal(size=s).astype(np.float32) for s in ((4, 3), (3, 5), (5,)))
    what = "dense_forward(X, W, b) with float32 X (4, 3), W (3, 5), b (5,)"
    got = learner.call("dense_forward", X, W, b, _describe=what)
    check_array(got, ref.dense_forward(*(a.astype(np.float64) for a in (X, W, b))), what, input_dtype=np.float32)


@grades("mlp_forward", points=2)
def test_mlp_forward_three_layers(learner):
    X = np.random.default_rng(10).normal(size=(8, 6))
    # Equal widths first: layers applied in the wrong order or to the wrong input then give values
    # (which tell the mistakes apart) rather than a shape error.
    for seed, sizes in ((13, [6, 6, 6, 6]), (9, [6, 5, 4, 3])):
        params = layers(seed, sizes)
        what = f"mlp_forward(X, params) with X (8, 6) and layers {'→'.join(map(str, sizes))}"
        report = learner.call_report("mlp_forward", X, params, _describe=what)
        check_array(report.value, ref.mlp_forward(X, params), what)
        check_unchanged(X, report.args[0], what, "X")
        check_unchanged(params, report.args[1], what, "params")


@grades("mlp_forward", points=1)
def test_mlp_forward_single_layer_returns_raw_logits(learner):
    params = layers(11, [4, 3])
    X = np.random.default_rng(12).normal(size=(6, 4))
    what = "mlp_forward(X, params) with a single layer 4→3"
    check_array(learner.call("mlp_forward", X, params, _describe=what), ref.mlp_forward(X, params), what)


@grades("count_parameters", points=1)
def test_count_parameters_values(learner):
    # A small network first (its message is the easiest to check by hand), and every call made
    # before any is checked, so that the diagnosis sees them all.
    answers = []
    for sizes in ([3, 4, 2], [784, 128, 64, 10], [3, 1], [5, 5, 5, 5], [2, 100, 1]):
        what = f"count_parameters({sizes})"
        answers.append((learner.call("count_parameters", sizes, _describe=what), ref.count_parameters(sizes), what))
    for got, expected, what in answers:
        check_scalar(got, expected, what, rtol=0, atol=0)


@grades("count_parameters", points=1)
def test_count_parameters_rejects_non_networks(learner):
    for sizes in ([10], [], [3, 0, 2], [4, -1]):
        expect_raises(learner, "ValueError", "count_parameters", sizes, _describe=f"count_parameters({sizes})")
