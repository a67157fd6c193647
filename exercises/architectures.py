"""Chapter 10 — convolution, recurrence, attention.

A fully connected layer treats its input as an unordered bag of numbers. Real
data has structure: pixels have neighbours, words come in order. The three big
architecture families each build one kind of structure into the network.

* Convolutional networks (CNNs), for grids such as images. A filter is a small
  stack of weights, e.g. 3×3 over every input channel, that slides over the
  image; at each position it computes a dot product with the patch below it.
  The result is large where the patch looks like the filter, so a filter is a
  detector for one local pattern: an edge of one orientation, a colour blob, a
  texture; deeper layers combine these into parts and objects. The same
  weights are used at every position (weight sharing): a pattern is recognised
  wherever it appears, and a layer needs only F·C·HH·WW weights however large
  the image. Padding adds zeros around the border so that the output does not
  shrink; a stride > 1 skips positions and downsamples. Max pooling keeps only
  the strongest response in each small window, which makes the features
  smaller and a little insensitive to exact position.

* Recurrent networks (RNNs), for sequences. They read one element at a time
  and carry a hidden state h, a memory summarising everything seen so far:
      h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b),
  with the SAME weights at every step (weight sharing over time). Because h_t
  needs h_{t-1}, the steps cannot be computed in parallel, which makes RNNs
  slow to train on long sequences, and the long chain of multiplications by
  Wh makes gradients vanish or explode across many steps.

* Self-attention, the heart of the Transformer. Every position looks at every
  other position at once. Each position emits a query q, a key k and a value v;
  the score of query i for key j is the dot product q_i·k_j, i.e. how relevant
  j is to i. A softmax over j turns the scores into weights summing to 1, and
  the output for i is the weighted average of the values. Scores are divided by
  √d (d the length of the query and key vectors): dot products of d random
  components grow like √d, and without the scaling the softmax saturates into
  a near one-hot choice with tiny gradients. Nothing here is sequential, so a
  whole sequence is processed in parallel. For generating text a position must
  not see the future: the causal mask lets query i attend only to keys j ≤ i
  (itself included) by setting the other scores to -inf before the softmax.

Shapes: images and feature maps are (N, C, H, W); sequences are (N, T, D).
"""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    """2-D convolution layer, forward pass (exactly like torch.nn.functional.conv2d).

    Like every deep learning library, this "convolution" is really a
    cross-correlation: the filter is NOT flipped. With xp the input padded with
    `pad` zeros on each side of the two spatial axes (not on N or C):
        out[n, f, i, j] = b[f] + Σ_c Σ_di Σ_dj
                          w[f, c, di, dj] · xp[n, c, i·stride + di, j·stride + dj]

    Output size:
        H_out = 1 + (H + 2·pad - HH) // stride
        W_out = 1 + (W + 2·pad - WW) // stride
    (a window that would stick out past the padded border is not used).

    Loops over the output positions work, but they are slow in Python; for speed
    gather all windows at once (np.lib.stride_tricks.sliding_window_view, or
    "im2col") and contract them with the filters using np.einsum or
    np.tensordot.

    Args:
        x: (N, C, H, W) input.
        w: (F, C, HH, WW) filters.
        b: (F,) biases, one per filter.
        stride: step between window positions (int >= 1).
        pad: number of zeros added on each side of H and W (int >= 0).

    Returns:
        (N, F, H_out, W_out) array.

    Example:
        A 1×1×3×3 input of ones, a single 2×2 filter of ones, b = 0, stride 1,
        pad 0: every window sums four ones, out = [[[[4, 4], [4, 4]]]].
    """
    raise NotImplementedError("architectures.conv2d_forward")


def maxpool2d_forward(x, size=2, stride=2):
    """Max pooling, forward pass (like torch.nn.functional.max_pool2d, no padding).

        out[n, c, i, j] = max over 0 <= di, dj < size of x[n, c, i·stride + di, j·stride + dj]

    Each channel is pooled separately. Output size
        H_out = 1 + (H - size) // stride,  W_out = 1 + (W - size) // stride;
    leftover rows or columns that do not fill a whole window are ignored.

    Args:
        x: (N, C, H, W).
        size: side of the square window.
        stride: step between windows.

    Returns:
        (N, C, H_out, W_out) array.

    Example:
        >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
        >>> maxpool2d_forward(x)
        array([[[[ 5.,  7.],
                 [13., 15.]]]])
    """
    raise NotImplementedError("architectures.maxpool2d_forward")


def rnn_step(x_t, h_prev, Wx, Wh, b):
    """One time step of a vanilla RNN.

        h_t = tanh(x_t @ Wx + h_prev @ Wh + b)

    The new state mixes the current input with the memory of the past, and tanh
    keeps it in (-1, 1).

    Args:
        x_t: (N, D) inputs at this step.
        h_prev: (N, H) previous hidden state.
        Wx: (D, H); Wh: (H, H); b: (H,).

    Returns:
        (N, H) new hidden state.

    Example:
        With all weights and b zero, the new state is tanh(0) = 0 everywhere.
    """
    raise NotImplementedError("architectures.rnn_step")


def rnn_forward(x, h0, Wx, Wh, b):
    """Run a vanilla RNN over a whole sequence.

    Starting from h0, apply `rnn_step` to x[:, 0], x[:, 1], ..., x[:, T-1] in
    order, each time feeding the previous state back in, with the same weights
    at every step. Return ALL the hidden states, not just the last one:
        hs[:, t] = h_t,   h_t = tanh(x[:, t] @ Wx + h_{t-1} @ Wh + b),   h_{-1} = h0.

    Note that h0 itself is not part of the output: hs[:, 0] is the state after
    reading x[:, 0].

    Args:
        x: (N, T, D) input sequences.
        h0: (N, H) initial hidden state.
        Wx: (D, H); Wh: (H, H); b: (H,).

    Returns:
        (N, T, H) array of hidden states.
    """
    raise NotImplementedError("architectures.rnn_forward")


def attention(Q, K, V, causal=False):
    """Scaled dot-product attention.

        scores  = Q @ Kᵀ / √d          d = Q.shape[-1], Kᵀ swaps K's last two axes
        weights = softmax(scores) over the LAST axis (over the keys)
        output  = weights @ V

    Shapes: Q (..., Tq, d), K (..., Tk, d), V (..., Tk, dv), where "..." are any
    leading batch (or head) axes shared by the three arrays. Then scores and
    weights are (..., Tq, Tk) and output is (..., Tq, dv). Each row of weights
    sums to 1.

    causal=True: query i may only attend to keys j <= i (the diagonal stays
    visible: a position sees itself). Set the scores with j > i to -inf before
    the softmax, so that their weights become exactly 0.

    Stability: scores can be large. Subtract each row's maximum (over the
    visible keys) before exponentiating, as in a stable softmax; the result
    must be correct, with no overflow, for scores in the thousands.

    Args:
        Q: (..., Tq, d) queries.
        K: (..., Tk, d) keys.
        V: (..., Tk, dv) values.
        causal: apply the causal mask (used with Tq == Tk for generation).

    Returns:
        (output, weights) of shapes (..., Tq, dv) and (..., Tq, Tk).

    Example:
        Q = K = zeros((2, 4)): all scores are 0, every weight is 1/2, and each
        output row is the mean of V's two rows. With causal=True, row 0 has
        weights [1, 0] and row 1 has [1/2, 1/2].
    """
    raise NotImplementedError("architectures.attention")
