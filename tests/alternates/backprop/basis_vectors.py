"""Numerical gradient with basis vectors (x ± h·e_i, new arrays each time); einsum backward."""

import numpy as np


def dense_backward(dout, X, W):
    dX = np.einsum("nm,dm->nd", dout, W)
    dW = np.einsum("nd,nm->dm", X, dout)
    db = np.einsum("nm->m", dout)
    return dX, dW, db


def relu_backward(dout, x):
    return dout * (x > 0)


def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros(x.shape)
    for i in range(x.size):
        e = np.zeros(x.shape)
        e.flat[i] = h
        grad.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def mlp_loss_and_grads(X, y, params):
    acts, pres = [X], []
    for k, (W, b) in enumerate(params):
        z = acts[-1] @ W + b
        pres.append(z)
        acts.append(np.maximum(z, 0) if k + 1 < len(params) else z)
    logp = _log_softmax(acts[-1])
    n = X.shape[0]
    onehot = np.zeros_like(logp)
    onehot[np.arange(n), y] = 1.0
    loss = -(onehot * logp).sum() / n
    delta = (np.exp(logp) - onehot) / n
    grads = []
    for k in range(len(params) - 1, -1, -1):
        dX, dW, db = dense_backward(delta, acts[k], params[k][0])
        grads.insert(0, (dW, db))
        if k:
            delta = relu_backward(dX, pres[k - 1])
    return loss, grads
