"""Computes in the inputs' own dtype (float32 stays float32 throughout); rsqrt-style normalisation."""

import numpy as np


def _init(shape, var, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape) * np.sqrt(var)


def xavier_init(fan_in, fan_out, seed=None, gain=1.0):
    return _init((fan_in, fan_out), gain * 2.0 / (fan_in + fan_out), seed)


def he_init(fan_in, fan_out, seed=None, mode="fan_in"):
    fan = fan_in if mode == "fan_in" else fan_out
    return _init((fan_in, fan_out), 2.0 / fan, seed)


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    dt = x.dtype
    if train:
        mean = x.mean(axis=0, dtype=dt)
        var = np.square(x - mean).mean(axis=0, dtype=dt)
        m = dt.type(momentum)
        rm = m * running_mean + (1 - m) * mean
        rv = m * running_var + (1 - m) * var
    else:
        mean, var, rm, rv = running_mean, running_var, running_mean, running_var
    rstd = (var + dt.type(eps)) ** dt.type(-0.5)
    out = (x - mean) * (gamma * rstd) + beta
    return out, rm, rv


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    dt = x.dtype
    n = dt.type(x.shape[0])
    mean = x.mean(axis=0, dtype=dt)
    xc = x - mean
    var = (xc * xc).mean(axis=0, dtype=dt)
    rstd = (var + dt.type(eps)) ** dt.type(-0.5)
    xh = xc * rstd
    dbeta = dout.sum(axis=0, dtype=dt)
    dgamma = (dout * xh).sum(axis=0, dtype=dt)
    dxh = dout * gamma
    dvar = (dxh * xc).sum(axis=0) * dt.type(-0.5) * rstd**3
    dmean = -(dxh * rstd).sum(axis=0) - dt.type(2) * dvar * xc.mean(axis=0)
    dx = dxh * rstd + dvar * dt.type(2) * xc / n + dmean / n
    return dx, dgamma, dbeta


def residual_forward(x, W1, b1, W2, b2):
    z = x @ W1
    z += b1
    np.maximum(z, 0, out=z)
    y = z @ W2
    y += b2
    y += x
    return y
