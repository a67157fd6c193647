"""Correct neurons, written with plain Python loops and the math module (no matrix products)."""

import math

import numpy as np


def neuron(x, w, b, activation="sigmoid"):
    z = b
    for xi, wi in zip(x, w):
        z += float(xi) * float(wi)
    if activation == "identity":
        return z
    if activation == "relu":
        return z if z > 0 else 0.0
    if activation == "sigmoid":
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    if activation == "tanh":
        return math.tanh(z)
    raise ValueError(f"unknown activation: {activation!r}")


def dense_forward(X, W, b):
    n, d = X.shape
    m = W.shape[1]
    out = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            total = b[j]
            for k in range(d):
                total += X[i, k] * W[k, j]
            out[i, j] = total
    return out


def mlp_forward(X, params):
    h = X
    last = len(params) - 1
    for i, (W, b) in enumerate(params):
        h = dense_forward(h, W, b)
        if i != last:
            h = np.where(h > 0, h, 0.0)
    return h


def count_parameters(layer_sizes):
    if len(layer_sizes) < 2:
        raise ValueError("a network needs an input and an output layer")
    total = 0
    for i in range(len(layer_sizes)):
        if layer_sizes[i] < 1:
            raise ValueError("every layer needs at least one unit")
        if i > 0:
            total += layer_sizes[i - 1] * layer_sizes[i] + layer_sizes[i]
    return total
