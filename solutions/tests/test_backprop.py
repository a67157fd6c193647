"""Hidden tests: backprop (chapter 4), 12 points.

Mistakes these tests are built to catch (each loses points; solutions/misconceptions/backprop.py
names most of them):
- dense_backward: db not summed over the batch (db = dout[0], dout.mean(axis=0), dout itself, a
  sum over the outputs); dW or dX with a wrong transpose (every shape is non-square: N, D and M
  all differ, so a transposed or reshaped result has the wrong shape or the wrong values);
  inputs modified.
- relu_backward: the mask taken from dout instead of x; 1 instead of 0 at x == 0 (x >= 0); the
  mask returned without dout; dout zeroed in place (the input modified).
- numerical_gradient: a one-sided difference (f(x+h) - f(x)) / h (its error ~h is ~1e-5, far
  above NG_RTOL; the central difference is ~1e-10 off); a central difference over h, not 2h;
  x modified and not restored, or restored by arithmetic (off in its last digits); an entry not
  put back before the next one (caught by a non-separable function, a softmax cross-entropy,
  where the shifted entry changes the other partial derivatives); a whole row moved at once
  (range(len(x))); x rounded to float32; h ignored; a default h other than 1e-5 (compared with
  the judge's own central difference at h = 1e-5, which uses the same f at the same points).
  The driver reports where f was evaluated (steps, entries moved at once, rounding), so the
  message says what the learner's code did rather than one template.
- mlp_loss_and_grads: a layer's bias gradient missing; no ReLU mask in the backward pass;
  a ReLU after the last layer; the loss summed instead of averaged, or its gradient not divided
  by N; grads in reverse order; inputs modified. Layers are checked from the last back to the
  first, as the gradient flows, so the message names the first step that goes wrong.
A correct solution gets everything, whatever its style: loops or vectorised, float32 or
float64 results, tuples or lists for (dX, dW, db), (loss, grads) and each (dW, db), a
numerical_gradient that nudges x itself and restores it. Gradients are compared with the
reference and with central differences computed here in the judge, at inputs kept at least
KINK_MARGIN away from ReLU's kink.
"""

import numpy as np

from grader.engine.testkit import (
    Feedback,
    as_array,
    check_array,
    check_gradient,
    check_scalar,
    check_unchanged,
    grades,
    returned,
)
from solutions import backprop as ref
from solutions import losses
from solutions.drivers import backprop as drv

# Central differences in the judge (testkit.check_gradient) check the analytic gradients.
# The learner's numerical_gradient (default h = 1e-5) against the analytic gradient: a central
# difference is within ~1e-9 of it, a one-sided one ~1e-5 off, so this separates them.
NG_RTOL, NG_ATOL = 1e-7, 1e-8
# Pre-activations of the test networks stay this far from ReLU's kink at 0.
KINK_MARGIN = 1e-3


def as_sequence(got, length, what, names):
    if not isinstance(got, (tuple, list)) or len(got) != length:
        raise Feedback(f"{what} returned {returned(got)}; it should return a tuple {names}")
    return got


# -- dense_backward --------------------------------------------------------------


def dense_case(seed, n, d, m, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=s).astype(dtype) for s in ((n, m), (n, d), (d, m), (m,)))


def check_dense(learner, seed, n, d, m, dtype=np.float64):
    dout, X, W, b = dense_case(seed, n, d, m, dtype)
    kind = "float32 " if dtype == np.float32 else ""
    what = f"dense_backward(dout, X, W) with {kind}dout {dout.shape}, X {X.shape}, W {W.shape}"
    report = learner.call_report("dense_backward", dout, X, W, _describe=what)
    got = as_sequence(report.value, 3, what, "(dX, dW, db)")
    for name, before, after in zip(("dout", "X", "W"), (dout, X, W), report.args):
        check_unchanged(before, after, what, name)
    d64, X64, W64, b64 = (a.astype(np.float64) for a in (dout, X, W, b))
    expected = ref.dense_backward(d64, X64, W64)
    for name, g, e in zip(("dX", "dW", "db"), got, expected):
        check_array(g, e, f"{what}: its {name}", input_dtype=dtype)
    if dtype == np.float64:
        # L = sum(dout * (X @ W + b)) has exactly these gradients.
        check_gradient(got[0], lambda a: np.sum(d64 * (a @ W64 + b64)), X64, f"{what}: its dX")
        check_gradient(got[1], lambda a: np.sum(d64 * (X64 @ a + b64)), W64, f"{what}: its dW")
        check_gradient(got[2], lambda a: np.sum(d64 * (X64 @ W64 + a)), b64, f"{what}: its db")


