"""Correct alternate: every result keeps the parameters' dtype (float32 stays float32), Adam written with
the corrected step size lr·sqrt(1-β2^t)/(1-β1^t) and eps scaled to match, and minibatches from a legacy
RandomState seeded per call."""

import numpy as np


def sgd_step(params, grads, lr):
    return [(p - lr * g).astype(p.dtype) for p, g in zip(params, grads)]


def momentum_step(params, grads, velocities, lr, beta=0.9):
    velocities = [(beta * v + g).astype(v.dtype) for v, g in zip(velocities, grads)]
    return [(p - lr * v).astype(p.dtype) for p, v in zip(params, velocities)], velocities


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    bc1 = 1 - beta1**t
    bc2 = 1 - beta2**t
    step_size = lr * np.sqrt(bc2) / bc1
    eps_hat = eps * np.sqrt(bc2)  # sqrt(v/bc2) + eps == (sqrt(v) + eps·sqrt(bc2)) / sqrt(bc2)
    out_p, out_m, out_v = [], [], []
    for p, g, m_i, v_i in zip(params, grads, m, v):
        m_i = beta1 * m_i + (1 - beta1) * g
        v_i = beta2 * v_i + (1 - beta2) * g * g
        out_p.append((p - step_size * m_i / (np.sqrt(v_i) + eps_hat)).astype(p.dtype))
        out_m.append(m_i.astype(p.dtype))
        out_v.append(v_i.astype(p.dtype))
    return out_p, out_m, out_v


def minibatches(n, batch_size, seed=None):
    if not batch_size >= 1:
        raise ValueError(f"batch_size must be >= 1 (got {batch_size})")
    indices = np.arange(n, dtype=np.int64)
    if seed is not None:
        indices = np.random.RandomState(seed).permutation(indices)
    count = -(-n // batch_size)  # ceil(n / batch_size)
    return [indices[k * batch_size : min(n, (k + 1) * batch_size)] for k in range(count)]
