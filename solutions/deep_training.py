"""Reference solution: initialization, batch normalization, residual blocks."""

import numpy as np


def xavier_init(fan_in, fan_out, seed=None):
    """Normal(0, sqrt(2 / (fan_in + fan_out))) of shape (fan_in, fan_out)."""
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return np.random.default_rng(seed).normal(0.0, std, size=(fan_in, fan_out))


def he_init(fan_in, fan_out, seed=None):
    """Normal(0, sqrt(2 / fan_in)) of shape (fan_in, fan_out)."""
    std = np.sqrt(2.0 / fan_in)
    return np.random.default_rng(seed).normal(0.0, std, size=(fan_in, fan_out))


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    """Batch norm over axis 0. Returns (out, new_running_mean, new_running_var)."""
    if train:
        mean = x.mean(axis=0)
        var = x.var(axis=0)  # biased: divides by N
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta, new_mean, new_var


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    """Gradients (dx, dgamma, dbeta) of the train-mode forward at x."""
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    # The batch mean and variance depend on every row, hence the two correction terms.
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    return dx, dgamma, dbeta


def residual_forward(x, W1, b1, W2, b2):
    """x + relu(x @ W1 + b1) @ W2 + b2."""
    return x + np.maximum(x @ W1 + b1, 0) @ W2 + b2
