# expect-diagnosis: activations.factor_of_two
# Planted: sigmoid_grad from the tanh identity without the inner factor 1/2 (twice the slope).
# A factor of 2 on a batch of 2 rows once read as "not divided by the number of rows".
"""Reference solutions: activations (chapter 2)."""

import numpy as np


def relu(x):
    """max(0, x), element-wise."""
    return np.maximum(x, 0)


def relu_grad(x):
    """1 where x > 0, else 0 (0 at x == 0)."""
    return (np.asarray(x) > 0).astype(np.result_type(x, np.float32))


def leaky_relu(x, alpha=0.01):
    """x where x > 0, else alpha * x."""
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x, alpha=0.01):
    """1 where x > 0, else alpha."""
    return np.where(np.asarray(x) > 0, 1.0, alpha)


def sigmoid(x):
    """1 / (1 + e^-x), from exp(-|x|) so that nothing overflows."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x):
    """σ(x)(1 - σ(x))."""
    return 0.5 * (1.0 - np.tanh(0.5 * x) ** 2)


def tanh(x):
    """Hyperbolic tangent; numpy's is stable over the whole range."""
    return np.tanh(x)


def tanh_grad(x):
    """1 - tanh(x)²."""
    return 1.0 - np.tanh(x) ** 2


def softmax(z, axis=-1):
    """exp(z) / sum(exp(z)) along `axis`, shifted by the maximum for stability."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
