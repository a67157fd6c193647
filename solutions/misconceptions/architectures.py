"""Misconceptions of chapter 10 (architectures), as wrong versions of solutions/architectures.py.

Each function replaces the reference function named in its decorator; its body may use `np`,
`math`, `sliding_window_view` and the reference module's own functions only (it is executed
inside a copy of that module). A wrong rnn_step also makes the reference's rnn_forward wrong, as
it does in a learner's file whose rnn_forward calls rnn_step: the texts of rnn_step's mistakes
speak of "your RNN", true for both functions. Mistakes that only raise an exception (np.pad(x,
pad) on a vectorised convolution, K.T on batched attention) are left out: many different bugs
raise the same ValueError, and a diagnosis must name the one at hand.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from grader.engine.diagnosis import misconception
from solutions.architectures import rnn_step

# -- conv2d_forward --------------------------------------------------------------------------


@misconception(
    "conv2d_forward",
    """Your convolution flips the kernel (a true convolution). torch's conv2d, like every deep
    learning library, slides the kernel as it is, a cross-correlation: w[f, c, 0, 0] multiplies
    the top-left pixel of each window. Since the kernel is learned, flipping only relabels it.""",
)
def conv_kernel_flipped(x, w, b, stride=1, pad=0):
    _, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, w[:, :, ::-1, ::-1], axes=([1, 4, 5], [1, 2, 3]))
    return out.transpose(0, 3, 1, 2) + b[None, :, None, None]


@misconception(
    "conv2d_forward",
    """Your convolution leaves out the bias. Each filter f has one bias b[f], added to every
    position of its output map: out[:, f] += b[f].""",
)
def conv_bias_forgotten(x, w, b, stride=1, pad=0):
    _, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)


@misconception(
    "conv2d_forward",
    """Your convolution ignores the stride: it visits every window position. With stride s the
    window moves s pixels at a time, so the output has 1 + (H + 2*pad - HH) // s rows and as
    many columns by the same rule.""",
)
def conv_stride_ignored(x, w, b, stride=1, pad=0):
    _, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))
    return out.transpose(0, 3, 1, 2) + b[None, :, None, None]


@misconception(
    "conv2d_forward",
    """Your padding covers every axis of x, the batch and channel axes too (np.pad(x, pad) pads
    all four): images and channels of zeros slip in before the real ones. Pad only the two spatial
    axes: np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))).""",
)
def conv_padding_every_axis(x, w, b, stride=1, pad=0):
    N, C, _, _ = x.shape
    _, _, HH, WW = w.shape
    xp = np.pad(x, pad)[:N, :C]  # what a loop over n < N and c < C reads from the padded array
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))
    return out.transpose(0, 3, 1, 2) + b[None, :, None, None]


@misconception(
    "conv2d_forward",
    """Your output is one row and one column short: the number of window positions is
    1 + (H + 2*pad - HH) // stride, counting the first position at 0 as well as the steps after it.""",
)
def conv_output_size_missing_plus_one(x, w, b, stride=1, pad=0):
    _, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (xp.shape[2] - HH) // stride, (xp.shape[3] - WW) // stride
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))
    return out.transpose(0, 3, 1, 2) + b[None, :, None, None]


# -- maxpool2d_forward -----------------------------------------------------------------------


@misconception(
    "maxpool2d_forward",
    """Your pooling moves its window by `size` instead of by `stride`. The two are often equal (2
    and 2), but when they differ the windows overlap (stride < size) or skip pixels (stride >
    size): step by stride.""",
)
def pool_windows_step_by_size(x, size=2, stride=2):
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::size, ::size]
    return windows.max(axis=(-2, -1))


@misconception(
    "maxpool2d_forward",
    """Your pooling averages each window; max pooling keeps its largest value, the strongest
    response of the feature in that neighbourhood, wherever in the window it is.""",
)
def pool_average_not_max(x, size=2, stride=2):
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.mean(axis=(-2, -1))


