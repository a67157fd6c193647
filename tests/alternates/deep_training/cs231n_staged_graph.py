"""cs231n style: randn with a global seed, and the backward pass staged node by node."""

import numpy as np


def xavier_init(fan_in, fan_out, seed=None):
    if seed is not None:
        np.random.seed(seed)
    return np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / (fan_in + fan_out))


def he_init(fan_in, fan_out, seed=None):
    if seed is not None:
        np.random.seed(seed)
    return np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / fan_in)


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_norm = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_norm + beta
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    else:
        x_norm = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_norm + beta
    return out, running_mean, running_var


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    N, D = x.shape
    # forward, step by step
    mu = 1.0 / N * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu**2
    var = 1.0 / N * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    # backward, node by node
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar**2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / N * np.ones((N, D)) * dmu
    dx = dx1 + dx2
    return dx, dgamma, dbeta


def residual_forward(x, W1, b1, W2, b2):
    h = x.dot(W1) + b1
    h[h < 0] = 0
    return x + h.dot(W2) + b2
