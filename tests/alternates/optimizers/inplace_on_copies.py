"""In-place arithmetic, but only on private copies; minibatches by np.split."""

import numpy as np


def sgd_step(params, grads, lr):
    out = []
    for p, g in zip(params, grads):
        q = p.copy()
        q -= lr * g
        out.append(q)
    return out


def momentum_step(params, grads, velocities, lr, beta=0.9):
    new_p, new_v = [], []
    for p, g, v in zip(params, grads, velocities):
        v2 = v.copy()
        v2 *= beta
        v2 += g
        p2 = p.copy()
        p2 -= lr * v2
        new_p.append(p2)
        new_v.append(v2)
    return new_p, new_v


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_p, new_m, new_v = [], [], []
    for p, g, m0, v0 in zip(params, grads, m, v):
        m1 = np.array(m0, copy=True)
        m1 *= beta1
        m1 += (1 - beta1) * g
        v1 = np.array(v0, copy=True)
        v1 *= beta2
        v1 += (1 - beta2) * np.square(g)
        denom = np.sqrt(v1 / (1 - beta2**t))
        denom += eps
        p1 = np.array(p, copy=True)
        p1 -= lr * (m1 / (1 - beta1**t)) / denom
        new_p.append(p1)
        new_m.append(m1)
        new_v.append(v1)
    return new_p, new_m, new_v


def minibatches(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} < 1")
    order = np.arange(n) if seed is None else np.random.default_rng(seed).choice(n, size=n, replace=False)
    if n == 0:
        return []
    return np.split(order, np.arange(batch_size, n, batch_size))
