# expect-diagnosis: backprop.relu_backward_one_at_zero
# expect-message: pre-activation was > 0
# Planted: the ReLU mask of the backward pass written inline as z >= 0.
# Once passed every test (every hidden pre-activation was kept away from 0); the entry for
# relu_backward names it, so its text speaks of the mask in mlp_loss_and_grads too.
"""Reference solution: backprop (chapter 4).

Self-contained (numpy only): it is also graded as a submission, and a submission is one file.
"""

import numpy as np


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


def dense_backward(dout, X, W):
    """Gradients (dX, dW, db) of out = X @ W + b, given dout = dL/dout of shape (N, M)."""
    dX = dout @ W.T  # (N, M) @ (M, D) -> (N, D)
    dW = X.T @ dout  # (D, N) @ (N, M) -> (D, M)
    db = dout.sum(axis=0)  # b was broadcast over the N rows: sum their contributions
    return dX, dW, db


def relu_backward(dout, x):
    """Gradient through out = relu(x): dout where x > 0, else 0."""
    return np.where(x > 0, dout, 0.0)


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f at x; x is left unchanged."""
    xc = np.array(x, dtype=np.float64)  # a private float64 copy that we nudge in place
    grad = np.zeros_like(xc)
    for i in np.ndindex(xc.shape):
        old = xc[i]
        xc[i] = old + h
        f_plus = float(f(xc))
        xc[i] = old - h
        f_minus = float(f(xc))
        xc[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def mlp_loss_and_grads(X, y, params):
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
        da, dW, db = dense_backward(dz, inputs[k], W)
        grads[k] = (dW, db)
        if k > 0:
            dz = da * (pre_acts[k - 1] >= 0)
    return loss, grads
