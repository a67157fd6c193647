"""Object-oriented with einsum norms, a RandomState generator and float32 masks."""

import numpy as np

_DEFAULT_DTYPE = np.float32


class Dropout:
    def __init__(self, p):
        if not (0.0 <= p < 1.0):
            raise ValueError(f"bad p {p}")
        self.p = p

    def __call__(self, x, train=True, seed=None):
        if not train or self.p == 0:
            return np.array(x, copy=True), np.ones(np.shape(x), dtype=_DEFAULT_DTYPE)
        rs = np.random.RandomState(seed)
        keep = rs.uniform(0.0, 1.0, size=np.shape(x)) > self.p
        mask = np.where(keep, np.float32(1.0 / (1.0 - self.p)), np.float32(0.0)).astype(_DEFAULT_DTYPE)
        return x * mask, mask


def l2_penalty(params, lam, weights_only=True):
    return 0.5 * lam * sum(np.einsum("ij,ij->", W, W) for W, _ in params)


def l2_grads(params, lam):
    return [(np.multiply(W, lam), np.zeros_like(b)) for (W, b) in params]


def dropout_forward(x, p, train=True, seed=None):
    return Dropout(p)(x, train=train, seed=seed)


def dropout_backward(dout, mask):
    return np.multiply(dout, mask)


class EarlyStopper:
    def __init__(self, patience):
        if patience < 1:
            raise ValueError("patience must be >= 1")
        self.patience = patience

    def check(self, losses):
        losses = np.asarray(losses, dtype=float)
        if losses.size <= self.patience:
            return False
        return np.min(losses[-self.patience :]) >= np.min(losses[: -self.patience])


def should_stop(val_losses, patience):
    return EarlyStopper(patience).check(val_losses)
