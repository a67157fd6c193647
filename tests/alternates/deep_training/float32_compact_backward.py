"""Alternate: works in the input's dtype, the compact 1/N form of the backward pass, tuples everywhere."""

import numpy as np


def _normal(seed, std, shape):
    return np.random.default_rng(seed).normal(loc=0.0, scale=std, size=shape)


def xavier_init(fan_in, fan_out, seed=None):
    return _normal(seed, (2 / (fan_in + fan_out)) ** 0.5, (fan_in, fan_out))


def he_init(fan_in, fan_out, seed=None):
    return _normal(seed, (2 / fan_in) ** 0.5, (fan_in, fan_out))


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if not train:
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, running_mean.copy(), running_var.copy()
    mu = np.mean(x, axis=0)
    var = np.mean((x - mu) ** 2, axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return (
        gamma * x_hat + beta,
        momentum * running_mean + (1.0 - momentum) * mu,
        momentum * running_var + (1.0 - momentum) * var,
    )


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    N = x.shape[0]
    inv_std = (x.var(axis=0) + eps) ** -0.5
    x_hat = (x - x.mean(axis=0)) * inv_std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (gamma * inv_std / N) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def residual_forward(x, W1, b1, W2, b2):
    return x + np.dot(np.maximum(0, np.dot(x, W1) + b1), W2) + b2
