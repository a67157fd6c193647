"""Keeps the input's float dtype (float32 stays float32), one-hot by np.eye, take_along_axis."""

import numpy as np


def mse_loss(pred, target):
    d = np.subtract(pred, target)
    return float(np.vdot(d, d) / d.size)


def mse_grad(pred, target):
    d = np.subtract(pred, target)
    return d * d.dtype.type(2.0 / d.size)


def binary_cross_entropy(p, y, eps=1e-12):
    p64 = np.clip(np.asarray(p, dtype=np.float64), eps, 1 - eps)  # eps=1e-12 needs float64
    return (
        float(-np.mean(np.where(y == 1, np.log(p64), 0) + np.where(y == 1, 0, np.log1p(-p64)) * 1.0))
        if np.all((np.asarray(y) == 0) | (np.asarray(y) == 1))
        else float(-np.mean(y * np.log(p64) + (1 - y) * np.log1p(-p64)))
    )


def bce_with_logits(logits, y):
    z = np.asarray(logits)
    return float(np.mean(np.clip(z, 0, None) - z * y + np.log1p(np.exp(-np.abs(z)))))


def _log_softmax(z):
    m = np.max(z, axis=-1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def cross_entropy(logits, labels):
    lp = _log_softmax(np.asarray(logits))
    idx = np.asarray(labels, dtype=np.int64)[:, None]
    return float(-np.take_along_axis(lp, idx, axis=1).mean())


def cross_entropy_grad(logits, labels):
    logits = np.asarray(logits)
    onehot = np.eye(logits.shape[1], dtype=logits.dtype)[np.asarray(labels, dtype=np.int64)]
    return (np.exp(_log_softmax(logits)) - onehot) / logits.shape[0]
