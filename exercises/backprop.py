"""Chapter 4 — backpropagation: the chain rule, layer by layer.

To train a network we need, for every weight, the answer to one question: if this weight
grew a little, how much would the loss change? That number is the partial derivative of
the loss with respect to the weight, and all of them together are the gradient.
Backpropagation computes the whole gradient in one backward sweep, for roughly the cost of
one more forward pass.

The idea is the chain rule. A network is a chain of simple steps,

    X → dense → relu → dense → ... → dense → logits → loss

and if out = g(a), then dL/da = dL/dout · dout/da. So we walk the chain backwards: each step
receives "dout", the gradient of the loss with respect to its OUTPUT, and hands back the
gradient with respect to its INPUT (and to its own parameters, if it has any). No step needs
to know anything about the rest of the network. The walk starts at the loss, whose gradient
with respect to the logits you wrote in chapter 3: (softmax - onehot) / N.

Shapes are the best guide. A gradient always has the shape of the thing it is the gradient
of: dW is shaped like W, db like b, dX like X. For a dense layer out = X @ W + b with
X (N, D), W (D, M), b (M,), out (N, M), there is only one way to combine dout (N, M) with
X and W to get those shapes:

    dX = dout @ W.T      (N, M) @ (M, D) → (N, D)
    dW = X.T @ dout      (D, N) @ (N, M) → (D, M)
    db = Σ over rows of dout             → (M,)

db is a sum because the same b was added to every one of the N rows: each row contributes.

How do you know your gradients are right? Compare them with a numerical estimate:
nudge one input by ±h, re-evaluate the loss, and take the slope. That is slow (two forward
passes per number) but simple enough to trust, so it is the standard way to test backward
code — the gradient check. Analytic and numerical gradients should agree to about 1e-7
relative error; a bug usually shows up as a disagreement of order 1.

Conventions: never modify the input arrays; return new arrays.
Write the forward pieces you need (cross-entropy, its gradient, the MLP's forward pass) in
this file too: your solution is graded as this one file on its own.
"""

import numpy as np


def dense_backward(dout, X, W):
    """Backward pass of a dense layer out = X @ W + b.

    dout: (N, M), the gradient of the loss with respect to out.
    X: (N, D), the layer's input in the forward pass; W: (D, M), its weights.
    Returns the tuple (dX, dW, db) with shapes (N, D), (D, M) and (M,):

        dX = dout @ W.T        how the loss changes with the input (passed to the layer below)
        dW = X.T @ dout        each weight W[d, m] touched X[:, d] and out[:, m]
        db = dout.sum(axis=0)  b was broadcast to every row, so the rows' gradients add up

    b itself is not needed: it does not appear in any of the three formulas.
    Trap: with square matrices a wrong transpose can hide; check the shapes with D ≠ M ≠ N.

    >>> dX, dW, db = dense_backward(np.ones((2, 1)), np.array([[1.0], [2.0]]), np.array([[3.0]]))
    >>> dX, dW, db
    (array([[3.], [3.]]), array([[3.]]), array([2.]))
    """
    raise NotImplementedError("backprop.dense_backward")


def relu_backward(dout, x):
    """Backward pass of out = relu(x) = max(0, x), element-wise.

    dout and x have the same shape. The ReLU's slope is 1 where x > 0 and 0 elsewhere
    (0 exactly at x == 0, by this course's convention), so the gradient flows through
    unchanged where the unit was active and is blocked where it was not:

        dx = dout where x > 0, else 0

    Note that the mask comes from the forward INPUT x, not from dout.

    >>> relu_backward(np.array([5.0, 5.0, 5.0]), np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 5.])
    """
    raise NotImplementedError("backprop.relu_backward")


def numerical_gradient(f, x, h=1e-5):
    """Estimate the gradient of a scalar function f at the array x by central differences.

    f: a callable taking an array shaped like x and returning a number.
    x: an array of any shape. Returns an array shaped like x whose entry i is

        (f(x + h·e_i) - f(x - h·e_i)) / (2h)

    where e_i is 1 at position i and 0 elsewhere. The central difference is much more
    accurate than the one-sided (f(x + h·e_i) - f(x)) / h: its error shrinks like h²
    instead of h, so with h = 1e-5 it is typically ~1e-10 rather than ~1e-5.

    Recipe: make a float64 copy of x (float32 cannot represent a step of 1e-5 well);
    for every index i (np.ndindex(x.shape) walks them all, for any number of dimensions)
    set the entry to old + h, evaluate f, set it to old - h, evaluate f, and PUT THE OLD
    VALUE BACK before moving on. The caller's x must be exactly unchanged afterwards.

    >>> numerical_gradient(lambda a: np.sum(a ** 2), np.array([1.0, -2.0]))   # 2x
    array([ 2., -4.])          (up to ~1e-10)
    """
    raise NotImplementedError("backprop.numerical_gradient")


def mlp_loss_and_grads(X, y, params):
    """Loss and gradients of a whole MLP classifier: forward pass, then backward pass.

    X: (N, D) inputs; y: (N,) integer labels in [0, C);
    params: list of (W, b) pairs, layer k having W (D_k, D_{k+1}) and b (D_{k+1},).
    The network is chapter 1's mlp_forward: dense → relu → dense → relu → ... → dense,
    ReLU after every layer but the last, whose raw outputs are the logits (N, C).

        loss  = cross_entropy(logits, y)        (the mean over the batch, chapter 3)
        grads = [(dW_1, db_1), (dW_2, db_2), ...]   same order and shapes as params

    Returns the tuple (loss, grads), loss a float.

    Forward: remember every layer's input and its pre-activation (before the ReLU).
    Backward: start with dz = (softmax(logits) - onehot(y)) / N, then for each layer from
    the last to the first: dense_backward gives (d_input, dW, db); store (dW, db); if there
    is a layer below, pass d_input through relu_backward using THAT layer's pre-activation.

    Shapes for params of sizes [4, 5, 3] and N = 2: X (2, 4); layer 1 pre-activation (2, 5);
    logits (2, 3); grads = [((4, 5), (5,)), ((5, 3), (3,))].
    Check it against numerical_gradient on a tiny network: they should agree to ~1e-7.
    """
    raise NotImplementedError("backprop.mlp_loss_and_grads")
