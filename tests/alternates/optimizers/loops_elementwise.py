"""A beginner's loops over every element with np.ndindex; float32 arrays stay float32."""

import numpy as np


def sgd_step(params, grads, lr):
    new_params = []
    for i in range(len(params)):
        p = params[i]
        g = grads[i]
        new = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            new[idx] = p[idx] - lr * g[idx]
        new_params.append(new)
    return new_params


def momentum_step(params, grads, velocities, lr, beta=0.9):
    new_params, new_vel = [], []
    for i in range(len(params)):
        v = np.empty_like(velocities[i])
        p = np.empty_like(params[i])
        for idx in np.ndindex(p.shape):
            v[idx] = beta * velocities[i][idx] + grads[i][idx]
            p[idx] = params[i][idx] - lr * v[idx]
        new_params.append(p)
        new_vel.append(v)
    return new_params, new_vel


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    out_p, out_m, out_v = [], [], []
    for i in range(len(params)):
        g = grads[i].astype(np.float64)
        m_new = beta1 * m[i] + (1 - beta1) * g
        v_new = beta2 * v[i] + (1 - beta2) * g**2
        m_hat = m_new / (1 - beta1**t)
        v_hat = v_new / (1 - beta2**t)
        out_p.append(params[i] - lr * m_hat / (np.sqrt(v_hat) + eps))
        out_m.append(m_new)
        out_v.append(v_new)
    return out_p, out_m, out_v


def minibatches(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError("batch_size too small")
    if seed is None:
        indices = np.arange(n)
    else:
        rng = np.random.default_rng(seed)
        indices = np.arange(n)
        rng.shuffle(indices)
    batches = []
    start = 0
    while start < n:
        end = min(start + batch_size, n)
        batches.append(indices[start:end])
        start = end
    return batches
