"""Gradients computed into a dict keyed by node first, then added into .grad at the end
(so repeated backward() calls accumulate); sub and div as compositions of the primitives."""

import math


class Value:
    def __init__(self, data, parents=(), vjp=None):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.vjp = vjp  # maps out's grad to the parents' grads

    @staticmethod
    def wrap(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, o):
        o = Value.wrap(o)
        return Value(self.data + o.data, (self, o), lambda g: (g, g))

    def __mul__(self, o):
        o = Value.wrap(o)
        a, b = self.data, o.data
        return Value(a * b, (self, o), lambda g: (b * g, a * g))

    def __pow__(self, k):
        a = self.data
        return Value(a**k, (self,), lambda g: (k * a ** (k - 1) * g,))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, o):
        return self + (-Value.wrap(o))

    def __truediv__(self, o):
        return self * Value.wrap(o) ** -1

    def __radd__(self, o):
        return Value.wrap(o) + self

    def __rmul__(self, o):
        return Value.wrap(o) * self

    def __rsub__(self, o):
        return Value.wrap(o) + (-self)

    def __rtruediv__(self, o):
        return Value.wrap(o) * self**-1

    def relu(self):
        a = self.data
        return Value(max(a, 0.0), (self,), lambda g: (g if a > 0 else 0.0,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), lambda g: ((1 - t * t) * g,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), lambda g: (e * g,))

    def log(self):
        a = self.data
        return Value(math.log(a), (self,), lambda g: (g / a,))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents)
        grads = {self: 1.0}
        for node in reversed(order):
            g = grads.get(node, 0.0)
            if node.vjp is None:
                continue
            for parent, pg in zip(node.parents, node.vjp(g)):
                grads[parent] = grads.get(parent, 0.0) + pg
        for node, g in grads.items():
            node.grad += g
