"""dtype-preserving, in-place ops on private copies; softmax with a temperature keyword."""

import numpy as np


def relu(x):
    out = np.array(x, copy=True)
    out[out < 0] = 0
    return out


def relu_grad(x):
    x = np.asarray(x)
    out = np.zeros_like(x)
    out[x > 0] = 1
    return out


def leaky_relu(x, alpha=0.01):
    out = np.array(x, copy=True)
    out[out <= 0] *= alpha
    return out


def leaky_relu_grad(x, alpha=0.01):
    x = np.asarray(x)
    out = np.ones_like(x)
    out[x <= 0] = alpha
    return out


def sigmoid(x):
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1, e)
    out = out / (1 + e)
    return out.astype(np.result_type(x, np.float32), copy=False)


def sigmoid_grad(x):
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2  # σ(x)σ(-x), symmetric in x


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    out = np.tanh(x)
    np.square(out, out=out)
    np.subtract(1, out, out=out)
    return out


def softmax(z, axis=-1, temperature=1.0):
    z = np.array(z, copy=True) / temperature
    z -= z.max(axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=axis, keepdims=True)
    return z
