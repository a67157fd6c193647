"""Misconceptions of chapter 3 (losses), as wrong versions of solutions/losses.py.

Each function replaces the reference function named in its decorator; its body may use `np` and
the reference module's own names only (it is executed inside a copy of that module).
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.losses import _log_softmax


@misconception(
    "mse_loss",
    """Your mse_loss adds the squared errors up instead of averaging them: the mean squared error
    divides the sum by the number of elements, so that the loss does not grow with the batch.""",
)
def mse_sum_not_mean(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.sum(diff * diff))


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
    "cross_entropy_grad",
    """Your cross_entropy_grad is not divided by the number of rows N: the loss is a mean over the
    batch, so its gradient is (softmax - one_hot) / N.""",
)
def ce_grad_not_divided_by_n(logits, labels):
    probs = np.exp(_log_softmax(logits))
    probs[np.arange(probs.shape[0]), np.asarray(labels).astype(np.intp)] -= 1.0
    return probs
