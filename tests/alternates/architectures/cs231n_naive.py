"""cs231n naive style: four nested loops, explicit padding with np.pad's default mode, an RNN cache."""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, _C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0,), (0,), (pad,), (pad,)), "constant")
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = np.sum(x_pad[n, :, hs : hs + HH, ws : ws + WW] * w[f]) + b[f]
    return out


def maxpool2d_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    H_out = 1 + (H - size) // stride
    W_out = 1 + (W - size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * stride : i * stride + size, j * stride : j * stride + size])
    return out


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


def rnn_step(x_t, h_prev, Wx, Wh, b):
    next_h, _ = rnn_step_forward(x_t, h_prev, Wx, Wh, b)
    return next_h


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        prev_h, _ = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
    return h


def attention(Q, K, V, causal=False):
    d = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d)
    if causal:
        Tq, Tk = scores.shape[-2:]
        for i in range(Tq):
            for j in range(i + 1, Tk):
                scores[..., i, j] = -1e9
    scores -= np.max(scores, axis=-1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=-1, keepdims=True)
    return probs @ V, probs
