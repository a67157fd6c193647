"""Biases kept as (1, M) row vectors (as many tutorials do, so that X @ W + b broadcasts visibly),
mini-batch SGD with momentum, cross-entropy through a log-sum-exp."""

import numpy as np


def accuracy(logits, labels):
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def _logsumexp(z):
    m = np.max(z, axis=1, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))


def train_classifier(X_train, y_train, seed=0, hidden=64, epochs=40, lr=0.1, momentum=0.9, batch=64):
    rng = np.random.default_rng(seed)
    X, y = np.asarray(X_train, dtype=float), np.asarray(y_train, dtype=int)
    W1 = rng.normal(0.0, np.sqrt(2.0 / X.shape[1]), (X.shape[1], hidden))
    b1 = np.zeros((1, hidden))
    W2 = rng.normal(0.0, np.sqrt(2.0 / hidden), (hidden, 10))
    b2 = np.zeros((1, 10))
    params = [W1, b1, W2, b2]
    velocity = [np.zeros_like(p) for p in params]
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for s in range(0, len(X), batch):
            idx = order[s : s + batch]
            xb, yb = X[idx], y[idx]
            z1 = xb @ W1 + b1
            a1 = np.maximum(z1, 0)
            z2 = a1 @ W2 + b2
            probs = np.exp(z2 - _logsumexp(z2))
            probs[np.arange(len(yb)), yb] -= 1
            dz2 = probs / len(yb)
            dW2, db2 = a1.T @ dz2, dz2.sum(axis=0, keepdims=True)
            dz1 = (dz2 @ W2.T) * (z1 > 0)
            dW1, db1 = xb.T @ dz1, dz1.sum(axis=0, keepdims=True)
            for p, v, g in zip(params, velocity, (dW1, db1, dW2, db2)):
                v *= momentum
                v -= lr * g
                p += v
    return [(W1, b1), (W2, b2)]
