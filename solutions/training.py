"""Reference solution: training (chapter 7)."""
import numpy as np

from solutions.backprop import mlp_loss_and_grads


def accuracy(logits, labels):
    """Fraction of rows whose argmax equals the label, a float in [0, 1]."""
    pred = np.argmax(np.asarray(logits), axis=1)
    return float(np.mean(pred == np.asarray(labels)))


def _init_params(sizes, rng):
    # He initialisation: keeps the ReLU activations' scale roughly constant from layer to layer.
    return [(rng.normal(0.0, np.sqrt(2.0 / m), size=(m, n)), np.zeros(n))
            for m, n in zip(sizes[:-1], sizes[1:])]


def train_classifier(X_train, y_train, seed=0):
    """Train a 64-128-10 ReLU MLP with mini-batch Adam; return its list of (W, b) pairs."""
    X = np.asarray(X_train, dtype=np.float64)
    y = np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], 128, int(y.max()) + 1], rng)
    flat = [a for pair in params for a in pair]
    m = [np.zeros_like(a) for a in flat]
    v = [np.zeros_like(a) for a in flat]
    lr, beta1, beta2, eps = 1e-2, 0.9, 0.999, 1e-8
    epochs, batch_size, t = 30, 32, 0
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            _, grads = mlp_loss_and_grads(X[idx], y[idx], params)
            t += 1
            g_flat = [g for pair in grads for g in pair]
            for i, g in enumerate(g_flat):  # Adam, updating our own arrays in place
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                m_hat = m[i] / (1 - beta1 ** t)
                v_hat = v[i] / (1 - beta2 ** t)
                flat[i] -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return params
