"""Correct activations written element by element with the math module, as a first attempt often is."""

import math

import numpy as np


def _each(x, f):
    x = np.asarray(x)
    out = np.empty(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        out[index] = f(float(x[index]))
    return out


def _sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def relu(x):
    return _each(x, lambda v: v if v > 0 else 0.0)


def relu_grad(x):
    return _each(x, lambda v: 1.0 if v > 0 else 0.0)


def leaky_relu(x, alpha=0.01):
    return _each(x, lambda v: v if v > 0 else alpha * v)


def leaky_relu_grad(x, alpha=0.01):
    return _each(x, lambda v: 1.0 if v > 0 else alpha)


def sigmoid(x):
    return _each(x, _sigmoid)


def sigmoid_grad(x):
    return _each(x, lambda v: _sigmoid(v) * (1.0 - _sigmoid(v)))


def tanh(x):
    return _each(x, math.tanh)


def tanh_grad(x):
    return _each(x, lambda v: 1.0 - math.tanh(v) ** 2)


def softmax(z, axis=-1):
    # Move the axis to the end, then normalise each row of a 2-D view, one at a time.
    moved = np.moveaxis(np.asarray(z, dtype=np.float64), axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        total = sum(exps)
        out[i] = [e / total for e in exps]
    return np.moveaxis(out.reshape(moved.shape), -1, axis)
