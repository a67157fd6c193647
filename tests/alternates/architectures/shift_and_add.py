"""Shift-and-add convolution (one matmul per kernel offset), pooling by running maxima over offsets."""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, _C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = 1 + (H + 2 * pad - HH) // stride
    Wo = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant", constant_values=0)
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w, b))
    for i in range(HH):
        for j in range(WW):
            patch = xp[:, :, i : i + stride * (Ho - 1) + 1 : stride, j : j + stride * (Wo - 1) + 1 : stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out + b.reshape(1, F, 1, 1)


def maxpool2d_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    Ho = (H - size) // stride + 1
    Wo = (W - size) // stride + 1
    out = np.full((N, C, Ho, Wo), -np.inf, dtype=x.dtype)
    for i in range(size):
        for j in range(size):
            out = np.maximum(
                out, x[:, :, i : i + stride * (Ho - 1) + 1 : stride, j : j + stride * (Wo - 1) + 1 : stride]
            )
    return out


def rnn_step(x_t, h_prev, Wx, Wh, b):
    return np.tanh(np.dot(x_t, Wx) + np.dot(h_prev, Wh) + b)


def rnn_forward(x, h0, Wx, Wh, b):
    states = []
    h = h0
    for x_t in np.moveaxis(x, 1, 0):
        h = rnn_step(x_t, h, Wx, Wh, b)
        states.append(h)
    return np.stack(states, axis=1)


def attention(Q, K, V, causal=False):
    d = Q.shape[-1]
    scores = np.einsum("...qd,...kd->...qk", Q, K) / np.sqrt(d).astype(Q.dtype)
    if causal:
        Tq, Tk = scores.shape[-2], scores.shape[-1]
        allowed = np.arange(Tk)[None, :] <= np.arange(Tq)[:, None]
        scores = np.where(allowed, scores, -1e30 if scores.dtype == np.float64 else np.finfo(scores.dtype).min)
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= np.sum(weights, axis=-1, keepdims=True)
    return [np.einsum("...qk,...kv->...qv", weights, V), weights]
