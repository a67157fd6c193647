"""Misconceptions of chapter 3 (losses), as wrong versions of solutions/losses.py.

Each function replaces the reference function named in its decorator (a helper such as
`_log_softmax` too: then every reference function that uses it gets the mistake); its body may use
`np` and the reference module's own names only (it is executed inside a copy of that module).
Entries with `detect=` recognise the mistake from the learner's call itself (the input changed in
place, several spellings of one mistake); their wrong version only serves the tests.
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.losses import _as_labels, _log_softmax, binary_cross_entropy, cross_entropy_grad
from solutions.misconceptions.recognise import as_float, broadcast_failed_at_a_reduction, either, input_became, same

COMMON_EPS = (1e-15, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5)  # what learners pick when 1e-12 is not the default
ANY_EPS = (1e-12, *COMMON_EPS)


def _rows_and_labels(call):
    logits = np.asarray(call.args[0], dtype=np.float64)
    return logits, np.asarray(call.args[1]).astype(np.intp), np.arange(logits.shape[0])


def _without_keepdims(call):
    """What a log-softmax and a softmax give when the max, the sum or both lose the class axis."""
    z, labels, rows = _rows_and_labels(call)
    for max_keeps, sum_keeps in ((True, False), (False, True), (False, False)):
        with np.errstate(all="ignore"):
            try:
                shifted = z - z.max(axis=1, keepdims=max_keeps)
                e = np.exp(shifted)
                total = e.sum(axis=1, keepdims=sum_keeps)
                logp, probs = shifted - np.log(total), e / total
            except ValueError:  # this combination cannot broadcast for this shape
                continue
        yield logp, probs, labels, rows


def _ce_without_keepdims(call, expected):
    if call.error is not None:
        return broadcast_failed_at_a_reduction(call, expected)
    for logp, _, labels, rows in _without_keepdims(call):
        loss = -np.mean(logp[rows, labels])
        if expected is not None and not np.isclose(loss, expected) and same(call.value, loss):
            return True
    return False


def _ce_grad_without_keepdims(call, expected):
    if call.error is not None:
        return broadcast_failed_at_a_reduction(call, expected)
    for _, probs, labels, rows in _without_keepdims(call):
        grad = probs.copy()
        grad[rows, labels] -= 1.0
        grad /= len(rows)
        if expected is not None and not same(expected, grad) and same(call.value, grad):
            return True
    return False


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _bce_logits_through_clipped_probabilities(call, expected):
    """The loss equals binary_cross_entropy of σ(logits), clipped with a common eps."""
    got = as_float(call.value) if call.reply is not None else None
    if got is None or expected is None or np.isclose(got, expected):
        return False
    probs = _sigmoid(np.asarray(call.args[0], dtype=np.float64))
    return any(np.isclose(got, binary_cross_entropy(probs, call.args[1], eps=eps), rtol=1e-9) for eps in ANY_EPS)


def _ce_log_of_softmax_with_eps(call, expected):
    """The loss equals -mean log(p + eps) (or of p clipped to eps) for a common eps."""
    got = as_float(call.value) if call.reply is not None else None
    if got is None or expected is None or np.isclose(got, expected):
        return False
    z, labels, rows = _rows_and_labels(call)
    right = np.exp(_log_softmax(z))[rows, labels]
    return any(
        np.isclose(got, -np.mean(np.log(guarded)), rtol=1e-9)
        for eps in ANY_EPS
        for guarded in (right + eps, np.maximum(right, eps))
    )


def _bce_eps_added(call, expected):
    """The loss equals the one with eps added inside the logs, log(p + eps), instead of a clip."""
    got = as_float(call.value) if call.reply is not None else None
    if got is None or expected is None or np.isclose(got, expected, rtol=1e-9, atol=0.0):
        return False
    eps = call.args[2] if len(call.args) > 2 else call.kwargs.get("eps", 1e-12)
    p, y = np.asarray(call.args[0], dtype=np.float64), np.asarray(call.args[1], dtype=np.float64)
    with np.errstate(all="ignore"):
        added = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
    return bool(np.isclose(got, added, rtol=1e-12, atol=0.0))


def _bce_default_eps(call, expected):
    """No eps given, and the loss is that of another common eps."""
    got = as_float(call.value) if call.reply is not None else None
    if len(call.args) != 2 or call.kwargs or expected is None or got is None:
        return False
    others = (binary_cross_entropy(*call.args, eps=eps) for eps in COMMON_EPS)
    return not np.isclose(got, expected) and any(np.isclose(got, other, rtol=1e-9) for other in others)


# -- mean squared error ---------------------------------------------------------


@misconception(
    "mse_loss",
    """Your mse_loss adds the squared errors up instead of averaging them: the mean squared error
    divides the sum by the number of elements, so that the loss does not grow with the batch.""",
)
def mse_sum_not_mean(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.sum(diff * diff))


@misconception(
    "mse_loss",
    """Your mse_loss divides by the number of rows, not by the number of elements: for a
    prediction of shape (N, K) the mean runs over all N·K squared errors (divide by pred.size, or
    use np.mean).""",
)
def mse_mean_over_rows(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.sum(diff * diff) / diff.shape[0])


@misconception(
    "mse_loss",
    """Your mse_loss takes the square root of the mean: that is the root mean squared error (RMSE),
    a different loss. The MSE is the mean of the squared errors itself.""",
)
def mse_square_root_taken(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.sqrt(np.mean(diff * diff)))


@misconception(
    "mse_loss",
    """Your mse_loss averages the absolute errors |pred - target|: that is the mean absolute error
    (MAE). The MSE squares each error, which punishes large misses much more than small ones.""",
)
def mse_absolute_error(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.mean(np.abs(diff)))


@misconception(
    "mse_loss",
    """Your mse_loss is half the mean squared error: some texts put a 1/2 in front so that the
    derivative loses its factor 2, but this course's contract is the plain mean of (pred - target)².""",
)
def mse_halved(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(0.5 * np.mean(diff * diff))


@misconception(
    "mse_loss",
    """Your mse_loss squares the mean error instead of averaging the squared errors: errors of
    opposite signs cancel in the mean (np.mean(d) ** 2 is a precedence slip); the MSE is
    np.mean(d ** 2).""",
)
def mse_square_of_mean(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.mean(diff) ** 2)


@misconception(
    "mse_grad",
    """Your mse_grad leaves out the 1/N of the mean: the loss averages over all N elements, so each
    element's derivative is 2 (pred - target) / N.""",
)
def mse_grad_missing_mean(pred, target):
    return 2.0 * (np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64))


