"""Chapter 6 — gradient descent and its descendants.

Backpropagation (chapters 4 and 5) tells you, for every weight, the slope of the
loss: the gradient g = ∂L/∂p. The gradient points uphill, in the direction where
the loss grows fastest. Training is the repetition of one small move in the
opposite direction. That is all an optimizer does; the variants below differ only
in how they turn the gradient into a step.

Gradient descent and the learning rate
    p ← p - lr·g. The learning rate lr sets the step length. The gradient is only
    a local, first-order picture of the loss surface: a step that is too long
    jumps over the valley and can make the loss explode; a step that is too short
    crawls and wastes compute. Typical values range from 1e-4 to 1e-1, and finding
    a good one is usually the first thing to tune.

Momentum: a heavy ball
    Plain gradient descent zig-zags across narrow valleys and slows to a crawl on
    flat stretches. Momentum keeps a running velocity, a decaying sum of past
    gradients: v ← β·v + g, then p ← p - lr·v. Like a heavy ball rolling down a
    slope, it builds up speed along directions where the gradients agree and the
    back-and-forth components cancel out. With β = 0.9 a steady gradient ends up
    moving p about ten times faster than plain SGD would.

Adam: a step size for every parameter
    Some weights get large gradients, others tiny ones; one learning rate suits
    neither. Adam keeps two running averages per parameter: m, of the gradient
    (a momentum), and v, of the squared gradient (its typical magnitude). The step
    m/√v is then roughly lr in size whatever the scale of that parameter's
    gradients. Because m and v start at zero, in the first steps they are biased
    towards zero (after one step m is only (1-β1)·g, a tenth of g). Dividing by
    1 - β1^t and 1 - β2^t, where t counts steps from 1, removes that bias; the
    correction fades away as t grows.

Minibatches
    The loss is a mean over the whole training set, but the gradient of a random
    subset (a minibatch of, say, 32 to 256 examples) is an unbiased and much
    cheaper estimate of it. Many small noisy steps make faster progress than a few
    exact ones, the noise even helps to escape poor regions, and a batch is exactly
    the size of work a GPU (or numpy's vectorised matrix product) processes in
    parallel. Each epoch visits every example once, in a fresh random order.

Conventions of this module
    params, grads, velocities, m and v are lists of numpy arrays with matching
    shapes (one entry per weight matrix or bias vector). Each function RETURNS new
    arrays and leaves its inputs untouched: write `p - lr * g`, never `p -= ...`.
    float32 arrays must work too (keep the arithmetic in numpy).
"""

import numpy as np


def sgd_step(params, grads, lr):
    """One step of plain gradient descent.

    new_p = p - lr·g for each (p, g) pair of the two lists.

    params, grads: lists of arrays, matching shapes. lr: a positive float.
    Returns a list of new arrays, in the same order and with the same shapes.

    >>> sgd_step([np.array([1.0, 2.0])], [np.array([0.5, -1.0])], lr=0.1)
    [array([0.95, 2.1 ])]
    """
    raise NotImplementedError("optimizers.sgd_step")


def momentum_step(params, grads, velocities, lr, beta=0.9):
    """One step of SGD with (heavy-ball) momentum, as torch.optim.SGD does it.

        v' = beta·v + g
        p' = p - lr·v'

    Trap: no dampening. Some texts write v' = beta·v + (1-beta)·g; torch (and this
    course) does not scale g. Velocities start as zeros, so the first step equals
    a plain SGD step.

    params, grads, velocities: lists of arrays with matching shapes.
    Returns (new_params, new_velocities), two lists of new arrays.

    >>> p, v = momentum_step([np.array([1.0])], [np.array([2.0])], [np.array([1.0])], lr=0.1)
    >>> v, p          # v' = 0.9·1 + 2 = 2.9, p' = 1 - 0.1·2.9 = 0.71
    ([array([2.9])], [array([0.71])])
    """
    raise NotImplementedError("optimizers.momentum_step")


def adam_step(params, grads, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, matching torch.optim.Adam.

        m' = β1·m + (1-β1)·g                  running mean of the gradient
        v' = β2·v + (1-β2)·g²                 running mean of its square
        m̂ = m' / (1 - β1^t)                   bias corrections
        v̂ = v' / (1 - β2^t)
        p' = p - lr·m̂ / (√v̂ + eps)

    t is the number of THIS step, counting from 1 (the first call gets t=1, the
    bias corrections would divide by zero at t=0). Do not subtract 1 from it.
    eps sits outside the square root, added to √v̂.

    params, grads, m, v: lists of arrays with matching shapes (m and v start as
    zeros). Returns (new_params, new_m, new_v), three lists of new arrays.

    Example: on the first step (t=1, m = v = 0), m̂ = g and v̂ = g², so every
    parameter moves by about lr·sign(g), whatever the size of g:
    >>> p, m1, v1 = adam_step([np.array([1.0])], [np.array([50.0])],
    ...                       [np.zeros(1)], [np.zeros(1)], t=1, lr=0.1)
    >>> p
    [array([0.9])]
    """
    raise NotImplementedError("optimizers.adam_step")


def minibatches(n, batch_size, seed=None):
    """Split the indices 0..n-1 into minibatches.

    Returns a list of 1-D integer arrays. Together they contain every index of
    range(n) exactly once. All batches have batch_size indices except possibly the
    last one, which holds what is left (keep it: dropping it would never train on
    those examples).

    seed None: the indices in order, [0, 1, 2, ...].
    seed an int: shuffled, and the same seed gives the same order every time
    (np.random.default_rng(seed).permutation(n) does exactly that). Note that 0
    is a valid seed too: test `seed is None`, not `not seed`.
    n = 0: an empty list. batch_size < 1: raise ValueError.

    >>> minibatches(5, 2)
    [array([0, 1]), array([2, 3]), array([4])]
    """
    raise NotImplementedError("optimizers.minibatches")
