"""Chapter 5 — a scalar autograd engine.

In chapter 4 you derived every gradient by hand, layer by layer. Real frameworks
(PyTorch, JAX, TensorFlow) never ask you to do that: they record what you compute
and derive the gradients for you. Here you build the smallest possible version of
that machinery, for single numbers. Once it works, a whole neural network is
"just" a big expression made of these numbers.

The computation graph
    Every arithmetic step creates a new node that remembers which nodes it was made
    from (its children) and which operation produced it. For

        a = Value(2.0); b = Value(-3.0)
        c = a * b          # c remembers (a, b) and "*"
        d = c + a          # d remembers (c, a) and "+"

    the nodes form a directed acyclic graph whose leaves are a and b and whose
    output is d. Building this graph is the "forward pass".

Local derivatives
    Each operation only needs to know its own derivative with respect to its
    inputs, evaluated at the numbers it saw in the forward pass:

        out = x + y      ∂out/∂x = 1            ∂out/∂y = 1
        out = x * y      ∂out/∂x = y            ∂out/∂y = x
        out = x ** k     ∂out/∂x = k·x^(k-1)    (k a plain number)
        out = x / y      ∂out/∂x = 1/y          ∂out/∂y = -x/y²
        out = tanh(x)    ∂out/∂x = 1 - out²
        out = exp(x)     ∂out/∂x = out
        out = log(x)     ∂out/∂x = 1/x
        out = relu(x)    ∂out/∂x = 1 if x > 0 else 0

The chain rule, backwards
    Let L be the final output (in a network: the loss). Every node n carries
    n.grad = ∂L/∂n. The output's own gradient is ∂L/∂L = 1. If node `out` was
    computed from child x, then x influences L through `out`, and the chain rule
    says that path contributes

        ∂L/∂x  +=  (∂out/∂x) · ∂L/∂out       i.e.   x.grad += local · out.grad

    So each node stores a tiny function (often called `_backward`) that, once
    out.grad is known, pushes that product into its children's grads. Running
    these functions from the output back to the leaves is reverse-mode automatic
    differentiation, a.k.a. backpropagation. One backward sweep gives the gradient
    with respect to EVERY input at once, which is why it is the method of choice
    when there are millions of weights and a single loss.

Why `+=` and never `=`
    A node can be used more than once: in d = c + a above, `a` reaches d directly
    and also through c. Each path adds its own contribution, and the total
    gradient is their sum (the multivariable chain rule). Writing `x.grad = ...`
    would keep only the last path. The simplest case is `a * a`: the gradient is
    2a, made of two contributions of a each.

Why topological order
    A node may only push its gradient to its children after it has received ALL
    contributions from its own parents, otherwise it forwards an incomplete
    number. Sorting the graph topologically (every node placed after all the nodes
    it was computed from) and then visiting that list in reverse guarantees this.
    A depth-first search produces such an order: a node is appended after all its
    children have been appended. Deep graphs (hundreds of nodes in a row) can
    exceed Python's recursion limit with a recursive search, so write it with an
    explicit stack (a list), or otherwise make sure a 500-node chain works.

Numbers on the left
    `v * 2` calls v.__mul__(2), but `2 * v` first tries int.__mul__(2, v), which
    does not know Value, and then falls back to v.__rmul__(2). Same for `+`, `-`
    and `/`: __radd__, __rsub__ (2 - v, note the order!) and __rtruediv__ (3 / v).

What you implement
    class Value with `Value(data)`, attributes `data` (a number) and `grad` (0.0
    until backward is called); the operators + - * / ** (exponent an int or a
    float, not a Value), unary -, the reflected forms, relu(), tanh(), exp(),
    log(), and backward(). Called once on a fresh graph, backward() must give the
    same gradients as torch.autograd on the same expression, for graphs up to 500
    nodes deep.

    >>> a = Value(2.0); b = Value(-3.0)
    >>> d = a * b + a          # d = -4
    >>> d.backward()
    >>> a.grad, b.grad         # ∂d/∂a = b + 1 = -2, ∂d/∂b = a = 2
    (-2.0, 2.0)
"""

import math

import numpy as np


