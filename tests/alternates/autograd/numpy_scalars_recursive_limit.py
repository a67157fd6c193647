"""data kept as numpy float64 scalars, math via numpy; a recursive post-order sort with the
recursion limit raised around it (restored afterwards)."""

import sys

import numpy as np


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = np.float64(data)
        self.grad = np.float64(0.0)
        self._prev = _children
        self._op = _op
        self._backward = lambda: None

    def __repr__(self):
        return f"Value({self.data})"

    def _make(self, data, children, op, backward):
        out = Value(data, children, op)
        out._backward = lambda: backward(out)
        return out

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)

        def bw(out):
            self.grad += out.grad
            other.grad += out.grad

        return self._make(self.data + other.data, (self, other), "+", bw)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)

        def bw(out):
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        return self._make(self.data * other.data, (self, other), "*", bw)

    def __pow__(self, p):
        def bw(out):
            self.grad += p * np.power(self.data, p - 1) * out.grad

        return self._make(np.power(self.data, p), (self,), "pow", bw)

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other if isinstance(other, Value) else Value(-other))

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self * other**-1

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return Value(other) - self

    def __rtruediv__(self, other):
        return Value(other) / self

    def relu(self):
        def bw(out):
            self.grad += (self.data > 0) * out.grad

        return self._make(np.maximum(self.data, 0.0), (self,), "relu", bw)

    def tanh(self):
        def bw(out):
            self.grad += (1 - out.data**2) * out.grad

        return self._make(np.tanh(self.data), (self,), "tanh", bw)

    def exp(self):
        def bw(out):
            self.grad += out.data * out.grad

        return self._make(np.exp(self.data), (self,), "exp", bw)

    def log(self):
        def bw(out):
            self.grad += out.grad / self.data

        return self._make(np.log(self.data), (self,), "log", bw)

    def backward(self):
        order, visited = [], set()

        def visit(v):
            if v in visited:
                return
            visited.add(v)
            for c in v._prev:
                visit(c)
            order.append(v)

        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        try:
            visit(self)
        finally:
            sys.setrecursionlimit(old)
        self.grad = np.float64(1.0)
        for v in order[::-1]:
            v._backward()
