"""Numerics style: einsum, dtype kept (float32 in, float32 out), scalar returned as numpy scalar."""

import numpy as np


def neuron(x, w, b, activation="sigmoid"):
    x = np.asarray(x)
    z = np.einsum("i,i->", w, x) + b
    z = np.float64(z)
    table = {
        "identity": lambda v: v,
        "relu": lambda v: np.where(v > 0, v, 0.0)[()],
        "sigmoid": lambda v: 0.5 * (1.0 + np.tanh(0.5 * v)),
        "tanh": np.tanh,
    }
    if activation not in table:
        raise ValueError(f"activation must be one of {sorted(table)}")
    return table[activation](z)


def dense_forward(X, W, b):
    return np.einsum("nd,dm->nm", X, W) + b


def mlp_forward(X, params):
    out = np.asarray(X)
    last = len(params) - 1
    for i, (W, b) in enumerate(params):
        out = np.einsum("nd,dm->nm", out, W) + b
        if i != last:
            out = np.clip(out, 0, None)
    return out


def count_parameters(layer_sizes):
    a = np.asarray(layer_sizes, dtype=np.int64)
    if a.ndim != 1 or a.size < 2 or (a < 1).any():
        raise ValueError("layer_sizes: at least two sizes, each >= 1")
    return np.int64(np.sum(a[:-1] * a[1:]) + np.sum(a[1:]))