@misconception(
    "mse_grad",
    """Your mse_grad has lost the factor 2 of the square: the derivative of (p - t)^2 is 2 (p - t).""",
)
def mse_grad_missing_two(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return diff / diff.size


@misconception(
    "mse_grad",
    """Your mse_grad divides by the number of rows, not by the number of elements: mse_loss averages
    over all pred.size squared errors, so its gradient is 2 (pred - target) / pred.size.""",
)
def mse_grad_divided_by_rows(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return 2.0 * diff / diff.shape[0]


@misconception(
    "mse_grad",
    """Your mse_grad divides by the length of the last axis (pred.shape[-1]), not by the number of
    elements: mse_loss averages over all pred.size squared errors, every axis included.""",
)
def mse_grad_divided_by_last_axis(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return 2.0 * diff / diff.shape[-1]


@misconception(
    "mse_grad",
    """Your mse_grad has the opposite sign, 2 (target - pred) / N: the loss grows when pred moves
    away from target, so the derivative with respect to pred is 2 (pred - target) / N.""",
)
def mse_grad_sign_flipped(pred, target):
    diff = np.asarray(target, dtype=np.float64) - np.asarray(pred, dtype=np.float64)
    return 2.0 * diff / diff.size


@misconception(
    "mse_grad",
    """Your mse_grad computes pred - target in place (pred -= target): the caller's predictions
    are changed. Write diff = pred - target, a new array.""",
    detect=input_became(lambda call: np.subtract(call.args[0], call.args[1])),
)
def mse_grad_in_place(pred, target):
    pred -= target
    return 2.0 * pred / pred.size


# -- binary cross-entropy on probabilities -----------------------------------------


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy adds the losses of the elements up instead of averaging them: the
    loss is a mean, so that its size does not depend on how many examples you feed in.""",
)
def bce_sum_not_mean(p, y, eps=1e-12):
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1.0 - eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.sum(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy divides the sum by the number of rows (len(p)), not by the number
    of elements: for p of shape (N, K) the mean runs over all N·K entries (np.mean does this).""",
)
def bce_divided_by_rows(p, y, eps=1e-12):
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1.0 - eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.sum(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))) / p.shape[0])


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy does not clip p: a probability of exactly 0 or 1 gives log(0) = -inf,
    and 0 · (-inf) is NaN. Clip first, p = np.clip(p, eps, 1 - eps).""",
)
def bce_without_clip(p, y, eps=1e-12):
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy clips p from below only: p = 1 then still gives log(1 - p) = log(0).
    Clip both ends, np.clip(p, eps, 1 - eps).""",
)
def bce_clip_lower_only(p, y, eps=1e-12):
    p = np.maximum(np.asarray(p, dtype=np.float64), eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy adds eps inside the logarithms, log(p + eps), instead of clipping p:
    that also shifts every probability that needed no protection. The contract clips,
    p = np.clip(p, eps, 1 - eps), and then takes the plain logs.""",
    detect=_bce_eps_added,
)
def bce_eps_added_not_clipped(p, y, eps=1e-12):
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(p + eps) + (1.0 - y) * np.log(1.0 - p + eps))))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy clips with a fixed number instead of its eps argument: use the eps
    the caller passes (1e-12 is only its default).""",
)
def bce_eps_ignored(p, y, eps=1e-12):
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-12, 1.0 - 1e-12)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy's default eps is not the contract's: the signature is
    binary_cross_entropy(p, y, eps=1e-12), and the default decides how much a confident mistake
    can cost (-log(eps)).""",
    detect=_bce_default_eps,
)
def bce_default_eps_changed(p, y, eps=1e-7):
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1.0 - eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy has lost its minus sign: log p is negative for p < 1, so
    -(y log p + (1 - y) log(1 - p)) is what makes the loss positive.""",
)
def bce_sign_missing(p, y, eps=1e-12):
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1.0 - eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy pairs the targets with the wrong logarithms: p is the probability
    of y = 1, so y goes with log p and (1 - y) with log(1 - p).""",
)
def bce_targets_swapped(p, y, eps=1e-12):
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1.0 - eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log1p(-p) + (1.0 - y) * np.log(p))))


@misconception(
    "binary_cross_entropy",
    """Your binary_cross_entropy clips p in place (np.clip(p, ..., out=p) or p[p < eps] = eps): the
    caller's probabilities are changed. Clip into a new array: p = np.clip(p, eps, 1 - eps).""",
    detect=input_became(
        lambda call: np.clip(call.args[0], call.kwargs.get("eps", 1e-12), 1 - call.kwargs.get("eps", 1e-12))
    ),
)
def bce_clips_in_place(p, y, eps=1e-12):
    np.clip(p, eps, 1.0 - eps, out=p)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


