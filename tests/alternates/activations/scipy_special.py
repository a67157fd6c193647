"""Correct activations that lean on scipy.special, the well-tested library versions."""

import numpy as np
from scipy import special


def relu(x):
    return np.clip(x, 0, None)


def relu_grad(x):
    return np.heaviside(x, 0.0)  # the step function, with the value 0 at x == 0


def leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, x * alpha)


def leaky_relu_grad(x, alpha=0.01):
    return np.where(x > 0, 1.0, alpha)


def sigmoid(x):
    return special.expit(x)


def sigmoid_grad(x):
    s = special.expit(x)
    return s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1 - np.tanh(x) ** 2


def softmax(z, axis=-1):
    return special.softmax(z, axis=axis)
