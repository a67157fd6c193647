"""Messages of the autograd hidden tests: which node, which operation, which pass.

The driver (solutions/drivers/autograd.py) reports what the learner's Value did: every node's
data right after it was built, which instruction changed an operand's data, data and grad at the
end, and where an exception was raised (building node k, or a function of the learner's file
during backward()). These helpers turn that into a sentence that names the operation and the
pass, and that states a cause only when the numbers establish it. They never show an expected
value.
"""

import itertools
import re

import numpy as np

from grader.engine.testkit import ATOL64, RTOL64
from solutions import autograd as ref
from solutions.drivers import autograd as drv

_SYMBOLS = {}
for _op, _symbol in zip(("add", "sub", "mul", "div"), "+-*/"):
    _SYMBOLS.update({_op: _symbol, _op + "c": _symbol, "r" + _op: _symbol})
_REFLECTED = {"radd": "__radd__", "rsub": "__rsub__", "rmul": "__rmul__", "rdiv": "__rtruediv__"}
_OPERATORS = {  # a learner's method, and the operation it implements
    "__add__": "+",
    "__radd__": "+ with a number on the left",
    "__sub__": "-",
    "__rsub__": "- with a number on the left",
    "__mul__": "*",
    "__rmul__": "* with a number on the left",
    "__truediv__": "/",
    "__rtruediv__": "/ with a number on the left",
    "__pow__": "**",
    "__neg__": "unary -",
}
DEEP_PROGRAM = 100  # a program longer than this is "deep": a RecursionError there is about depth


# -- describing programs -------------------------------------------------------------


def node_names(program):
    names, leaves = [], 0
    for k, (op, *_) in enumerate(program):
        if op == "leaf":
            names.append("abcdefgh"[leaves] if leaves < 8 else f"x{leaves}")
            leaves += 1
        else:
            names.append(f"n{k}")
    if program[-1][0] != "leaf" and len(program) > 1:
        names[-1] = "out"
    return names


def definition(program, k, names):
    op, *args = program[k]
    if op == "leaf":
        return f"{names[k]} = Value({args[0]!r})"
    if op in ("add", "sub", "mul", "div"):
        text = f"{names[args[0]]} {_SYMBOLS[op]} {names[args[1]]}"
    elif op in ("addc", "subc", "mulc", "divc"):
        text = f"{names[args[0]]} {_SYMBOLS[op]} {args[1]!r}"
    elif op in _REFLECTED:
        text = f"{args[0]!r} {_SYMBOLS[op]} {names[args[1]]}"
    elif op == "pow":
        text = f"{names[args[0]]} ** {args[1]!r}"
    elif op == "neg":
        text = f"-{names[args[0]]}"
    else:
        text = f"{names[args[0]]}.{op}()"
    return f"{names[k]} = {text}"


def uses_of(program, k) -> list[int]:
    """The instructions reading node k, once per operand slot (a * a reads a twice)."""
    return [j for j in range(k + 1, len(program)) for i in drv.operands(program[j]) if i == k]


def users(program, k, names, limit=3):
    found = [definition(program, j, names) for j in dict.fromkeys(uses_of(program, k))]
    return "; ".join(found[:limit]) + ("; ..." if len(found) > limit else "")


def listing(program):
    names = node_names(program)
    return "; ".join(definition(program, k, names) for k in range(len(program)))


def close(got, want, rtol=RTOL64, atol=ATOL64) -> bool:
    return isinstance(got, float) and bool(np.isclose(got, want, rtol=rtol, atol=atol))


# -- exceptions: which pass, which operation ----------------------------------------------

_BUILD = re.compile(r"^['\"]?while building node (\d+): (.*)$", re.DOTALL)
_BACKWARD = re.compile(r"^['\"]?during backward\(\), in (\S+): (.*)$", re.DOTALL)


