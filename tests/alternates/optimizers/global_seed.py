"""Legacy global seeding (np.random.seed) as many older tutorials do; reproducible for a seed."""

import numpy as np


def sgd_step(params, grads, lr):
    return list(map(lambda pg: pg[0] - lr * pg[1], zip(params, grads)))


def momentum_step(params, grads, velocities, lr, beta=0.9):
    v = [beta * vi + gi for vi, gi in zip(velocities, grads)]
    return [pi - lr * vi for pi, vi in zip(params, v)], v


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, grads)]
    v = [beta2 * vi + (1 - beta2) * np.power(gi, 2) for vi, gi in zip(v, grads)]
    p = [pi - lr * (mi / (1 - beta1**t)) / (np.sqrt(vi / (1 - beta2**t)) + eps) for pi, mi, vi in zip(params, m, v)]
    return p, m, v


def minibatches(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if seed is None:
        perm = np.arange(n)
    else:
        np.random.seed(seed)
        perm = np.random.permutation(n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]
