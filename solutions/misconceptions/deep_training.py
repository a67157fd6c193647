"""Misconceptions of chapter 9 (deep_training), as wrong versions of solutions/deep_training.py.

Batch norm and the residual block are replayed exactly. The initialisers draw random numbers, and a
learner's stream is their own, so their mistakes are recognised by `detect` predicates on the
learner's matrix (solutions/misconceptions/init_draws.py).
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.misconceptions import init_draws as draws
from solutions.misconceptions import recognise


def _became(transform, position):
    """A predicate: argument `position` came back holding transform(call), to its own dtype's precision."""

    def detect(call, expected=None) -> bool:
        if call.reply is None or len(call.reply.args) <= position:
            return False
        before, after = np.asarray(call.args[position]), call.reply.args[position]
        if not isinstance(after, np.ndarray) or after.shape != before.shape or np.array_equal(after, before):
            return False
        rtol = 1e-4 if after.dtype == np.float32 else 1e-6
        with np.errstate(all="ignore"):
            return bool(np.allclose(after.astype(np.float64), transform(call), rtol=rtol, atol=1e-6))

    return detect


def _normalised(call):
    x = np.asarray(call.args[0], dtype=np.float64)
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + call.kwargs.get("eps", 1e-5))


def _centred(call):
    x = np.asarray(call.args[0], dtype=np.float64)
    return x - x.mean(axis=0)


# x -= mean (and x /= std): the caller's batch now holds the centred or normalised values.
_x_normalised_in_place = recognise.either(_became(_normalised, 0), _became(_centred, 0))
# running_mean *= momentum; running_mean += ...: the caller's arrays now hold the new statistics.
_running_statistics_updated_in_place = recognise.either(
    _became(lambda call: np.asarray(call.value[1], dtype=np.float64), 3),
    _became(lambda call: np.asarray(call.value[2], dtype=np.float64), 4),
)


# -- initialisation ---------------------------------------------------------------------


@misconception(
    "xavier_init",
    """Your xavier_init uses 2 / (fan_in + fan_out) as the standard deviation: that is the variance. numpy's
    normal takes the standard deviation (scale), its square root.""",
    detect=draws.std_is(lambda fi, fo: 2.0 / (fi + fo)),
)
def xavier_variance_as_std(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))


