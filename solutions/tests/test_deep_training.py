"""Hidden tests: initialization, batch normalization, residual blocks (chapter 9), 12 points.

Mistakes these tests are built to catch (each loses points):
- xavier_init / he_init: a uniform distribution instead of a normal one (same std: caught by the
  fraction of draws within one std, 0.683 for a normal, 0.577 for a uniform); the variance
  used as the std; the std passed as normal's first argument (the mean); 1/fan instead of 2/fan;
  Xavier's std used for He or the reverse; the uniform limit used as a std; He with fan_out
  instead of fan_in; the shape (fan_out, fan_in); the seed ignored (a global generator).
- batchnorm_forward: the unbiased variance (ddof=1) in the normalisation or in the running
  variance (torch's choice); torch's momentum convention (the weight of the NEW value); a
  hard-coded momentum of 0.9 or eps of 1e-5 instead of the arguments; eps outside the square
  root; statistics over the features (axis 1) or one variance for the whole batch; gamma and
  beta left out or swapped; batch statistics at evaluation time; running statistics updated at
  evaluation time; running statistics updated in place (the caller's arrays modified).
- batchnorm_backward: dx without the two batch-statistics terms (dout·gamma/std), with only the
  mean term, without gamma; dgamma and dbeta swapped or averaged; dgamma from x instead of
  x_hat; the unbiased variance.
- residual_forward: no skip connection, the ReLU applied after the addition, no ReLU, a second
  ReLU on the branch's output, b1 added after the ReLU.
Every call of a test is made before its checks where it can be, so that a diagnosis
(solutions/misconceptions/deep_training.py) sees them all; random draws are logged with
_replay=False and judged by their statistics. A hint that names a cause is given only when the
result shows it (e.g. "biased variance" only when the output's spread is off by sqrt((N-1)/N)).
A correct solution gets everything: loops or vectorised, float32 results for float32 inputs,
any valid use of the seed (only statistics of the draws are checked, and reproducibility),
new arrays or copies for the running statistics at evaluation time, any correct way of
deriving the backward pass.
"""

import numpy as np

from grader.engine.testkit import (
    Feedback,
    as_array,
    check_array,
    check_gradient,
    check_unchanged,
    grades,
    returned,
)
from solutions import deep_training as ref

INIT_STD = {
    "xavier_init": lambda fan_in, fan_out: np.sqrt(2.0 / (fan_in + fan_out)),
    "he_init": lambda fan_in, fan_out: np.sqrt(2.0 / fan_in),
}
NAMES = {"xavier_init": "Xavier", "he_init": "He"}
# Non-square on purpose, and transposed between the two: He's std then tells fan_in from fan_out.
INIT_FANS = {"xavier_init": (400, 250), "he_init": (250, 400)}


def draw(learner, name, fan_in, fan_out, seed):
    what = f"{name}({fan_in}, {fan_out}, seed={seed})"
    # A random draw: the diagnosis judges its statistics, never a replay of the reference's stream.
    W = as_array(learner.call(name, fan_in, fan_out, seed=seed, _describe=what, _replay=False), what)
    if W.shape != (fan_in, fan_out):
        raise Feedback(
            f"{what} returned shape {W.shape}; a weight matrix used as x @ W has shape "
            f"(fan_in, fan_out) = {(fan_in, fan_out)}"
        )
    if W.dtype.kind != "f":
        raise Feedback(f"{what} returned an array of dtype {W.dtype}; it should hold floats")
    return W.astype(np.float64), what


def check_init_statistics(learner, name):
    fan_in, fan_out = INIT_FANS[name]
    W, what = draw(learner, name, fan_in, fan_out, seed=0)
    std = INIT_STD[name](fan_in, fan_out)
    if abs(W.mean()) > 0.03 * std:
        raise Feedback(f"{what}: the mean of the {W.size} weights is {W.mean():.4f}; it should be close to 0")
    if abs(W.std() / std - 1.0) > 0.03:
        # The usual confusions give these stds; the hint is given only when the draw shows one of them.
        confusions = [std**2, np.sqrt(1.0 / fan_in), np.sqrt(1.0 / fan_out), np.sqrt(1.0 / (fan_in + fan_out))]
        confusions += [np.sqrt(k / fan) for k in (2.0, 6.0) for fan in (fan_in, fan_out, fan_in + fan_out)]
        confused = any(abs(W.std() / c - 1.0) <= 0.03 for c in confusions)
        raise Feedback(
            f"{what}: the standard deviation of the weights is {W.std():.4f}, more than 3% away from "
            f"what {NAMES[name]} initialization asks for"
            + (" (std, not variance; which fans does it use?)" if confused else "")
        )


