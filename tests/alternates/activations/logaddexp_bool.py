"""Numerics style: sigmoid via logaddexp, softmax via log-sum-exp, masks as bool arrays."""

import numpy as np


def relu(x):
    return x * (x > 0)


def relu_grad(x):
    return np.asarray(x) > 0  # a bool array: True is 1, False is 0


def leaky_relu(x, alpha=0.01):
    x = np.asarray(x)
    return np.where(x > 0, x, x * alpha)


def leaky_relu_grad(x, alpha=0.01):
    x = np.asarray(x)
    g = np.full(x.shape, alpha, dtype=np.result_type(x, float))
    g[x > 0] = 1
    return g


def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -np.asarray(x)))


def sigmoid_grad(x):
    x = np.asarray(x)
    # log σ(x) + log σ(-x), exponentiated once
    return np.exp(-np.logaddexp(0.0, -x) - np.logaddexp(0.0, x))


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    t = np.tanh(x)
    return (1 - t) * (1 + t)


def softmax(z, axis=-1):
    z = np.asarray(z)
    m = np.max(z, axis=axis, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return np.exp(z - lse)
