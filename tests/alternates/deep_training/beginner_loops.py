"""A beginner with loops over features and rows; standard_normal scaled by hand."""

import math

import numpy as np


def xavier_init(fan_in, fan_out, seed=None):
    rng = np.random.default_rng(seed)
    std = math.sqrt(2 / (fan_in + fan_out))
    W = np.zeros((fan_in, fan_out))
    for i in range(fan_in):
        W[i] = rng.standard_normal(fan_out) * std
    return W


def he_init(fan_in, fan_out, seed=None):
    rng = np.random.default_rng(seed)
    return std_normal_matrix(rng, fan_in, fan_out) * math.sqrt(2 / fan_in)


def std_normal_matrix(rng, rows, cols):
    return rng.standard_normal((rows, cols))


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    N, D = x.shape
    out = np.zeros_like(x)
    new_mean = np.zeros(D, dtype=np.result_type(running_mean, x))
    new_var = np.zeros(D, dtype=np.result_type(running_var, x))
    for d in range(D):
        col = x[:, d]
        if train:
            m = sum(col) / N
            v = sum((c - m) ** 2 for c in col) / N
            new_mean[d] = momentum * running_mean[d] + (1 - momentum) * m
            new_var[d] = momentum * running_var[d] + (1 - momentum) * v
        else:
            m = running_mean[d]
            v = running_var[d]
            new_mean[d] = running_mean[d]
            new_var[d] = running_var[d]
        for n in range(N):
            out[n, d] = gamma[d] * (col[n] - m) / math.sqrt(v + eps) + beta[d]
    return out, new_mean, new_var


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    N, D = x.shape
    dx = np.zeros_like(x)
    dgamma = np.zeros(D, dtype=x.dtype)
    dbeta = np.zeros(D, dtype=x.dtype)
    for d in range(D):
        col = x[:, d]
        m = col.mean()
        v = ((col - m) ** 2).mean()
        s = math.sqrt(v + eps)
        xh = (col - m) / s
        g = dout[:, d]
        dbeta[d] = g.sum()
        dgamma[d] = (g * xh).sum()
        dxh = g * gamma[d]
        for n in range(N):
            dx[n, d] = (dxh[n] - dxh.mean() - xh[n] * (dxh * xh).mean()) / s
    return dx, dgamma, dbeta


def residual_forward(x, W1, b1, W2, b2):
    h = x @ W1 + b1
    h = np.where(h > 0, h, 0)
    y = h @ W2 + b2
    return y + x
