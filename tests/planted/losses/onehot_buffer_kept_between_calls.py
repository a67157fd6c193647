# expect-diagnosis: none
# Planted: cross_entropy_grad keeps a module-level one-hot buffer per shape and never clears it.
# Once passed every test (no shape was asked twice with other labels).
"""Reference solution: losses (chapter 3)."""

import numpy as np

_BUF = {}


def mse_loss(pred, target):
    """Mean of (pred - target)**2 over all elements, as a float."""
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.mean(diff * diff))


def mse_grad(pred, target):
    """d mse_loss / d pred = 2 (pred - target) / pred.size."""
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return 2.0 * diff / diff.size


def binary_cross_entropy(p, y, eps=1e-12):
    """Mean binary cross-entropy of probabilities p, clipped to [eps, 1 - eps]."""
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1.0 - eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


def bce_with_logits(logits, y):
    """Mean binary cross-entropy of sigmoid(logits), exact and stable (no clipping)."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    # -(y log s(z) + (1-y) log(1-s(z))) rewritten so that exp only sees -|z| <= 0.
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def _log_softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=1, keepdims=True)  # largest entry becomes 0: exp cannot overflow
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _as_labels(labels):
    return np.asarray(labels).astype(np.intp, copy=False)


def cross_entropy(logits, labels):
    """Mean over rows of -log softmax(logits)[i, labels[i]], via a stable log-softmax."""
    logp = _log_softmax(logits)
    labels = _as_labels(labels)
    return float(-np.mean(logp[np.arange(logp.shape[0]), labels]))


def cross_entropy_grad(logits, labels):
    """d cross_entropy / d logits = (softmax(logits) - onehot(labels)) / N."""
    probs = np.exp(_log_softmax(logits))
    labels = _as_labels(labels)
    n = probs.shape[0]
    onehot = _BUF.setdefault(probs.shape, np.zeros(probs.shape))
    onehot[np.arange(n), labels] = 1.0
    probs = probs - onehot  # probs is a fresh array: the inputs stay untouched
    return probs / n
