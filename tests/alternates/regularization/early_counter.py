"""Keras-like counter of epochs since the best loss; seeds through SeedSequence; permutation-based mask."""

import numpy as np


def l2_penalty(params, lam):
    weights = [np.ravel(W) for W, _ in params]
    flat = np.concatenate(weights) if weights else np.zeros(0)
    return float(0.5 * lam * flat @ flat)


def l2_grads(params, lam):
    return [tuple((lam * W, np.zeros_like(b))) for W, b in params]


def dropout_forward(x, p, train=True, seed=None, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p")
    if not train:
        return x.copy(), np.ones(x.shape)
    rng = rng if rng is not None else np.random.default_rng(np.random.SeedSequence(seed))
    n = x.size
    n_drop = rng.binomial(n, p)
    flat = np.full(n, 1.0 / (1.0 - p))
    flat[rng.permutation(n)[:n_drop]] = 0.0
    mask = flat.reshape(x.shape)
    return x * mask, mask


def dropout_backward(dout, mask):
    out = np.empty_like(dout)
    np.multiply(dout, mask, out=out)
    return out


def should_stop(val_losses, patience):
    if patience < 1:
        raise ValueError("patience must be >= 1")
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    best = float("inf")
    since_best = 0
    for v in losses:
        if v < best:
            best = v
            since_best = 0
        else:
            since_best += 1
    return since_best >= patience
