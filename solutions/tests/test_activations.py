"""Hidden tests: activations (chapter 2), 22 points.

Mistakes these tests are built to catch (each loses points; solutions/misconceptions/activations.py
names them):
- relu / leaky_relu / relu_grad written in place (x[x < 0] = 0, out=x): the input is modified;
  Python's max or if on a whole array; np.minimum for np.maximum.
- relu_grad or leaky_relu_grad giving 1 at exactly x == 0 (x >= 0 instead of x > 0); np.sign(x);
  ReLU's derivative (0) on the negative side of the leaky one; alpha * x there instead of alpha.
- leaky_relu ignoring its alpha argument (a hard-coded 0.01) or with another default; the sides
  swapped; the constant alpha instead of alpha * x.
- the textbook sigmoid 1 / (1 + exp(-x)): overflows for x = -1000; so does
  np.where(x >= 0, 1/(1+exp(-x)), exp(x)/(1+exp(x))), which computes both branches; σ(-x).
- sigmoid_grad as σ(x)(1 - x), x(1 - x) or σ'(σ(x)); tanh_grad as 1 - tanh(x), 1 - x², or from
  cosh/exp (overflow).
- tanh written with exponentials: overflows for |x| = 1000.
- softmax without subtracting the maximum (overflow at 1e4), subtracting the global maximum
  instead of each slice's (a slice of very negative scores becomes 0/0), summing over the
  wrong axis or over the whole array, another default axis, forgetting keepdims (a square z
  first, where it broadcasts silently), shifting z in place.
A correct solution gets everything, whatever its style: loops or vectorised, float32 or
float64 results, bool or float arrays for the ReLU derivative.
"""

import numpy as np

from grader.engine.testkit import check_array, check_unchanged, grades, parametrize
from solutions import activations as ref

SHAPES = [(3, 5), (4, 2, 3), (7,)]
# One row: a result off by a factor of 2 must not look like "not divided by the number of rows"
# (an element-wise function divides by nothing), which a batch of 2 rows would suggest.
LARGE = np.array([[-1000.0, -800.0, -50.0, -1e-3, 0.0, 30.0, 709.0, 1000.0]])


def inputs(seed, shape, dtype=np.float64):
    x = np.random.default_rng(seed).normal(scale=3.0, size=shape).astype(dtype)
    x.flat[0] = 0.0  # the kink: derivatives are defined as 0 there
    return x


def check_elementwise(learner, name, seeds=(1, 2, 3), shapes=SHAPES, **kwargs):
    param = "z" if name == "softmax" else "x"  # the contract's parameter names
    shown = "".join(f", {key}={value}" for key, value in kwargs.items())
    for seed, shape in zip(seeds, shapes):
        x = inputs(seed, shape)
        what = f"{name}({param}{shown}) with {param} of shape {shape}"
        report = learner.call_report(name, x, _describe=what, **kwargs)
        check_array(report.value, getattr(ref, name)(x, **kwargs), what)
        check_unchanged(x, report.args[0], what, param)


def check_float32(learner, name):
    x = inputs(7, (6, 4), np.float32)
    what = f"{name}(x) with a float32 x of shape (6, 4)"
    report = learner.call_report(name, x, _describe=what)
    check_array(report.value, getattr(ref, name)(x.astype(np.float64)), what, input_dtype=np.float32)
    check_unchanged(x, report.args[0], what, "x")


def check_stable(learner, name, atol=1e-12):
    what = f"{name}(x) with large inputs (x between -1000 and 1000)"
    got = learner.call(name, LARGE, _errstate="raise", _describe=what)
    check_array(got, getattr(ref, name)(LARGE), what, atol=atol)


# σ(-50) ≈ 2e-22 and its slope are tiny but representable: an input clipped to ±30 "against overflow"
# returns ~1e-13 there. 1e-15 still lets through every correct formula's rounding (below 1e-16 here),
# including (1 + tanh(x/2)) / 2, which returns 0 for σ(-50).
TINY_SIGMOID_ATOL = 1e-15


