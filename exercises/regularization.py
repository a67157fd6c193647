"""Chapter 8 — fighting overfitting.

A network with enough parameters can drive its training loss close to zero by
memorising the training set: every quirk and every noisy label gets its own
little corner of the weights. That is overfitting. You see it when the training
loss keeps falling while the loss on held-out (validation) data stalls and then
climbs again: the model has stopped learning the pattern and started learning
the examples.

Regularization is any change that makes memorising harder than generalising.
This exercise builds three classic tools:

* L2 regularization (weight decay). Add 0.5·λ·Σ‖W‖² to the loss. Large weights
  now cost something, so the optimiser prefers many small weights over a few
  huge ones, which gives smoother functions that cannot bend around every
  single training point. The gradient of the penalty is simply λ·W, so every
  update also shrinks each weight a little towards zero (hence "decay"). Biases
  only shift a unit's output and do not make the function wiggly, so they are
  left alone.

* Dropout. During training, each activation is zeroed at random with
  probability p. No unit can rely on one particular partner being present, so
  the network learns redundant, robust features. Each training step uses a
  different random sub-network that shares its weights with all the others;
  training with dropout is like training a huge ensemble of thinned networks at
  once, and using the full network at test time approximates averaging their
  predictions. "Inverted" dropout scales the survivors by 1/(1-p) during
  training so the expected value of every activation is unchanged; at
  evaluation time dropout then simply does nothing.

* Early stopping. Watch the validation loss after every epoch and stop when it
  has not improved for `patience` epochs in a row. The number of training steps
  itself becomes a regularizer: you keep the model from the point where it
  generalised best, before it specialised on the training set.

Conventions used by the grader:
    params  a list of (W, b) pairs, one per layer, W (fan_in, fan_out), b (fan_out,)
    p       the probability to DROP a unit (not to keep it), 0 <= p < 1
"""

import numpy as np


def l2_penalty(params, lam):
    """The L2 (weight decay) penalty of a network's weights.

    Computes  0.5 · lam · Σ_layers Σ_ij W[i, j]²  over the weight matrices W of
    the (W, b) pairs in `params`. The biases are NOT penalised.

    The factor 0.5 is there so that the gradient comes out clean: the
    derivative of 0.5·lam·W² is lam·W (see `l2_grads`).

    Args:
        params: list of (W, b) pairs; W is a 2-D array, b a 1-D array.
        lam: the regularization strength λ >= 0 (a float).

    Returns:
        A scalar (a Python float or a numpy scalar).

    Example:
        >>> W = np.ones((2, 3)); b = np.ones(3)
        >>> l2_penalty([(W, b)], lam=0.1)   # 0.5 * 0.1 * 6, up to rounding
        0.30000000000000004
    """
    raise NotImplementedError("regularization.l2_penalty")


def l2_grads(params, lam):
    """Gradients of `l2_penalty` with respect to every parameter.

    For each (W, b) pair the result holds (lam · W, zeros shaped like b): the
    penalty pulls each weight towards zero in proportion to its size, and it
    does not depend on the bias at all, so the bias gradient is zero.

    In training you add these to the gradients of the data loss before the
    optimiser step.

    Args:
        params: list of (W, b) pairs.
        lam: the regularization strength.

    Returns:
        A list (same length and order as `params`) of (dW, db) pairs with
        dW.shape == W.shape and db.shape == b.shape.

    Example:
        >>> W = np.array([[1.0, -2.0]]); b = np.array([5.0, 5.0])
        >>> l2_grads([(W, b)], lam=0.5)
        [(array([[ 0.5, -1. ]]), array([0., 0.]))]
    """
    raise NotImplementedError("regularization.l2_grads")


def dropout_forward(x, p, train=True, seed=None):
    """Inverted dropout.

    p is the probability to DROP each entry, 0 <= p < 1.

    Training mode (train=True): draw an independent random mask with the same
    shape as x. Each entry of the mask is
        0          with probability p        (the unit is dropped)
        1 / (1-p)  with probability 1 - p    (the unit is kept and scaled up)
    and out = x · mask. Because E[mask] = (1-p) · 1/(1-p) = 1, every activation
    keeps its expected value, so the next layer sees inputs of the same scale in
    training and at test time.

    Evaluation mode (train=False): dropout does nothing: out equals x and the
    mask is all ones. No rescaling is needed here, which is the whole point of
    the "inverted" variant.

    p outside [0, 1) raises ValueError in BOTH modes (p = 1 would drop every
    unit and divide by zero; a negative p makes no sense). Check p before
    anything else.

    Randomness: use `np.random.default_rng(seed)`; the same seed must give the
    same mask, seed=None means a fresh random mask.

    Args:
        x: array of any shape.
        p: drop probability in [0, 1).
        train: True for training, False for evaluation.
        seed: None or an int.

    Returns:
        (out, mask): two arrays of x's shape; mask is a float array.

    Do not modify x.

    Example:
        With p = 0.5 every mask entry is 0 or 2; about half of them are 0.
        >>> out, mask = dropout_forward(np.ones(4), 0.5, seed=0)
        >>> sorted(set(mask))          # e.g.
        [0.0, 2.0]
    """
    raise NotImplementedError("regularization.dropout_forward")


def dropout_backward(dout, mask):
    """Backward pass of dropout.

    The forward pass was out = x · mask (element-wise), so ∂out/∂x = mask: a
    dropped unit passes no gradient back, and a kept one passes it back scaled by
    the same 1/(1-p).

    Args:
        dout: upstream gradient, same shape as the mask.
        mask: the mask returned by `dropout_forward`.

    Returns:
        dx = dout · mask, same shape as dout.

    Example:
        >>> dropout_backward(np.array([1.0, 1.0]), np.array([0.0, 2.0]))
        array([0., 2.])
    """
    raise NotImplementedError("regularization.dropout_backward")


def should_stop(val_losses, patience):
    """Early stopping: has the validation loss stopped improving?

    val_losses is the history of validation losses, one per epoch, oldest first.
    Split it into the last `patience` losses and everything before them.

    * While there are no more than `patience` losses, there is nothing to
      compare with yet: return False.
    * Otherwise let best = the minimum of the losses BEFORE the last `patience`
      ones. Return True when none of the last `patience` losses is strictly
      lower than best (a tie does not count as an improvement), else False.

    patience < 1 raises ValueError.

    Args:
        val_losses: a list (or 1-D array) of floats.
        patience: how many epochs without improvement we tolerate, an int >= 1.

    Returns:
        A bool.

    Examples (patience = 2):
        [1.0, 0.9]              -> False   (only 2 losses)
        [1.0, 0.9, 0.95, 0.92]  -> True    (best before = 0.9; 0.95, 0.92 do not beat it)
        [1.0, 0.9, 0.95, 0.85]  -> False   (0.85 < 0.9)
        [1.0, 0.9, 0.9, 0.9]    -> True    (ties are not improvements)
    """
    raise NotImplementedError("regularization.should_stop")
