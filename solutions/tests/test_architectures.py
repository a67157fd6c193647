"""Hidden tests: convolution, recurrence, attention (chapter 10), 15 points.

The numpy reference is the yardstick here; tests/test_references_vs_torch_ch8_10.py proves,
outside the judge, that it agrees with torch.nn.functional (conv2d, max_pool2d,
scaled_dot_product_attention) and torch.nn.RNN.

Mistakes these tests are built to catch (each loses points):
- conv2d_forward: a flipped kernel (true convolution instead of torch's cross-correlation);
  the stride ignored; no padding; padding on every axis (np.pad(x, pad) pads N and C too);
  padding on one side only; a wrong output size (1 + ... forgotten); the bias forgotten; the
  kernel's two spatial axes swapped (caught by non-square kernels).
- maxpool2d_forward: windows stepped by `size` instead of `stride`; the average instead of the
  maximum; a running maximum that starts at 0 (wrong for windows of negative values); wrong
  default size or stride.
- rnn_step / rnn_forward: relu instead of tanh, or no tanh; h_prev @ Wh.T; h0 ignored (zeros); only the
  last state returned; h0 included in the output (T + 1 states); every step fed h0 instead of
  the previous state; a state kept from one call to the next.
- attention: scores divided by d (or by dv, or not at all) instead of √d, d the last axis of
  Q and K; the causal mask hiding the diagonal, hiding the past instead of the future, or not
  applied; a square (Tq, Tq) mask that fails when Tq != Tk; the mask applied after the softmax
  without renormalising; the softmax over the
  wrong axis (caught because Tq != Tk); no max subtraction (overflow for large scores); the
  row maximum taken before masking (all visible weights underflow to 0/0); K.T instead of
  swapping the last two axes (breaks batch dimensions); the pair returned as (weights, output).
Messages name a cause only where the result shows it (the flipped filter's exact output, a
shape of T + 1 states); the misconception catalogue (solutions/misconceptions/architectures.py)
names the others.
A correct solution gets everything: loops or vectorised (sliding windows, im2col, einsum),
float32 results for float32 inputs, a tuple or a list for attention's pair, -inf or a large
negative number for masked scores.
"""

import numpy as np

from grader.engine.testkit import (
    Feedback,
    as_array,
    check_array,
    check_unchanged,
    grades,
    returned,
)
from solutions import architectures as ref


def normal(seed, *shapes, dtype=np.float64, scale=1.0):
    rng = np.random.default_rng(seed)
    return tuple((rng.normal(size=s) * scale).astype(dtype) for s in shapes)


# -- conv2d -------------------------------------------------------------------


def check_conv(learner, seed, x_shape, w_shape, stride, pad, dtype=np.float64, untouched=False):
    x, w, b = normal(seed, x_shape, w_shape, (w_shape[0],), dtype=dtype)
    what = f"conv2d_forward(x, w, b, stride={stride}, pad={pad}) with x {x_shape}, w {w_shape}"
    report = learner.call_report("conv2d_forward", x, w, b, stride=stride, pad=pad, _describe=what)
    want = ref.conv2d_forward(*(a.astype(np.float64) for a in (x, w, b)), stride=stride, pad=pad)
    check_array(report.value, want, what, input_dtype=dtype)
    if untouched:
        check_unchanged(x, report.args[0], what, "x")
        check_unchanged(w, report.args[1], what, "w")


@grades("conv2d_forward", points=1)
def test_conv2d_no_stride_no_padding(learner):
    check_conv(learner, 1, (2, 3, 6, 7), (4, 3, 3, 2), stride=1, pad=0, untouched=True)


@grades("conv2d_forward", points=2)
def test_conv2d_stride_and_padding(learner):
    check_conv(learner, 2, (2, 3, 7, 9), (4, 3, 3, 2), stride=2, pad=1)
    check_conv(learner, 3, (1, 2, 8, 6), (5, 2, 1, 3), stride=3, pad=2)


@grades("conv2d_forward", points=1)
def test_conv2d_output_sizes(learner):
    check_conv(learner, 4, (1, 1, 5, 5), (1, 1, 5, 5), stride=1, pad=0)  # the kernel covers the whole image
    check_conv(learner, 5, (2, 2, 6, 11), (3, 2, 2, 4), stride=1, pad=3)
    check_conv(learner, 6, (1, 2, 9, 4), (2, 2, 4, 1), stride=2, pad=0)  # a leftover row is not used


