"""Object style: each activation a class with forward/backward; the functions are bound methods."""

import numpy as np


class Activation:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, x):
        raise NotImplementedError


class ReLU(Activation):
    def forward(self, x):
        return np.maximum(x, 0.0)

    def backward(self, x):
        return (x > 0).astype(float)


class LeakyReLU(Activation):
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        return np.where(x > 0, x, self.alpha * x)

    def backward(self, x):
        return np.where(x > 0, 1.0, self.alpha)


class Sigmoid(Activation):
    def forward(self, x):
        x = np.asarray(x, dtype=float)
        out = np.empty_like(x)
        pos = x >= 0
        out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
        ex = np.exp(x[~pos])
        out[~pos] = ex / (1.0 + ex)
        return out

    def backward(self, x):
        s = self.forward(x)
        return s * (1.0 - s)


class Tanh(Activation):
    def forward(self, x):
        return np.tanh(x)

    def backward(self, x):
        return 1.0 - np.tanh(x) ** 2


relu = ReLU().forward
relu_grad = ReLU().backward
sigmoid = Sigmoid().forward
sigmoid_grad = Sigmoid().backward
tanh = Tanh().forward
tanh_grad = Tanh().backward


def leaky_relu(x, alpha=0.01):
    return LeakyReLU(alpha).forward(x)


def leaky_relu_grad(x, alpha=0.01):
    return LeakyReLU(alpha).backward(x)


def softmax(z, axis=-1):
    z = np.moveaxis(np.asarray(z, dtype=float), axis, -1)
    z = z - z.max(axis=-1)[..., None]
    e = np.exp(z)
    p = e / e.sum(axis=-1)[..., None]
    return np.moveaxis(p, -1, axis)
