"""Windows built with as_strided by hand (strides in bytes), tensordot, softmax via a helper."""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _windows(x, kh, kw, stride):
    x = np.ascontiguousarray(x)
    N, C, H, W = x.shape
    Ho, Wo = (H - kh) // stride + 1, (W - kw) // stride + 1
    sN, sC, sH, sW = x.strides
    return as_strided(
        x, shape=(N, C, Ho, Wo, kh, kw), strides=(sN, sC, sH * stride, sW * stride, sH, sW), writeable=False
    )


def conv2d_forward(x, w, b, stride=1, pad=0):
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = _windows(x, w.shape[2], w.shape[3], stride)
    out = np.tensordot(win, w, axes=((1, 4, 5), (1, 2, 3)))  # N, Ho, Wo, F
    out = np.moveaxis(out, -1, 1)
    return out + b[:, None, None]


def maxpool2d_forward(x, size=2, stride=2):
    return _windows(x, size, size, stride).max(axis=(4, 5))


def rnn_step(x_t, h_prev, Wx, Wh, b):
    a = x_t @ Wx
    a = a + h_prev @ Wh
    a = a + b
    return np.tanh(a)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = Wh.shape[0]
    xw = (x.reshape(N * T, D) @ Wx).reshape(N, T, H)  # input projections for all steps at once
    hs = np.zeros((N, T, H), dtype=np.result_type(x, h0, Wx, Wh, b))
    h = h0
    for t in range(T):
        h = np.tanh(xw[:, t] + h @ Wh + b)
        hs[:, t] = h
    return hs


def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def attention(Q, K, V, causal=False):
    scale = 1.0 / np.sqrt(K.shape[-1])
    scores = np.matmul(Q, np.swapaxes(K, -2, -1)) * scale
    if causal:
        mask = np.tri(scores.shape[-2], scores.shape[-1], k=0, dtype=bool)
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores)
    return np.matmul(weights, V), weights
