"""A beginner: one example at a time (online SGD), one-hot by a loop, a small hidden layer."""

import math

import numpy as np


def accuracy(logits, labels):
    right = 0
    for i in range(len(labels)):
        row = list(logits[i])
        if row.index(max(row)) == labels[i]:
            right += 1
    return right / len(labels)


def softmax(z):
    z = z - np.max(z)
    e = np.exp(z)
    return e / np.sum(e)


def train_classifier(X_train, y_train, seed=0):
    np.random.seed(seed)
    hidden = 40
    W1 = np.random.randn(64, hidden) * math.sqrt(2 / 64)
    b1 = np.zeros(hidden)
    W2 = np.random.randn(hidden, 10) * math.sqrt(2 / hidden)
    b2 = np.zeros(10)
    lr = 0.02
    for _epoch in range(8):
        order = np.random.permutation(len(X_train))
        for i in order:
            x = X_train[i]
            target = np.zeros(10)
            target[y_train[i]] = 1
            z1 = x @ W1 + b1
            a1 = np.maximum(z1, 0)
            p = softmax(a1 @ W2 + b2)
            dz2 = p - target
            dW2 = np.outer(a1, dz2)
            da1 = W2 @ dz2
            dz1 = da1 * (z1 > 0)
            dW1 = np.outer(x, dz1)
            W2 = W2 - lr * dW2
            b2 = b2 - lr * dz2
            W1 = W1 - lr * dW1
            b1 = b1 - lr * dz1
    return [(W1, b1), (W2, b2)]