def _function_text(qualname: str) -> str:
    """Value.__mul__.<locals>._backward -> "the _backward made by Value.__mul__ (the operation *)"."""
    if qualname == "out.backward()":
        return "out.backward()"
    outer, _, inner = qualname.partition(".<locals>.")
    method = outer.rpartition(".")[2]
    operation = _OPERATORS.get(method) or (f"{method}()" if method in ("relu", "tanh", "exp", "log") else "")
    where = f"{outer}" + (f" (the operation {operation})" if operation else "")
    if inner:
        return f"the {inner.rpartition('.')[2]} defined in {where}"
    return where


def exception_message(error, describe: str, what: str, program) -> str | None:
    """The learner's exception, retold with the pass and the operation; None when it is not located."""
    message = str(error)
    prefix = f"{describe} raised {error.type_name}: "
    if not message.startswith(prefix):
        return None
    rest = message[len(prefix) :]
    names = node_names(program)
    built = _BUILD.match(rest)
    if built:
        k, detail = int(built.group(1)), built.group(2)
        text = f"[{what}]: building {definition(program, k, names)} raised {error.type_name}: {detail}"
        op = program[k][0]
        if op in _REFLECTED and error.type_name == "TypeError" and "unsupported operand" in detail:
            text += (
                f" — with a plain number on the left Python calls Value.{_REFLECTED[op]}; "
                "yours is missing or returned NotImplemented"
            )
        elif error.type_name == "RecursionError":
            text += " — an operation calls itself again and again: look at the line shown"
            if op in _REFLECTED:
                text += (
                    f" (for instance, `other {_SYMBOLS[op]} self` inside {_REFLECTED[op]} calls {_REFLECTED[op]} again)"
                )
        return text
    during = _BACKWARD.match(rest)
    if during:
        call = f"{names[-1]}.backward()"
        where, detail = _function_text(during.group(1)).replace("out.backward()", call), during.group(2)
        text = f"[{what}]: the expression was built; then {call} raised {error.type_name} in {where}: {detail}"
        if error.type_name == "RecursionError" and len(program) > DEEP_PROGRAM:
            text += (
                " — this graph is deeper than Python's recursion limit allows a recursive walk to go: "
                "build the topological order with a loop and an explicit stack (a list)"
            )
        return text
    return None


# -- wrong data: which operation, which pass ------------------------------------------------


def data_message(program, names, k, got, backward: bool, what: str) -> str:
    """Node k's data is wrong at the end: say whether its own operation or a later one is to blame."""
    if not close(got["built"][k], ref_data(program)[k]):
        if program[k][0] == "leaf":
            return f"[{what}]: right after {definition(program, k, names)}, {names[k]}.data is wrong: Value(x) should keep the number x (as a float)"
        return (
            f"[{what}]: {names[k]}.data is wrong right after it is built: check the forward computation of "
            f"'{definition(program, k, names)}'"
        )
    j = got["changed_by"][k]
    if j is not None:
        return (
            f"[{what}]: {names[k]}.data was right when {names[k]} was made, but building "
            f"'{definition(program, j, names)}' changed it: an operation must return a new Value and leave "
            "the data of its operands as they are"
        )
    if backward:
        return (
            f"[{what}]: {names[k]}.data was right after the expression was built, but out.backward() "
            "changed it: backward() and the _backward functions may only add into grads, never change data"
        )
    return (
        f"[{what}]: {names[k]}.data was right when {names[k]} was made, but it changed while the nodes "
        "after it were built: every operation must leave the data of the nodes it uses as they are"
    )


_ref_data_cache: dict[str, list] = {}


def ref_data(program) -> list:
    key = repr(program)
    if key not in _ref_data_cache:
        _ref_data_cache[key] = [n.data for n in drv.build(ref.Value, program)]
    return _ref_data_cache[key]


# -- wrong grads: which operation ----------------------------------------------------------


def _contributions(program, k) -> list[float]:
    """What each use of node k adds into k.grad in the reference, once per operand slot."""
    nodes = drv.build(ref.Value, program)
    nodes[-1].backward()
    final = [n.grad for n in nodes]
    terms = []
    for j in dict.fromkeys(uses_of(program, k)):
        for n in nodes:
            n.grad = 0.0
        nodes[j].grad = final[j]
        nodes[j]._backward()
        slots = drv.operands(program[j]).count(k)
        share = nodes[k].grad
        if slots == 2 and program[j][0] in ("add", "mul"):  # a + a, a * a: two equal shares
            terms += [share / 2, share / 2]
        else:
            terms.append(share)
    return terms, final


