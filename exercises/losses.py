"""Chapter 3 — losses: how wrong is the network?

A network's forward pass ends with a prediction. Before the network can improve, we need
one number that says how bad that prediction is: the loss. Training is nothing more than
nudging the weights, again and again, in the direction that makes this number smaller.
So the loss decides what "better" means, and its gradient is where backpropagation starts.

Two families of losses cover most of practice:

* Regression (predict a quantity: a price, a temperature). The mean squared error
  averages (prediction - target)² over every element. Squaring makes all errors positive
  and punishes big misses much more than small ones.

* Classification (pick one of several answers). The network outputs raw scores, called
  logits; softmax (or the sigmoid, for a yes/no question) turns them into probabilities,
  and the cross-entropy is -log(probability given to the correct answer). Giving the right
  class probability 1 costs 0; giving it 0.5 costs log 2 ≈ 0.69; giving it 1e-6 costs
  about 13.8. A confident mistake is punished very hard, and that is exactly the signal
  a classifier needs.

Why logarithms of probabilities? The probability of a whole data set is a product of many
numbers below 1, which quickly underflows; its logarithm is a sum, which does not.
Maximising the log-probability of the correct answers is the same as minimising the
cross-entropy.

Why work from logits instead of probabilities? Turning a logit of -800 into a
probability gives exactly 0.0 in floating point, and log(0) = -inf: the information is
gone. Working on the logits directly (the "log-softmax" and "log-sigmoid" tricks) keeps
every value finite and exact. Libraries follow the same idea: torch's cross_entropy and
BCEWithLogitsLoss take logits, not probabilities.

Every loss here is a MEAN (over elements, or over the rows of a batch), not a sum, so that
its size, and the size of its gradient, does not depend on how many examples you feed in.
The gradients you write divide by the same count.

Conventions: inputs are numpy arrays (float64, sometimes float32); never modify them.
Losses return a plain float; gradients return an array shaped like the predictions.
"""

import numpy as np


def mse_loss(pred, target):
    """Mean squared error: the average of (pred - target)² over ALL elements.

    pred, target: arrays of the same shape (any shape, e.g. (N,) or (N, K)).
    Returns a float (a Python float, numpy scalar or 0-d array is fine).

        mse = (1 / n) Σ (pred_i - target_i)²,   n = pred.size

    It is the standard loss for regression: predicting numbers rather than classes.
    Trap: a mean, not a sum — divide by the number of elements, not the number of rows.

    >>> mse_loss(np.array([1.0, 2.0]), np.array([1.0, 4.0]))   # (0² + 2²) / 2
    2.0
    """
    raise NotImplementedError("losses.mse_loss")


def mse_grad(pred, target):
    """Gradient of mse_loss with respect to pred.

    Differentiating (1/n) Σ (pred_i - target_i)² with respect to one pred_i gives

        d mse / d pred = 2 (pred - target) / n,   n = pred.size

    Returns an array with the shape of pred. Both the factor 2 (from the square) and the
    1/n (from the mean) belong in it: forget either and every update is the wrong size.

    >>> mse_grad(np.array([1.0, 2.0]), np.array([1.0, 4.0]))   # 2 * [0, -2] / 2
    array([ 0., -2.])
    """
    raise NotImplementedError("losses.mse_grad")


def binary_cross_entropy(p, y, eps=1e-12):
    """Binary cross-entropy of probabilities p against 0/1 targets y, averaged.

    p: probabilities in [0, 1] (e.g. sigmoid outputs); y: targets 0 or 1, same shape.
    Returns the float

        mean( -(y·log(p) + (1 - y)·log(1 - p)) )

    with p first clipped to [eps, 1 - eps] (np.clip). Without the clip, p = 0 with
    y = 1 would give log(0) = -inf. The price of the clip: the loss can never exceed
    -log(eps) ≈ 27.6, however confident the mistake really was — see bce_with_logits
    for the exact version.

    >>> binary_cross_entropy(np.array([0.5]), np.array([1.0]))   # -log(0.5)
    0.6931471805599453
    """
    raise NotImplementedError("losses.binary_cross_entropy")


def bce_with_logits(logits, y):
    """Binary cross-entropy computed from logits z (before the sigmoid), exactly and stably.

    logits z and targets y (0 or 1) have the same shape. Mathematically this is

        mean( -(y·log σ(z) + (1 - y)·log(1 - σ(z))) ),   σ(z) = 1 / (1 + e^-z)

    but computing σ(z) first fails for large |z|: σ(-1000) is 0.0 in floating point and
    its log is -inf. Using log σ(z) = -log(1 + e^-z) and log(1 - σ(z)) = -z - log(1 + e^-z),
    the per-element loss becomes

        max(z, 0) - z·y + log(1 + e^-|z|)

    where e^-|z| is at most 1, so nothing overflows, and np.log1p(u) computes log(1 + u)
    accurately even for tiny u. No clipping: a confident wrong answer (z = 1000, y = 0)
    must cost about 1000, not 27.6. Must stay stable (no inf, nan or overflow warning)
    for |z| up to 1000. Returns a float.

    >>> bce_with_logits(np.array([0.0]), np.array([1.0]))        # σ(0) = 0.5 → log 2
    0.6931471805599453
    >>> bce_with_logits(np.array([1000.0]), np.array([0.0]))     # a very confident mistake
    1000.0
    """
    raise NotImplementedError("losses.bce_with_logits")


def cross_entropy(logits, labels):
    """Softmax cross-entropy for multi-class classification, averaged over the batch.

    logits: (N, C) raw scores, one row per example; labels: (N,) integers in [0, C)
    (any integer dtype), the index of the correct class of each row. Returns the float

        (1 / N) Σ_i  -log softmax(logits[i])[labels[i]]

    Compute it with the log-softmax, never with log(softmax(...)):

        log softmax(z)_j = (z_j - m) - log Σ_k exp(z_k - m),   m = max_k z_k   (per row)

    Subtracting the row maximum changes nothing mathematically but keeps every exp ≤ 1,
    so it stays stable for |logits| up to 1e4 (where exp(1e4) alone would be inf).
    Pick each row's entry with fancy indexing: logp[np.arange(N), labels].

    >>> cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))     # softmax = [0.5, 0.5]
    0.6931471805599453
    """
    raise NotImplementedError("losses.cross_entropy")


def cross_entropy_grad(logits, labels):
    """Gradient of cross_entropy with respect to the logits, shape (N, C).

    The softmax and the log combine into a strikingly simple result:

        d loss / d logits = (softmax(logits) - onehot(labels)) / N

    where onehot(labels)[i, j] is 1 if j == labels[i] else 0. Read it as "predicted
    probabilities minus the truth": the correct class is pushed up, every other class
    pushed down in proportion to the probability it wrongly received. The 1/N comes from
    the mean in the loss. Use the stable softmax (subtract the row max) here too, and build
    a new array rather than editing the logits in place.

    >>> cross_entropy_grad(np.array([[0.0, 0.0]]), np.array([1]))
    array([[ 0.5, -0.5]])
    """
    raise NotImplementedError("losses.cross_entropy_grad")
