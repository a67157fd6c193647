"""Reference solutions: the neuron and the layer (chapter 1)."""

import numpy as np

ACTIVATIONS = ("identity", "relu", "sigmoid", "tanh")


def _sigmoid(z):
    e = np.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def neuron(x, w, b, activation="sigmoid"):
    """act(w·x + b) as a float."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; use one of {', '.join(ACTIVATIONS)}")
    z = float(np.dot(w, x) + b)
    if activation == "identity":
        return z
    if activation == "relu":
        return max(z, 0.0)
    if activation == "sigmoid":
        return float(_sigmoid(z))
    return float(np.tanh(z))


def dense_forward(X, W, b):
    """X @ W + b for a batch: (N, D) @ (D, M) + (M,) -> (N, M)."""
    return X @ W + b


def mlp_forward(X, params):
    """ReLU after every layer but the last; returns the logits."""
    out = X
    for i, (W, b) in enumerate(params):
        out = out @ W + b
        if i < len(params) - 1:
            out = np.maximum(out, 0)
    return out


def count_parameters(layer_sizes):
    """Weights and biases of a fully connected net with these layer sizes."""
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError("need at least two layer sizes, each at least 1")
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))