# -- binary cross-entropy on logits -------------------------------------------------


@misconception(
    "bce_with_logits",
    """Your bce_with_logits lets exp see a large positive number (e^1000 for a logit of -1000),
    whether inside a sigmoid 1 / (1 + e^-z) or in log(1 + e^-z): it overflows. Write the loss as
    max(z, 0) - z·y + log1p(exp(-|z|)), where exp only ever sees -|z| <= 0.""",
)
def bce_logits_exp_overflows(logits, y):
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    p = 1.0 / (1.0 + np.exp(-z))
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))


@misconception(
    "bce_with_logits",
    """Your bce_with_logits turns the logits into probabilities first and takes their log: σ(-1000)
    is exactly 0.0 in floating point, so log gives -inf and the loss inf. Work on the logits:
    max(z, 0) - z·y + log1p(exp(-|z|)).""",
)
def bce_logits_log_of_sigmoid(logits, y):
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))


@misconception(
    "bce_with_logits",
    """Your bce_with_logits turns the logits into probabilities and clips them (as
    binary_cross_entropy does), so a confident mistake costs at most -log(eps), however wrong it
    is: computed exactly from the logits, max(z, 0) - z·y + log1p(exp(-|z|)), it costs about |z|.""",
    detect=_bce_logits_through_clipped_probabilities,
)
def bce_logits_clipped(logits, y):
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return binary_cross_entropy(np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), y, eps=1e-7)