class Value:
    """A single number that remembers how it was computed.

    Suggested internal fields (private, name them as you like):
        _prev      the child Values this one was computed from (empty for a leaf)
        _op        a short string naming the operation, handy in __repr__/debugging
        _backward  a function of no arguments that adds this node's contribution
                   into its children's grads (for a leaf: does nothing)
    Every operation below returns a NEW Value and never changes its operands'
    data.
    """

    def __init__(self, data, _children=(), _op=""):
        """Store `data` (a number; converting it with float() is a good idea),
        set grad = 0.0, remember the children and the op, and give the node a
        `_backward` that does nothing (leaves have nobody to pass gradients to).

        >>> v = Value(3)
        >>> v.data, v.grad
        (3.0, 0.0)
        """
        raise NotImplementedError("autograd.Value.__init__")

    def __add__(self, other):
        """self + other, `other` a Value or a plain number (wrap numbers in a Value).

        Local derivatives: 1 for both operands, so each child's grad gets
        `+= out.grad`.

        >>> (Value(2.0) + 3).data
        5.0
        """
        raise NotImplementedError("autograd.Value.__add__")

    def __radd__(self, other):
        """other + self when `other` is a plain number (e.g. 2 + v).

        Addition commutes, so this can simply reuse __add__.

        >>> (2 + Value(1.5)).data
        3.5
        """
        raise NotImplementedError("autograd.Value.__radd__")

    def __sub__(self, other):
        """self - other. Easiest as self + (-other): no new derivative needed.

        >>> (Value(5.0) - 2).data
        3.0
        """
        raise NotImplementedError("autograd.Value.__sub__")

    def __rsub__(self, other):
        """other - self when `other` is a plain number: `1 - v` calls v.__rsub__(1).

        Trap: the result is other - self, NOT self - other. For v = 4: 1 - v is -3,
        and its derivative with respect to v is -1.

        >>> (1 - Value(4.0)).data
        -3.0
        """
        raise NotImplementedError("autograd.Value.__rsub__")

    def __mul__(self, other):
        """self * other, `other` a Value or a plain number.

        Local derivatives: ∂(x·y)/∂x = y and ∂(x·y)/∂y = x, so
        self.grad += other.data * out.grad and other.grad += self.data * out.grad.
        Note that `a * a` passes both branches to the same node: with += its grad
        correctly ends up 2a·out.grad.

        >>> (Value(2.0) * Value(-3.0)).data
        -6.0
        """
        raise NotImplementedError("autograd.Value.__mul__")

    def __rmul__(self, other):
        """other * self when `other` is a plain number (e.g. 3 * v).

        >>> (3 * Value(2.0)).data
        6.0
        """
        raise NotImplementedError("autograd.Value.__rmul__")

    def __truediv__(self, other):
        """self / other, `other` a Value or a plain number.

        Either derive it directly (∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = -x/y²) or write it
        as self * other**-1 and let __mul__ and __pow__ do the work.

        >>> (Value(3.0) / 2).data
        1.5
        """
        raise NotImplementedError("autograd.Value.__truediv__")

    def __rtruediv__(self, other):
        """other / self when `other` is a plain number: `3 / v` calls v.__rtruediv__(3).

        Trap: the result is other / self. For v = 2: 3 / v = 1.5, and its
        derivative with respect to v is -3 / v² = -0.75.

        >>> (3 / Value(2.0)).data
        1.5
        """
        raise NotImplementedError("autograd.Value.__rtruediv__")

    def __pow__(self, exponent):
        """self ** exponent, the exponent a plain int or float (not a Value).

        Power rule: ∂(x^k)/∂x = k·x^(k-1). Works for negative and fractional k too
        (tests keep fractional powers on positive bases).

        >>> (Value(3.0) ** 2).data
        9.0
        >>> (Value(4.0) ** 0.5).data
        2.0
        """
        raise NotImplementedError("autograd.Value.__pow__")

    def __neg__(self):
        """-self, e.g. as self * -1 (derivative -1).

        >>> (-Value(2.0)).data
        -2.0
        """
        raise NotImplementedError("autograd.Value.__neg__")

    def relu(self):
        """max(0, self). Derivative 1 where data > 0, else 0 (0 at exactly 0,
        as in torch).

        >>> Value(-1.0).relu().data, Value(2.0).relu().data
        (0.0, 2.0)
        """
        raise NotImplementedError("autograd.Value.relu")

    def tanh(self):
        """tanh(self). Derivative 1 - tanh(x)², which reuses the output t:
        self.grad += (1 - t*t) * out.grad. math.tanh is stable for any input;
        a home-made (e^2x - 1)/(e^2x + 1) overflows for large x.

        >>> round(Value(0.5).tanh().data, 4)
        0.4621
        """
        raise NotImplementedError("autograd.Value.tanh")

    def exp(self):
        """e ** self. Its derivative is itself: self.grad += out.data * out.grad.

        >>> round(Value(1.0).exp().data, 4)
        2.7183
        """
        raise NotImplementedError("autograd.Value.exp")

    def log(self):
        """Natural logarithm of self (data > 0). Derivative 1/x.

        >>> Value(1.0).log().data
        0.0
        """
        raise NotImplementedError("autograd.Value.log")

    def backward(self):
        """Fill in ∂self/∂n for every node n of the graph that produced self.

        1. Build a topological order of all nodes reachable from self through the
           children links, visiting each node once (keep a set of visited nodes;
           a diamond-shaped graph reaches some nodes along several paths).
           Use an explicit stack so a chain 500 nodes deep works.
        2. Set self.grad = 1.0 (∂self/∂self).
        3. Walk the order in reverse (output first) and call each node's
           `_backward`, which adds into its children's grads.

        backward() only ever adds into grads; it never sets them back to 0.
        Clearing them is the caller's job (torch's optimizer.zero_grad()), so
        gradients accumulate over calls, as in torch: for out = a * b, calling
        out.backward() twice leaves a.grad at 2·b.

        >>> x = Value(3.0)
        >>> y = x * x + x          # dy/dx = 2x + 1 = 7
        >>> y.backward()
        >>> x.grad
        7.0
        """
        raise NotImplementedError("autograd.Value.backward")

    def __repr__(self):
        """A readable description for debugging, e.g. "Value(data=2.0, grad=0.0)"."""
        raise NotImplementedError("autograd.Value.__repr__")