@grades("conv2d_forward", points=0.5)
def test_conv2d_is_a_cross_correlation(learner):
    x = np.zeros((1, 1, 4, 6))
    x[..., 3:] = 1.0  # dark left half, bright right half: a vertical edge
    w = np.array([[[[-1.0, 1.0]]]])  # responds +1 to dark→bright from left to right
    b = np.zeros(1)
    what = "conv2d_forward(x, w, b) with an image whose right half is bright and the 1×2 filter [[-1, 1]]"
    got = learner.call("conv2d_forward", x, w, b, _describe=what)
    flipped = ref.conv2d_forward(x, w[..., ::-1], b)
    if isinstance(got, np.ndarray) and got.shape == flipped.shape and np.allclose(got, flipped):
        raise Feedback(
            f"{what} gives the edge -1, the response of the flipped filter [[1, -1]]: slide the filter as it "
            "is, like torch (a cross-correlation), without flipping it"
        )
    check_array(got, ref.conv2d_forward(x, w, b), what)


@grades("conv2d_forward", points=0.5)
def test_conv2d_float32(learner):
    check_conv(learner, 7, (2, 3, 6, 5), (2, 3, 3, 3), stride=2, pad=1, dtype=np.float32)


# -- max pooling -------------------------------------------------------------------


def check_pool(learner, seed, shape, size, stride, dtype=np.float64, untouched=False):
    (x,) = normal(seed, shape, dtype=dtype)
    what = f"maxpool2d_forward(x, size={size}, stride={stride}) with x of shape {shape}"
    report = learner.call_report("maxpool2d_forward", x, size=size, stride=stride, _describe=what)
    check_array(report.value, ref.maxpool2d_forward(x.astype(np.float64), size, stride), what, input_dtype=dtype)
    if untouched:
        check_unchanged(x, report.args[0], what, "x")


@grades("maxpool2d_forward", points=0.5)
def test_maxpool_values(learner):
    check_pool(learner, 10, (2, 3, 6, 8), 2, 2)
    check_pool(learner, 11, (1, 2, 7, 9), 2, 2)  # odd sizes: the last row and column are left out
    check_pool(learner, 12, (2, 1, 9, 6), 3, 3)
    (x,) = normal(16, (1, 2, 4, 6))
    x = x - 5.0
    what = "maxpool2d_forward(x, size=2, stride=2) with x of shape (1, 2, 4, 6), every value negative"
    check_array(learner.call("maxpool2d_forward", x, size=2, stride=2, _describe=what), ref.maxpool2d_forward(x), what)


@grades("maxpool2d_forward", points=0.5)
def test_maxpool_default_size_and_stride(learner):
    (x,) = normal(17, (2, 2, 6, 8))
    what = "maxpool2d_forward(x) with x of shape (2, 2, 6, 8) (the defaults: size=2, stride=2)"
    check_array(learner.call("maxpool2d_forward", x, _describe=what), ref.maxpool2d_forward(x), what)


@grades("maxpool2d_forward", points=0.5)
def test_maxpool_stride_differs_from_size(learner):
    check_pool(learner, 13, (1, 2, 7, 8), 3, 2)
    check_pool(learner, 14, (2, 1, 5, 6), 2, 1)


@grades("maxpool2d_forward", points=0.5)
def test_maxpool_float32_and_input_untouched(learner):
    check_pool(learner, 15, (2, 2, 6, 7), 2, 2, dtype=np.float32, untouched=True)


# -- RNN ----------------------------------------------------------------------------


def rnn_params(seed, D, H, dtype=np.float64):
    # Weights large enough that tanh saturates and differs clearly from relu.
    return normal(seed, (D, H), (H, H), (H,), dtype=dtype, scale=1.2)


