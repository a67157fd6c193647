"""Drivers for the backprop tests: they run INSIDE the worker, next to the learner's module.

numerical_gradient takes a callable, which cannot cross from the judge to the worker, so the
scalar functions it is tried on are defined here, by name. A driver only observes: it returns
what the learner's function returned and what the input looked like afterwards; the judge
compares with the analytic gradients. Nothing here knows an expected value.
"""

import numpy as np


def _sum_of_squares(x):
    return float(np.sum(x * x))


def _x_sin_x(x):
    return float(np.sum(np.sin(x) * x))


def _exp_3x(x):
    return float(np.sum(np.exp(3.0 * x)))


def _softmax_cross_entropy(X, y):
    """f(W) = mean cross-entropy of the logits X @ W against the labels y."""
    rows = np.arange(len(y))

    def f(W):
        z = X @ W
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-np.mean(logp[rows, y]))

    return f


def numerical_gradient_of(module, function, x, h=None, X=None, y=None):
    """Call module.numerical_gradient on the named scalar function at x (with h if given).

    Returns {"grad": what it returned, "x_after": x after the call, "calls": how many times
    f was called}. f raises a ValueError that says so when it is given an array not shaped like x.
    """
    if function == "softmax_cross_entropy":
        inner = _softmax_cross_entropy(np.asarray(X), np.asarray(y))
    else:
        inner = {"sum_of_squares": _sum_of_squares, "x_sin_x": _x_sin_x, "exp_3x": _exp_3x}[function]
    calls = [0]
    shape = np.shape(x)

    def f(a):
        calls[0] += 1
        if np.shape(a) != shape:
            raise ValueError(
                f"the function f was called with an array of shape {np.shape(a)}, but x has "
                f"shape {shape}: evaluate f on arrays shaped like x"
            )
        return inner(np.asarray(a))

    if h is None:
        grad = module.numerical_gradient(f, x)
    else:
        grad = module.numerical_gradient(f, x, h=h)
    return {"grad": grad, "x_after": x, "calls": calls[0]}
