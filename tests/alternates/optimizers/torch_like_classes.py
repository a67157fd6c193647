"""Object style: optimizer classes with a step(), like torch.optim; the functions wrap them."""

import numpy as np


class SGD:
    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum = lr, momentum

    def step(self, params, grads, velocities=None):
        if velocities is None:
            return [p - self.lr * g for p, g in zip(params, grads)], None
        buf = [self.momentum * v + g for v, g in zip(velocities, grads)]
        return [p - self.lr * b for p, b in zip(params, buf)], buf


class Adam:
    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.lr, self.betas, self.eps = lr, betas, eps

    def step(self, params, grads, m, v, t):
        b1, b2 = self.betas
        new_m = [b1 * a + (1 - b1) * g for a, g in zip(m, grads)]
        new_v = [b2 * a + (1 - b2) * g**2 for a, g in zip(v, grads)]
        bc1, bc2 = 1 - b1**t, 1 - b2**t
        step_size = self.lr / bc1
        new_p = [p - step_size * a / (np.sqrt(b) / np.sqrt(bc2) + self.eps) for p, a, b in zip(params, new_m, new_v)]
        return new_p, new_m, new_v


def sgd_step(params, grads, lr):
    return SGD(lr).step(params, grads)[0]


def momentum_step(params, grads, velocities, lr, beta=0.9):
    return SGD(lr, momentum=beta).step(params, grads, velocities)


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return Adam(lr, (beta1, beta2), eps).step(params, grads, m, v, t)


def minibatches(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    idx = np.arange(n)
    if seed is not None:
        np.random.RandomState(seed).shuffle(idx)
    return [idx[s : s + batch_size] for s in range(0, n, batch_size)]