@grades("rnn_step", points=1)
def test_rnn_step_values(learner):
    for seed, (N, D, H) in ((20, (4, 3, 5)), (21, (2, 6, 3))):
        x_t, h_prev = normal(seed + 100, (N, D), (N, H))
        params = rnn_params(seed, D, H)
        what = f"rnn_step(x_t, h_prev, Wx, Wh, b) with x_t ({N}, {D}), h_prev ({N}, {H}), Wh ({H}, {H})"
        report = learner.call_report("rnn_step", x_t, h_prev, *params, _describe=what)
        check_array(report.value, ref.rnn_step(x_t, h_prev, *params), what)
        check_unchanged(h_prev, report.args[1], what, "h_prev")


@grades("rnn_step", points=0.5)
def test_rnn_step_float32(learner):
    x_t, h_prev = normal(22, (3, 4), (3, 2), dtype=np.float32)
    params = rnn_params(23, 4, 2, np.float32)
    what = "rnn_step(x_t, h_prev, Wx, Wh, b) with float32 arrays, x_t (3, 4), h_prev (3, 2)"
    got = learner.call("rnn_step", x_t, h_prev, *params, _describe=what)
    want = ref.rnn_step(*(a.astype(np.float64) for a in (x_t, h_prev, *params)))
    check_array(got, want, what, input_dtype=np.float32)


@grades("rnn_forward", points=1.5)
def test_rnn_forward_values(learner):
    for seed, (N, T, D, H) in ((24, (3, 6, 4, 5)), (25, (2, 3, 5, 2))):
        x, h0 = normal(seed + 100, (N, T, D), (N, H))
        params = rnn_params(seed, D, H)
        what = f"rnn_forward(x, h0, Wx, Wh, b) with x ({N}, {T}, {D}), h0 ({N}, {H})"
        got = as_array(learner.call("rnn_forward", x, h0, *params, _describe=what), what)
        if got.shape == (N, H):
            raise Feedback(
                f"{what} returned shape {got.shape}, one state per sequence; it should return every hidden "
                f"state h_1 ... h_T, shape (N, T, H) = {(N, T, H)}"
            )
        if got.shape == (N, T + 1, H):
            raise Feedback(
                f"{what} returned shape {got.shape}, {T + 1} states for {T} time steps; it should return the "
                f"states h_1 ... h_T computed from x, shape (N, T, H) = {(N, T, H)}: h0 is not part of it"
            )
        check_array(got, ref.rnn_forward(x, h0, *params), what)


@grades("rnn_forward", points=0.5)
def test_rnn_forward_starts_from_h0(learner):
    x = np.zeros((2, 4, 3))
    (h0,) = normal(26, (2, 5))
    params = rnn_params(27, 3, 5)
    # Two calls of the same shapes with different h0: nothing may carry over from one call to the next.
    cases = [(h0, "a non-zero h0"), (-0.5 * h0, "another h0 of the same shape, right after the call with h0")]
    what = "rnn_forward(x, h0, Wx, Wh, b) with x all zeros and {} (the states come from h0 alone)"
    answers = [learner.call("rnn_forward", x, h, *params, _describe=what.format(name)) for h, name in cases]
    for (h, name), got in zip(cases, answers):
        check_array(got, ref.rnn_forward(x, h, *params), what.format(name))


@grades("rnn_forward", points=0.5)
def test_rnn_forward_float32_and_inputs_untouched(learner):
    x, h0 = normal(28, (2, 5, 3), (2, 4), dtype=np.float32)
    params = rnn_params(29, 3, 4, np.float32)
    what = "rnn_forward(x, h0, Wx, Wh, b) with float32 arrays, x (2, 5, 3), h0 (2, 4)"
    report = learner.call_report("rnn_forward", x, h0, *params, _describe=what)
    want = ref.rnn_forward(*(a.astype(np.float64) for a in (x, h0, *params)))
    check_array(report.value, want, what, input_dtype=np.float32)
    check_unchanged(x, report.args[0], what, "x")
    check_unchanged(h0, report.args[1], what, "h0")


# -- attention ------------------------------------------------------------------------


def attention_pair(got, what):
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        raise Feedback(f"{what} returned {returned(got)}; it should return a pair (output, weights)")
    return got


