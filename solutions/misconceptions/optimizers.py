"""Misconceptions of chapter 6 (optimizers), as wrong versions of solutions/optimizers.py.

Each function replaces the reference function named in its decorator; its body may use `np` and
the reference module's own names only (it is executed inside a copy of that module). Mistakes
that show only in what happened to the inputs, or in a random order, are recognised by a
`detect` predicate on the learner's call instead of a replay.
"""

import numpy as np

from grader.engine.diagnosis import misconception


def _modified_to_match(before, after, returned) -> bool:
    """The caller's arrays came back changed, holding exactly what the function returned."""
    return any(not np.array_equal(a, b) for a, b in zip(after, before)) and all(
        np.allclose(a, r) for a, r in zip(after, returned)
    )


def _params_in_place(call, expected):
    return _modified_to_match(call.args[0], call.reply.args[0], call.value)


def _moments_in_place(call, expected):
    return _modified_to_match(call.args[2], call.reply.args[2], call.value[1])


# -- sgd_step -----------------------------------------------------------------------------------


@misconception(
    "sgd_step",
    """Your sgd_step adds lr·g to the parameters: the gradient points uphill, towards a larger loss,
    so gradient descent steps against it, p - lr·g.""",
)
def sgd_adds_gradient(params, grads, lr):
    return [p + lr * g for p, g in zip(params, grads)]


