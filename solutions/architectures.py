"""Reference solution: convolution, max pooling, a vanilla RNN, scaled dot-product attention."""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Cross-correlation like torch.nn.functional.conv2d (zero padding, stride)."""
    _, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    # windows: (N, C, Ho, Wo, HH, WW), a view; the stride just skips window positions.
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, Ho, Wo, F)
    return out.transpose(0, 3, 1, 2) + b[None, :, None, None]


def maxpool2d_forward(x, size=2, stride=2):
    """Max over size x size windows, like torch.nn.functional.max_pool2d (no padding)."""
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(-2, -1))


def rnn_step(x_t, h_prev, Wx, Wh, b):
    """One step of a vanilla RNN: tanh(x_t @ Wx + h_prev @ Wh + b)."""
    return np.tanh(x_t @ Wx + h_prev @ Wh + b)


def rnn_forward(x, h0, Wx, Wh, b):
    """Run rnn_step over the T axis of x (N, T, D); returns all hidden states (N, T, H)."""
    N, T, _ = x.shape
    dtype = np.result_type(x, h0, Wx, Wh, b)
    hs = np.empty((N, T, h0.shape[1]), dtype=dtype)
    h = h0
    for t in range(T):  # each state needs the previous one: inherently sequential
        h = rnn_step(x[:, t, :], h, Wx, Wh, b)
        hs[:, t, :] = h
    return hs


def attention(Q, K, V, causal=False):
    """softmax(Q K^T / sqrt(d)) @ V over the last axis; returns (output, weights)."""
    d = Q.shape[-1]
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(d)  # Python float: float32 stays float32
    if causal:
        Tq, Tk = scores.shape[-2:]
        hidden = np.triu(np.ones((Tq, Tk), dtype=bool), k=1)  # keys j > i
        scores = np.where(hidden, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)  # stability: largest exponent is 0
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights
