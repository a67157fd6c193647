"""Chapter 9 — initialization, normalization, shortcuts.

Deep networks were long considered untrainable, and the reason is arithmetic.
Backpropagation multiplies the gradient by one layer's Jacobian after another.
If each factor tends to shrink the signal a little (a saturated sigmoid's slope
is at most 0.25), twenty layers shrink it to nearly nothing: the early layers
receive vanishing gradients and stop learning. If each factor tends to grow it,
the gradient explodes and training diverges. The same happens to the
activations on the way forward. Three ideas made depth work again:

* Careful initialization. The scale of the random initial weights decides
  whether the variance of the signal grows or shrinks from layer to layer. A
  unit sums fan_in products w·x, so its variance is about fan_in·Var(w)·Var(x).
  To keep it steady, Var(w) must be about 1/fan_in.
    - Xavier (Glorot) initialization, Var(w) = 2/(fan_in + fan_out), balances
      the forward and the backward pass, and suits tanh and sigmoid, which are
      roughly linear and symmetric around 0.
    - He initialization, Var(w) = 2/fan_in, doubles that because ReLU zeroes
      about half of its inputs and so halves the variance; it suits ReLU.
  Too small a scale and the signal dies out; too large and it explodes or
  saturates the activations.

* Batch normalization. Normalise each feature over the mini-batch to mean 0
  and variance 1, then let the network rescale and shift it with learned
  parameters gamma and beta. Every layer then sees inputs of a steady scale,
  which allows larger learning rates and makes training less sensitive to the
  initialization. It has two modes:
    - training: use the current batch's mean and variance, and update running
      averages of them;
    - evaluation: use the running averages, so a prediction does not depend on
      which other examples happen to share its batch (and works for a single
      example).

* Residual (skip) connections. A block computes x + F(x) instead of F(x). The
  derivative of the identity path is exactly 1, so the gradient reaches early
  layers through the shortcut even when F's own Jacobian is tiny, and a block
  that has nothing useful to add can just learn F ≈ 0. This is what let
  ResNets train with a hundred layers and more.

Shapes: a weight matrix is (fan_in, fan_out) and is used as x @ W; batches are
(N, D) with one row per example.
"""

import numpy as np


def xavier_init(fan_in, fan_out, seed=None):
    """Xavier (Glorot) normal initialization.

    Draws a weight matrix from a normal distribution with mean 0 and
        std = sqrt(2 / (fan_in + fan_out)).
    Good for layers followed by tanh or sigmoid.

    Use `np.random.default_rng(seed)`: the same seed gives the same matrix,
    seed=None a fresh one. Note that it is a NORMAL distribution (not uniform),
    and std is the standard deviation (numpy's `scale`), not the variance.

    Args:
        fan_in: number of inputs of the layer (rows of W).
        fan_out: number of outputs of the layer (columns of W).
        seed: None or an int.

    Returns:
        Array of shape (fan_in, fan_out).

    Example:
        >>> W = xavier_init(300, 500, seed=0)
        >>> W.shape
        (300, 500)
        >>> W.std()          # close to sqrt(2/800) = 0.05 on a draw this large
    """
    raise NotImplementedError("deep_training.xavier_init")


def he_init(fan_in, fan_out, seed=None):
    """He (Kaiming) normal initialization.

    Draws from a normal distribution with mean 0 and std = sqrt(2 / fan_in).
    The factor 2 compensates for ReLU discarding the negative half of its
    inputs, so the activations keep their variance from layer to layer.

    Args:
        fan_in: number of inputs of the layer (rows of W).
        fan_out: number of outputs of the layer (columns of W).
        seed: None or an int (same seed -> same matrix).

    Returns:
        Array of shape (fan_in, fan_out).

    Example:
        >>> W = he_init(200, 50, seed=0)
        >>> W.shape
        (200, 50)
        >>> W.std()          # close to sqrt(2/200) = 0.1
    """
    raise NotImplementedError("deep_training.he_init")


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.9, eps=1e-5):
    """Batch normalization forward pass, over the batch axis (axis 0).

    Training mode (train=True):
        mu    = mean of x over axis 0                     shape (D,)
        var   = biased variance over axis 0 (divide by N, i.e. x.var(axis=0))
        x_hat = (x - mu) / sqrt(var + eps)
        out   = gamma · x_hat + beta
        new_running_mean = momentum · running_mean + (1 - momentum) · mu
        new_running_var  = momentum · running_var  + (1 - momentum) · var

    Evaluation mode (train=False): normalise with the RUNNING statistics instead
    of the batch's,
        out = gamma · (x - running_mean) / sqrt(running_var + eps) + beta,
    and return the running statistics unchanged.

    Convention traps:
      * Here momentum is the weight of the OLD running value (0.9 keeps 90 % of
        it). torch's BatchNorm uses `momentum` for the weight of the NEW value,
        the opposite; follow the formula above.
      * The running variance uses the same biased batch variance (torch stores
        an unbiased one).
      * Do not update the arrays you were given in place: return new ones.
      * eps is inside the square root.

    Args:
        x: (N, D) batch.
        gamma, beta: (D,) learned scale and shift.
        running_mean, running_var: (D,) running statistics.
        train: True for training mode, False for evaluation mode.
        momentum: weight of the old running statistics.
        eps: small constant for numerical safety.

    Returns:
        (out, new_running_mean, new_running_var) with shapes (N, D), (D,), (D,).

    Example:
        >>> x = np.array([[1.0], [3.0]])
        >>> out, m, v = batchnorm_forward(x, np.ones(1), np.zeros(1), np.zeros(1), np.ones(1))
        >>> out.ravel().round(3), m, v        # batch mean 2, variance 1
        (array([-1.,  1.]), array([0.2]), array([1.]))
    """
    raise NotImplementedError("deep_training.batchnorm_forward")


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    """Gradients of the training-mode batch norm forward pass at x.

    Recompute what the forward pass used: mu, var (biased), x_hat, and
    inv_std = 1 / sqrt(var + eps). Then, with means over the batch axis:
        dbeta  = Σ_n dout                       shape (D,)
        dgamma = Σ_n dout · x_hat               shape (D,)
        g      = dout · gamma                   (the gradient reaching x_hat)
        dx     = inv_std · (g - mean(g) - x_hat · mean(g · x_hat))

    Why the two extra terms? In training mode mu and var are computed from the
    whole batch, so moving one example moves the mean and the variance too, and
    through them every other output. The terms subtract exactly that effect;
    forgetting them (dx = g · inv_std) is the classic mistake. Check your
    result against central differences if in doubt.

    Args:
        dout: (N, D) upstream gradient.
        x: (N, D) the forward input.
        gamma: (D,) scale.
        eps: as in the forward pass.

    Returns:
        (dx, dgamma, dbeta) with shapes (N, D), (D,), (D,).
    """
    raise NotImplementedError("deep_training.batchnorm_backward")


def residual_forward(x, W1, b1, W2, b2):
    """A residual block: out = x + relu(x @ W1 + b1) @ W2 + b2.

    The branch F(x) = relu(x @ W1 + b1) @ W2 + b2 maps D features to H hidden
    units and back to D, so that it can be added to x. The shortcut "x +" gives
    the gradient a path with derivative 1 straight back to the input.

    Args:
        x: (N, D); W1: (D, H); b1: (H,); W2: (H, D); b2: (D,).

    Returns:
        (N, D) array.

    Example:
        With all weights zero the block is the identity: out == x.
    """
    raise NotImplementedError("deep_training.residual_forward")
