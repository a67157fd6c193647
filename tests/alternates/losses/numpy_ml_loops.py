"""Loops over samples, math module, float accumulators (numpy-ml flavoured)."""

import math

import numpy as np


def mse_loss(pred, target):
    pred = np.asarray(pred, dtype=float).ravel()
    target = np.asarray(target, dtype=float).ravel()
    total = 0.0
    for a, b in zip(pred, target):
        total += (a - b) ** 2
    return total / len(pred)


def mse_grad(pred, target):
    pred = np.asarray(pred, dtype=float)
    target = np.asarray(target, dtype=float)
    return (pred - target) * (2.0 / pred.size)


def binary_cross_entropy(p, y, eps=1e-12):
    p = np.asarray(p, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    total = 0.0
    for pi, yi in zip(p, y):
        pi = min(max(pi, eps), 1 - eps)
        total -= yi * math.log(pi) + (1 - yi) * math.log(1 - pi)
    return total / len(p)


def _softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def bce_with_logits(logits, y):
    z = np.asarray(logits, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    # -log σ(z) = softplus(-z), -log(1-σ(z)) = softplus(z)
    total = sum(yi * _softplus(-zi) + (1 - yi) * _softplus(zi) for zi, yi in zip(z, y))
    return total / len(z)


def _log_softmax_row(row):
    m = max(row)
    s = sum(math.exp(v - m) for v in row)
    return [v - m - math.log(s) for v in row]


def cross_entropy(logits, labels):
    logits = np.asarray(logits, dtype=float)
    n = logits.shape[0]
    total = 0.0
    for i in range(n):
        total -= _log_softmax_row(list(logits[i]))[int(labels[i])]
    return total / n


def cross_entropy_grad(logits, labels):
    logits = np.asarray(logits, dtype=float)
    n, c = logits.shape
    grad = np.zeros((n, c))
    for i in range(n):
        row = _log_softmax_row(list(logits[i]))
        for j in range(c):
            grad[i, j] = math.exp(row[j]) - (1.0 if j == int(labels[i]) else 0.0)
    return grad / n
