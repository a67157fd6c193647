"""Reference solution: regularization (L2 penalty, inverted dropout, early stopping)."""

import numpy as np


def l2_penalty(params, lam):
    """0.5 * lam * sum of ||W||^2 over the (W, b) pairs; biases are not penalised."""
    total = sum(float(np.sum(np.square(np.asarray(W, dtype=np.float64)))) for W, _ in params)
    return 0.5 * float(lam) * total


def l2_grads(params, lam):
    """Gradient of l2_penalty: (lam * W, zeros like b) for each pair."""
    return [(lam * np.asarray(W), np.zeros_like(b)) for W, b in params]


def _check_p(p):
    if not 0 <= p < 1:  # also rejects NaN
        raise ValueError(f"dropout probability p must be in [0, 1), got {p!r}")


def dropout_forward(x, p, train=True, seed=None):
    """Inverted dropout: drop with probability p, scale survivors by 1/(1-p). Returns (out, mask)."""
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


def dropout_backward(dout, mask):
    """The mask routes (and scales) the gradient exactly as it did the activations."""
    return dout * mask


def should_stop(val_losses, patience):
    """True when none of the last `patience` losses beats the best loss before them."""
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience!r}")
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    best_before = min(losses[:-patience])
    return not any(v < best_before for v in losses[-patience:])