@misconception(
    "xavier_init",
    """Your xavier_init uses sqrt(6 / (fan_in + fan_out)), the LIMIT of Xavier's uniform version, as the
    standard deviation of a normal: the normal version's standard deviation is sqrt(2 / (fan_in + fan_out)).""",
    detect=draws.std_is(lambda fi, fo: np.sqrt(6.0 / (fi + fo))),
)
def xavier_uniform_limit_as_std(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(6.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@misconception(
    "xavier_init",
    """Your xavier_init uses He's sqrt(2 / fan_in): Xavier balances the forward and the backward pass by
    averaging both fans, sqrt(2 / (fan_in + fan_out)).""",
    detect=draws.std_is(lambda fi, fo: np.sqrt(2.0 / fi)),
)
def xavier_with_he_std(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


@misconception(
    "xavier_init",
    """Your xavier_init uses sqrt(1 / fan_in) (LeCun's rule): Xavier takes both fans into account,
    sqrt(2 / (fan_in + fan_out)).""",
    detect=draws.std_is(lambda fi, fo: np.sqrt(1.0 / fi)),
)
def xavier_with_fan_in_only(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


@misconception(
    "xavier_init",
    """Your xavier_init leaves out the 2: its standard deviation is sqrt(2 / (fan_in + fan_out)), the
    average of 1/fan_in and 1/fan_out under the square root.""",
    detect=draws.std_is(lambda fi, fo: np.sqrt(1.0 / (fi + fo))),
)
def xavier_without_two(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(1.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@misconception(
    "xavier_init",
    """Your xavier_init draws from a uniform distribution: this exercise asks for Xavier's NORMAL version,
    rng.normal(0, std, size), whose draws cluster around 0 (68% within one standard deviation, 58% for a
    uniform one).""",
    detect=draws.uniform,
)
def xavier_uniform(fan_in, fan_out, seed=None):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.default_rng(seed).uniform(-limit, limit, size=(fan_in, fan_out))


@misconception(
    "xavier_init",
    """Your xavier_init passes the standard deviation as normal's first argument, which is the MEAN (loc):
    the weights then centre on it with a standard deviation of 1. Write rng.normal(0.0, std, size) or
    rng.normal(scale=std, size=...).""",
    detect=draws.std_as_mean(lambda fi, fo: np.sqrt(2.0 / (fi + fo))),
)
def xavier_std_as_mean(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@misconception(
    "xavier_init",
    """Your xavier_init returns a matrix of shape (fan_out, fan_in): a weight matrix used as x @ W has one
    row per input, (fan_in, fan_out).""",
    detect=draws.transposed,
)
def xavier_shape_transposed(fan_in, fan_out, seed=None):
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return np.random.default_rng(seed).normal(0.0, std, size=(fan_out, fan_in))


@misconception(
    "xavier_init",
    """Your xavier_init gives the same matrix every time no seed is given: seed=None must draw anew
    (np.random.default_rng(None) seeds itself from the system), not fall back to a fixed seed.""",
    detect=draws.no_seed_same_matrix,
)
def xavier_fixed_seed(fan_in, fan_out, seed=None):
    return np.random.default_rng(0 if seed is None else seed).normal(
        0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out)
    )


@misconception(
    "xavier_init",
    """Your xavier_init ignores its seed (np.random's global generator gives new numbers each time): create
    the generator from it, np.random.default_rng(seed), so that the same seed gives the same matrix.""",
    detect=draws.same_seed_other_matrix,
)
def xavier_seed_ignored(fan_in, fan_out, seed=None):
    return np.random.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init uses 2 / fan_in as the standard deviation: that is the variance. numpy's normal takes the
    standard deviation (scale), sqrt(2 / fan_in).""",
    detect=draws.std_is(lambda fi, fo: 2.0 / fi),
)
def he_variance_as_std(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init divides by fan_out: He scales by the number of INPUTS of the layer, sqrt(2 / fan_in),
    which keeps the forward signal's variance steady through ReLU layers.""",
    detect=draws.std_is(lambda fi, fo: np.sqrt(2.0 / fo)),
)
def he_with_fan_out(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init leaves out the 2: ReLU zeroes about half of its inputs and so halves the variance, which
    the 2 in sqrt(2 / fan_in) makes up for.""",
    detect=draws.std_is(lambda fi, fo: np.sqrt(1.0 / fi)),
)
def he_without_two(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init uses Xavier's sqrt(2 / (fan_in + fan_out)): He depends on fan_in alone, sqrt(2 / fan_in),
    the larger scale that ReLU layers need.""",
    detect=draws.std_is(lambda fi, fo: np.sqrt(2.0 / (fi + fo))),
)
def he_with_xavier_std(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init draws from a uniform distribution: this exercise asks for He's NORMAL version,
    rng.normal(0, sqrt(2 / fan_in), size), whose draws cluster around 0 (68% within one standard deviation,
    58% for a uniform one).""",
    detect=draws.uniform,
)
def he_uniform(fan_in, fan_out, seed=None):
    limit = np.sqrt(6.0 / fan_in)
    return np.random.default_rng(seed).uniform(-limit, limit, size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init passes the standard deviation as normal's first argument, which is the MEAN (loc): the
    weights then centre on it with a standard deviation of 1. Write rng.normal(0.0, std, size) or
    rng.normal(scale=std, size=...).""",
    detect=draws.std_as_mean(lambda fi, fo: np.sqrt(2.0 / fi)),
)
def he_std_as_mean(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init returns a matrix of shape (fan_out, fan_in): a weight matrix used as x @ W has one row
    per input, (fan_in, fan_out).""",
    detect=draws.transposed,
)
def he_shape_transposed(fan_in, fan_out, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))


@misconception(
    "he_init",
    """Your he_init gives the same matrix every time no seed is given: seed=None must draw anew
    (np.random.default_rng(None) seeds itself from the system), not fall back to a fixed seed.""",
    detect=draws.no_seed_same_matrix,
)
def he_fixed_seed(fan_in, fan_out, seed=None):
    return np.random.default_rng(0 if seed is None else seed).normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


@misconception(
    "he_init",
    """Your he_init ignores its seed (np.random's global generator gives new numbers each time): create the
    generator from it, np.random.default_rng(seed), so that the same seed gives the same matrix.""",
    detect=draws.same_seed_other_matrix,
)
def he_seed_ignored(fan_in, fan_out, seed=None):
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


# -- batch norm forward -----------------------------------------------------------------


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward uses the unbiased variance (divided by N - 1): batch norm normalises with the
    batch's own, biased variance, x.var(axis=0), which divides by N.""",
)
def bn_unbiased_variance(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward keeps an unbiased running variance (torch's choice): this course's convention
    updates it with the same biased batch variance it normalises with.""",
)
def bn_unbiased_running_variance(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * x.var(axis=0, ddof=1)
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward gives momentum to the NEW batch statistic, as torch does: here momentum weighs
    the OLD running value, momentum · running + (1 - momentum) · batch.""",
)
def bn_torch_momentum(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward takes one variance over the whole batch (no axis): each feature has its own
    mean and variance over the examples, x.var(axis=0), like its mean.""",
)
def bn_variance_without_axis(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var()
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward ignores its momentum argument (a fixed 0.9): use the momentum it is given.""",
)
def bn_momentum_fixed(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = 0.9 * running_mean + 0.1 * mean
        new_var = 0.9 * running_var + 0.1 * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward ignores its eps argument (a fixed 1e-5): use the eps it is given.""",
)
def bn_eps_fixed(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + 1e-5) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward adds eps outside the square root: eps belongs inside, sqrt(var + eps), where it
    keeps the division safe for a feature whose variance is 0.""",
)
def bn_eps_outside_sqrt(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / (np.sqrt(var) + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward normalises with the batch's statistics in evaluation mode: then a prediction
    depends on the other examples of its batch (and a batch of one breaks). Use the running statistics.""",
)
def bn_batch_statistics_at_evaluation(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    mean, var = x.mean(axis=0), x.var(axis=0)
    if train:
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward updates the running statistics in evaluation mode: evaluation only reads
    them, and returns them unchanged, so that evaluating never changes the model.""",
)
def bn_running_updated_at_evaluation(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    new_mean = momentum * running_mean + (1 - momentum) * x.mean(axis=0)
    new_var = momentum * running_var + (1 - momentum) * x.var(axis=0)
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward computes the statistics of each example (over axis 1, the features): batch norm
    normalises each FEATURE over the batch, with means over axis 0.""",
)
def bn_statistics_over_features(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward returns x_hat without gamma and beta: the learned scale and shift,
    out = gamma · x_hat + beta, let the network undo the normalisation where that helps.""",
)
def bn_without_gamma_beta(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return (x - mean) / np.sqrt(var + eps), new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward swaps gamma and beta: gamma scales the normalised values and beta shifts them,
    out = gamma · x_hat + beta.""",
)
def bn_gamma_beta_swapped(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    return beta * (x - mean) / np.sqrt(var + eps) + gamma, new_mean, new_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward updates the running statistics in place (running_mean *= ...), which changes
    the caller's arrays: compute new ones and return them.""",
    detect=_running_statistics_updated_in_place,
)
def bn_running_statistics_in_place(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean *= momentum
        running_mean += (1 - momentum) * mean
        running_var *= momentum
        running_var += (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, running_mean, running_var


@misconception(
    "batchnorm_forward",
    """Your batchnorm_forward normalises x in place (x -= mean, x /= ...), which changes the caller's batch:
    compute x_hat as a new array.""",
    detect=_x_normalised_in_place,
)
def bn_x_normalised_in_place(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    if train:
        mean, var = x.mean(axis=0), x.var(axis=0)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    x -= mean
    x /= np.sqrt(var + eps)
    return gamma * x + beta, new_mean, new_var


# -- batch norm backward ----------------------------------------------------------------


@misconception(
    "batchnorm_backward",
    """Your dx is dout · gamma / std, as if the batch mean and variance were constants: in training mode
    they are computed from every row of x, so moving one example moves them too. Subtract the two terms
    that carry this, mean(g) and x_hat · mean(g · x_hat).""",
)
def bnb_without_batch_terms(dout, x, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


@misconception(
    "batchnorm_backward",
    """Your dx accounts for the batch mean but not for the batch variance: the variance depends on every
    row of x too, which adds the term - x_hat · mean(g · x_hat).""",
)
def bnb_mean_term_only(dout, x, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    g = dout * gamma
    return inv_std * (g - g.mean(axis=0)), (dout * x_hat).sum(axis=0), dout.sum(axis=0)


@misconception(
    "batchnorm_backward",
    """Your dx leaves out gamma: the output is gamma · x_hat + beta, so the gradient reaching x_hat is
    g = dout · gamma before it goes back through the normalisation.""",
)
def bnb_without_gamma(dout, x, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dx = inv_std * (dout - dout.mean(axis=0) - x_hat * (dout * x_hat).mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


@misconception(
    "batchnorm_backward",
    """Your batchnorm_backward swaps dgamma and dbeta: beta is added, so dbeta = Σ dout; gamma multiplies
    x_hat, so dgamma = Σ dout · x_hat.""",
)
def bnb_dgamma_dbeta_swapped(dout, x, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)


@misconception(
    "batchnorm_backward",
    """Your dgamma and dbeta average over the batch: gamma and beta are shared by every row, so their
    gradients add up the contributions of all rows (sums over axis 0, not means).""",
)
def bnb_parameter_grads_averaged(dout, x, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, (dout * x_hat).mean(axis=0), dout.mean(axis=0)


@misconception(
    "batchnorm_backward",
    """Your dgamma multiplies dout by x instead of x_hat: gamma scales the NORMALISED values, so
    dgamma = Σ dout · x_hat over the batch.""",
)
def bnb_dgamma_with_x(dout, x, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, (dout * x).sum(axis=0), dout.sum(axis=0)


@misconception(
    "batchnorm_backward",
    """Your batchnorm_backward uses the unbiased variance (divided by N - 1): the forward pass normalised with
    the biased one, x.var(axis=0), and its gradient must use the same.""",
)
def bnb_unbiased_variance(dout, x, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(x.var(axis=0, ddof=1) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


# -- residual ---------------------------------------------------------------------------


@misconception(
    "residual_forward",
    """Your residual_forward returns the branch F(x) alone: a residual block adds its input back,
    x + F(x), which is what gives the gradient a path with derivative 1.""",
)
def residual_without_skip(x, W1, b1, W2, b2):
    return np.maximum(x @ W1 + b1, 0) @ W2 + b2


@misconception(
    "residual_forward",
    """Your residual_forward applies the ReLU after adding x: in this block the ReLU sits inside the branch,
    x + relu(x @ W1 + b1) @ W2 + b2, and the sum is returned as it is.""",
)
def residual_relu_after_the_sum(x, W1, b1, W2, b2):
    return np.maximum(x + (x @ W1 + b1) @ W2 + b2, 0)


@misconception(
    "residual_forward",
    """Your residual_forward has no ReLU: without it the branch is linear and the block collapses into one
    matrix; the ReLU goes on the hidden layer, relu(x @ W1 + b1).""",
)
def residual_without_relu(x, W1, b1, W2, b2):
    return x + (x @ W1 + b1) @ W2 + b2


@misconception(
    "residual_forward",
    """Your residual_forward applies a second ReLU to the branch's output: the branch is
    relu(x @ W1 + b1) @ W2 + b2, whose output may be negative before it is added to x.""",
)
def residual_relu_on_the_branch_output(x, W1, b1, W2, b2):
    return x + np.maximum(np.maximum(x @ W1 + b1, 0) @ W2 + b2, 0)


@misconception(
    "residual_forward",
    """Your residual_forward adds b1 after the ReLU: the bias belongs to the hidden layer's pre-activation,
    relu(x @ W1 + b1), so that it can move the point where each unit switches on.""",
)
def residual_bias_after_relu(x, W1, b1, W2, b2):
    return x + (np.maximum(x @ W1, 0) + b1) @ W2 + b2