@grades("relu", points=1)
def test_relu_values(learner):
    check_elementwise(learner, "relu")


@grades("relu", points=1)
def test_relu_float32(learner):
    check_float32(learner, "relu")


@grades("relu_grad", points=1)
def test_relu_grad_values(learner):
    check_elementwise(learner, "relu_grad")


@grades("relu_grad", points=1)
def test_relu_grad_is_zero_at_zero(learner):
    x = np.array([[-1.0, 0.0, 2.0], [0.0, 0.0, -0.0]])
    what = "relu_grad(x) with x = [[-1, 0, 2], [0, 0, -0]]"
    check_array(learner.call("relu_grad", x, _describe=what), ref.relu_grad(x), what)


@grades("leaky_relu", points=1)
def test_leaky_relu_values(learner):
    check_elementwise(learner, "leaky_relu")


@grades("leaky_relu", points=1)
def test_leaky_relu_uses_alpha(learner):
    check_elementwise(learner, "leaky_relu", seeds=(4, 5, 6), alpha=0.2)


@grades("leaky_relu_grad", points=1)
def test_leaky_relu_grad_values(learner):
    check_elementwise(learner, "leaky_relu_grad", alpha=0.3)


@grades("leaky_relu_grad", points=1)
def test_leaky_relu_grad_default_alpha_and_zero(learner):
    x = np.array([[-5.0, 0.0], [3.0, -0.5], [0.0, 8.0]])
    what = "leaky_relu_grad(x) with the default alpha and zeros in x"
    check_array(learner.call("leaky_relu_grad", x, _describe=what), ref.leaky_relu_grad(x), what)


@grades("sigmoid", points=1)
def test_sigmoid_values(learner):
    check_elementwise(learner, "sigmoid")


@grades("sigmoid", points=1)
def test_sigmoid_float32(learner):
    check_float32(learner, "sigmoid")


@grades("sigmoid", points=2)
def test_sigmoid_stable_for_large_inputs(learner):
    check_stable(learner, "sigmoid", atol=TINY_SIGMOID_ATOL)


@grades("sigmoid_grad", points=1)
def test_sigmoid_grad_values(learner):
    check_elementwise(learner, "sigmoid_grad")


@grades("sigmoid_grad", points=1)
def test_sigmoid_grad_stable_for_large_inputs(learner):
    check_stable(learner, "sigmoid_grad", atol=TINY_SIGMOID_ATOL)


@grades("tanh", points=1)
def test_tanh_values(learner):
    check_elementwise(learner, "tanh")


@grades("tanh", points=1)
def test_tanh_stable_for_large_inputs(learner):
    check_stable(learner, "tanh")


@grades("tanh_grad", points=1)
def test_tanh_grad_values(learner):
    check_elementwise(learner, "tanh_grad")


@grades("tanh_grad", points=1)
def test_tanh_grad_stable_for_large_inputs(learner):
    check_stable(learner, "tanh_grad")


@grades("softmax", points=1)
def test_softmax_rows(learner):
    # A square z first: a sum without keepdims then broadcasts silently and gives wrong values.
    check_elementwise(learner, "softmax", seeds=(10, 1, 2, 3), shapes=[(4, 4), *SHAPES])


@parametrize("shape, axis", [((4, 6), 0), ((2, 5, 3), 1)])
@grades("softmax", points=1)
def test_softmax_other_axis(learner, shape, axis):
    z = inputs(11, shape)
    what = f"softmax(z, axis={axis}) with z of shape {shape}"
    report = learner.call_report("softmax", z, axis=axis, _describe=what)
    check_array(report.value, ref.softmax(z, axis=axis), what)
    check_unchanged(z, report.args[0], what, "z")


@grades("softmax", points=1)
def test_softmax_stable_for_huge_scores(learner):
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4 + 1.0, -1e4 + 2.0], [5.0, 5.0, 5.0]])
    what = "softmax(z) with scores up to 1e4 in size (and a row where all are near -1e4)"
    got = learner.call("softmax", z, _errstate="raise", _describe=what)
    check_array(got, ref.softmax(z), what, atol=1e-12)
