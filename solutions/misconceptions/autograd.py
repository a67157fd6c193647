"""Misconceptions of chapter 5 (autograd), as wrong versions of solutions/autograd.py's Value.

Each class replaces the reference's `Value` (it subclasses it and overrides what is wrong; its body
may use `math` and the reference module's own names only, as it is executed inside a copy of that
module). The hidden tests build expressions with it through the driver, so every test sees the bug.

Backward passes that revisit shared nodes do exponential work on the 500-node-deep test graph; they
stop with a LookupError after 200,000 visits, so that replaying them in the judge stays quick
(the learner's own code, which has no such limit, times out there instead).
"""

import math

from grader.engine.diagnosis import misconception
from solutions.autograd import Value, _wrap

# -- backward(): seeding, order, visiting, accumulating over calls ------------------------------


@misconception(
    "Value",
    """Your backward() sets grads back to 0 before it starts. Gradients accumulate: backward()
    only adds into them, so that several backward() calls (several losses, or several batches)
    add up as in torch; clearing them is the caller's job, like optimizer.zero_grad().""",
)
class backward_resets_grads(Value):
    def backward(self):
        stack, seen = [self], set()
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                node.grad = 0.0
                stack.extend(node._prev)
        super().backward()


@misconception(
    "Value",
    """Your backward() never sets the output's own grad to 1 before walking the graph, so every
    _backward multiplies by out.grad = 0 and nothing flows back: ∂out/∂out = 1 is where the chain
    rule starts.""",
)
class output_grad_not_seeded(Value):
    def backward(self):
        topo, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((c, False) for c in node._prev if c not in visited)
        for node in reversed(topo):
            node._backward()


@misconception(
    "Value",
    """Your backward() walks the topological order from the leaves to the output instead of from the
    output back to the leaves, so each _backward runs before its node has received its gradient:
    reverse the list (output first).""",
)
class topological_order_not_reversed(Value):
    def backward(self):
        topo, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((c, False) for c in node._prev if c not in visited)
        self.grad = 1.0
        for node in topo:
            node._backward()


@misconception(
    "Value",
    """Your backward() visits the graph breadth-first from the output. A node reached along a short
    and a long path is then processed before the long path has delivered its share, and passes on
    an incomplete gradient: only a topological order (every node after all the nodes that use it)
    guarantees each grad is complete when it is passed on.""",
)
class backward_breadth_first(Value):
    def backward(self):
        self.grad = 1.0
        queue, seen = [self], {self}
        while queue:
            node = queue.pop(0)
            node._backward()
            for child in node._prev:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)


