"""Numerics-minded: binomial keep mask, dtype-preserving, Frobenius norms, vectorised stopping."""

import numpy as np

EPS_P = 0.0


def _frob2(W):
    W = np.asarray(W, dtype=np.float64)
    return np.linalg.norm(W) ** 2


def l2_penalty(params, lam):
    return np.float64(0.5) * lam * np.sum([_frob2(W) for W, _b in params])


def l2_grads(params, lam):
    return [
        (W * np.asarray(lam, dtype=np.asarray(W).dtype), np.zeros(np.shape(b), dtype=np.asarray(b).dtype))
        for W, b in params
    ]


def dropout_forward(x, p, train=True, seed=None):
    p = float(p)
    if not (0.0 <= p < 1.0):
        raise ValueError("dropout p must satisfy 0 <= p < 1")
    x = np.asarray(x)
    ftype = np.result_type(x.dtype, np.float32)
    if not train:
        return x + 0, np.ones_like(x, dtype=ftype)
    rng = np.random.Generator(np.random.PCG64(seed))
    keep = rng.binomial(1, 1.0 - p, size=x.shape).astype(ftype)
    mask = keep * ftype.type(1.0 / (1.0 - p))
    return np.multiply(x, mask, dtype=ftype), mask


def dropout_backward(dout, mask):
    return np.asarray(dout) * np.asarray(mask)


def should_stop(val_losses, patience):
    patience = int(patience)
    if patience < 1:
        raise ValueError("patience must be a positive integer")
    v = np.asarray(val_losses, dtype=np.float64).ravel()
    if v.size <= patience:
        return False
    return not bool((v[-patience:] < v[:-patience].min()).any())