@misconception(
    "maxpool2d_forward",
    """Your running maximum starts at 0, so a window whose values are all negative gives 0 instead
    of its largest (negative) value. Start from the window's first value, or -inf, or use
    window.max().""",
)
def pool_max_starts_at_zero(x, size=2, stride=2):
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.maximum(windows.max(axis=(-2, -1)), 0.0)


# -- rnn_step (and so rnn_forward) -------------------------------------------------------------


@misconception(
    "rnn_step",
    """Your RNN uses relu where a vanilla RNN uses tanh. tanh keeps every hidden state in (-1, 1);
    with relu and the same weight matrix applied at every step, the states can grow without bound
    over a long sequence.""",
)
def rnn_relu_not_tanh(x_t, h_prev, Wx, Wh, b):
    return np.maximum(x_t @ Wx + h_prev @ Wh + b, 0.0)


@misconception(
    "rnn_step",
    """Your RNN multiplies the previous state by Wh transposed. The states are rows, h_prev of
    shape (N, H), so the recurrence is h_prev @ Wh, in the same row layout as x_t @ Wx.""",
)
def rnn_hidden_weights_transposed(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh.T + b)


@misconception(
    "rnn_step",
    """In your RNN step, not all of x_t @ Wx + h_prev @ Wh + b goes through the tanh. The new state
    is tanh of the whole sum, tanh(x_t @ Wx + h_prev @ Wh + b): that keeps every state in (-1, 1)
    and makes the recurrence nonlinear.""",
)
def rnn_sum_not_all_through_tanh(x_t, h_prev, Wx, Wh, b):
    return x_t @ Wx + h_prev @ Wh + b


@misconception(
    "rnn_step",
    """Your RNN step leaves out the bias b. Each hidden unit has its own offset, added at every step:
    tanh(x_t @ Wx + h_prev @ Wh + b).""",
)
def rnn_without_bias(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh)


# -- rnn_forward -------------------------------------------------------------------------------


@misconception(
    "rnn_forward",
    """Your rnn_forward returns h0 as well as the T new states (T + 1 of them). h0 is the state
    given before the sequence; the output holds the states h_1 ... h_T computed from x, shape
    (N, T, H).""",
)
def rnn_forward_includes_h0(x, h0, Wx, Wh, b):
    states = [h0]
    for t in range(x.shape[1]):
        states.append(rnn_step(x[:, t, :], states[-1], Wx, Wh, b))
    return np.stack(states, axis=1)


@misconception(
    "rnn_forward",
    """Your rnn_forward returns only the last hidden state. It should return the state after every
    time step, shape (N, T, H): models that label each step, or attend over them, need them all.""",
)
def rnn_forward_last_state_only(x, h0, Wx, Wh, b):
    h = h0
    for t in range(x.shape[1]):
        h = rnn_step(x[:, t, :], h, Wx, Wh, b)
    return h


@misconception(
    "rnn_forward",
    """Your rnn_forward feeds h0 to every step instead of the previous step's state, so no step
    remembers the ones before it. The recurrence is h_t = step(x_t, h_{t-1}): keep the new state
    and pass it on.""",
)
def rnn_forward_every_step_from_h0(x, h0, Wx, Wh, b):
    return np.stack([rnn_step(x[:, t, :], h0, Wx, Wh, b) for t in range(x.shape[1])], axis=1)


@misconception(
    "rnn_forward",
    """Your rnn_forward starts from zeros instead of the h0 it is given. h0 carries what came
    before the sequence (an earlier chunk of text, an encoder's summary): start the recurrence
    from it.""",
)
def rnn_forward_starts_from_zeros(x, h0, Wx, Wh, b):
    h = np.zeros_like(h0)
    states = []
    for t in range(x.shape[1]):
        h = rnn_step(x[:, t, :], h, Wx, Wh, b)
        states.append(h)
    return np.stack(states, axis=1)


# -- attention ---------------------------------------------------------------------------------