@grades("dense_backward", points=2)
def test_dense_backward_values(learner):
    check_dense(learner, 1, 5, 3, 4)
    check_dense(learner, 2, 2, 6, 3)


@grades("dense_backward", points=0.5)
def test_dense_backward_float32(learner):
    check_dense(learner, 3, 6, 4, 5, np.float32)


# -- relu_backward -----------------------------------------------------------------


def relu_case(seed, shape, dtype=np.float64):
    rng = np.random.default_rng(seed)
    dout, x = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)
    x.flat[::4] = 0.0  # exactly at the kink: the gradient is 0 there
    return dout, x


@grades("relu_backward", points=1)
def test_relu_backward_values(learner):
    for seed, shape in ((4, (4, 5)), (5, (3, 2, 2))):
        dout, x = relu_case(seed, shape)
        what = f"relu_backward(dout, x) with dout, x of shape {shape} (some x exactly 0)"
        report = learner.call_report("relu_backward", dout, x, _describe=what)
        check_array(report.value, ref.relu_backward(dout, x), what)
        check_unchanged(dout, report.args[0], what, "dout")
        check_unchanged(x, report.args[1], what, "x")


@grades("relu_backward", points=0.5)
def test_relu_backward_float32(learner):
    dout, x = relu_case(6, (5, 3), np.float32)
    what = "relu_backward(dout, x) with float32 dout, x of shape (5, 3)"
    check_array(
        learner.call("relu_backward", dout, x, _describe=what),
        ref.relu_backward(dout.astype(np.float64), x.astype(np.float64)),
        what,
        input_dtype=np.float32,
    )


# -- numerical_gradient (through the driver: f is defined in the worker) -------------

SEPARABLE = {  # name in the driver: (what f is, its exact gradient)
    "sum_of_squares": ("sum(x²)", lambda x: 2 * x),
    "x_sin_x": ("sum(x·sin(x))", lambda x: np.sin(x) + x * np.cos(x)),
    "exp_3x": ("sum(exp(3x))", lambda x: 3 * np.exp(3 * x)),
}


def ce_case(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(5, 4)), rng.integers(0, 3, size=5), rng.normal(size=(4, 3))


def ce_gradient(X, y, W):
    return X.T @ losses.cross_entropy_grad(X @ W, y)


def numerical(learner, function, x, what, **kwargs):
    result = learner.drive("numerical_gradient_of", function=function, x=x, _describe=what, **kwargs)
    grad = as_array(result["grad"], what)
    if grad.shape != x.shape:
        raise Feedback(f"{what} returned shape {grad.shape}; it should have the shape of x, {x.shape}")
    return grad, result


