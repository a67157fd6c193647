# expect-diagnosis: optimizers.minibatches_balanced_split
# Planted: np.array_split(order, ceil(n / batch_size)): the right number of batches, balanced sizes.
# Once named as batch_size taken for the number of batches (the seeded test had ceil(23 / 5) == 5).
"""Reference: gradient-descent optimizers and minibatch sampling.

Every function builds new arrays; inputs are never modified.
"""

import numpy as np


def sgd_step(params, grads, lr):
    """Plain gradient descent: p - lr·g for each pair."""
    return [p - lr * g for p, g in zip(params, grads)]


def momentum_step(params, grads, velocities, lr, beta=0.9):
    """Heavy-ball momentum like torch.optim.SGD (no dampening): v' = beta·v + g; p' = p - lr·v'."""
    new_v = [beta * v + g for v, g in zip(velocities, grads)]
    new_p = [p - lr * v for p, v in zip(params, new_v)]
    return new_p, new_v


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, t the 1-based step number; matches torch.optim.Adam."""
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
    c1 = 1 - beta1**t  # bias corrections: m and v start at 0
    c2 = 1 - beta2**t
    new_p = [p - lr * (mi / c1) / (np.sqrt(vi / c2) + eps) for p, mi, vi in zip(params, new_m, new_v)]
    return new_p, new_m, new_v


def minibatches(n, batch_size, seed=None):
    """Index batches covering range(n) once each; shuffled reproducibly for an int seed."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if seed is None:
        order = np.arange(n)
    else:
        order = np.random.default_rng(seed).permutation(n)
    if n == 0:
        return []
    return np.array_split(order, int(np.ceil(n / batch_size)))
