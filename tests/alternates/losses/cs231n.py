"""cs231n style: softmax_loss_vectorized, probs from shifted scores, one function per quantity."""

import numpy as np


def mse_loss(pred, target):
    return np.mean((pred - target) ** 2)  # a numpy scalar


def mse_grad(pred, target):
    return 2 * (pred - target) / np.size(pred)


def binary_cross_entropy(p, y, eps=1e-12):
    p = np.clip(p, eps, 1 - eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_with_logits(logits, y):
    # log(1 + e^z) - y z, with log(1 + e^z) = max(z, 0) + log1p(e^-|z|)
    z = logits
    return np.mean(np.logaddexp(0, z) - y * z)


def _probs(scores):
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / np.sum(exp, axis=1, keepdims=True), shifted, np.log(np.sum(exp, axis=1, keepdims=True))


def cross_entropy(logits, labels):
    num_train = logits.shape[0]
    _, shifted, log_z = _probs(logits)
    log_probs = shifted - log_z
    loss = -np.sum(log_probs[np.arange(num_train), labels]) / num_train
    return loss


def cross_entropy_grad(logits, labels):
    num_train = logits.shape[0]
    probs, _, _ = _probs(logits)
    dscores = probs.copy()
    dscores[range(num_train), list(labels)] -= 1
    dscores /= num_train
    return dscores