def how_f_was_used(result, h) -> str:
    """What the driver saw of the learner's evaluations of f, when it explains a wrong result."""
    steps, moved = result["steps"], result["max_moved"]
    if moved > 1:
        return (
            f"f was evaluated with {moved} entries of x moved at once: move one entry at a time, and put it "
            "back to its original value before moving the next"
        )
    if not steps:
        return "f was never evaluated away from x: each entry has to be moved by +h and by -h"
    if result["rounded"]:
        return (
            "f saw entries of x that were not moved off their value by rounding errors, as when x is "
            "converted to float32 (or an entry is put back by arithmetic): nudge a float64 copy of x and put "
            "each entry back by assigning its saved value"
        )
    if all(np.isclose(step, h, rtol=0.01) for step in steps) or all(np.isclose(step, -h, rtol=0.01) for step in steps):
        side = "x + h" if steps[0] > 0 else "x - h"
        return (
            f"f was only evaluated at {side}, never on the other side: a one-sided difference is off by about h; "
            "use the central difference (f(x + h) - f(x - h)) / (2h)"
        )
    sizes = sorted({abs(step) for step in steps})
    if all(np.isclose(size, h, rtol=0.1) for size in sizes):
        if len(sizes) > 1:
            return (
                f"f saw x moved by amounts between {sizes[0]:.3g} and {sizes[-1]:.3g} rather than exactly h = {h:g}, "
                "as when x is rounded to float32: nudge a float64 copy of x"
            )
        return (
            "f was evaluated where it should be (x ± h, one entry at a time): look at how the two values are "
            "combined, (f(x + h) - f(x - h)) / (2h), and at where each result is stored"
        )
    return (
        f"f was evaluated at x moved by {', '.join(f'{step:g}' for step in steps[:4])}"
        f"{', ...' if len(steps) > 4 else ''}, not by ±h with h = {h:g}"
    )


def check_numerical(grad, expected, result, what, h=1e-5, rtol=NG_RTOL, atol=NG_ATOL):
    if not np.all(np.isfinite(grad)):
        raise Feedback(f"{what} returned NaN or infinite values")
    if not np.allclose(grad.astype(np.float64), expected, rtol=rtol, atol=atol):
        raise Feedback(
            f"{what} is not accurate enough (tolerance rtol={rtol:g}, atol={atol:g}): {how_f_was_used(result, h)}"
        )


@grades("numerical_gradient", points=2)
def test_numerical_gradient_matches_analytic_gradients(learner):
    rng = np.random.default_rng(7)
    for function, shape in (("sum_of_squares", (3, 4)), ("x_sin_x", (7,)), ("exp_3x", (2, 3, 2))):
        x = rng.uniform(-1.5, 1.5, size=shape)
        text, exact = SEPARABLE[function]
        what = f"numerical_gradient(f, x) with f(x) = {text} and x of shape {shape}"
        grad, result = numerical(learner, function, x, what)
        check_numerical(grad, exact(x), result, what)


@grades("numerical_gradient", points=1)
def test_numerical_gradient_of_a_softmax_cross_entropy(learner):
    X, y, W = ce_case(8)
    what = (
        "numerical_gradient(f, W) with f(W) = cross_entropy(X @ W, y), X (5, 4), W (4, 3) "
        "(every entry of W affects every partial derivative)"
    )
    grad, result = numerical(learner, "softmax_cross_entropy", W, what, X=X, y=y)
    check_numerical(grad, ce_gradient(X, y, W), result, what)


@grades("numerical_gradient", points=1)
def test_numerical_gradient_leaves_x_unchanged(learner):
    X, y, W = ce_case(9)
    x = np.random.default_rng(10).normal(size=(2, 5))
    for function, arg, kwargs in (("sum_of_squares", x, {}), ("softmax_cross_entropy", W, {"X": X, "y": y})):
        what = f"numerical_gradient(f, x) with x of shape {arg.shape}"
        _, result = numerical(learner, function, arg, what, **kwargs)
        after = result["x_after"]
        if isinstance(after, np.ndarray) and after.shape == arg.shape and np.array_equal(after, arg):
            continue
        if isinstance(after, np.ndarray) and after.shape == arg.shape and np.allclose(after, arg, rtol=1e-12, atol=0):
            raise Feedback(
                f"{what} left x changed by rounding errors: moving an entry by +h and -2h and back by +h does not "
                "give exactly the old number in floating point; save the old value and assign it back"
            )
        raise Feedback(
            f"{what} left x changed when it returned: work on a float64 copy of x, or put each "
            "entry back to its old value right after evaluating f(x + h) and f(x - h)"
        )


