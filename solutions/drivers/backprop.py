"""Drivers for the backprop tests: they run INSIDE the worker, next to the learner's module.

numerical_gradient takes a callable, which cannot cross from the judge to the worker, so the
scalar functions it is tried on are defined here, by name. A driver only observes: it returns
what the learner's function returned, what the input looked like afterwards and where f was
evaluated; the judge compares with the analytic gradients. Nothing here knows an expected value.
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


def _significant(value: float) -> float:
    return float(f"{value:.3g}")


def numerical_gradient_of(module, function, x, h=None, X=None, y=None):
    """Call module.numerical_gradient on the named scalar function at x (with h if given).

    Returns what the learner's function returned and how it used f, never a judgement:
    {"grad": its result, "x_after": x after the call, "x_changed": whether x is not exactly as
    it was, "steps": the distinct amounts (3 significant digits) by which f saw an entry of x
    moved, "max_moved": the most entries of x moved in one call of f, "rounded": whether f saw
    an entry off by a rounding error (less than h/10: x converted to float32, or restored by
    arithmetic)}. A central difference gives steps [-h, h] and max_moved 1,
    whatever the style of the code. f raises a ValueError that says so when it is given an
    array not shaped like x.
    """
    if function == "softmax_cross_entropy":
        inner = _softmax_cross_entropy(np.asarray(X), np.asarray(y))
    else:
        inner = {"sum_of_squares": _sum_of_squares, "x_sin_x": _x_sin_x, "exp_3x": _exp_3x}[function]
    original = np.array(x, dtype=np.float64)  # a private copy: the learner may nudge x itself
    small = 0.1 * (1e-5 if h is None else h)  # an entry off by less than this was rounded, not moved
    steps, max_moved, rounded = set(), [0], [False]

    def f(a):
        if np.shape(a) != original.shape:
            raise ValueError(
                f"the function f was called with an array of shape {np.shape(a)}, but x has "
                f"shape {original.shape}: evaluate f on arrays shaped like x"
            )
        offsets = np.asarray(a, dtype=np.float64) - original
        moved = offsets[np.abs(offsets) > small]
        rounded[0] = rounded[0] or bool(np.any((offsets != 0) & (np.abs(offsets) <= small)))
        max_moved[0] = max(max_moved[0], int(moved.size))
        steps.update(_significant(v) for v in moved[:64].tolist())
        return inner(np.asarray(a))

    if h is None:
        grad = module.numerical_gradient(f, x)
    else:
        grad = module.numerical_gradient(f, x, h=h)
    return {
        "grad": grad,
        "x_after": x,
        "x_changed": not np.array_equal(np.asarray(x, dtype=np.float64), original),
        "steps": sorted(steps)[:12],
        "max_moved": max_moved[0],
        "rounded": rounded[0],
    }
