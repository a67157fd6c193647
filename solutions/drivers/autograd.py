"""Driver for the autograd exercise: builds expression graphs with the learner's Value.

Runs inside the worker, next to the learner's module. A Value cannot cross the
process boundary, so the hidden tests send an expression as a small program of
plain data, and this driver builds it, runs backward() and reports every node's
`data` and `grad` as floats. It holds no expected values: the judge builds the
same program with the reference and compares.

A program is a list of instructions; instruction k creates node k:
    ["leaf", x]          Value(x)
    ["add", i, j]        node i + node j        (also "sub", "mul", "div")
    ["addc", i, c]       node i + c, c a plain number   (also "subc", "mulc", "divc")
    ["radd", c, i]       c + node i, the number on the left (also "rsub", "rmul", "rdiv")
    ["pow", i, c]        node i ** c, c an int or a float
    ["neg", i]           -node i
    ["relu", i]          node i .relu()          (also "tanh", "exp", "log")

This module is also imported by the judge (to build the reference's graph) and by
the project test that compares the reference with torch.autograd, so the same
code builds all three.
"""

import operator

_BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
_CONST_RIGHT = {"addc": "add", "subc": "sub", "mulc": "mul", "divc": "div"}
_CONST_LEFT = {"radd": "add", "rsub": "sub", "rmul": "mul", "rdiv": "div"}
_UNARY_METHODS = ("relu", "tanh", "exp", "log")


def build(make_leaf, program):
    """The nodes of `program`, leaves made by make_leaf(x); a list indexed like the program."""
    nodes = []
    for op, *args in program:
        if op == "leaf":
            node = make_leaf(args[0])
        elif op in _BINARY:
            node = _BINARY[op](nodes[args[0]], nodes[args[1]])
        elif op in _CONST_RIGHT:
            node = _BINARY[_CONST_RIGHT[op]](nodes[args[0]], args[1])
        elif op in _CONST_LEFT:
            node = _BINARY[_CONST_LEFT[op]](args[0], nodes[args[1]])
        elif op == "pow":
            node = nodes[args[0]] ** args[1]
        elif op == "neg":
            node = -nodes[args[0]]
        elif op in _UNARY_METHODS:
            node = getattr(nodes[args[0]], op)()
        else:
            raise ValueError(f"unknown instruction {op!r} in an autograd test program")
        nodes.append(node)
    return nodes


def _observe(node, attribute):
    """node.<attribute> as a float, or a short text saying what is there instead."""
    if not hasattr(node, attribute):
        return f"missing (the {type(node).__name__} has no attribute '{attribute}')"
    x = getattr(node, attribute)
    if isinstance(x, (bool, str)) or x is None:
        return f"a {type(x).__name__}"
    try:
        return float(x)
    except Exception:  # noqa: BLE001 - e.g. a Value stored where a number belongs
        return f"a {type(x).__name__}"


def run_program(module, program, backward=True):
    """Build `program` with module.Value, optionally call backward() on the last node.

    Returns {"data": [...], "grad": [...]}, one entry per node, read after backward.
    """
    nodes = build(module.Value, program)
    if backward:
        nodes[-1].backward()
    return {"data": [_observe(n, "data") for n in nodes], "grad": [_observe(n, "grad") for n in nodes]}