def central(f, x, h):
    """The central difference of the driver's f at x with step h, computed here the same way."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        moved = x.copy()
        moved[i] = x[i] + h
        up = f(moved)
        moved[i] = x[i] - h
        grad[i] = (up - f(moved)) / (2 * h)
    return grad


@grades("numerical_gradient", points=0.5)
def test_numerical_gradient_uses_its_step_h(learner):
    """h = 1e-3 given, then the default h = 1e-5: each differs from the other step by far more than rounding."""
    x = np.random.default_rng(11).uniform(-1.0, 1.0, size=(3, 2))
    for h in (1e-3, None):
        what = "numerical_gradient(f, x" + (f", h={h:g})" if h else ") (the default h)") + " with f(x) = sum(exp(3x))"
        grad, result = numerical(learner, "exp_3x", x, what, **({"h": h} if h else {}))
        step = h or 1e-5
        # exp(3x)'s central difference moves by ~(3h)²/6 relative when h changes: 1.5e-6 for h = 1e-3,
        # 1.5e-8 between h = 1e-4 and 1e-5; rounding (the same f, the same points) stays below 1e-10.
        if not np.allclose(grad.astype(np.float64), central(drv._exp_3x, x, step), rtol=1e-9, atol=1e-12):
            raise Feedback(
                f"{what} is not the central difference with step h = {step:g}: {how_f_was_used(result, step)}"
            )


# -- mlp_loss_and_grads ----------------------------------------------------------------


def network(seed, sizes, n):
    """Random X, y, params whose every pre-activation is at least KINK_MARGIN away from 0."""
    rng = np.random.default_rng(seed)
    while True:
        params = [
            (rng.normal(scale=0.8, size=(a, b)), rng.normal(scale=0.5, size=b)) for a, b in zip(sizes[:-1], sizes[1:])
        ]
        X, y = rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], size=n)
        a, far = X, True
        for W, b in params[:-1]:
            z = a @ W + b
            far &= bool(np.min(np.abs(z)) > KINK_MARGIN)
            a = np.maximum(z, 0)
        if far:
            return X, y, params


def reference_loss(X, y, params):
    return ref.mlp_loss_and_grads(X, y, params)[0]


def _matches(got, want) -> bool:
    return isinstance(got, np.ndarray) and got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-9)


def check_mlp(learner, X, y, params, what, errstate=None):
    """Loss, then the layers' gradients from the last layer back, as the gradient flows."""
    report = learner.call_report("mlp_loss_and_grads", X, y, params, _errstate=errstate, _describe=what)
    loss, grads = as_sequence(report.value, 2, what, "(loss, grads)")
    check_unchanged(X, report.args[0], what, "X")
    check_unchanged([a for pair in params for a in pair], [a for pair in report.args[2] for a in pair], what, "params")
    expected_loss, expected_grads = ref.mlp_loss_and_grads(X, y, params)
    check_scalar(loss, expected_loss, f"{what}: its loss")
    n = len(params)
    if not isinstance(grads, (list, tuple)) or len(grads) != n:
        raise Feedback(
            f"{what}: its grads is {returned(grads)}; it should be a list with one (dW, db) pair per layer ({n} layers)"
        )
    pairs = [as_sequence(pair, 2, f"{what}: grads[{k}]", "(dW, db)") for k, pair in enumerate(grads)]
    shapes = [tuple(getattr(a, "shape", None) for a in pair) for pair in pairs]
    if n > 1 and shapes == [(W.shape, b.shape) for W, b in reversed(params)]:
        raise Feedback(
            f"{what}: grads[0] has the shapes of the last layer's (dW, db): grads[k] must hold the gradients "
            "of params[k], first layer first"
        )
    for k in reversed(range(n)):
        (dW_got, db_got), (dW, db) = pairs[k], expected_grads[k]
        if _matches(dW_got, dW) and _matches(db_got, db):
            continue
        if k == n - 1:
            how = (
                f"layer {k + 1} is the last one: its dz is the gradient of the loss with respect to the logits, "
                "(softmax(logits) - one_hot(y)) / N, then dW = (its input).T @ dz and db = dz summed over the batch"
            )
        elif _matches(db_got, db):
            how = (
                f"its db is right, so the gradient reaching layer {k + 1} is probably right: look at the input "
                f"dW uses, {'X' if k == 0 else f'the output of layer {k} after its ReLU'}"
            )
        else:
            how = (
                f"the gradients of every layer after it are right, so look at the step back into layer {k + 1}: "
                f"dX of layer {k + 2} (dz @ W.T), then layer {k + 1}'s ReLU (the gradient passes only where its "
                "pre-activation was > 0)"
            )
        for name, g, e in (("db", db_got, db), ("dW", dW_got, dW)):
            try:
                check_array(g, e, f"{what}: {name} of layer {k + 1}")
            except Feedback as wrong:
                raise Feedback(f"{wrong}; {how}") from None
    return grads


