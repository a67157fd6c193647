"""Correct alternate: data kept as numpy float64 scalars, every operation written with its own derivative
(division and subtraction directly), a helper that builds a node from local derivatives, and backward()
ordered by Kahn's algorithm (in-degree counting) instead of a depth-first search; grads are written as g = g + ..., not +=."""

import numpy as np


class Value:
    __slots__ = ("_backward", "_op", "_prev", "data", "grad")

    def __init__(self, data, _children=(), _op=""):
        self.data = np.float64(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self._backward = lambda: None

    @staticmethod
    def _lift(x):
        return x if isinstance(x, Value) else Value(x)

    def _node(self, data, op, parents_and_slopes):
        """A new node; parents_and_slopes pairs each input with ∂out/∂input at this point."""
        out = Value(data, tuple(p for p, _ in parents_and_slopes), op)

        def _backward():
            for parent, slope in parents_and_slopes:
                parent.grad = parent.grad + slope * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        other = self._lift(other)
        return self._node(self.data + other.data, "+", [(self, 1.0), (other, 1.0)])

    def __sub__(self, other):
        other = self._lift(other)
        return self._node(self.data - other.data, "-", [(self, 1.0), (other, -1.0)])

    def __mul__(self, other):
        other = self._lift(other)
        return self._node(self.data * other.data, "*", [(self, other.data), (other, self.data)])

    def __truediv__(self, other):
        other = self._lift(other)
        x, y = self.data, other.data
        return self._node(x / y, "/", [(self, 1.0 / y), (other, -x / (y * y))])

    def __pow__(self, k):
        if isinstance(k, Value):
            return NotImplemented
        return self._node(self.data**k, f"**{k}", [(self, k * self.data ** (k - 1))])

    def __neg__(self):
        return self._node(-self.data, "neg", [(self, -1.0)])

    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def relu(self):
        return self._node(max(self.data, 0.0), "relu", [(self, 1.0 if self.data > 0 else 0.0)])

    def tanh(self):
        t = np.tanh(self.data)
        return self._node(t, "tanh", [(self, 1.0 - t * t)])

    def exp(self):
        e = np.exp(self.data)
        return self._node(e, "exp", [(self, e)])

    def log(self):
        return self._node(np.log(self.data), "log", [(self, 1.0 / self.data)])

    def backward(self):
        # Count, for every node, how many uses point at it; a node is ready once all its uses are done.
        uses, seen, stack = {}, {id(self)}, [self]
        nodes = [self]
        while stack:
            node = stack.pop()
            for child in node._prev:
                uses[id(child)] = uses.get(id(child), 0) + 1
                if id(child) not in seen:
                    seen.add(id(child))
                    nodes.append(child)
                    stack.append(child)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            node._backward()
            for child in node._prev:
                uses[id(child)] -= 1
                if uses[id(child)] == 0:
                    ready.append(child)

    def __repr__(self):
        return f"Value({float(self.data):g}, grad={float(self.grad):g})"
