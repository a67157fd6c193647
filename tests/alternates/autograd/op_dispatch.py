"""The backward rules live in one method that dispatches on the node's op name; node ids in a dict."""

import math
from collections import defaultdict


class Value:
    def __init__(self, data, children=(), op="", arg=None):
        self.data = data
        self.grad = 0.0
        self.children = list(children)
        self.op = op
        self.arg = arg

    def _other(self, o):
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, o):
        o = self._other(o)
        return Value(self.data + o.data, [self, o], "add")

    def __mul__(self, o):
        o = self._other(o)
        return Value(self.data * o.data, [self, o], "mul")

    def __truediv__(self, o):
        o = self._other(o)
        return Value(self.data / o.data, [self, o], "div")

    def __sub__(self, o):
        o = self._other(o)
        return Value(self.data - o.data, [self, o], "sub")

    def __pow__(self, k):
        return Value(self.data**k, [self], "pow", k)

    def __neg__(self):
        return Value(-self.data, [self], "neg")

    def __radd__(self, o):
        return self._other(o) + self

    def __rmul__(self, o):
        return self._other(o) * self

    def __rsub__(self, o):
        return self._other(o) - self

    def __rtruediv__(self, o):
        return self._other(o) / self

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, [self], "relu")

    def tanh(self):
        return Value(math.tanh(self.data), [self], "tanh")

    def exp(self):
        return Value(math.exp(self.data), [self], "exp")

    def log(self):
        return Value(math.log(self.data), [self], "log")

    def _push(self):
        c, g = self.children, self.grad
        if self.op == "add":
            c[0].grad += g
            c[1].grad += g
        elif self.op == "sub":
            c[0].grad += g
            c[1].grad -= g
        elif self.op == "mul":
            c[0].grad += c[1].data * g
            c[1].grad += c[0].data * g
        elif self.op == "div":
            a, b = c[0].data, c[1].data
            c[0].grad += g / b
            c[1].grad += -a / (b * b) * g
        elif self.op == "pow":
            c[0].grad += self.arg * c[0].data ** (self.arg - 1) * g
        elif self.op == "neg":
            c[0].grad -= g
        elif self.op == "relu":
            c[0].grad += g if c[0].data > 0 else 0.0
        elif self.op == "tanh":
            c[0].grad += (1 - self.data**2) * g
        elif self.op == "exp":
            c[0].grad += self.data * g
        elif self.op == "log":
            c[0].grad += g / c[0].data

    def backward(self):
        # Kahn's algorithm on the reversed graph: a node is processed once all its users have been.
        users = defaultdict(int)
        seen, stack = {id(self)}, [self]
        nodes = []
        while stack:
            n = stack.pop()
            nodes.append(n)
            for ch in n.children:
                users[id(ch)] += 1
                if id(ch) not in seen:
                    seen.add(id(ch))
                    stack.append(ch)
        self.grad = 1.0
        ready = [self]
        while ready:
            n = ready.pop()
            n._push()
            for ch in n.children:
                users[id(ch)] -= 1
                if users[id(ch)] == 0:
                    ready.append(ch)