def check_attention(learner, Q, K, V, causal, what, dtype=np.float64, errstate=None, untouched=False):
    kwargs = {"causal": True} if causal else {}
    report = learner.call_report("attention", Q, K, V, _errstate=errstate, _describe=what, **kwargs)
    out, weights = attention_pair(report.value, what)
    want_out, want_weights = ref.attention(*(a.astype(np.float64) for a in (Q, K, V)), causal=causal)
    weights = check_array(
        weights, want_weights, f"{what}: weights", input_dtype=dtype, atol=1e-12 if errstate else None
    )
    check_array(out, want_out, f"{what}: output", input_dtype=dtype, atol=1e-12 if errstate else None)
    if untouched:
        for name, before, after in zip("QKV", (Q, K, V), report.args):
            check_unchanged(before, after, what, name)
    return weights


@grades("attention", points=1)
def test_attention_with_batch_dimensions(learner):
    Q, K, V = normal(40, (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 3))
    check_attention(
        learner,
        Q,
        K,
        V,
        False,
        "attention(Q, K, V) with Q (2, 3, 4, 5), K (2, 3, 6, 5), V (2, 3, 6, 3)",
        untouched=True,
    )


@grades("attention", points=0.5)
def test_attention_without_batch_dimensions(learner):
    Q, K, V = normal(41, (4, 6), (7, 6), (7, 2), scale=1.5)
    check_attention(learner, Q, K, V, False, "attention(Q, K, V) with Q (4, 6), K (7, 6), V (7, 2)")


@grades("attention", points=1)
def test_attention_causal_mask(learner):
    for seed, (q, v) in ((42, ((2, 5, 6), (2, 5, 3))), (43, ((6, 3), (6, 5)))):
        Q, K, V = normal(seed, q, q, v, scale=1.5)
        what = f"attention(Q, K, V, causal=True) with Q and K of shape {q}, V {v}"
        _, weights = attention_pair(learner.call("attention", Q, K, V, causal=True, _describe=what), what)
        weights = as_array(weights, f"{what}: weights")
        T = q[-2]
        if weights.shape[-2:] == (T, T):
            future = np.triu(np.ones((T, T), dtype=bool), k=1)
            if np.any(np.abs(weights[..., future]) > 1e-9):
                raise Feedback(
                    f"{what}: a query i gives weight to a later key j > i; the causal mask must hide the future"
                )
            if np.any(np.abs(np.diagonal(weights, axis1=-2, axis2=-1)) < 1e-12):
                raise Feedback(
                    f"{what}: a query gives no weight to its own position; the causal mask hides only "
                    "keys j > i, the diagonal stays visible"
                )
        check_attention(learner, Q, K, V, True, what)
    # Tq != Tk: query i still sees the keys j <= i (torch's is_causal does the same).
    for seed, (q, k, v) in ((47, ((2, 3, 6), (2, 5, 6), (2, 5, 3))), (48, ((5, 6), (3, 6), (3, 2)))):
        Q, K, V = normal(seed, q, k, v, scale=1.5)
        what = f"attention(Q, K, V, causal=True) with Q {q}, K {k}, V {v} (Tq != Tk: query i sees the keys j <= i)"
        check_attention(learner, Q, K, V, True, what)


@grades("attention", points=1)
def test_attention_stable_for_large_scores(learner):
    # d = 6: an output off by √d is then no whole number of anything (√4 = 2 looked like the batch size).
    Q, K, V = normal(44, (2, 5, 6), (2, 7, 6), (2, 7, 3), scale=30.0)
    check_attention(
        learner,
        Q,
        K,
        V,
        False,
        "attention(Q, K, V) with scores in the thousands, Q (2, 5, 6), K (2, 7, 6)",
        errstate="raise",
    )
    Q, K, V = normal(45, (2, 6, 6), (2, 6, 6), (2, 6, 3), scale=30.0)
    check_attention(
        learner,
        Q,
        K,
        V,
        True,
        "attention(Q, K, V, causal=True) with scores in the thousands, Q and K (2, 6, 6)",
    )


@grades("attention", points=0.5)
def test_attention_float32(learner):
    Q, K, V = normal(46, (3, 4, 8), (3, 5, 8), (3, 5, 2), dtype=np.float32)
    check_attention(
        learner,
        Q,
        K,
        V,
        False,
        "attention(Q, K, V) with float32 Q (3, 4, 8), K (3, 5, 8), V (3, 5, 2)",
        dtype=np.float32,
    )