@grades("mlp_loss_and_grads", points=1.25)
def test_mlp_loss_and_grads_three_layers(learner):
    X, y, params = network(12, [6, 5, 4, 3], 7)
    check_mlp(learner, X, y, params, "mlp_loss_and_grads(X, y, params) with X (7, 6) and layers 6→5→4→3")


@grades("mlp_loss_and_grads", points=0.5)
def test_mlp_loss_and_grads_single_layer(learner):
    X, y, params = network(13, [4, 3], 6)
    check_mlp(
        learner,
        X,
        y,
        params,
        "mlp_loss_and_grads(X, y, params) with a single layer 4→3 (no ReLU: the logits go straight to the loss)",
    )


@grades("mlp_loss_and_grads", points=0.25)
def test_mlp_loss_and_grads_units_at_zero(learner):
    # Two hidden units whose weights and bias are all zero: their pre-activations are exactly 0,
    # where ReLU's slope is 0 (as in relu_backward), so no gradient flows back through them. A mask
    # z >= 0 lets it through; the other units, positive and negative, still tell that from no mask.
    X, y, params = network(15, [4, 5, 3], 6)
    (W1, b1), last = params
    W1, b1 = W1.copy(), b1.copy()
    W1[:, [1, 3]] = 0.0
    b1[[1, 3]] = 0.0
    check_mlp(
        learner,
        X,
        y,
        [(W1, b1), last],
        "mlp_loss_and_grads(X, y, params) with layers 4→5→3, hidden units 2 and 4 with all-zero weights "
        "and bias (their pre-activations are exactly 0, where ReLU's slope is 0)",
    )


@grades("mlp_loss_and_grads", points=0.5)
def test_mlp_loss_and_grads_stable_for_large_logits(learner):
    # The loss is the contract's cross_entropy, stable for large logits. Every logit is shifted by
    # the same 1000 (a single layer's bias), which changes neither the softmax nor any gradient but
    # overflows exp(logits) unless each row's maximum is subtracted first.
    X, y, params = network(13, [4, 3], 6)
    params = [(W, b + 1000.0) for W, b in params]
    check_mlp(
        learner,
        X,
        y,
        params,
        "mlp_loss_and_grads(X, y, params) with a single layer 4→3 whose logits are all near 1000",
        errstate="raise",
    )


@grades("mlp_loss_and_grads", points=1)
def test_mlp_loss_and_grads_match_central_differences(learner):
    X, y, params = network(14, [3, 4, 2], 5)
    what = "mlp_loss_and_grads(X, y, params) with X (5, 3) and layers 3→4→2"
    grads = check_mlp(learner, X, y, params, what)
    for k, (W, b) in enumerate(params):

        def with_layer(new_W=W, new_b=b):
            return params[:k] + [(new_W, new_b)] + params[k + 1 :]

        check_gradient(
            grads[k][0], lambda a: reference_loss(X, y, with_layer(new_W=a)), W, f"{what}: dW of layer {k + 1}"
        )
        check_gradient(
            grads[k][1], lambda a: reference_loss(X, y, with_layer(new_b=a)), b, f"{what}: db of layer {k + 1}"
        )
