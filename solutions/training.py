"""Reference solution: training (chapter 7).

Self-contained (numpy only), as a learner's file must be: the pieces of chapters 3 and 4 it
needs are repeated here.
"""

import numpy as np

NUM_CLASSES = 10  # digits 0-9


def accuracy(logits, labels):
    """Fraction of rows whose argmax equals the label, a float in [0, 1]."""
    pred = np.argmax(np.asarray(logits), axis=1)
    return float(np.mean(pred == np.asarray(labels)))


def _cross_entropy_and_grad(logits, labels):
    """Mean softmax cross-entropy and its gradient (softmax - onehot) / N, via a stable log-softmax."""
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(z.shape[0])
    labels = np.asarray(labels).astype(np.intp)
    loss = float(-np.mean(logp[rows, labels]))
    grad = np.exp(logp)
    grad[rows, labels] -= 1.0
    return loss, grad / z.shape[0]


def _dense_backward(dout, X, W):
    """Gradients (dX, dW, db) of out = X @ W + b, given dout = dL/dout of shape (N, M)."""
    dX = dout @ W.T  # (N, M) @ (M, D) -> (N, D)
    dW = X.T @ dout  # (D, N) @ (N, M) -> (D, M)
    db = dout.sum(axis=0)  # b was broadcast over the N rows: sum their contributions
    return dX, dW, db


def _relu_backward(dout, x):
    """Gradient through out = relu(x): dout where x > 0, else 0."""
    return np.where(x > 0, dout, 0.0)


def _mlp_loss_and_grads(X, y, params):
    """Cross-entropy of the MLP (ReLU after every layer but the last) and its (dW, db) grads."""
    # Forward pass, keeping each layer's input and pre-activation for the backward pass.
    inputs, pre_acts = [], []
    a = X
    for k, (W, b) in enumerate(params):
        inputs.append(a)
        z = a @ W + b
        pre_acts.append(z)
        a = np.maximum(z, 0) if k < len(params) - 1 else z
    loss, dz = _cross_entropy_and_grad(a, y)

    # Backward pass: the chain rule, from the loss back to the first layer.
    grads = [None] * len(params)
    for k in reversed(range(len(params))):
        W = params[k][0]
        da, dW, db = _dense_backward(dz, inputs[k], W)
        grads[k] = (dW, db)
        if k > 0:
            dz = _relu_backward(da, pre_acts[k - 1])
    return loss, grads


def _init_params(sizes, rng):
    # He initialisation: keeps the ReLU activations' scale roughly constant from layer to layer.
    return [(rng.normal(0.0, np.sqrt(2.0 / m), size=(m, n)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]


class _Adam:
    """Adam over a list of (W, b) pairs; `step` returns the new pairs (the inputs stay as they were)."""

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
        self.v = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]

    def step(self, params, grads):
        self.t += 1
        new_params, new_m, new_v = [], [], []
        for pair, grad, m_pair, v_pair in zip(params, grads, self.m, self.v):
            moved, ms, vs = [], [], []
            for p, g, m, v in zip(pair, grad, m_pair, v_pair):
                m = self.beta1 * m + (1 - self.beta1) * g
                v = self.beta2 * v + (1 - self.beta2) * g * g
                m_hat, v_hat = m / (1 - self.beta1**self.t), v / (1 - self.beta2**self.t)
                moved.append(p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
                ms.append(m)
                vs.append(v)
            new_params.append(tuple(moved))
            new_m.append(tuple(ms))
            new_v.append(tuple(vs))
        self.m, self.v = new_m, new_v
        return new_params


HIDDEN, EPOCHS, BATCH_SIZE, LEARNING_RATE = 128, 30, 32, 1e-2


def train_classifier(X_train, y_train, seed=0):
    """Train a 64-128-10 ReLU MLP with mini-batch Adam; return its list of (W, b) pairs."""
    X = np.asarray(X_train, dtype=np.float64)
    y = np.asarray(y_train).astype(np.intp)
    rng = np.random.default_rng(seed)
    params = _init_params([X.shape[1], HIDDEN, NUM_CLASSES], rng)
    adam = _Adam(params, LEARNING_RATE)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))  # a new order every epoch; X and y stay paired
        for start in range(0, len(X), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            _, grads = _mlp_loss_and_grads(X[batch], y[batch], params)
            params = adam.step(params, grads)
    return params
