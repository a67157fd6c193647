"""Alternate: the legacy RandomState generator, einsum reductions, a relu helper."""

import numpy as np


def xavier_init(fan_in, fan_out, seed=None):
    return np.random.RandomState(seed).normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))


def he_init(fan_in, fan_out, seed=None):
    return np.random.RandomState(seed).randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    n = x.shape[0]
    if train:
        mean = np.einsum("nd->d", x) / n
        centred = x - mean
        var = np.einsum("nd,nd->d", centred, centred) / n
        updated = (momentum * running_mean + (1 - momentum) * mean, momentum * running_var + (1 - momentum) * var)
    else:
        mean, var = running_mean, running_var
        centred = x - mean
        updated = (np.array(running_mean), np.array(running_var))
    out = gamma * centred / np.sqrt(var + eps) + beta
    return (out, *updated)


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    n = x.shape[0]
    centred = x - x.mean(axis=0)
    inv_std = 1 / np.sqrt(np.einsum("nd,nd->d", centred, centred) / n + eps)
    x_hat = centred * inv_std
    g = dout * gamma
    dx = inv_std * (g - g.mean(0) - x_hat * np.einsum("nd,nd->d", g, x_hat) / n)
    return dx, np.einsum("nd,nd->d", dout, x_hat), dout.sum(0)


def _relu(z):
    return z * (z > 0)


def residual_forward(x, W1, b1, W2, b2):
    return x + _relu(x @ W1 + b1) @ W2 + b2