@misconception(
    "sgd_step",
    """Your sgd_step changes the caller's params, holding the new parameters afterwards: whether the
    arrays are updated in place (p -= lr * g) or the list's items replaced (params[i] = ...), the old
    parameters are lost (for a comparison, a retry, or another optimizer). Build a new list of new
    arrays: p - lr * g creates one.""",
    detect=_params_in_place,
)
def sgd_in_place(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g
    return params


# -- momentum_step ------------------------------------------------------------------------------


@misconception(
    "momentum_step",
    """Your velocity is an average, beta·v + (1 - beta)·g (dampening): the heavy-ball momentum of
    this course, like torch.optim.SGD, adds the whole gradient, v' = beta·v + g.""",
)
def momentum_with_dampening(params, grads, velocities, lr, beta=0.9):
    new_v = [beta * v + (1 - beta) * g for v, g in zip(velocities, grads)]
    return [p - lr * v for p, v in zip(params, new_v)], new_v


@misconception(
    "momentum_step",
    """Your velocity includes the learning rate (v' = beta·v + lr·g, then p - v'): that moves p the same
    way from rest, but the velocity this course (and torch.optim.SGD) keeps is beta·v + g, with lr
    applied only in the step p - lr·v'; the two differ as soon as lr changes or v starts moving.""",
)
def momentum_lr_in_velocity(params, grads, velocities, lr, beta=0.9):
    new_v = [beta * v + lr * g for v, g in zip(velocities, grads)]
    return [p - v for p, v in zip(params, new_v)], new_v


@misconception(
    "momentum_step",
    """Your velocity is the step itself, v' = beta·v - lr·g, added to p (a common textbook form): the
    velocity this course keeps, like torch.optim.SGD, is v' = beta·v + g, and the step is p - lr·v'.""",
)
def momentum_velocity_is_the_step(params, grads, velocities, lr, beta=0.9):
    new_v = [beta * v - lr * g for v, g in zip(velocities, grads)]
    return [p + v for p, v in zip(params, new_v)], new_v


@misconception(
    "momentum_step",
    """Your step uses the old velocity v instead of the new one: first update v' = beta·v + g, then
    step with it, p - lr·v', so that this step's gradient moves p right away.""",
)
def momentum_steps_with_old_velocity(params, grads, velocities, lr, beta=0.9):
    new_v = [beta * v + g for v, g in zip(velocities, grads)]
    return [p - lr * v for p, v in zip(params, velocities)], new_v


@misconception(
    "momentum_step",
    """Your momentum_step always uses beta = 0.9 whatever it is given: 0.9 is only the default of the
    parameter beta; use the argument.""",
)
def momentum_beta_ignored(params, grads, velocities, lr, beta=0.9):
    new_v = [0.9 * v + g for v, g in zip(velocities, grads)]
    return [p - lr * v for p, v in zip(params, new_v)], new_v


@misconception(
    "momentum_step",
    """Your momentum_step returns (new_velocities, new_params): the contract's order is
    (new_params, new_velocities), parameters first, as the caller unpacks them.""",
)
def momentum_returns_velocities_first(params, grads, velocities, lr, beta=0.9):
    new_v = [beta * v + g for v, g in zip(velocities, grads)]
    return new_v, [p - lr * v for p, v in zip(params, new_v)]


# -- adam_step ----------------------------------------------------------------------------------


@misconception(
    "adam_step",
    """Your adam_step uses m' and v' without the bias corrections: both start at 0, so in the first
    steps they are far too small; dividing by 1 - beta1^t and 1 - beta2^t undoes that.""",
)
def adam_without_bias_correction(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
    new_p = [p - lr * mi / (np.sqrt(vi) + eps) for p, mi, vi in zip(params, new_m, new_v)]
    return new_p, new_m, new_v


@misconception(
    "adam_step",
    """Your bias corrections use t + 1: t is already this step's 1-based number (1 at the first step),
    so the corrections are 1 - beta1^t and 1 - beta2^t.""",
)
def adam_bias_correction_t_plus_one(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
    c1, c2 = 1 - beta1 ** (t + 1), 1 - beta2 ** (t + 1)
    new_p = [p - lr * (mi / c1) / (np.sqrt(vi / c2) + eps) for p, mi, vi in zip(params, new_m, new_v)]
    return new_p, new_m, new_v


@misconception(
    "adam_step",
    """Your adam_step adds eps inside the square root, sqrt(v̂ + eps): Adam (and torch) adds it after,
    sqrt(v̂) + eps, which matters when gradients are small next to eps.""",
)
def adam_eps_inside_sqrt(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    new_p = [p - lr * (mi / c1) / np.sqrt(vi / c2 + eps) for p, mi, vi in zip(params, new_m, new_v)]
    return new_p, new_m, new_v


@misconception(
    "adam_step",
    """Your second moment averages g instead of g²: v tracks the squared gradient, so that sqrt(v̂) is
    the gradient's typical size (and never the root of a negative number).""",
)
def adam_v_from_g_not_squared(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = [beta1 * mi + (1 - beta1) * g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g for vi, g in zip(v, grads)]
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    new_p = [p - lr * (mi / c1) / (np.sqrt(vi / c2) + eps) for p, mi, vi in zip(params, new_m, new_v)]
    return new_p, new_m, new_v


@misconception(
    "adam_step",
    """Your first moment adds the whole gradient, beta1·m + g: Adam keeps a moving average,
    m' = beta1·m + (1 - beta1)·g, which the bias correction then rescales.""",
)
def adam_m_without_one_minus_beta(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = [beta1 * mi + g for mi, g in zip(m, grads)]
    new_v = [beta2 * vi + (1 - beta2) * g * g for vi, g in zip(v, grads)]
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    new_p = [p - lr * (mi / c1) / (np.sqrt(vi / c2) + eps) for p, mi, vi in zip(params, new_m, new_v)]
    return new_p, new_m, new_v


@misconception(
    "adam_step",
    """Your adam_step returns the bias-corrected m̂ and v̂ as the new moments: the corrections are only
    for this step's update; the state carried to the next step is the uncorrected m' and v' (torch's
    exp_avg and exp_avg_sq).""",
)
def adam_returns_corrected_moments(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_hat = [(beta1 * mi + (1 - beta1) * g) / (1 - beta1**t) for mi, g in zip(m, grads)]
    v_hat = [(beta2 * vi + (1 - beta2) * g * g) / (1 - beta2**t) for vi, g in zip(v, grads)]
    new_p = [p - lr * mh / (np.sqrt(vh) + eps) for p, mh, vh in zip(params, m_hat, v_hat)]
    return new_p, m_hat, v_hat


@misconception(
    "adam_step",
    """Your adam_step changes the caller's m and v, which hold the new moments afterwards: whether the
    arrays are updated in place (m *= beta1, m += ...) or the lists' items replaced (m[i] = ...), the
    caller's state changes too. Build new lists of new arrays (beta1 * m + (1 - beta1) * g creates
    one) and leave the inputs alone.""",
    detect=_moments_in_place,
)
def adam_moments_in_place(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for mi, vi, g in zip(m, v, grads):
        mi *= beta1
        mi += (1 - beta1) * g
        vi *= beta2
        vi += (1 - beta2) * g * g
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    new_p = [p - lr * (mi / c1) / (np.sqrt(vi / c2) + eps) for p, mi, vi in zip(params, m, v)]
    return new_p, m, v


# -- minibatches --------------------------------------------------------------------------------


@misconception(
    "minibatches",
    """Your minibatches drops the last, shorter batch: its examples would never be trained on in that
    epoch. Keep it — every index appears exactly once.""",
)
def minibatches_drops_last(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    return [order[i : i + batch_size].copy() for i in range(0, n - batch_size + 1, batch_size)]


@misconception(
    "minibatches",
    """Your minibatches adds an empty batch at the end when n is a multiple of batch_size
    (n // batch_size + 1 batches): count the batches as ceil(n / batch_size), or step through
    range(0, n, batch_size).""",
)
def minibatches_extra_empty_batch(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    return [order[k * batch_size : (k + 1) * batch_size].copy() for k in range(n // batch_size + 1)]


@misconception(
    "minibatches",
    """Your minibatches splits the indices into batch_size batches (np.array_split(order, batch_size)):
    batch_size is the number of indices in each batch; the number of batches follows from it.""",
)
def minibatches_batch_size_as_count(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    return [part.copy() for part in np.array_split(order, batch_size) if part.size]


@misconception(
    "minibatches",
    """Your minibatches cuts the indices into ceil(n / batch_size) pieces of balanced sizes
    (np.array_split): every batch must hold exactly batch_size indices, and only the last one may be
    smaller, holding what is left over.""",
)
def minibatches_balanced_split(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    return [part.copy() for part in np.array_split(order, -(-n // batch_size))] if n else []


def _in_order_for_seed_zero(call, expected):
    """Seed 0 gave the indices in order; the hidden test asks for seed 0 only after other seeds shuffled."""
    if call.kwargs.get("seed") != 0 or not isinstance(call.value, list | tuple) or not call.value:
        return False
    order = np.concatenate([np.asarray(b) for b in call.value])
    return call.args[0] > 1 and np.array_equal(order, np.arange(call.args[0]))


@misconception(
    "minibatches",
    """Your minibatches treats seed=0 like no seed (if not seed / if seed:), but 0 is a seed like any
    other: test `seed is None`.""",
    detect=_in_order_for_seed_zero,
)
def minibatches_zero_seed_as_none(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.random.default_rng(seed).permutation(n) if seed else np.arange(n)
    return [order[i : i + batch_size].copy() for i in range(0, n, batch_size)]


def _shuffled_without_seed(call, expected):
    if call.kwargs.get("seed") is not None or not isinstance(call.value, list | tuple) or not call.value:
        return False
    order = np.concatenate([np.asarray(b) for b in call.value])
    return np.array_equal(np.sort(order), np.arange(call.args[0])) and not np.array_equal(
        order, np.arange(call.args[0])
    )


@misconception(
    "minibatches",
    """Your minibatches shuffles even when seed is None: the contract keeps the indices in order
    without a seed (handy for evaluation and debugging) and shuffles only for an int seed.""",
    detect=_shuffled_without_seed,
)
def minibatches_shuffles_without_seed(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.random.default_rng(seed).permutation(n)
    return [order[i : i + batch_size].copy() for i in range(0, n, batch_size)]


def _drawn_with_replacement(call, expected):
    if not isinstance(call.value, list | tuple) or not call.value:
        return False
    order = np.concatenate([np.asarray(b) for b in call.value])
    n = call.args[0]
    return order.size == n and np.unique(order).size < n and bool(np.all((order >= 0) & (order < n)))


@misconception(
    "minibatches",
    """Your minibatches draws random indices (with replacement), so some examples come twice and others
    never: shuffle a permutation of range(n) (rng.permutation(n)) and cut it into slices.""",
    detect=_drawn_with_replacement,
)
def minibatches_with_replacement(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(n) if seed is None else np.random.default_rng(seed).integers(0, n, size=n)
    return [order[i : i + batch_size].copy() for i in range(0, n, batch_size)]


@misconception(
    "minibatches",
    """Your minibatches does not check batch_size: a negative one gives no batches at all and 0 cannot
    be used to step. Raise ValueError for batch_size < 1, as the contract says.""",
)
def minibatches_no_batch_size_check(n, batch_size, seed=None):
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    return [order[i : i + batch_size].copy() for i in range(0, n, batch_size)]


def _batches_are_lists(call, expected):
    return isinstance(call.value, list | tuple) and any(isinstance(batch, list) for batch in call.value)


@misconception(
    "minibatches",
    """Your batches are Python lists: the contract asks for each batch as a 1-D integer numpy array.
    Cut them from a numpy array of indices (np.arange(n) or a permutation): its slices already are.""",
    detect=_batches_are_lists,
)
def minibatches_returns_lists(n, batch_size, seed=None):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    return [order[i : i + batch_size].tolist() for i in range(0, n, batch_size)]
