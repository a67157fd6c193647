"""Misconceptions of chapter 8 (regularization), as wrong versions of solutions/regularization.py.

L2, dropout_backward and should_stop are replayed exactly. dropout_forward draws a random mask, and
a learner's stream is their own, so its mistakes are recognised by `detect` predicates on the
learner's (out, mask) instead (solutions/misconceptions/dropout_draws.py).
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.misconceptions import dropout_draws as draws
from solutions.misconceptions import recognise
from solutions.regularization import _check_p

# -- L2 ---------------------------------------------------------------------------------


@misconception(
    "l2_penalty",
    """Your l2_penalty adds the squared biases too: L2 regularization penalises the weights only,
    because a bias just shifts a unit's output and cannot make the function wiggly.""",
)
def l2_penalty_includes_biases(params, lam):
    total = sum(float(np.sum(np.square(W)) + np.sum(np.square(b))) for W, b in params)
    return 0.5 * float(lam) * total


@misconception(
    "l2_penalty",
    """Your l2_penalty leaves out the factor 0.5: the penalty is 0.5 · lam · Σ W², the half being there
    so that its gradient comes out as lam · W.""",
)
def l2_penalty_without_half(params, lam):
    return float(lam) * sum(float(np.sum(np.square(np.asarray(W, dtype=np.float64)))) for W, _ in params)


@misconception(
    "l2_penalty",
    """Your l2_penalty only counts the first layer: the penalty sums the squared weights of every
    (W, b) pair in params.""",
)
def l2_penalty_first_layer_only(params, lam):
    W = np.asarray(params[0][0], dtype=np.float64)
    return 0.5 * float(lam) * float(np.sum(np.square(W)))


@misconception(
    "l2_penalty",
    """Your l2_penalty adds up the norms ‖W‖ instead of the squared norms ‖W‖²: np.linalg.norm takes
    the square root of the sum of squares, so square it (or sum W ** 2 directly).""",
)
def l2_penalty_norm_not_squared(params, lam):
    return 0.5 * float(lam) * sum(float(np.linalg.norm(np.asarray(W, dtype=np.float64))) for W, _ in params)


@misconception(
    "l2_penalty",
    """Your l2_penalty averages the squared weights instead of adding them up: the penalty is a sum
    over every weight, so that each weight is pulled towards 0 however large the layer is.""",
)
def l2_penalty_mean_not_sum(params, lam):
    return 0.5 * float(lam) * sum(float(np.mean(np.square(np.asarray(W, dtype=np.float64)))) for W, _ in params)


@misconception(
    "l2_penalty",
    """Your l2_penalty does not multiply by lam: the strength λ decides how hard the weights are pulled
    towards 0 (lam = 0 must switch the penalty off), so the penalty is 0.5 · lam · Σ W².""",
)
def l2_penalty_without_lam(params, lam):
    return 0.5 * sum(float(np.sum(np.square(np.asarray(W, dtype=np.float64)))) for W, _ in params)


@misconception(
    "l2_penalty",
    """Your l2_penalty squares the biases instead of the weights: each pair in params is (W, b), weights
    first, and only W is penalised.""",
)
def l2_penalty_biases_not_weights(params, lam):
    return 0.5 * float(lam) * sum(float(np.sum(np.square(np.asarray(b, dtype=np.float64)))) for _, b in params)


@misconception(
    "l2_grads",
    """Your l2_grads gives the biases a gradient lam · b: the penalty does not depend on the biases,
    so their gradient is zero (np.zeros_like(b)).""",
)
def l2_grads_penalise_biases(params, lam):
    return [(lam * np.asarray(W), lam * np.asarray(b)) for W, b in params]


@misconception(
    "l2_grads",
    """Your l2_grads returns 2 · lam · W: the penalty carries a factor 0.5 precisely so that the 2 of
    the derivative of W² cancels, leaving lam · W.""",
)
def l2_grads_doubled(params, lam):
    return [(2 * lam * np.asarray(W), np.zeros_like(b)) for W, b in params]