def check_init_is_normal(learner, name):
    fan_in, fan_out = INIT_FANS[name]
    W, what = draw(learner, name, fan_in, fan_out, seed=1)
    within = np.mean(np.abs(W - W.mean()) < W.std())
    if abs(within - 0.6827) > 0.02:
        raise Feedback(
            f"{what}: {within:.1%} of the weights lie within one standard deviation of the mean; a "
            "normal distribution has 68.3% there (a uniform one 57.7%): draw from a normal distribution"
        )


def check_init_seed(learner, name):
    a, what = draw(learner, name, 3, 7, seed=5)
    b, _ = draw(learner, name, 3, 7, seed=5)
    learner.calls[-1].extra["same_seed_as"] = a  # lets the diagnosis compare the pair from one call
    if not np.array_equal(a, b):
        raise Feedback(
            f"{what} called twice gave different matrices: the same seed must give the same weights "
            "(use np.random.default_rng(seed))"
        )
    c, what = draw(learner, name, 30, 20, seed=None)
    d, _ = draw(learner, name, 30, 20, seed=None)
    learner.calls[-1].extra["no_seed_after"] = c
    if np.array_equal(c, d):
        raise Feedback(f"{what} called twice gave the same matrix: without a seed every call should draw anew")


@grades("xavier_init", points=1)
def test_xavier_shape_mean_and_std(learner):
    check_init_statistics(learner, "xavier_init")


@grades("xavier_init", points=0.5)
def test_xavier_is_normal(learner):
    check_init_is_normal(learner, "xavier_init")


@grades("xavier_init", points=0.5)
def test_xavier_seed(learner):
    check_init_seed(learner, "xavier_init")


@grades("he_init", points=1)
def test_he_shape_mean_and_std(learner):
    check_init_statistics(learner, "he_init")


@grades("he_init", points=0.5)
def test_he_is_normal(learner):
    check_init_is_normal(learner, "he_init")


@grades("he_init", points=0.5)
def test_he_seed(learner):
    check_init_seed(learner, "he_init")


# -- batch norm forward -------------------------------------------------------


def bn_inputs(seed, N, D, dtype=np.float64):
    rng = np.random.default_rng(seed)
    scales = np.geomspace(0.05, 8.0, D)  # one feature with a small variance: eps matters there
    x = rng.normal(size=(N, D)) * scales + rng.normal(scale=3.0, size=D)
    gamma, beta = rng.normal(size=D) + 1.0, rng.normal(size=D)
    running_mean, running_var = rng.normal(size=D), rng.random(D) + 0.5
    return tuple(a.astype(dtype) for a in (x, gamma, beta, running_mean, running_var))


def bn_triple(got, what):
    if not isinstance(got, (list, tuple)) or len(got) != 3:
        raise Feedback(
            f"{what} returned {returned(got)}; it should return a tuple (out, new_running_mean, new_running_var)"
        )
    return got


def check_bn(learner, args, what, dtype=np.float64, **kwargs):
    report = learner.call_report("batchnorm_forward", *args, _describe=what, **kwargs)
    return check_bn_result(report, args, what, dtype, **kwargs)


def check_bn_result(report, args, what, dtype=np.float64, **kwargs):
    out, mean, var = bn_triple(report.value, what)
    want = ref.batchnorm_forward(*(a.astype(np.float64) for a in args), **kwargs)
    check_array(out, want[0], f"{what}: out", input_dtype=dtype)
    check_array(mean, want[1], f"{what}: new_running_mean", input_dtype=dtype)
    check_array(var, want[2], f"{what}: new_running_var", input_dtype=dtype)
    return report


@grades("batchnorm_forward", points=1)
def test_batchnorm_train_values(learner):
    cases = [
        (
            bn_inputs(20, 8, 5),
            "batchnorm_forward(x, gamma, beta, running_mean, running_var) in training mode, x of shape (8, 5)",
            {},
        ),
        (
            bn_inputs(21, 6, 3),
            "batchnorm_forward(..., train=True, momentum=0.6, eps=1e-3) with x of shape (6, 3)",
            {"train": True, "momentum": 0.6, "eps": 1e-3},
        ),
    ]
    reports = [learner.call_report("batchnorm_forward", *args, _describe=what, **kw) for args, what, kw in cases]
    for (args, what, kw), report in zip(cases, reports):  # every call made first: a diagnosis sees them all
        check_bn_result(report, args, what, **kw)


