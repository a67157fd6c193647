"""A beginner's loops: lists of lists, then an array at the end."""

import numpy as np


def neuron(x, w, b, activation="sigmoid"):
    total = 0.0
    for i in range(len(x)):
        total = total + x[i] * w[i]
    total = total + b
    if activation == "sigmoid":
        if total < 0:
            return float(np.exp(total) / (1 + np.exp(total)))
        return float(1 / (1 + np.exp(-total)))
    if activation == "tanh":
        return float(np.tanh(total))
    if activation == "relu":
        if total > 0:
            return float(total)
        return 0.0
    if activation == "identity":
        return float(total)
    raise ValueError("bad activation")


def dense_forward(X, W, b):
    N, D = X.shape
    M = W.shape[1]
    out = []
    for n in range(N):
        row = []
        for m in range(M):
            s = b[m]
            for d in range(D):
                s += X[n, d] * W[d, m]
            row.append(s)
        out.append(row)
    return np.array(out)


def mlp_forward(X, params):
    a = X.copy()
    for i in range(len(params)):
        W = params[i][0]
        b = params[i][1]
        a = dense_forward(a, W, b)
        if i < len(params) - 1:
            a[a < 0] = 0
    return a


def count_parameters(layer_sizes):
    if len(layer_sizes) < 2:
        raise ValueError("too few sizes")
    count = 0
    for i in range(len(layer_sizes)):
        if layer_sizes[i] < 1:
            raise ValueError("size < 1")
        if i > 0:
            count += layer_sizes[i - 1] * layer_sizes[i]
            count += layer_sizes[i]
    return count
