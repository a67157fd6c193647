"""dtype-keeping backward (float32 in, float32 out), numerical_gradient with an extra keyword."""

import numpy as np


def dense_backward(dout, X, W):
    return np.matmul(dout, W.swapaxes(0, 1)), np.matmul(X.swapaxes(0, 1), dout), np.add.reduce(dout, axis=0)


def relu_backward(dout, x):
    return np.where(x > 0, dout, np.zeros_like(dout))


def numerical_gradient(f, x, h=1e-5, *, method="central"):
    if method != "central":
        raise ValueError("only central differences")
    x0 = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(x0)
    for i in np.ndindex(*x0.shape):
        xp = x0.copy()
        xm = x0.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (np.float64(f(xp)) - np.float64(f(xm))) / (2 * h)
    return grad


def mlp_loss_and_grads(X, y, params):
    cache = []
    h = X
    for i, (W, b) in enumerate(params):
        z = h @ W + b
        cache.append((h, z))
        h = z if i == len(params) - 1 else np.maximum(z, 0)
    n = h.shape[0]
    m = h.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(h - m).sum(axis=1, keepdims=True))
    loss = float(np.mean(lse[:, 0] - h[np.arange(n), y]))
    d = np.exp(h - lse)
    d[np.arange(n), y] -= 1
    d = d / n
    out = []
    for i in range(len(params) - 1, -1, -1):
        inp, _ = cache[i]
        W = params[i][0]
        dX, dW, db = dense_backward(d, inp, W)
        out.append((dW, db))
        if i > 0:
            d = relu_backward(dX, cache[i - 1][1])
    out.reverse()
    return loss, tuple(out)