@grades("batchnorm_forward", points=0.5)
def test_batchnorm_train_output_statistics(learner):
    rng = np.random.default_rng(22)
    x = rng.normal(size=(10, 4)) * 5.0 + 3.0
    gamma, beta = np.array([2.0, 0.5, -1.5, 3.0]), np.array([0.0, 1.0, -2.0, 4.0])
    what = "batchnorm_forward(x, gamma, beta, ...) in training mode, x of shape (10, 4)"
    got = bn_triple(learner.call("batchnorm_forward", x, gamma, beta, np.zeros(4), np.ones(4), _describe=what), what)
    out = as_array(got[0], f"{what}: out").astype(np.float64)
    if out.shape != x.shape:
        raise Feedback(f"{what} returned out of shape {out.shape}; it should have x's shape {x.shape}")
    if not np.allclose(out.mean(axis=0), beta, atol=1e-6):
        shifted = np.allclose(out.mean(axis=0), 0.0, atol=1e-6)
        hint = "add beta after scaling" if shifted else "normalise with the batch mean"
        raise Feedback(f"{what}: the mean of each output feature should equal beta ({hint})")
    if not np.allclose(out.std(axis=0), np.abs(gamma), rtol=1e-4):
        N = x.shape[0]
        unbiased = np.allclose(out.std(axis=0), np.abs(gamma) * np.sqrt((N - 1) / N), rtol=1e-4)
        hint = "; normalise with the biased batch variance x.var(axis=0) (divide by N, not N - 1)" if unbiased else ""
        raise Feedback(f"{what}: the standard deviation of each output feature should equal |gamma|{hint}")


@grades("batchnorm_forward", points=1)
def test_batchnorm_running_statistics_over_several_steps(learner):
    rng = np.random.default_rng(23)
    D = 3
    gamma, beta = np.ones(D), np.zeros(D)
    mean, var = np.zeros(D), np.ones(D)
    want_mean, want_var = mean, var
    for step in range(4):
        x = rng.normal(size=(6, D)) * (step + 1.0) + 2.0 * step
        what = (
            f"step {step + 1} of 4 calls batchnorm_forward(x, ..., momentum=0.8) in training mode, each "
            "fed with the running statistics returned by the one before"
        )
        got = bn_triple(
            learner.call("batchnorm_forward", x, gamma, beta, mean, var, train=True, momentum=0.8, _describe=what), what
        )
        _, want_mean, want_var = ref.batchnorm_forward(x, gamma, beta, want_mean, want_var, True, 0.8)
        mean = check_array(got[1], want_mean, f"{what}: new_running_mean (momentum weighs the OLD value)")
        var = check_array(got[2], want_var, f"{what}: new_running_var (biased variance; momentum weighs the OLD value)")


@grades("batchnorm_forward", points=1)
def test_batchnorm_eval_uses_running_statistics(learner):
    rng = np.random.default_rng(24)
    running_mean, running_var = np.array([5.0, -3.0, 0.5, 2.0]), np.array([4.0, 0.25, 9.0, 1.0])
    gamma, beta = np.array([1.5, -0.5, 2.0, 1.0]), np.array([0.1, 0.2, -0.3, 0.0])
    for N in (7, 1):
        x = rng.normal(size=(N, 4)) * 3.0 - 1.0  # statistics far from the running ones
        what = f"batchnorm_forward(x, ..., train=False) with x of shape ({N}, 4)"
        report = learner.call_report(
            "batchnorm_forward", x, gamma, beta, running_mean, running_var, train=False, _describe=what
        )
        out, mean, var = bn_triple(report.value, what)
        want = ref.batchnorm_forward(x, gamma, beta, running_mean, running_var, train=False)
        check_array(out, want[0], f"{what}: out (evaluation mode normalises with the running statistics)")
        check_array(mean, running_mean, f"{what}: the returned running mean (evaluation leaves it unchanged)")
        check_array(var, running_var, f"{what}: the returned running variance (evaluation leaves it unchanged)")
        check_unchanged(running_mean, report.args[3], what, "running_mean")
        check_unchanged(running_var, report.args[4], what, "running_var")


@grades("batchnorm_forward", points=0.5)
def test_batchnorm_float32_and_inputs_untouched(learner):
    args = bn_inputs(25, 9, 4, np.float32)
    what = "batchnorm_forward(x, gamma, beta, running_mean, running_var) with float32 arrays, x of shape (9, 4)"
    report = check_bn(learner, args, what, dtype=np.float32)
    for name, before, after in zip(("x", "gamma", "beta", "running_mean", "running_var"), args, report.args):
        check_unchanged(before, after, what, name)


# -- batch norm backward ----------------------------------------------------------


def bn_forward_sum(x, gamma, beta, dout, eps):
    return float(
        np.sum(
            ref.batchnorm_forward(x, gamma, beta, np.zeros_like(gamma), np.ones_like(gamma), train=True, eps=eps)[0]
            * dout
        )
    )


