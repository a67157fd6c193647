"""Correct alternate: explicit loops building lists, tuples returned, the bias corrections computed as
powers kept in variables, minibatches shuffled in place with rng.shuffle and cut with np.split."""

import numpy as np


def sgd_step(params, grads, lr):
    new_params = []
    for p, g in zip(params, grads):
        new_params.append(np.subtract(p, np.multiply(lr, g)))
    return tuple(new_params)


def momentum_step(params, grads, velocities, lr, beta=0.9):
    new_params, new_velocities = [], []
    for p, g, v in zip(params, grads, velocities):
        v_next = beta * v + g
        new_velocities.append(v_next)
        new_params.append(p - lr * v_next)
    return tuple(new_params), tuple(new_velocities)


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    correction1 = 1.0 - np.power(beta1, t)
    correction2 = 1.0 - np.power(beta2, t)
    new_params, new_m, new_v = [], [], []
    for p, g, mi, vi in zip(params, grads, m, v):
        m_next = beta1 * mi + (1.0 - beta1) * g
        v_next = beta2 * vi + (1.0 - beta2) * np.square(g)
        step = (m_next / correction1) / (np.sqrt(v_next / correction2) + eps)
        new_params.append(p - lr * step)
        new_m.append(m_next)
        new_v.append(v_next)
    return new_params, new_m, new_v


def minibatches(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError("batch_size must be a positive integer")
    order = np.arange(n)
    if seed is not None:
        np.random.default_rng(seed).shuffle(order)
    if n == 0:
        return []
    return np.split(order, range(batch_size, n, batch_size))
