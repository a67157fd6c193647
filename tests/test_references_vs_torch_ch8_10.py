"""The numpy references of chapters 9 and 10 agree with torch in float64.

The hidden tests of these exercises compare learners with the numpy references
only (the judge does not import torch for them, to keep start-up fast); this
module is the proof that those references really behave like torch.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from solutions import architectures, deep_training  # noqa: E402


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


@pytest.mark.parametrize(
    "N, C, H, W, nf, HH, WW, stride, pad",
    [
        (2, 3, 7, 9, 4, 3, 2, 2, 1),
        (1, 1, 5, 5, 1, 5, 5, 1, 0),
        (3, 2, 8, 6, 5, 1, 3, 3, 2),
        (2, 4, 6, 11, 3, 2, 4, 1, 3),
        (1, 2, 9, 4, 2, 4, 1, 2, 0),
    ],
)
def test_conv2d_matches_torch(N, C, H, W, nf, HH, WW, stride, pad):
    rng = np.random.default_rng(N * 100 + H)
    x = rng.normal(size=(N, C, H, W))
    w = rng.normal(size=(nf, C, HH, WW))
    b = rng.normal(size=nf)
    got = architectures.conv2d_forward(x, w, b, stride=stride, pad=pad)
    want = F.conv2d(t(x), t(w), t(b), stride=stride, padding=pad).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "shape, size, stride",
    [((2, 3, 7, 9), 2, 2), ((1, 2, 8, 5), 3, 2), ((2, 1, 6, 6), 3, 1), ((1, 1, 9, 7), 2, 3)],
)
def test_maxpool_matches_torch(shape, size, stride):
    x = np.random.default_rng(sum(shape)).normal(size=shape)
    got = architectures.maxpool2d_forward(x, size=size, stride=stride)
    want = F.max_pool2d(t(x), size, stride).numpy()
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "batch, Tq, Tk, d, dv, causal",
    [
        ((2, 3), 4, 6, 5, 3, False),
        ((), 3, 7, 8, 2, False),
        ((2,), 6, 6, 3, 4, True),
        ((), 5, 5, 4, 7, True),
    ],
)
def test_attention_matches_torch(batch, Tq, Tk, d, dv, causal):
    rng = np.random.default_rng(Tq * 10 + Tk)
    Q = rng.normal(size=batch + (Tq, d))
    K = rng.normal(size=batch + (Tk, d))
    V = rng.normal(size=batch + (Tk, dv))
    out, weights = architectures.attention(Q, K, V, causal=causal)
    want = F.scaled_dot_product_attention(t(Q), t(K), t(V), is_causal=causal).numpy()
    assert out.shape == want.shape
    np.testing.assert_allclose(out, want, rtol=1e-10, atol=1e-12)
    assert weights.shape == batch + (Tq, Tk)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)


def test_attention_causal_with_more_keys_matches_a_tril_mask():
    rng = np.random.default_rng(3)
    Q, K, V = rng.normal(size=(2, 4, 5)), rng.normal(size=(2, 6, 5)), rng.normal(size=(2, 6, 3))
    mask = torch.ones(4, 6, dtype=torch.bool).tril()  # query i sees keys j <= i
    want = F.scaled_dot_product_attention(t(Q), t(K), t(V), attn_mask=mask).numpy()
    np.testing.assert_allclose(architectures.attention(Q, K, V, causal=True)[0], want, rtol=1e-10)


def test_attention_large_scores_match_torch_without_warnings():
    rng = np.random.default_rng(4)
    Q, K = rng.normal(size=(2, 5, 4)) * 1e3, rng.normal(size=(2, 5, 4)) * 1e3
    V = rng.normal(size=(2, 5, 3))
    for causal in (False, True):
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out, _ = architectures.attention(Q, K, V, causal=causal)
        want = F.scaled_dot_product_attention(t(Q), t(K), t(V), is_causal=causal).numpy()
        np.testing.assert_allclose(out, want, rtol=1e-9, atol=1e-12)


def test_rnn_matches_torch_rnn():
    rng = np.random.default_rng(5)
    N, T, D, H = 3, 5, 4, 6
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, H)) * 0.5, rng.normal(size=(H, H)) * 0.5, rng.normal(size=H)
    rnn = torch.nn.RNN(D, H, batch_first=True, nonlinearity="tanh").double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(t(Wx.T))
        rnn.weight_hh_l0.copy_(t(Wh.T))
        rnn.bias_ih_l0.copy_(t(b))
        rnn.bias_hh_l0.zero_()
        want, _ = rnn(t(x), t(h0)[None])
    np.testing.assert_allclose(architectures.rnn_forward(x, h0, Wx, Wh, b), want.numpy(), rtol=1e-12)


def test_batchnorm_matches_torch_with_the_course_momentum_convention():
    rng = np.random.default_rng(6)
    N, D = 7, 5
    x = rng.normal(size=(N, D)) * 3 + 2
    gamma, beta = rng.normal(size=D), rng.normal(size=D)
    rm, rv = rng.normal(size=D), rng.random(D) + 0.5
    # The course's momentum 0.9 (weight of the old value) is torch's momentum 0.1.
    bn = torch.nn.BatchNorm1d(D, momentum=0.1, eps=1e-5).double()
    with torch.no_grad():
        bn.weight.copy_(t(gamma))
        bn.bias.copy_(t(beta))
        bn.running_mean.copy_(t(rm))
        bn.running_var.copy_(t(rv))
    want = bn.train()(t(x)).detach().numpy()
    out, new_mean, new_var = deep_training.batchnorm_forward(x, gamma, beta, rm, rv, True, 0.9)
    np.testing.assert_allclose(out, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(new_mean, bn.running_mean.numpy(), rtol=1e-12)
    # torch keeps an unbiased running variance; the course keeps the biased one.
    np.testing.assert_allclose(new_var, 0.9 * rv + 0.1 * x.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 * rv + 0.1 * x.var(axis=0, ddof=1), rtol=1e-12)

    rm2, rv2 = bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()
    want = bn.eval()(t(x)).detach().numpy()
    out, m, v = deep_training.batchnorm_forward(x, gamma, beta, rm2, rv2, train=False)
    np.testing.assert_allclose(out, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(m, rm2)
    np.testing.assert_array_equal(v, rv2)


def test_batchnorm_backward_matches_autograd():
    rng = np.random.default_rng(7)
    x, gamma, beta, dout = (
        rng.normal(size=(6, 4)) * 2 + 1,
        rng.normal(size=4),
        rng.normal(size=4),
        rng.normal(size=(6, 4)),
    )
    xt, gt, bt = (t(a).requires_grad_() for a in (x, gamma, beta))
    F.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5).backward(t(dout))
    dx, dgamma, dbeta = deep_training.batchnorm_backward(dout, x, gamma)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dgamma, gt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(dbeta, bt.grad.numpy(), rtol=1e-10)