def bnb_triple(got, what):
    if not isinstance(got, (list, tuple)) or len(got) != 3:
        raise Feedback(f"{what} returned {returned(got)}; it should return a tuple (dx, dgamma, dbeta)")
    return got


def bn_backward_inputs(seed, N, D, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, D)) * rng.uniform(0.5, 3.0, size=D) + rng.normal(size=D)
    return tuple(a.astype(dtype) for a in (rng.normal(size=(N, D)), x, rng.normal(size=D) + 1.0))


@grades("batchnorm_backward", points=1)
def test_batchnorm_backward_values(learner):
    for seed, (N, D), eps in ((30, (7, 4), 1e-5), (31, (5, 6), 1e-2)):
        dout, x, gamma = bn_backward_inputs(seed, N, D)
        what = f"batchnorm_backward(dout, x, gamma, eps={eps:g}) with x of shape {(N, D)}"
        report = learner.call_report("batchnorm_backward", dout, x, gamma, eps=eps, _describe=what)
        got = bnb_triple(report.value, what)
        for name, g, want in zip(("dx", "dgamma", "dbeta"), got, ref.batchnorm_backward(dout, x, gamma, eps)):
            check_array(g, want, f"{what}: {name}", atol=1e-8)
        check_unchanged(x, report.args[1], what, "x")
        check_unchanged(dout, report.args[0], what, "dout")


@grades("batchnorm_backward", points=1)
def test_batchnorm_backward_matches_central_differences(learner):
    dout, x, gamma = bn_backward_inputs(32, 5, 3)
    what = "batchnorm_backward(dout, x, gamma) with x of shape (5, 3), compared with central differences"
    got = bnb_triple(learner.call("batchnorm_backward", dout, x, gamma, _describe=what), what)
    beta = np.zeros_like(gamma)
    naive = dout * gamma / np.sqrt(x.var(axis=0) + 1e-5)  # the batch statistics taken as constants
    treats_statistics_as_constants = (
        isinstance(got[0], np.ndarray) and got[0].shape == naive.shape and np.allclose(got[0], naive, rtol=1e-6)
    )
    checks = (
        (
            "dx",
            lambda a: bn_forward_sum(a, gamma, beta, dout, 1e-5),
            x,
            " (the batch mean and variance depend on every row of x: two more terms)"
            if treats_statistics_as_constants
            else "",
        ),
        ("dgamma", lambda a: bn_forward_sum(x, a, beta, dout, 1e-5), gamma, ""),
        ("dbeta", lambda a: bn_forward_sum(x, gamma, a, dout, 1e-5), beta, ""),
    )
    for (name, loss, at, advice), g in zip(checks, got):
        check_gradient(g, loss, at, f"{what}: {name}", advice)


@grades("batchnorm_backward", points=0.5)
def test_batchnorm_backward_float32(learner):
    dout, x, gamma = bn_backward_inputs(33, 8, 3, np.float32)
    what = "batchnorm_backward(dout, x, gamma) with float32 arrays, x of shape (8, 3)"
    got = bnb_triple(learner.call("batchnorm_backward", dout, x, gamma, _describe=what), what)
    want = ref.batchnorm_backward(*(a.astype(np.float64) for a in (dout, x, gamma)))
    for name, g, w in zip(("dx", "dgamma", "dbeta"), got, want):
        check_array(g, w, f"{what}: {name}", rtol=1e-3, atol=1e-4)


# -- residual ---------------------------------------------------------------------


def residual_inputs(seed, N, D, H, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=s).astype(dtype) for s in ((N, D), (D, H), (H,), (H, D), (D,)))


@grades("residual_forward", points=1)
def test_residual_values(learner):
    for seed, (N, D, H) in ((40, (6, 4, 7)), (41, (3, 5, 2))):
        args = residual_inputs(seed, N, D, H)
        what = f"residual_forward(x, W1, b1, W2, b2) with x ({N}, {D}), W1 ({D}, {H}), W2 ({H}, {D})"
        report = learner.call_report("residual_forward", *args, _describe=what)
        check_array(report.value, ref.residual_forward(*args), what)
        check_unchanged(args[0], report.args[0], what, "x")


@grades("residual_forward", points=0.5)
def test_residual_float32(learner):
    args = residual_inputs(42, 5, 3, 6, np.float32)
    what = "residual_forward(x, W1, b1, W2, b2) with float32 arrays, x (5, 3), W1 (3, 6), W2 (6, 3)"
    got = learner.call("residual_forward", *args, _describe=what)
    check_array(got, ref.residual_forward(*(a.astype(np.float64) for a in args)), what, input_dtype=np.float32)