def _partial(got, terms, scale=1.0) -> bool:
    """Whether got is scale × the sum of some but not all of the terms."""
    if not 1 < len(terms) <= 10:
        return False
    for size in range(1, len(terms)):
        for subset in itertools.combinations(terms, size):
            if close(got, scale * sum(subset)):
                return True
    return False


def _repeated(got, want, terms) -> bool:
    """Whether got is want plus some of the terms again (a contribution added more than once)."""
    if not 1 < len(terms) <= 10:
        return False
    return any(
        close(got, want + sum(subset))
        for size in range(1, len(terms) + 1)
        for subset in itertools.combinations(terms, size)
    )


def grad_message(program, names, k, got: float, want: float, what: str) -> str:
    """Node k's grad is wrong while every node after it is right: name the operation(s) that feed it."""
    name, n = names[k], len(program)
    after = f"[{what}]: after out.backward(), {name}.grad"
    if k == n - 1:
        return (
            f"[{what}]: after {name}.backward(), {name}.grad should be 1.0 (∂{name}/∂{name}) but it is not: "
            "backward() sets the output's own gradient before it walks the graph"
        )
    uses = uses_of(program, k)
    who = users(program, k, names)
    if got == 0.0 and want != 0.0:
        return (
            f"{after} is still 0.0 although the grads of the nodes computed after it are right: nothing "
            f"reached it. The _backward of {who} either ran before that node's own grad was complete "
            f"(backward() must call them in reverse topological order, output first) or does not add into "
            f"{name}.grad"
        )
    if len(uses) == 1:
        j = uses[0]
        if all(len(uses_of(program, i)) <= 1 for i in range(n)):  # a tree: no grad can be incomplete
            return (
                f"{after} is wrong while the grads of the nodes computed after it are right: the _backward "
                f"of '{definition(program, j, names)}' adds a wrong amount into {name}.grad (it should add the "
                f"local derivative with respect to {name}, times {names[j]}.grad)"
            )
        terms, final = _contributions(program, j)
        if final[j] != 0.0 and _partial(got, terms, scale=want / final[j]):
            return (
                f"{after} is wrong because the _backward of '{definition(program, j, names)}' ran before "
                f"{names[j]}.grad was complete (it had received only part of what the {len(terms)} uses of "
                f"{names[j]} contribute): backward() must call the _backward functions in reverse topological "
                "order, so that every node has its whole gradient before it passes it on"
            )
        ratio = got / want if want != 0.0 else 0.0
        if any(abs(ratio - m) < 1e-9 * m for m in (2, 3, 4)):
            return (
                f"{after} is exactly {round(ratio)} times the right value, while the grads of the nodes "
                f"computed after it are right: either the _backward of '{definition(program, j, names)}' ran "
                f"{round(ratio)} times (backward() must call each node's _backward once: keep a set of visited "
                "nodes when you sort the graph) or its local derivative is that many times too large"
            )
    else:
        terms, _ = _contributions(program, k)
        if _partial(got, terms):
            return (
                f"{after} holds only part of what its {len(terms)} uses contribute ({who}): each use must add "
                "its share with +=, never overwrite the grad with =; a node's _backward must run only after "
                "its own grad is complete (reverse topological order); and each of those operations must "
                "record its operands as children with a _backward, or nothing flows back through it"
            )
        if _repeated(got, want, terms):
            return (
                f"{after} received a contribution more than once: backward() must call each node's "
                "_backward exactly once (keep a set of visited nodes when you sort the graph, so a node "
                "reached along two paths is listed once)"
            )
    return (
        f"{after} is wrong while the grads of the nodes computed after it are right: look at the _backward "
        f"of the operation(s) that use {name} ({who}), and at the order in which backward() visits the nodes"
    )
