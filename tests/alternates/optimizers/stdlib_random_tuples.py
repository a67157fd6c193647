"""stdlib random for the shuffle, tuples for the returns, a generator under a list()."""

import math
import random

import numpy as np


def sgd_step(params, grads, lr):
    return [np.subtract(p, np.multiply(lr, g)) for p, g in zip(params, grads)]


def momentum_step(params, grads, velocities, lr, beta=0.9):
    vs = [np.add(np.multiply(beta, v), g) for v, g in zip(velocities, grads)]
    ps = [np.subtract(p, np.multiply(lr, v)) for p, v in zip(params, vs)]
    return ps, vs


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    ms = [beta1 * a + (1.0 - beta1) * g for a, g in zip(m, grads)]
    vs = [beta2 * a + (1.0 - beta2) * (g * g) for a, g in zip(v, grads)]
    c1 = 1.0 - math.pow(beta1, t)
    c2 = 1.0 - math.pow(beta2, t)
    ps = [p - lr * (a / c1) / (np.sqrt(b / c2) + eps) for p, a, b in zip(params, ms, vs)]
    return ps, ms, vs


def _batches(order, batch_size):
    for start in range(0, len(order), batch_size):
        yield np.asarray(order[start : start + batch_size], dtype=np.int64)


def minibatches(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError("batch_size must be a positive integer")
    order = list(range(n))
    if seed is not None:
        random.Random(seed).shuffle(order)
    return list(_batches(order, batch_size))
