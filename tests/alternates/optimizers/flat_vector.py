"""Correct alternate: the parameters flattened into one vector, updated at once and split back into their
shapes; minibatches from a generator expression over a permutation drawn with rng.choice without
replacement."""

import numpy as np


def _flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays]) if len(arrays) else np.zeros(0)


def _unflat(vector, like):
    out, start = [], 0
    for a in like:
        out.append(vector[start : start + a.size].reshape(a.shape))
        start += a.size
    return out


def sgd_step(params, grads, lr):
    return _unflat(_flat(params) - lr * _flat(grads), params)


def momentum_step(params, grads, velocities, lr, beta=0.9):
    v = beta * _flat(velocities) + _flat(grads)
    return _unflat(_flat(params) - lr * v, params), _unflat(v, params)


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    g = _flat(grads)
    m_new = beta1 * _flat(m) + (1 - beta1) * g
    v_new = beta2 * _flat(v) + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    p_new = _flat(params) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return _unflat(p_new, params), _unflat(m_new, params), _unflat(v_new, params)


def minibatches(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if seed is None:
        order = np.arange(n)
    else:
        order = np.random.default_rng(seed).choice(n, size=n, replace=False)
    return list(order[start : start + batch_size] for start in range(0, n, batch_size))