@misconception(
    "bce_with_logits",
    """Your bce_with_logits adds the losses of the elements up instead of averaging them: the loss is
    a mean over all elements (np.mean), like binary_cross_entropy.""",
)
def bce_logits_sum_not_mean(logits, y):
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.sum(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


@misconception(
    "bce_with_logits",
    """Your bce_with_logits divides the sum by the number of rows (len(logits)), not by the number
    of elements: for logits of shape (N, K) the mean runs over all N·K entries (np.mean does this).""",
)
def bce_logits_divided_by_rows(logits, y):
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.sum(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))) / z.shape[0])


@misconception(
    "bce_with_logits",
    """Your bce_with_logits leaves out the max(z, 0) term: the stable form is
    max(z, 0) - z·y + log1p(exp(-|z|)); without it every positive logit is undercharged by z.""",
)
def bce_logits_missing_max(logits, y):
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-z * y + np.log1p(np.exp(-np.abs(z)))))


# -- softmax cross-entropy and its gradient ------------------------------------------


@misconception(
    "_log_softmax",
    """Your softmax (or log-softmax) lets exp see a large positive number, and exp(1e4) overflows.
    Subtract each row's maximum first (z - z.max(axis=1, keepdims=True)) and use those shifted scores
    throughout (log-softmax = shifted - log(sum(exp(shifted)))): every exponent is then <= 0.""",
)
def log_softmax_without_max_shift(logits):
    z = np.asarray(logits, dtype=np.float64)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


@misconception(
    "cross_entropy",
    """Your cross_entropy adds the rows' losses up instead of averaging them: the loss is the mean
    over the N rows of the batch, so that its size does not depend on the batch size.""",
)
def ce_sum_not_mean(logits, labels):
    logp = _log_softmax(logits)
    labels = _as_labels(labels)
    return float(-np.sum(logp[np.arange(logp.shape[0]), labels]))


@misconception(
    "cross_entropy",
    """Your cross_entropy averages over every entry of the (N, C) array (for example
    -np.mean(onehot * logp)): only N of those entries are losses, the rest are zeros, so divide the
    sum by N, the number of rows.""",
)
def ce_mean_over_all_entries(logits, labels):
    logp = _log_softmax(logits)
    labels = _as_labels(labels)
    onehot = np.zeros_like(logp)
    onehot[np.arange(logp.shape[0]), labels] = 1.0
    return float(-np.mean(onehot * logp))


@misconception(
    "cross_entropy",
    """Your cross_entropy divides by the number of classes C (logits.shape[1]) instead of the number
    of rows N (logits.shape[0]): the loss is a mean over the examples of the batch.""",
)
def ce_divided_by_classes(logits, labels):
    logp = _log_softmax(logits)
    labels = _as_labels(labels)
    return float(-np.sum(logp[np.arange(logp.shape[0]), labels]) / logp.shape[1])


