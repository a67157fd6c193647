"""Numerics-minded: normals by Box-Muller from uniform draws, einsum, and the compact backward."""

import math

import numpy as np

TWO_PI = 2.0 * math.pi


def _normal(shape, std, seed):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    m = (n + 1) // 2
    u1 = 1.0 - rng.random(m)  # in (0, 1]: log is finite
    u2 = rng.random(m)
    r = np.sqrt(-2.0 * np.log(u1))
    z = np.concatenate([r * np.cos(TWO_PI * u2), r * np.sin(TWO_PI * u2)])[:n]
    return (std * z).reshape(shape)


def xavier_init(fan_in, fan_out, seed=None):
    return _normal((fan_in, fan_out), math.sqrt(2.0 / (fan_in + fan_out)), seed)


def he_init(fan_in, fan_out, seed=None):
    return _normal((fan_in, fan_out), math.sqrt(2.0 / fan_in), seed)


def _stats(x):
    n = x.shape[0]
    mean = np.einsum("nd->d", x) / n
    centred = x - mean
    var = np.einsum("nd,nd->d", centred, centred) / n
    return mean, centred, var


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, centred, var = _stats(x)
        new_mean = running_mean + (1.0 - momentum) * (mean - running_mean)
        new_var = running_var + (1.0 - momentum) * (var - running_var)
    else:
        mean, var = running_mean, running_var
        centred = x - mean
        new_mean, new_var = running_mean.copy(), running_var.copy()
    inv = 1.0 / np.sqrt(var + eps)
    return np.einsum("nd,d->nd", centred, gamma * inv) + beta, new_mean, new_var


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    n = x.shape[0]
    _, centred, var = _stats(x)
    inv = 1.0 / np.sqrt(var + eps)
    x_hat = centred * inv
    dbeta = np.einsum("nd->d", dout)
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    dx = (gamma * inv / n) * (n * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def residual_forward(x, W1, b1, W2, b2):
    hidden = np.clip(np.einsum("nd,dh->nh", x, W1) + b1, 0, None)
    return x + np.einsum("nh,hd->nd", hidden, W2) + b2