@misconception(
    "Value",
    """Your topological sort has no set of visited nodes, so a node reached along several paths is
    listed (and its _backward run) once per path, adding its contribution several times. Keep a
    set of visited nodes so each node is listed once; without it the work also doubles with every
    shared level of a deep graph.""",
)
class topological_sort_without_visited_set(Value):
    def backward(self):
        topo, visits = [], [0]

        def build(node):
            visits[0] += 1
            if visits[0] > 200_000:  # replay limit (see the module docstring)
                raise LookupError("too many paths through the graph")
            for child in node._prev:
                build(child)
            topo.append(node)

        build(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


@misconception(
    "Value",
    """Your backward() calls a node's _backward and then recurses into its children, without a
    topological order: a node used by several others passes its gradient on once per user, each
    time with whatever it had collected so far. Sort the graph first, then call each _backward
    once, output first.""",
)
class backward_recursive_without_order(Value):
    def backward(self):
        visits = [0]

        def push(node):
            visits[0] += 1
            if visits[0] > 200_000:  # replay limit (see the module docstring)
                raise LookupError("too many paths through the graph")
            node._backward()
            for child in node._prev:
                push(child)

        self.grad = 1.0
        push(self)


@misconception(
    "Value",
    """Your Value starts with grad = 1 instead of 0. A grad is the sum of the contributions that
    backward() adds into it, so it must start from 0; only the output's grad is set to 1, by
    backward() itself.""",
)
class grad_starts_at_one(Value):
    def __init__(self, data, _children=(), _op=""):
        super().__init__(data, _children, _op)
        self.grad = 1.0


# -- _backward: = instead of +=, a missing out.grad -----------------------------------------------


@misconception(
    "Value",
    """Your _backward functions assign the gradient (x.grad = ...) instead of adding to it
    (x.grad += ...). A node used more than once (a * a, or a feeding two operations) must sum the
    contributions of every use — the multivariable chain rule — and = keeps only the last one.""",
)
class grad_assigned_not_accumulated(Value):
    def __add__(self, other):
        other = _wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = out.grad
            other.grad = out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data**exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad = exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _wrap(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad = out.grad / other.data
            other.grad = -self.data / other.data**2 * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad = (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad = (1.0 - t * t) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad = out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad = out.grad / self.data

        out._backward = _backward
        return out


@misconception(
    "Value",
    """Your _backward functions add only the local derivative, without multiplying it by out.grad.
    The chain rule needs both: x.grad += (∂out/∂x) · out.grad, where out.grad = ∂L/∂out carries
    everything that happens after this operation.""",
)
class backward_without_out_grad(Value):
    def __add__(self, other):
        other = _wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0
            other.grad += 1.0

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data
            other.grad += self.data

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        out = Value(self.data**exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1)

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _wrap(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += 1.0 / other.data
            other.grad += -self.data / other.data**2

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += 1.0 if self.data > 0 else 0.0

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += 1.0 - t * t

        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data

        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += 1.0 / self.data

        out._backward = _backward
        return out


# -- reflected operators --------------------------------------------------------------------------


@misconception(
    "Value",
    """Your Value has no reflected operators, so 2 + v, 3 * v, 1 - v and 3 / v raise TypeError:
    with a plain number on the left Python first asks the number, which does not know Value, and
    then calls v.__radd__, __rmul__, __rsub__ or __rtruediv__, which you need to define.""",
)
class missing_reflected_operators(Value):
    def __radd__(self, other):
        return NotImplemented

    def __rmul__(self, other):
        return NotImplemented

    def __rsub__(self, other):
        return NotImplemented

    def __rtruediv__(self, other):
        return NotImplemented


@misconception(
    "Value",
    """Your __rsub__ computes self - other, but `1 - v` calls v.__rsub__(1) and means 1 - v: the
    number is on the left, so the result is other - self (and its derivative with respect to v is
    -1).""",
)
class rsub_operands_swapped(Value):
    def __rsub__(self, other):
        return self - other


@misconception(
    "Value",
    """Your __rtruediv__ computes self / other, but `3 / v` calls v.__rtruediv__(3) and means 3 / v:
    the number is on the left, so the result is other / self (and its derivative with respect to v
    is -other / v²).""",
)
class rtruediv_operands_swapped(Value):
    def __rtruediv__(self, other):
        return self / other


# -- local derivatives ----------------------------------------------------------------------------


@misconception(
    "Value",
    """The _backward of your tanh uses 1 - t instead of 1 - t²: the derivative of tanh(x) is
    1 - tanh(x)², the square of the output it already computed.""",
)
class tanh_grad_not_squared(Value):
    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t) * out.grad

        out._backward = _backward
        return out


@misconception(
    "Value",
    """The _backward of your tanh uses 1 - x² with x the input: the derivative is 1 - tanh(x)²,
    the square of the output t = tanh(x), not of the input.""",
)
class tanh_grad_from_input(Value):
    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1.0 - self.data**2) * out.grad

        out._backward = _backward
        return out


@misconception(
    "Value",
    """The _backward of your exp multiplies by the input x instead of by exp(x): the exponential is
    its own derivative, so the local derivative is the output out.data.""",
)
class exp_grad_is_input(Value):
    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += self.data * out.grad

        out._backward = _backward
        return out


@misconception(
    "Value",
    """The _backward of your log divides by the output log(x) instead of the input x: the
    derivative of log(x) is 1/x.""",
)
class log_grad_of_output(Value):
    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / out.data

        out._backward = _backward
        return out


@misconception(
    "Value",
    """The _backward of your ** drops the factor k of the power rule: the derivative of x^k is
    k·x^(k-1), not x^(k-1).""",
)
class pow_grad_without_exponent(Value):
    def __pow__(self, exponent):
        out = Value(self.data**exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out


@misconception(
    "Value",
    """The _backward of your ** keeps the exponent as it is: the derivative of x^k is k·x^(k-1),
    one power lower, not k·x^k.""",
)
class pow_grad_exponent_not_lowered(Value):
    def __pow__(self, exponent):
        out = Value(self.data**exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data**exponent * out.grad

        out._backward = _backward
        return out


@misconception(
    "Value",
    """In the _backward of your division the denominator's derivative has lost its minus sign:
    ∂(x/y)/∂y = -x/y², since a larger denominator makes the quotient smaller.""",
)
class div_denominator_grad_sign(Value):
    def __truediv__(self, other):
        other = _wrap(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += self.data / other.data**2 * out.grad

        out._backward = _backward
        return out


@misconception(
    "Value",
    """The _backward of your relu passes the gradient where x == 0 too (x >= 0): the course, like
    torch, defines relu's slope at exactly 0 as 0, so only x > 0 lets the gradient through.""",
)
class relu_grad_one_at_zero(Value):
    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data >= 0 else 0.0) * out.grad

        out._backward = _backward
        return out


@misconception(
    "Value",
    """In the _backward of your multiplication each operand's gradient uses its own data: the
    derivative of x·y with respect to x is y (the other factor), and with respect to y it is x.""",
)
class mul_grad_uses_own_data(Value):
    def __mul__(self, other):
        other = _wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += self.data * out.grad
            other.grad += other.data * out.grad

        out._backward = _backward
        return out
