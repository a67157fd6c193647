"""Correct neurons that keep the input's dtype (float32 stays float32) and use np.dot and a copy-free loop."""

import numpy as np

KNOWN = ("identity", "relu", "sigmoid", "tanh")


def _stable_sigmoid(z):
    if z < 0:
        e = np.exp(z)
        return e / (1 + e)
    return 1 / (1 + np.exp(-z))


def neuron(x, w, b, activation="sigmoid"):
    if activation not in KNOWN:
        raise ValueError("activation must be one of " + ", ".join(KNOWN))
    z = np.dot(x, w) + b
    result = {
        "identity": lambda: z,
        "relu": lambda: max(0.0, z),
        "sigmoid": lambda: _stable_sigmoid(z),
        "tanh": lambda: np.tanh(z),
    }[activation]()
    return float(result)


def dense_forward(X, W, b):
    out = np.dot(X, W)
    out += b  # out is a new array: adding in place here touches nothing of the caller's
    return out


def mlp_forward(X, params):
    out = X
    for W, b in params[:-1]:
        out = dense_forward(out, W, b)
        out[out < 0] = 0  # in place on our own intermediate array, never on X
    W, b = params[-1]
    return dense_forward(out, W, b)


def count_parameters(layer_sizes):
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError("count_parameters needs two or more layer sizes, each >= 1")
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
