"""Object style: Linear and ReLU modules that cache their input, a Sequential that runs them."""

import numpy as np


class Linear:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


def dense_backward(dout, X, W):
    layer = Linear(W, np.zeros(W.shape[1], dtype=W.dtype))
    layer.forward(X)
    dX = layer.backward(dout)
    return [dX, layer.dW, layer.db]  # a list works as well as a tuple


def relu_backward(dout, x):
    r = ReLU()
    r.forward(x)
    return r.backward(dout)


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    g = np.empty_like(x)
    flat, gflat = x.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f(x)
        flat[i] = keep - h
        down = f(x)
        flat[i] = keep
        gflat[i] = (up - down) / (2 * h)
    return g


def mlp_loss_and_grads(X, y, params):
    modules = []
    for i, (W, b) in enumerate(params):
        modules.append(Linear(W, b))
        if i < len(params) - 1:
            modules.append(ReLU())
    out = X
    for m in modules:
        out = m.forward(out)
    n = out.shape[0]
    z = out - out.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    loss = float(np.mean(-np.log(p[np.arange(n), y])))
    d = p
    d[np.arange(n), y] -= 1
    d /= n
    for m in reversed(modules):
        d = m.backward(d)
    return loss, [(m.dW, m.db) for m in modules if isinstance(m, Linear)]
