"""Correct losses with Python loops and the math module: one element, one row at a time."""

import math

import numpy as np


def mse_loss(pred, target):
    total, count = 0.0, 0
    for p, t in zip(np.ravel(pred), np.ravel(target)):
        total += (float(p) - float(t)) ** 2
        count += 1
    return total / count


def mse_grad(pred, target):
    n = np.size(pred)
    grad = np.empty(np.shape(pred))
    for index in np.ndindex(np.shape(pred)):
        grad[index] = 2.0 * (float(pred[index]) - float(target[index])) / n
    return grad


def binary_cross_entropy(p, y, eps=1e-12):
    total, count = 0.0, 0
    for pi, yi in zip(np.ravel(p), np.ravel(y)):
        pi = min(max(float(pi), eps), 1.0 - eps)
        total -= float(yi) * math.log(pi) + (1.0 - float(yi)) * math.log(1.0 - pi)
        count += 1
    return total / count


def bce_with_logits(logits, y):
    total, count = 0.0, 0
    for z, t in zip(np.ravel(logits), np.ravel(y)):
        z, t = float(z), float(t)
        total += max(z, 0.0) - z * t + math.log1p(math.exp(-abs(z)))
        count += 1
    return total / count


def _log_softmax_row(row):
    top = max(row)
    log_total = top + math.log(sum(math.exp(v - top) for v in row))
    return [v - log_total for v in row]


def cross_entropy(logits, labels):
    total = 0.0
    for row, label in zip(logits, labels):
        total -= _log_softmax_row([float(v) for v in row])[int(label)]
    return total / len(labels)


def cross_entropy_grad(logits, labels):
    n, c = np.shape(logits)
    grad = np.zeros((n, c))
    for i in range(n):
        logp = _log_softmax_row([float(v) for v in logits[i]])
        for j in range(c):
            grad[i, j] = (math.exp(logp[j]) - (1.0 if j == int(labels[i]) else 0.0)) / n
    return grad
