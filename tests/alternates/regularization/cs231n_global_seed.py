"""cs231n style: the legacy global generator, seeded only when a seed is given."""

import numpy as np


def l2_penalty(params, lam):
    reg = 0.0
    for W, _b in params:
        reg += 0.5 * lam * np.sum(W * W)
    return reg


def l2_grads(params, lam):
    grads = []
    for W, b in params:
        grads.append([lam * W, np.zeros(b.shape)])
    return grads


def dropout_forward(x, p, train=True, seed=None):
    if p < 0 or p >= 1:
        raise ValueError("p must be in [0, 1)")
    if seed is not None:
        np.random.seed(seed)
    if train:
        mask = (np.random.rand(*x.shape) >= p) / (1 - p)
        out = x * mask
    else:
        mask = np.ones_like(x, dtype=float)
        out = x
    return out, mask


def dropout_backward(dout, mask):
    dx = dout * mask
    return dx


def should_stop(val_losses, patience):
    if patience < 1:
        raise ValueError("patience >= 1")
    if len(val_losses) <= patience:
        return False
    best = min(val_losses[: len(val_losses) - patience])
    recent = min(val_losses[len(val_losses) - patience :])
    return bool(recent >= best)