@misconception(
    "cross_entropy",
    """Your cross_entropy picks its entries with logp[:, labels], which takes every label's column for
    every row (an N x N array): pair each row with its own label, logp[np.arange(N), labels].""",
)
def ce_indexes_columns_only(logits, labels):
    logp = _log_softmax(logits)
    labels = _as_labels(labels)
    return float(-np.mean(logp[:, labels]))


@misconception(
    "cross_entropy",
    """Your cross_entropy has lost its minus sign: log-probabilities are negative, so the loss is
    -mean(log p[label]), a positive number that falls as the right class gets more probable.""",
)
def ce_sign_missing(logits, labels):
    logp = _log_softmax(logits)
    labels = _as_labels(labels)
    return float(np.mean(logp[np.arange(logp.shape[0]), labels]))


@misconception(
    "cross_entropy",
    """Your cross_entropy takes the log of the softmax: for a confident mistake the right class's
    probability is exactly 0.0 in floating point and log gives -inf. Use the log-softmax,
    (z - m) - log(Σ exp(z - m)) with m each row's maximum, which stays finite.""",
)
def ce_log_of_softmax(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    labels = _as_labels(labels)
    return float(-np.mean(np.log(probs[np.arange(z.shape[0]), labels])))


@misconception(
    "cross_entropy",
    """Your cross_entropy takes the log of the softmax with a small eps to avoid log(0): the eps
    caps what a confident mistake can cost at -log(eps), where the true loss is far larger. Use the
    log-softmax, (z - m) - log(Σ exp(z - m)) with m each row's maximum: it is exact and finite.""",
    detect=_ce_log_of_softmax_with_eps,
)
def ce_log_of_softmax_plus_eps(logits, labels):
    probs = np.exp(_log_softmax(logits))
    return float(-np.mean(np.log(probs[np.arange(probs.shape[0]), _as_labels(labels)] + 1e-12)))


@misconception(
    "cross_entropy",
    """Your cross_entropy shifts the logits in place (logits -= logits.max(...)): the caller's
    array is changed. Compute shifted = logits - logits.max(axis=1, keepdims=True), a new array.""",
    detect=input_became(lambda call: call.args[0] - np.max(call.args[0], axis=1, keepdims=True)),
)
def ce_shifts_in_place(logits, labels):
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return float(-np.mean(logp[np.arange(logits.shape[0]), _as_labels(labels)]))


@misconception(
    "cross_entropy",
    """Your cross_entropy subtracts the maximum of the whole batch, not each row's: a row whose
    logits all lie far below that maximum underflows to exp(...) = 0 everywhere, and log(0) is
    -inf. Use z.max(axis=1, keepdims=True).""",
)
def ce_global_max_shift(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max()
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    labels = _as_labels(labels)
    return float(-np.mean(logp[np.arange(z.shape[0]), labels]))


@misconception(
    "cross_entropy",
    """Your cross_entropy reduces over the classes without keepdims=True: the row maximum or the row
    sum of shape (N,) is then lined up with the class axis when it is combined with the (N, C)
    logits (or cannot be combined at all). Keep the axis: z.max(axis=1, keepdims=True).""",
    detect=_ce_without_keepdims,
)
def ce_keepdims_forgotten(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1))
    labels = _as_labels(labels)
    return float(-np.mean(logp[np.arange(z.shape[0]), labels]))


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad is not divided by the number of rows N: the loss is a mean over the
    batch, so its gradient is (softmax - one_hot) / N.""",
)
def ce_grad_not_divided_by_n(logits, labels):
    probs = np.exp(_log_softmax(logits))
    probs[np.arange(probs.shape[0]), np.asarray(labels).astype(np.intp)] -= 1.0
    return probs


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad has the opposite sign, (one_hot - softmax) / N: raising the right
    class's logit lowers the loss, so that entry of the gradient is negative: (softmax - one_hot) / N.""",
)
def ce_grad_sign_flipped(logits, labels):
    probs = np.exp(_log_softmax(logits))
    probs[np.arange(probs.shape[0]), _as_labels(labels)] -= 1.0
    return -probs / probs.shape[0]


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad returns softmax / N without subtracting the one-hot labels: the
    gradient is (softmax - one_hot) / N, 1 less at each row's correct class.""",
)
def ce_grad_onehot_missing(logits, labels):
    return np.exp(_log_softmax(logits)) / np.shape(logits)[0]


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad subtracts the labels themselves from the probabilities: the labels
    are class numbers, and what is subtracted is their one-hot rows (1 at each row's label, 0
    elsewhere), e.g. np.eye(C)[labels].""",
)
def ce_grad_labels_not_one_hot(logits, labels):
    return (np.exp(_log_softmax(logits)) - _as_labels(labels)) / np.shape(logits)[0]


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad builds its one-hot rows with np.eye(N), N the batch size: a one-hot
    row has one entry per class, np.eye(C)[labels] with C = logits.shape[1].""",
)
def ce_grad_one_hot_of_batch_size(logits, labels):
    n = np.shape(logits)[0]
    return (np.exp(_log_softmax(logits)) - np.eye(n)[_as_labels(labels)]) / n


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad divides by the number of classes C (logits.shape[1]) instead of the
    number of rows N (logits.shape[0]): the loss is a mean over the examples of the batch, and so
    is its gradient.""",
)
def ce_grad_divided_by_classes(logits, labels):
    probs = np.exp(_log_softmax(logits))
    probs[np.arange(probs.shape[0]), _as_labels(labels)] -= 1.0
    return probs / probs.shape[1]


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad subtracts 1 with probs[:, labels], which hits every label's column in
    every row: subtract it at each row's own label only, probs[np.arange(N), labels] -= 1.""",
)
def ce_grad_subtracts_in_every_row(logits, labels):
    probs = np.exp(_log_softmax(logits))
    probs[:, _as_labels(labels)] -= 1.0
    return probs / probs.shape[0]


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad subtracts the maximum of the whole batch, not each row's: a row whose
    logits all lie far below that maximum underflows to exp(...) = 0 everywhere, and 0 / 0 gives
    NaN. Use z.max(axis=1, keepdims=True).""",
)
def ce_grad_global_max_shift(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max())
    probs = e / e.sum(axis=1, keepdims=True)
    probs[np.arange(z.shape[0]), _as_labels(labels)] -= 1.0
    return probs / z.shape[0]


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad reduces over the classes without keepdims=True: the row maximum or the
    row sum of shape (N,) is then lined up with the class axis when it is combined with the (N, C)
    logits (or cannot be combined at all). Keep the axis: e.sum(axis=1, keepdims=True).""",
    detect=_ce_grad_without_keepdims,
)
def ce_grad_keepdims_forgotten(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1)
    probs[np.arange(z.shape[0]), _as_labels(labels)] -= 1.0
    return probs / z.shape[0]


@misconception(
    "cross_entropy_grad",
    """Your cross_entropy_grad works in the caller's logits (logits -= logits.max(...), or the result
    written back into them): the caller's array is changed. Compute shifted = logits -
    logits.max(axis=1, keepdims=True), a new array, and build the gradient from it.""",
    detect=either(
        input_became(lambda call: call.args[0] - np.max(call.args[0], axis=1, keepdims=True)),
        input_became(lambda call: np.exp(_log_softmax(call.args[0]))),
        input_became(lambda call: cross_entropy_grad(*call.args)),
    ),
)
def ce_grad_shifts_in_place(logits, labels):
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    probs[np.arange(probs.shape[0]), _as_labels(labels)] -= 1.0
    return probs / probs.shape[0]
