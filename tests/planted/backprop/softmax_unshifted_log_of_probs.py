# expect-diagnosis: backprop.mlp_softmax_without_max_shift
# Planted: mlp_loss_and_grads with exp of the raw logits and the log of the softmax.
# Once caught by no test at all (no logits above 709 in an MLP test).
import numpy as np


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
    e = np.exp(a)
    p = e / e.sum(axis=1, keepdims=True)
    n = a.shape[0]
    loss = -np.log(p[np.arange(n), y]).mean()
    dz = p.copy()
    dz[np.arange(n), y] -= 1
    dz /= n

    # Backward pass: the chain rule, from the loss back to the first layer.
    grads = [None] * len(params)
    for k in reversed(range(len(params))):
        W = params[k][0]
        da, dW, db = dense_backward(dz, inputs[k], W)
        grads[k] = (dW, db)
        if k > 0:
            dz = relu_backward(da, pre_acts[k - 1])
    return loss, grads