@misconception(
    "attention",
    """Your attention divides the scores by d instead of by √d. A dot product of two d-dimensional
    vectors with unit-variance entries has variance d; dividing by √d brings it back to 1, while
    dividing by d shrinks the scores and flattens the softmax.""",
)
def attention_scaled_by_d(Q, K, V, causal=False):
    d = Q.shape[-1]
    scores = (Q @ np.swapaxes(K, -1, -2)) / d
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your attention does not scale the scores by 1/√d. Dot products grow with the dimension d;
    unscaled, the softmax saturates on one key and its gradients vanish. Divide Q Kᵀ by √d.""",
)
def attention_not_scaled(Q, K, V, causal=False):
    scores = Q @ np.swapaxes(K, -1, -2)
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your attention divides by √d after the softmax, on the output, instead of dividing the scores
    Q Kᵀ before it. The scaling is there to keep the scores from saturating the softmax, so it belongs
    inside: softmax(Q Kᵀ / √d), and those weights are applied to V as they are.""",
)
def attention_scaled_after_softmax(Q, K, V, causal=False):
    d = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2)
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V / np.sqrt(d), weights


@misconception(
    "attention",
    """Your attention divides by √d twice: once the scores, as it should, and then the output as well.
    The weights softmax(Q Kᵀ / √d) already carry the scaling; weights @ V is the output, as it is.""",
)
def attention_output_divided_again(Q, K, V, causal=False):
    d = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d)
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V / np.sqrt(d), weights


@misconception(
    "attention",
    """Your attention scales by the square root of V's last axis. d is the size of the vectors
    whose dot products make the scores, the last axis of Q and K; V's size does not enter the
    scores.""",
)
def attention_scaled_by_sqrt_dv(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(V.shape[-1])
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your causal mask hides the diagonal too: query i cannot see key i, its own position, and
    the first query sees nothing at all. Causal means no key after the query, j > i; key i itself
    stays visible (np.triu(..., k=1)).""",
)
def attention_mask_hides_diagonal(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=0), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your causal mask hides the past instead of the future: query i sees keys j >= i. A causal
    model predicts from what came before, so query i may use keys j <= i and must not see any
    later key (mask the part above the diagonal, np.triu(..., k=1)).""",
)
def attention_mask_hides_past(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.tril(np.ones((Tq, Tk), dtype=bool), k=-1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your softmax runs over the queries (axis -2) instead of over the keys (the last axis). Each
    query distributes its attention over the keys, so each ROW of the weights sums to 1.""",
)
def attention_softmax_over_queries(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-2, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-2, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your causal mask is applied after the softmax: the future weights are set to 0, but the
    remaining ones no longer sum to 1. Mask the scores before the softmax (with -inf), so that the
    visible keys share all of the attention.""",
)
def attention_mask_after_softmax(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    if causal:
        Tq, Tk = weights.shape[-2:]
        weights = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), 0.0, weights)
    return weights @ V, weights


@misconception(
    "attention",
    """Your softmax takes exp of the raw scores, which overflows to inf once a score passes about
    709 and then gives NaN (inf / inf). Subtract each row's maximum first: the softmax does not
    change, and the largest exponent is 0.""",
)
def attention_without_max_shift(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your row maximum is taken before the causal mask, over the hidden future scores too. When a
    hidden score is much larger than every visible one, all visible exponentials underflow to 0 and
    the row becomes 0/0 = NaN: subtract the maximum of the visible scores, after masking.""",
)
def attention_max_taken_before_masking(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your softmax subtracts the maximum of the whole array, not of each row. A row whose scores are
    all far below that one maximum underflows to 0 everywhere and becomes 0/0 = NaN: subtract each
    row's own maximum (axis=-1, keepdims=True).""",
)
def attention_max_over_whole_array(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    e = np.exp(scores - scores.max())
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


@misconception(
    "attention",
    """Your attention returns the pair in the other order, (weights, output). The contract returns
    (output, weights): the output, weights @ V, first.""",
)
def attention_returns_weights_first(Q, K, V, causal=False):
    scores = (Q @ np.swapaxes(K, -1, -2)) / math.sqrt(Q.shape[-1])
    if causal:
        Tq, Tk = scores.shape[-2:]
        scores = np.where(np.triu(np.ones((Tq, Tk), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights, weights @ V
