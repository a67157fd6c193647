"""cs231n style: affine/relu forward-backward with caches, eval_numerical_gradient nudging x itself."""

import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, _b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    return np.maximum(0, x), x


def dense_backward(dout, X, W):
    return affine_backward(dout, (X, W, None))


def relu_backward(dout, x):
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(z)
    probs = np.exp(log_probs)
    n = x.shape[0]
    loss = -np.sum(log_probs[np.arange(n), y]) / n
    dx = probs.copy()
    dx[np.arange(n), y] -= 1
    dx /= n
    return loss, dx


def mlp_loss_and_grads(X, y, params):
    caches = []
    h = X
    for i, (W, b) in enumerate(params):
        h, fc = affine_forward(h, W, b)
        rc = None
        if i < len(params) - 1:
            h, rc = relu_forward(h)
        caches.append((fc, rc))
    loss, dh = softmax_loss(h, y)
    grads = []
    for fc, rc in reversed(caches):
        if rc is not None:
            dh = relu_backward(dh, rc)
        dh, dW, db = affine_backward(dh, fc)
        grads.append((dW, db))
    return loss, grads[::-1]
