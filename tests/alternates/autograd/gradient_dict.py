"""Correct alternate: nodes store their inputs with local derivatives (no closures), backward() sorts
with an explicit stack and collects ∂out/∂node in a dict before adding each into node.grad, so grads
accumulate over calls and nothing recurses."""

import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._op = _op
        self._prev = tuple(_children)
        self._local = ()  # ∂self/∂child for each child, filled in by the operation that made self

    def _with(self, local):
        self._local = tuple(local)
        return self

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), "+")._with((1.0, 1.0))

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, (self, other), "-")._with((1.0, -1.0))

    def __rsub__(self, other):
        return Value(other).__sub__(self)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*")._with((other.data, self.data))

    def __rmul__(self, other):
        return self.__mul__(other)

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        q = self.data / other.data
        return Value(q, (self, other), "/")._with((1.0 / other.data, -q / other.data))

    def __rtruediv__(self, other):
        return Value(other).__truediv__(self)

    def __pow__(self, exponent):
        value = self.data**exponent
        return Value(value, (self,), "**")._with((exponent * self.data ** (exponent - 1),))

    def __neg__(self):
        return Value(-self.data, (self,), "neg")._with((-1.0,))

    def relu(self):
        return Value(max(0.0, self.data), (self,), "relu")._with((float(self.data > 0),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh")._with((1 - t**2,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), "exp")._with((e,))

    def log(self):
        return Value(math.log(self.data), (self,), "log")._with((1 / self.data,))

    def backward(self):
        order, done, stack = [], set(), [(self, iter(self._prev))]
        done.add(self)
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in done:
                    done.add(child)
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                order.append(node)
        total = {self: 1.0}
        for node in reversed(order):
            g = total.get(node, 0.0)
            for child, local in zip(node._prev, node._local):
                total[child] = total.get(child, 0.0) + local * g
        for node in order:
            node.grad += total.get(node, 0.0) if node is not self else 0.0
        self.grad = 1.0

    def __repr__(self):
        return f"Value(data={self.data!r}, grad={self.grad!r}, op={self._op!r})"
