"""Textbook style: math module for the scalar neuron, piecewise stable sigmoid."""

import math

import numpy as np


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


def neuron(x, w, b, activation="sigmoid"):
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    if activation == "identity":
        return z
    elif activation == "relu":
        return z if z > 0 else 0.0
    elif activation == "sigmoid":
        return _sigmoid(z)
    elif activation == "tanh":
        return math.tanh(z)
    else:
        raise ValueError("unknown activation: " + str(activation))


def dense_forward(X, W, b):
    return np.dot(X, W) + b


def mlp_forward(X, params):
    h = X
    n = len(params)
    for k in range(n):
        W, b = params[k]
        h = dense_forward(h, W, b)
        if k != n - 1:
            h = h * (h > 0)
    return h


def count_parameters(layer_sizes):
    if len(layer_sizes) < 2:
        raise ValueError("need an input and an output size")
    for s in layer_sizes:
        if s < 1:
            raise ValueError("sizes must be positive")
    total = 0
    for i in range(1, len(layer_sizes)):
        total += layer_sizes[i - 1] * layer_sizes[i] + layer_sizes[i]
    return total
