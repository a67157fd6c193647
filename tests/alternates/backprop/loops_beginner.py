"""A beginner's explicit loops for the layer gradients, lists everywhere."""

import math

import numpy as np


def dense_backward(dout, X, W):
    N, D = X.shape
    M = W.shape[1]
    dX = np.zeros((N, D))
    dW = np.zeros((D, M))
    db = np.zeros(M)
    for n in range(N):
        for m in range(M):
            db[m] += dout[n, m]
            for d in range(D):
                dX[n, d] += dout[n, m] * W[d, m]
                dW[d, m] += X[n, d] * dout[n, m]
    return dX, dW, db


def relu_backward(dout, x):
    out = np.zeros(np.shape(x))
    for idx in np.ndindex(np.shape(x)):
        if x[idx] > 0:
            out[idx] = dout[idx]
    return out


def numerical_gradient(f, x, h=1e-5):
    x_copy = x.astype(float)  # astype copies
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        original = x_copy[idx]
        x_copy[idx] = original + h
        plus = f(x_copy)
        x_copy[idx] = original - h
        minus = f(x_copy)
        x_copy[idx] = original
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def mlp_loss_and_grads(X, y, params):
    layer_inputs = []
    pre = []
    a = X
    L = len(params)
    for i in range(L):
        W, b = params[i]
        layer_inputs.append(a)
        z = a @ W + b
        pre.append(z)
        if i < L - 1:
            a = np.maximum(z, 0)
        else:
            a = z
    N = a.shape[0]
    loss = 0.0
    dz = np.zeros(a.shape)
    for n in range(N):
        row = a[n]
        mx = max(row)
        exps = [math.exp(v - mx) for v in row]
        s = sum(exps)
        loss += -(row[y[n]] - mx - math.log(s))
        for c in range(len(row)):
            dz[n, c] = exps[c] / s
        dz[n, y[n]] -= 1
    loss /= N
    dz /= N
    grads = [None] * L
    for i in range(L - 1, -1, -1):
        da, dW, db = dense_backward(dz, layer_inputs[i], params[i][0])
        grads[i] = [dW, db]
        if i > 0:
            dz = relu_backward(da, pre[i - 1])
    return loss, grads
