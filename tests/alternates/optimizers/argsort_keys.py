"""Shuffle by sorting random keys (argsort); Adam in the 'corrected step size' form with eps kept exact."""

import numpy as np

DEFAULT_BETA = 0.9


def sgd_step(params, grads, lr, weight_decay=0.0):
    return [p - lr * (g + weight_decay * p) for p, g in zip(params, grads)]


def momentum_step(params, grads, velocities, lr, beta=DEFAULT_BETA):
    pairs = [(beta * v + g) for v, g in zip(velocities, grads)]
    return [p - lr * v for p, v in zip(params, pairs)], pairs


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m2 = [beta1 * a + (1 - beta1) * g for a, g in zip(m, grads)]
    v2 = [beta2 * b + (1 - beta2) * g * g for b, g in zip(v, grads)]
    sqrt_c2 = np.sqrt(1 - beta2**t)
    step = lr * sqrt_c2 / (1 - beta1**t)
    # lr·m̂/(√v̂ + eps) = step·m/(√v + eps·√c2): the same number, the torch way of writing it
    p2 = [p - step * a / (np.sqrt(b) + eps * sqrt_c2) for p, a, b in zip(params, m2, v2)]
    return p2, m2, v2


def minibatches(n, batch_size, seed=None):
    if not batch_size >= 1:
        raise ValueError("batch_size must be at least 1")
    order = np.arange(n) if seed is None else np.argsort(np.random.default_rng(seed).random(n), kind="stable")
    return [order[k : k + batch_size] for k in range(0, n, batch_size)]
