"""Misconceptions of chapter 4 (backprop), as wrong versions of solutions/backprop.py.

Each function replaces the reference function named in its decorator; its body may use `np` and
the reference module's own names only (it is executed inside a copy of that module, so the
reference's mlp_loss_and_grads uses a wrong dense_backward or relu_backward too).
"""

import numpy as np

from grader.engine.diagnosis import misconception
from solutions.backprop import _cross_entropy_and_grad, dense_backward, relu_backward

# -- dense_backward ----------------------------------------------------------------------------


@misconception(
    "dense_backward",
    """Your db averages dout over the batch instead of summing it: b is added to every one of the
    N rows, so each row's gradient reaches b and they add up — db = dout.sum(axis=0). (The 1/N of
    a mean loss is already inside dout.)""",
)
def db_mean_not_sum(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.mean(axis=0)


@misconception(
    "dense_backward",
    """Your db sums dout over its second axis (the outputs) instead of the first (the batch): b has
    one entry per output, so db sums over the N rows, axis 0, and has b's shape (M,).""",
)
def db_summed_over_outputs(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.sum(axis=1)


@misconception(
    "dense_backward",
    """Your db is dout itself, one row per example: b is shared by all N rows, so its gradient is
    the sum of their contributions, dout.sum(axis=0), with b's shape (M,).""",
)
def db_not_summed(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.copy()


@misconception(
    "dense_backward",
    """Your dW is dout.T @ X, the transpose of the gradient: a gradient has the shape of what it
    differentiates, W's (D, M), and the shapes say the order — X.T (D, N) @ dout (N, M).""",
)
def dw_transposed(dout, X, W):
    return dout @ W.T, dout.T @ X, dout.sum(axis=0)


# -- relu_backward ------------------------------------------------------------------------------


@misconception(
    "relu_backward",
    """Your relu_backward masks with dout > 0, but whether the gradient passes depends on the
    forward input: relu let x through where x > 0, so the mask is x > 0, whatever the sign of
    dout.""",
)
def relu_mask_from_dout(dout, x):
    return np.where(dout > 0, dout, 0.0)


@misconception(
    "relu_backward",
    """Your ReLU backward step (relu_backward, or the mask in mlp_loss_and_grads' backward pass) lets
    the gradient through where x == 0 too (x >= 0): the course, like torch, takes relu's slope at
    exactly 0 to be 0, so only x > 0 passes.""",
)
def relu_backward_one_at_zero(dout, x):
    return np.where(x >= 0, dout, 0.0)


@misconception(
    "relu_backward",
    """Your relu_backward returns relu's local derivative (the 0/1 mask) without multiplying by
    dout: the chain rule passes on dout × the local derivative, dout where x > 0.""",
)
def relu_backward_returns_mask(dout, x):
    return (x > 0).astype(np.float64)


def _zeroed_dout_in_place(call, expected):
    after = call.reply.args[0]
    return not np.array_equal(after, call.args[0]) and np.allclose(after, expected)


@misconception(
    "relu_backward",
    """Your relu_backward zeroes dout in place (dout[x <= 0] = 0) and returns it: that array belongs
    to the caller, and in a network the layer above may still need it. Build the result as a new
    array, e.g. np.where(x > 0, dout, 0.0) or dout * (x > 0).""",
    detect=_zeroed_dout_in_place,
)
def relu_backward_in_place(dout, x):
    dout[x <= 0] = 0.0
    return dout


# -- numerical_gradient -------------------------------------------------------------------------


@misconception(
    "numerical_gradient",
    """Your numerical_gradient uses a one-sided difference (f(x + h) - f(x)) / h, whose error is
    about h times the curvature; the central difference (f(x + h) - f(x - h)) / (2h) cancels that
    term and is accurate to about h², which gradient checks need.""",
)
def one_sided_difference(f, x, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    base = float(f(xc))
    for i in np.ndindex(xc.shape):
        old = xc[i]
        xc[i] = old + h
        grad[i] = (float(f(xc)) - base) / h
        xc[i] = old
    return grad


@misconception(
    "numerical_gradient",
    """Your numerical_gradient divides f(x + h) - f(x - h) by h instead of 2h: the two points are 2h
    apart, so the slope between them is their difference over 2h.""",
)
def central_difference_over_h(f, x, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    for i in np.ndindex(xc.shape):
        old = xc[i]
        xc[i] = old + h
        up = float(f(xc))
        xc[i] = old - h
        grad[i] = (up - float(f(xc))) / h
        xc[i] = old
    return grad


@misconception(
    "numerical_gradient",
    """Your numerical_gradient does not put an entry back after moving it, so when it moves the next
    entry the previous ones are still off by -h: each partial derivative must be taken with every
    other entry at its original value (restore xc[i] = old after evaluating f).""",
)
def entry_not_restored(f, x, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    for i in np.ndindex(xc.shape):
        xc[i] += h
        up = float(f(xc))
        xc[i] -= 2 * h
        grad[i] = (up - float(f(xc))) / (2 * h)
    return grad


@misconception(
    "numerical_gradient",
    """Your numerical_gradient moves the entries of x itself and never puts them back, so the caller's
    x comes back changed, and later partial derivatives are taken at shifted points. Work on a
    float64 copy (np.array(x, dtype=float)), or restore each entry to its old value.""",
)
def x_moved_in_place_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = float(f(x))
        x[i] -= 2 * h
        grad[i] = (up - float(f(x))) / (2 * h)
    return grad


@misconception(
    "numerical_gradient",
    """Your numerical_gradient puts each entry back by arithmetic (+h, -2h, +h), which in floating point
    does not always give exactly the old number, so x comes back changed in its last digits: save
    the old value and assign it back.""",
)
def x_restored_by_arithmetic(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = float(f(x))
        x[i] -= 2 * h
        down = float(f(x))
        x[i] += h
        grad[i] = (up - down) / (2 * h)
    return grad


@misconception(
    "numerical_gradient",
    """Your numerical_gradient ignores the h it is given and always steps by 1e-5: h is a parameter
    so that the caller can choose the step (1e-5 is only its default).""",
)
def step_h_ignored(f, x, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    for i in np.ndindex(xc.shape):
        old = xc[i]
        xc[i] = old + 1e-5
        up = float(f(xc))
        xc[i] = old - 1e-5
        grad[i] = (up - float(f(xc))) / 2e-5
        xc[i] = old
    return grad


@misconception(
    "numerical_gradient",
    """Your numerical_gradient loops over range(len(x)), so for a 2-D x each step moves a whole row at
    once and gets the slope of f along that row: loop over every entry instead
    (np.ndindex(x.shape), or x.flat with x.size).""",
)
def rows_not_entries(f, x, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    for i in range(len(xc)):
        old = xc[i].copy()
        xc[i] = old + h
        up = float(f(xc))
        xc[i] = old - h
        grad[i] = (up - float(f(xc))) / (2 * h)
        xc[i] = old
    return grad


# -- mlp_loss_and_grads --------------------------------------------------------------------------


@misconception(
    "mlp_loss_and_grads",
    """Your backward pass skips the ReLU between layers: the gradient reaching a hidden layer's
    pre-activation is da × relu'(z), zero where z <= 0 (relu_backward(da, z)), since those units
    did not pass anything on in the forward pass.""",
)
def mlp_without_relu_backward(X, y, params):
    inputs, pre_acts = [], []
    a = X
    for k, (W, b) in enumerate(params):
        inputs.append(a)
        z = a @ W + b
        pre_acts.append(z)
        a = np.maximum(z, 0) if k < len(params) - 1 else z
    loss, dz = _cross_entropy_and_grad(a, y)
    grads = [None] * len(params)
    for k in reversed(range(len(params))):
        dz, dW, db = dense_backward(dz, inputs[k], params[k][0])
        grads[k] = (dW, db)
    return loss, grads


@misconception(
    "mlp_loss_and_grads",
    """Your network applies a ReLU after the last layer too: the last layer's raw scores (logits) go
    straight into the cross-entropy, which needs negative scores as much as positive ones.""",
)
def mlp_relu_on_logits(X, y, params):
    inputs, pre_acts = [], []
    a = X
    for W, b in params:
        inputs.append(a)
        z = a @ W + b
        pre_acts.append(z)
        a = np.maximum(z, 0)
    loss, da = _cross_entropy_and_grad(a, y)
    grads = [None] * len(params)
    for k in reversed(range(len(params))):
        dz = relu_backward(da, pre_acts[k])
        da, dW, db = dense_backward(dz, inputs[k], params[k][0])
        grads[k] = (dW, db)
    return loss, grads


@misconception(
    "mlp_loss_and_grads",
    """Your loss adds the cross-entropies of the N examples instead of averaging them, and its gradient
    lacks the 1/N: the contract's loss is the mean over the batch, so that it does not grow with the
    batch size.""",
)
def mlp_loss_summed(X, y, params):
    inputs, pre_acts = [], []
    a = X
    for k, (W, b) in enumerate(params):
        inputs.append(a)
        z = a @ W + b
        pre_acts.append(z)
        a = np.maximum(z, 0) if k < len(params) - 1 else z
    loss, dz = _cross_entropy_and_grad(a, y)
    n = a.shape[0]
    loss, dz = loss * n, dz * n
    grads = [None] * len(params)
    for k in reversed(range(len(params))):
        da, dW, db = dense_backward(dz, inputs[k], params[k][0])
        grads[k] = (dW, db)
        if k > 0:
            dz = relu_backward(da, pre_acts[k - 1])
    return loss, grads


@misconception(
    "mlp_loss_and_grads",
    """Your gradient of the mean cross-entropy is softmax - one_hot without the division by N: the
    loss averages over the N rows, so its gradient with respect to the logits is
    (softmax - one_hot) / N (your loss itself is right).""",
)
def mlp_logit_grad_not_divided_by_n(X, y, params):
    inputs, pre_acts = [], []
    a = X
    for k, (W, b) in enumerate(params):
        inputs.append(a)
        z = a @ W + b
        pre_acts.append(z)
        a = np.maximum(z, 0) if k < len(params) - 1 else z
    loss, dz = _cross_entropy_and_grad(a, y)
    dz = dz * a.shape[0]
    grads = [None] * len(params)
    for k in reversed(range(len(params))):
        da, dW, db = dense_backward(dz, inputs[k], params[k][0])
        grads[k] = (dW, db)
        if k > 0:
            dz = relu_backward(da, pre_acts[k - 1])
    return loss, grads


@misconception(
    "mlp_loss_and_grads",
    """Your grads list is in the order the backward pass visits the layers, last layer first: grads[k]
    must be the (dW, db) of params[k], so reverse the list at the end (or fill grads[k] by index).""",
)
def mlp_grads_in_backward_order(X, y, params):
    inputs, pre_acts = [], []
    a = X
    for k, (W, b) in enumerate(params):
        inputs.append(a)
        z = a @ W + b
        pre_acts.append(z)
        a = np.maximum(z, 0) if k < len(params) - 1 else z
    loss, dz = _cross_entropy_and_grad(a, y)
    grads = []
    for k in reversed(range(len(params))):
        da, dW, db = dense_backward(dz, inputs[k], params[k][0])
        grads.append((dW, db))
        if k > 0:
            dz = relu_backward(da, pre_acts[k - 1])
    return loss, grads


@misconception(
    "_cross_entropy_and_grad",
    """Your softmax inside mlp_loss_and_grads takes exp of the raw logits, which overflows once a logit
    passes about 709. Subtract each row's maximum first: softmax does not change when every logit of a
    row moves by the same amount, and then exp only ever sees numbers <= 0.""",
)
def mlp_softmax_without_max_shift(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z)
    probs = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(z.shape[0])
    labels = np.asarray(labels).astype(np.intp)
    loss = float(-np.mean(np.log(probs[rows, labels])))
    probs[rows, labels] -= 1.0
    return loss, probs / z.shape[0]
