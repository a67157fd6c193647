"""Alternate: keeps float32 inputs in float32 (mask, out, gradients); uniform draws via rng.uniform."""

import numpy as np


def l2_penalty(params, lam):
    squares = [np.sum(W.astype(np.float64) ** 2) for W, b in params]
    return np.float64(lam) * np.sum(squares) * 0.5


def l2_grads(params, lam):
    return [(W * W.dtype.type(lam), np.zeros_like(b)) for W, b in params]


def _dtype(x):
    return np.dtype(x.dtype if x.dtype in (np.float32, np.float64) else np.float64)


def dropout_forward(x, p, train=True, seed=None):
    if not 0 <= p < 1:
        raise ValueError("dropout_forward: p must satisfy 0 <= p < 1")
    x = np.asarray(x)
    dtype = _dtype(x)
    if not train:
        return x.astype(dtype, copy=True), np.ones(x.shape, dtype)
    scale = dtype.type(1.0 / (1.0 - p))
    rng = np.random.default_rng(seed)
    mask = (rng.uniform(size=x.shape) >= p).astype(dtype) * scale
    return (x * mask).astype(dtype), mask


def dropout_backward(dout, mask):
    return (dout * mask).astype(np.result_type(dout, mask))


def should_stop(val_losses, patience):
    if patience < 1:
        raise ValueError("patience must be a positive number of epochs")
    if len(val_losses) <= patience:
        return False
    best_before = min(val_losses[: len(val_losses) - patience])
    improved = [loss < best_before for loss in val_losses[len(val_losses) - patience :]]
    return not any(improved)
