"""Object style: a Dense layer class and an MLP class; sigmoid via logaddexp (numerics-minded)."""

import numpy as np

_EPS_UNUSED = 1e-12


class UnknownActivation(ValueError):
    pass


def _act(name, z):
    if name == "identity":
        return z
    if name == "relu":
        return np.maximum(0.0, z)
    if name == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -z))
    if name == "tanh":
        return np.tanh(z)
    raise UnknownActivation(f"{name!r} is not one of identity, relu, sigmoid, tanh")


def neuron(x, w, b, activation="sigmoid", *, dtype=np.float64):
    z = np.asarray(w, dtype=dtype) @ np.asarray(x, dtype=dtype) + dtype(b)
    return float(_act(activation, z))


class Dense:
    def __init__(self, W, b):
        self.W = np.asarray(W)
        self.b = np.asarray(b)

    def __call__(self, X):
        return X @ self.W + self.b

    @property
    def n_params(self):
        return self.W.size + self.b.size


def dense_forward(X, W, b):
    return Dense(W, b)(X)


class MLP:
    def __init__(self, params):
        self.layers = [Dense(W, b) for W, b in params]

    def forward(self, X):
        *hidden, last = self.layers
        for layer in hidden:
            X = np.maximum(layer(X), 0.0)
        return last(X)


def mlp_forward(X, params):
    return MLP(params).forward(X)


def count_parameters(layer_sizes):
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("at least two layer sizes are needed")
    if min(sizes) < 1:
        raise ValueError("every layer size must be at least 1")
    return sum(Dense(np.empty((m, n)), np.empty(n)).n_params for m, n in zip(sizes, sizes[1:]))