@misconception(
    "l2_grads",
    """Your l2_grads keeps the 0.5 of the penalty: the derivative of 0.5 · lam · W² is lam · W (the 2
    of the square cancels the half).""",
)
def l2_grads_halved(params, lam):
    return [(0.5 * lam * np.asarray(W), np.zeros_like(b)) for W, b in params]


# -- dropout ----------------------------------------------------------------------------


@misconception(
    "dropout_forward",
    """Your dropout mask holds 0 and 1 only: inverted dropout scales the units it keeps by 1/(1-p), so
    that every activation keeps its expected value and nothing has to change at evaluation time.""",
    detect=draws.mask_of_zeros_and_ones,
)
def dropout_not_inverted(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    mask = (np.random.default_rng(seed).random(x.shape) >= p).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout drops a share 1 - p of the units: p is the probability to DROP a unit, so an entry
    is zeroed when a uniform draw falls below p, and kept (scaled by 1/(1-p)) otherwise.""",
    detect=draws.drops_the_keep_share,
)
def dropout_p_as_keep_probability(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) < p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout scales the kept units by 1/p: they are kept with probability 1 - p, so scaling them by
    1/(1-p) is what keeps every activation's expected value unchanged.""",
    detect=draws.scaled_by_one_over_p,
)
def dropout_scaled_by_one_over_p(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    with np.errstate(divide="ignore", invalid="ignore"):
        mask = (keep / p).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout still drops units in evaluation mode: with train=False dropout does nothing at all
    (out equals x, the mask is all ones), so that a prediction does not depend on chance.""",
    detect=draws.drops_at_evaluation,
)
def dropout_at_evaluation(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout multiplies by (1 - p) in evaluation mode: that is the rule of the original,
    non-inverted dropout. Inverted dropout already scales by 1/(1-p) during training, so at evaluation
    time out is x itself.""",
    detect=draws.scales_at_evaluation,
)
def dropout_scaled_at_evaluation(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x * (1.0 - p), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward is in evaluation mode when train is not given: the contract's default is
    train=True, so dropout_forward(x, p) drops units.""",
    detect=draws.train_off_by_default,
)
def dropout_train_off_by_default(x, p, train=False, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward accepts a negative p: check that 0 <= p < 1 before anything else and raise
    ValueError otherwise, in both modes.""",
    detect=draws.accepts_negative_p,
)
def dropout_p_not_checked(x, p, train=True, seed=None):
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward accepts p = 1: dropping every unit leaves nothing to scale (1/(1-p) divides by
    zero), so the valid range is 0 <= p < 1, with p < 1 strictly.""",
    detect=draws.accepts_p_one,
)
def dropout_allows_p_one(x, p, train=True, seed=None):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability p must be in [0, 1], got {p!r}")
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    with np.errstate(divide="ignore", invalid="ignore"):
        mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward checks p only in training mode: the contract asks for ValueError in both
    modes, so check p first, before looking at train.""",
    detect=draws.accepts_bad_p_at_evaluation,
)
def dropout_p_checked_only_in_training(x, p, train=True, seed=None):
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    _check_p(p)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward checks p with assert, which raises AssertionError (and disappears when Python
    runs with -O): raise ValueError("...") for a p outside [0, 1).""",
    detect=lambda call, expected: recognise.raised(call, "AssertionError"),
)
def dropout_asserts_p(x, p, train=True, seed=None):
    assert 0 <= p < 1, "p must be in [0, 1)"
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward ignores its seed (np.random's global generator draws a new mask each time):
    create the generator from it, np.random.default_rng(seed), so that the same seed gives the same mask.""",
    detect=draws.same_seed_other_mask,
)
def dropout_seed_ignored(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward draws the same mask every time no seed is given: seed=None must give a fresh
    mask (np.random.default_rng(None) seeds itself from the system), not a fixed default seed.""",
    detect=draws.no_seed_same_mask,
)
def dropout_fixed_seed(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(0 if seed is None else seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    return x * mask, mask


@misconception(
    "dropout_forward",
    """Your dropout_forward returns the boolean keep pattern as the mask: the mask is the float factor
    that multiplies x (0 or 1/(1-p)), so that dropout_backward can multiply the gradient by it as it is.""",
    detect=draws.boolean_mask,
)
def dropout_boolean_mask(x, p, train=True, seed=None):
    _check_p(p)
    x = np.asarray(x)
    if not train:
        return x.copy(), np.ones(x.shape, dtype=bool)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    return x * keep / (1.0 - p), keep


@misconception(
    "dropout_forward",
    """Your dropout_forward multiplies x in place (x *= mask), which changes the caller's activations:
    build a new array, out = x * mask.""",
    detect=draws.multiplied_x_in_place,
)
def dropout_in_place(x, p, train=True, seed=None):
    _check_p(p)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if not train:
        return x.copy(), np.ones(x.shape, dtype=dtype)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(dtype)
    x *= mask
    return x, mask


@misconception(
    "dropout_backward",
    """Your dropout_backward lets the gradient through the kept units unscaled: the forward pass
    multiplied them by 1/(1-p), so the gradient is dout · mask, the same factor.""",
)
def dropout_backward_without_scale(dout, mask):
    return dout * (np.asarray(mask) > 0)


@misconception(
    "dropout_backward",
    """Your dropout_backward ignores the mask: a dropped unit had no effect on the output, so no gradient
    flows back to it, and a kept one passes it back scaled by 1/(1-p): dx = dout · mask.""",
)
def dropout_backward_ignores_mask(dout, mask):
    return np.array(dout, copy=True)


# -- early stopping ---------------------------------------------------------------------


@misconception(
    "should_stop",
    """Your should_stop counts a loss equal to the best one as an improvement: only a strictly lower loss
    improves, so a validation loss stuck at its best value must also stop training.""",
)
def should_stop_ties_improve(val_losses, patience):
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience!r}")
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    best_before = min(losses[:-patience])
    return not any(v <= best_before for v in losses[-patience:])


@misconception(
    "should_stop",
    """Your should_stop stops one epoch too early: it counts the epoch of the best loss as one of the
    `patience` epochs without improvement. Compare the last `patience` losses with the best one before
    them.""",
)
def should_stop_one_epoch_early(val_losses, patience):
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience!r}")
    losses = [float(v) for v in val_losses]
    if not losses:
        return False
    return len(losses) - int(np.argmin(losses)) >= patience


@misconception(
    "should_stop",
    """Your should_stop compares only the last loss with the best one before the window: an improvement
    anywhere in the last `patience` losses keeps training going, not only in the very last one.""",
)
def should_stop_last_loss_only(val_losses, patience):
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience!r}")
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    return not losses[-1] < min(losses[:-patience])


@misconception(
    "should_stop",
    """Your should_stop compares the last losses with the loss just before them instead of the best loss
    before them: a loss that only beats a worse recent epoch is no real improvement.""",
)
def should_stop_against_previous_loss(val_losses, patience):
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience!r}")
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    before = losses[-patience - 1]
    return not any(v < before for v in losses[-patience:])


@misconception(
    "should_stop",
    """Your should_stop compares the last losses with the best of ALL losses, themselves included, so no
    loss can ever beat it: take the best of the losses BEFORE the last `patience` ones.""",
)
def should_stop_best_of_all_losses(val_losses, patience):
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience!r}")
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    best = min(losses)
    return not any(v < best for v in losses[-patience:])


@misconception(
    "should_stop",
    """Your should_stop accepts a patience below 1: waiting zero (or fewer) epochs makes no sense, so
    raise ValueError for it before anything else.""",
)
def should_stop_patience_not_checked(val_losses, patience):
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    best_before = min(losses[:-patience])
    return not any(v < best_before for v in losses[-patience:])


@misconception(
    "should_stop",
    """Your should_stop checks patience with assert, which raises AssertionError (and disappears when
    Python runs with -O): raise ValueError("...") for a patience below 1.""",
    detect=lambda call, expected: recognise.raised(call, "AssertionError"),
)
def should_stop_asserts_patience(val_losses, patience):
    assert patience >= 1, "patience must be at least 1"
    losses = [float(v) for v in val_losses]
    if len(losses) <= patience:
        return False
    best_before = min(losses[:-patience])
    return not any(v < best_before for v in losses[-patience:])
