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

So that feedback can say which operation and which pass went wrong, the driver also
observes *when* things happen: each node's data right after it was built, which
instruction (if any) changed the data of one of its operands, and, when the learner's
code raises, whether that happened while building node k or during backward() (and in
which function of the learner's file). It only observes; it never judges.

This module is also imported by the judge (to build the reference's graph) and by
the project test that compares the reference with torch.autograd, so the same
code builds all three.
"""

import operator

_BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
_CONST_RIGHT = {"addc": "add", "subc": "sub", "mulc": "mul", "divc": "div"}
_CONST_LEFT = {"radd": "add", "rsub": "sub", "rmul": "mul", "rdiv": "div"}
_UNARY_METHODS = ("relu", "tanh", "exp", "log")

# How a failure is located, at the start of the exception's text (the hidden test reads it back).
BUILD_MARK = "while building node {k}: "
BACKWARD_MARK = "during backward(), in {where}: "


def operands(instruction) -> list[int]:
    """The node indices an instruction reads (a node used twice, as in a * a, appears twice)."""
    op, *args = instruction
    if op == "leaf":
        return []
    if op in _BINARY:
        return [args[0], args[1]]
    if op in _CONST_LEFT:
        return [args[1]]
    return [args[0]]


def _step(make_leaf, nodes, instruction):
    op, *args = instruction
    if op == "leaf":
        return make_leaf(args[0])
    if op in _BINARY:
        return _BINARY[op](nodes[args[0]], nodes[args[1]])
    if op in _CONST_RIGHT:
        return _BINARY[_CONST_RIGHT[op]](nodes[args[0]], args[1])
    if op in _CONST_LEFT:
        return _BINARY[_CONST_LEFT[op]](args[0], nodes[args[1]])
    if op == "pow":
        return nodes[args[0]] ** args[1]
    if op == "neg":
        return -nodes[args[0]]
    if op in _UNARY_METHODS:
        return getattr(nodes[args[0]], op)()
    raise ValueError(f"unknown instruction {op!r} in an autograd test program")


def build(make_leaf, program):
    """The nodes of `program`, leaves made by make_leaf(x); a list indexed like the program."""
    nodes = []
    for instruction in program:
        nodes.append(_step(make_leaf, nodes, instruction))
    return nodes


def _observe(node, attribute):
    """node.<attribute> as a float, or a short text saying what is there instead."""
    if not hasattr(node, attribute):
        return f"missing (the {type(node).__name__} has no attribute '{attribute}')"
    x = getattr(node, attribute)
    if x is None:
        return "None"
    if isinstance(x, (bool, str)):
        return f"a {type(x).__name__}"
    try:
        return float(x)
    except Exception:  # noqa: BLE001 - e.g. a Value stored where a number belongs
        return f"a {type(x).__name__}"


def _same(a, b) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)  # NaN stays NaN


def _locate(error, mark) -> None:
    """Put `mark` in front of the exception's text, keeping its type and traceback."""
    try:
        error.args = (mark + str(error),)
    except Exception:  # noqa: BLE001 - an exception that will not take new args keeps its own text
        pass


def _where_in_backward(error, module) -> str:
    """The learner's function that raised during backward(), by its qualified name."""
    path = getattr(module, "__file__", None)
    tb, found = error.__traceback__, None
    while tb is not None:
        if path is not None and tb.tb_frame.f_code.co_filename == path:
            found = tb.tb_frame.f_code.co_qualname
        tb = tb.tb_next
    return found or "out.backward()"


def run_program(module, program, backward=True, repeat=1, errors="report"):
    """Build `program` with module.Value, optionally call backward() on the last node (`repeat` times).

    Returns {"data", "grad", "built", "changed_by", "grad_before"}, each a list with one entry per
    node: data and grad read at the end; `built`, each node's data right after it was made;
    `changed_by`, the index of the first instruction whose building changed that node's data
    (None when none did); `grad_before`, the grads once the whole expression is built, before
    backward().

    When the learner's code raises: with errors="report", returns {"failed": "build" or
    "backward", "node": the node being built (or None), "type": the exception's type name} —
    plain facts that a wrong version of the reference, replayed in the judge, reproduces
    exactly; with errors="raise", the exception itself propagates, its type and traceback
    kept and its text starting with BUILD_MARK or BACKWARD_MARK (for the learner's message).
    """
    nodes, built, changed_by = [], [], []
    for k, instruction in enumerate(program):
        try:
            node = _step(module.Value, nodes, instruction)
        except Exception as error:
            if errors == "report":
                return {"failed": "build", "node": k, "type": type(error).__name__}
            _locate(error, BUILD_MARK.format(k=k))
            raise
        nodes.append(node)
        built.append(_observe(node, "data"))
        changed_by.append(None)
        for i in operands(instruction):
            if changed_by[i] is None and not _same(_observe(nodes[i], "data"), built[i]):
                changed_by[i] = k
    grad_before = [_observe(n, "grad") for n in nodes]
    if backward:
        for _ in range(repeat):
            try:
                nodes[-1].backward()
            except Exception as error:
                if errors == "report":
                    return {"failed": "backward", "node": None, "type": type(error).__name__}
                _locate(error, BACKWARD_MARK.format(where=_where_in_backward(error, module)))
                raise
    return {
        "data": [_observe(n, "data") for n in nodes],
        "grad": [_observe(n, "grad") for n in nodes],
        "built": built,
        "changed_by": changed_by,
        "grad_before": grad_before,
    }


def run_programs(module, programs):
    """run_program on each program (backward once, failures reported): context for a diagnosis."""
    return [run_program(module, program) for program in programs]
