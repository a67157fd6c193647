"""A beginner with loops: element by element, counting epochs without improvement."""

import random

import numpy as np


def l2_penalty(params, lam):
    total = 0
    for pair in params:
        W = pair[0]
        for row in W:
            for w in row:
                total = total + w**2
    return lam * total / 2


def l2_grads(params, lam):
    result = []
    for W, b in params:
        dW = W.copy()
        dW *= lam
        result.append((dW, b * 0))
    return result


def dropout_forward(x, p, train=True, seed=None):
    if not (p >= 0 and p < 1):
        raise ValueError("p out of range")
    mask = np.ones(x.shape)
    if train:
        r = random.Random(seed)
        flat = mask.reshape(-1)
        for i in range(flat.size):
            if r.random() < p:
                flat[i] = 0.0
            else:
                flat[i] = 1.0 / (1.0 - p)
    out = x * mask
    return out, mask


def dropout_backward(dout, mask):
    return dout * mask


def should_stop(val_losses, patience):
    if patience < 1:
        raise ValueError("patience")
    losses = list(val_losses)
    n = len(losses)
    if n <= patience:
        return False
    best = losses[0]
    for i in range(1, n - patience):
        if losses[i] < best:
            best = losses[i]
    for i in range(n - patience, n):  # noqa: SIM110 - a beginner writes the loop out
        if losses[i] < best:
            return False
    return True
