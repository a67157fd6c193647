"""Keeps the inputs' dtype: float32 in, float32 out; masked weights zeroed after a stable softmax."""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    dt = np.result_type(x, w, b)
    x = x.astype(dt, copy=False)
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    Hp, Wp = H + 2 * pad, W + 2 * pad
    xp = np.zeros((N, C, Hp, Wp), dt)
    xp[:, :, pad : pad + H, pad : pad + W] = x
    Ho, Wo = (Hp - kh) // stride + 1, (Wp - kw) // stride + 1
    cols = np.empty((N, Ho, Wo, C, kh, kw), dt)
    for i in range(Ho):
        for j in range(Wo):
            cols[:, i, j] = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
    out = cols.reshape(N * Ho * Wo, -1) @ w.reshape(F, -1).T.astype(dt) + b.astype(dt)
    return out.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)


def maxpool2d_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.empty((N, C, Ho, Wo), x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            window = x[..., i * stride : i * stride + size, j * stride : j * stride + size]
            out[..., i, j] = window.reshape(N, C, -1).max(-1)
    return out


def rnn_step(x_t, h_prev, Wx, Wh, b):
    z = np.concatenate([x_t, h_prev], axis=1) @ np.concatenate([Wx, Wh], axis=0) + b
    return np.tanh(z)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    out = np.empty((T, N, h0.shape[1]), dtype=np.result_type(x, h0, Wx, Wh, b))
    h = h0
    for t in range(T):
        h = rnn_step(x[:, t, :], h, Wx, Wh, b)
        out[t] = h
    return out.transpose(1, 0, 2).copy()


def attention(Q, K, V, causal=False):
    dt = np.result_type(Q, K, V)
    scores = (Q @ np.swapaxes(K, -1, -2)) * dt.type(1.0 / np.sqrt(Q.shape[-1]))
    Tq, Tk = scores.shape[-2:]
    visible = np.ones((Tq, Tk), bool) if not causal else np.tril(np.ones((Tq, Tk), bool))
    row_max = np.max(np.where(visible, scores, -np.inf), axis=-1, keepdims=True)
    e = np.where(visible, np.exp(np.where(visible, scores - row_max, 0)), 0).astype(dt)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights
