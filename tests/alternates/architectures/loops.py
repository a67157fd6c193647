"""A correct alternate in the style of a first attempt: explicit loops everywhere, a large
negative number (not -inf) for masked scores, a running maximum started at -inf."""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    xp[:, :, pad : pad + H, pad : pad + W] = x
    Ho = 1 + (H + 2 * pad - HH) // stride
    Wo = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w, b))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    top, left = i * stride, j * stride
                    patch = xp[n, :, top : top + HH, left : left + WW]
                    out[n, f, i, j] = np.sum(patch * w[f]) + b[f]
    return out


def maxpool2d_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    Ho = 1 + (H - size) // stride
    Wo = 1 + (W - size) // stride
    out = np.empty((N, C, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    best = -np.inf
                    for di in range(size):
                        for dj in range(size):
                            best = max(best, x[n, c, i * stride + di, j * stride + dj])
                    out[n, c, i, j] = best
    return out


def rnn_step(x_t, h_prev, Wx, Wh, b):
    pre = np.dot(x_t, Wx) + np.dot(h_prev, Wh) + b
    return np.tanh(pre)


def rnn_forward(x, h0, Wx, Wh, b):
    states = []
    h = h0.copy()
    for t in range(x.shape[1]):
        h = rnn_step(x[:, t, :], h, Wx, Wh, b)
        states.append(h)
    return np.stack(states, axis=1)


def _attend(q, k, v, causal):
    """One (Tq, d) query block against its keys and values, row by row."""
    d = q.shape[-1]
    Tq, Tk = q.shape[0], k.shape[0]
    weights = np.zeros((Tq, Tk))
    for i in range(Tq):
        scores = np.array([np.dot(q[i], k[j]) / np.sqrt(d) for j in range(Tk)], dtype=np.float64)
        if causal:
            scores[i + 1 :] = -1e9
        scores = scores - scores.max()
        e = np.exp(scores)
        weights[i] = e / e.sum()
    return weights @ v, weights


def attention(Q, K, V, causal=False):
    batch = Q.shape[:-2]
    out = np.zeros(batch + (Q.shape[-2], V.shape[-1]))
    weights = np.zeros(batch + (Q.shape[-2], K.shape[-2]))
    for index in np.ndindex(*batch):
        out[index], weights[index] = _attend(Q[index], K[index], V[index], causal)
    return out, weights
