"""Hidden tests: a scalar autograd engine (chapter 5), 15 points.

A Value cannot cross the process boundary, so every test sends an expression as a
small program (see solutions/drivers/autograd.py), the driver builds it with the
learner's Value inside the worker, calls backward() on the last node and reports
each node's data and grad. The judge builds the same program with the reference
and compares; tests/test_references_vs_torch_ch5_6.py proves the reference agrees
with torch.autograd on every program used here.

Mistakes these tests are built to catch (each loses points):
- grad initialised to None or 1, or backward() not seeding the output's grad with 1.
- `grad =` instead of `grad +=` in a _backward: a node used twice (a * a, a + a, a node
  feeding two branches) keeps only one contribution.
- no topological order: gradients pushed breadth-first (a shared node passes its grad on
  before every user has contributed), a recursive backward that revisits shared nodes,
  a DFS list walked in the wrong direction, or no visited set (nodes processed twice; on
  the deep graph with reuse this also never finishes).
- a _backward that forgets the factor out.grad (only visible when the op is not the output).
- wrong local derivatives: tanh as 1 - t or 1 - x², exp as x or 1, log as 1/out or log(x),
  pow as n·x^n or x^(n-1), a float exponent truncated to an int, division's -x/y² sign.
- missing reflected operators (2 + v, 3 * v, 1 - v, 3 / v raise TypeError), and __rsub__ /
  __rtruediv__ with the operands swapped (computing v - 1, v / 3).
- relu with derivative 1 at exactly 0, or computing max(0, x) wrongly.
- an operation changing its operand's data instead of building a new Value.
- a recursive topological sort that cannot handle a graph 500 nodes deep.
A correct solution gets everything however it is written: division directly or as
x * y**-1, subtraction directly or as x + (-y), data stored as float or numpy scalar, the
sort iterative or recursive (if it handles 500 levels).
"""

import random

import numpy as np

from grader.engine.testkit import ATOL64, RTOL64, Feedback, grades
from solutions import autograd as ref
from solutions.drivers import autograd as drv

_BINARY_OPS = ("add", "sub", "mul", "div")
_SYMBOLS = {}
for _op, _symbol in zip(_BINARY_OPS, "+-*/"):
    _SYMBOLS.update({_op: _symbol, _op + "c": _symbol, "r" + _op: _symbol})


# -- describing programs in messages -------------------------------------------


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
    if op in _BINARY_OPS:
        text = f"{names[args[0]]} {_SYMBOLS[op]} {names[args[1]]}"
    elif op.endswith("c"):
        text = f"{names[args[0]]} {_SYMBOLS[op]} {args[1]!r}"
    elif op.startswith("r") and op != "relu":
        text = f"{args[0]!r} {_SYMBOLS[op]} {names[args[1]]}"
    elif op == "pow":
        text = f"{names[args[0]]} ** {args[1]!r}"
    elif op == "neg":
        text = f"-{names[args[0]]}"
    else:
        text = f"{names[args[0]]}.{op}()"
    return f"{names[k]} = {text}"


def inputs_of(instruction):
    op, *args = instruction
    if op == "leaf":
        return []
    if op in _BINARY_OPS:
        return args[:2]
    return [args[1]] if op.startswith("r") and op != "relu" else [args[0]]


def users(program, k, names, limit=3):
    found = [definition(program, j, names) for j in range(k + 1, len(program)) if k in inputs_of(program[j])]
    return "; ".join(found[:limit]) + ("; ..." if len(found) > limit else "")


def listing(program):
    names = node_names(program)
    return "; ".join(definition(program, k, names) for k in range(len(program)))


# -- the check every test uses -------------------------------------------------


def _close(got, want, rtol, atol):
    return isinstance(got, float) and bool(np.isclose(got, want, rtol=rtol, atol=atol))


def check_program(learner, program, what=None, *, backward=True, rtol=RTOL64, atol=ATOL64, timeout=None):
    """Build `program` with the learner's Value, compare every node's data, then every grad."""
    what = what or listing(program)
    call = "built (backward() not called yet)" if not backward else "built, then out.backward()"
    got = learner.drive(
        "run_program", program=program, backward=backward, _timeout=timeout, _describe=f"the expression [{what}] {call}"
    )
    want = drv.run_program(ref, program, backward=backward)
    names = node_names(program)
    for k, (g, w) in enumerate(zip(got["data"], want["data"])):
        if isinstance(g, str):
            raise Feedback(f"[{what}]: {names[k]}.data is {g}; data should be a number")
        if not _close(g, w, rtol, atol):
            raise Feedback(
                f"[{what}]: the value {names[k]}.data is wrong (check the forward computation of "
                f"'{definition(program, k, names)}')"
            )
    # Walk back from the output: the first wrong grad points at the culprit's users.
    for k in reversed(range(len(program))):
        g, w = got["grad"][k], want["grad"][k]
        if isinstance(g, str):
            raise Feedback(
                f"[{what}] {call}: {names[k]}.grad is {g}; grad should be a number (0.0 until backward() fills it in)"
            )
        if not _close(g, w, rtol, atol):
            if not backward:
                raise Feedback(
                    f"[{what}]: before backward() is called, every grad should be 0.0, but {names[k]}.grad is not"
                )
            if k == len(program) - 1:
                raise Feedback(
                    f"[{what}]: after out.backward(), out.grad is wrong: backward() should set "
                    "the output's own gradient to 1"
                )
            raise Feedback(
                f"[{what}]: after out.backward(), {names[k]}.grad is wrong while the grads of the "
                f"nodes computed after it are right: look at the _backward of the operation(s) that "
                f"use {names[k]} ({users(program, k, names)}), and at the order in which backward() "
                "visits the nodes"
            )


def leaf(x):
    return ["leaf", x]


# -- programs --------------------------------------------------------------------


def single_op_programs(op, xs, scale=-2.0):
    """For each input: the bare op, and the op followed by * scale (so out.grad is no longer 1)."""
    programs = []
    for x in xs:
        body = [leaf(x), [op, 0]]
        programs += [body, body + [["mulc", 1, scale]]]
    return programs


ADD = [
    [leaf(1.5), leaf(-0.75), ["add", 0, 1]],
    [leaf(1.5), ["addc", 0, 2.5]],
    [leaf(-2.0), leaf(0.5), ["add", 0, 1], ["mulc", 2, 3.0]],
]
MUL = [
    [leaf(-1.25), leaf(0.8), ["mul", 0, 1]],
    [leaf(2.0), ["mulc", 0, 3]],
    [leaf(0.6), leaf(-1.5), ["mul", 0, 1], ["mulc", 2, -2.0]],
]
SUB_NEG = [
    [leaf(1.5), leaf(-0.25), ["sub", 0, 1]],
    [leaf(0.75), ["subc", 0, 0.5]],
    [leaf(2.0), ["neg", 0]],
    [leaf(1.5), leaf(0.5), ["sub", 0, 1], ["mulc", 2, 3.0]],
    [leaf(-1.0), ["neg", 0], ["mulc", 1, 2.5]],
]
DIV = [
    [leaf(1.5), leaf(-0.6), ["div", 0, 1]],
    [leaf(-3.0), ["divc", 0, 4.0]],
    [leaf(2.0), leaf(1.25), ["div", 0, 1], ["mulc", 2, -2.0]],
]
POW = [
    [leaf(-1.3), ["pow", 0, 3]],
    [leaf(1.7), ["pow", 0, 2]],
    [leaf(0.8), ["pow", 0, -1]],
    [leaf(2.25), ["pow", 0, 0.5]],
    [leaf(1.44), ["pow", 0, 1.5]],
    [leaf(0.64), ["pow", 0, -0.5]],
    [leaf(1.2), ["pow", 0, 2.5], ["mulc", 1, -2.0]],
]
LEFT = [
    [leaf(1.25), ["radd", 2, 0]],
    [leaf(-0.5), ["rmul", 3, 0]],
    [leaf(4.0), ["rsub", 1, 0]],
    [leaf(2.0), ["rdiv", 3, 0]],
    [leaf(0.5), ["rsub", 2.5, 0], ["mulc", 1, 3.0]],
    [leaf(-0.8), ["rdiv", 1.5, 0], ["mulc", 1, -2.0]],
    [leaf(3.0), ["rmul", 0.5, 0], ["radd", 2.0, 1]],
]
TANH = single_op_programs("tanh", (0.5, -1.2, 2.0))
EXP_LOG = single_op_programs("exp", (0.7, -1.5)) + single_op_programs("log", (2.5, 0.3))
RELU = single_op_programs("relu", (-1.5, 2.0, 0.0))

REUSE = {
    "a * a": [leaf(3.0), ["mul", 0, 0]],
    "a + a": [leaf(-1.5), ["add", 0, 0]],
    "a * b + a (a feeds two operations)": [leaf(2.0), leaf(-3.0), ["mul", 0, 1], ["add", 2, 0]],
    "an intermediate node squared by reuse": [leaf(0.5), leaf(1.5), ["mul", 0, 1], ["mul", 2, 2]],
    "a.exp() used by two operations": [leaf(0.3), ["exp", 0], ["tanh", 1], ["mul", 1, 2]],
}
TOPO = {
    # n1 is reached directly and through a longer path: breadth-first visits it too early.
    "n1 reaches out directly and through tanh and exp": [
        leaf(0.4),
        ["mulc", 0, 3.0],
        ["tanh", 1],
        ["exp", 2],
        ["add", 3, 1],
    ],
    "a diamond on an intermediate node": [
        leaf(0.7),
        leaf(-0.4),
        ["mul", 0, 1],
        ["tanh", 2],
        ["mulc", 2, 2.0],
        ["add", 3, 4],
    ],
    "six stacked diamonds": [leaf(0.3)]
    + [step for k in range(6) for step in (["tanh", 3 * k], ["mulc", 3 * k, 0.5], ["add", 3 * k + 1, 3 * k + 2])],
}


def random_program(rng, n_leaves, n_ops):
    """A random mix of every operation, inputs kept inside each operation's domain."""
    program = [leaf(round(rng.uniform(0.3, 2.0) * rng.choice((-1, 1)), 3)) for _ in range(n_leaves)]
    values = [p[1] for p in program]
    while len(program) < n_leaves + n_ops:
        i, j = rng.randrange(len(program)), rng.randrange(len(program))
        x, y, c = values[i], values[j], round(rng.uniform(0.5, 3.0), 2)
        op = rng.choice(
            (
                "add",
                "sub",
                "mul",
                "div",
                "radd",
                "rsub",
                "rmul",
                "rdiv",
                "addc",
                "subc",
                "mulc",
                "divc",
                "pow",
                "neg",
                "relu",
                "tanh",
                "exp",
                "log",
            )
        )
        if op == "pow":
            c = rng.choice((2, 3, -1, 0.5, 1.5, -0.5))
        if (
            abs(x) > 20
            or abs(y) > 20
            or (op == "div" and abs(y) < 0.2)
            or (op == "rdiv" and abs(x) < 0.2)
            or (op == "log" and x < 0.1)
            or (op == "exp" and x > 3)
            or (op == "pow" and ((c < 0 and abs(x) < 0.2) or (isinstance(c, float) and x < 0.1)))
            or (op == "relu" and abs(x) < 1e-6)
        ):
            continue
        if op in _BINARY_OPS:
            instruction = [op, i, j]
        elif op in ("radd", "rsub", "rmul", "rdiv"):
            instruction = [op, c, i]
        elif op in ("addc", "subc", "mulc", "divc", "pow"):
            instruction = [op, i, c]
        else:
            instruction = [op, i]
        program.append(instruction)
        values.append(drv.build(ref.Value, program)[-1].data)
    total = len(program) - 1  # the output sums every node, so each one matters
    for k in range(len(program) - 1):
        program.append(["add", total, k])
        total = len(program) - 1
    return program


_rng = random.Random(2029)  # a seed whose four programs use every operation
RANDOM = [random_program(_rng, n_leaves, n_ops) for n_leaves, n_ops in ((3, 10), (2, 14), (4, 12), (3, 16))]


def deep_program(levels=249):
    """x <- x * 0.02 + tanh(x), `levels` times, then * 1.5: a graph exactly 500 nodes deep
    in which every x is used twice (no visited set means 2^249 visits)."""
    program, x = [leaf(0.05)], 0
    for _ in range(levels):
        program += [["mulc", x, 0.02], ["tanh", x], ["add", len(program), len(program) + 1]]
        x = len(program) - 1
    return program + [["mulc", x, 1.5]]


DEEP = deep_program()


def all_programs():
    """Every program the tests build after backward(), for the reference-vs-torch project test."""
    named = [
        *ADD,
        *MUL,
        *SUB_NEG,
        *DIV,
        *POW,
        *LEFT,
        *TANH,
        *EXP_LOG,
        *RELU,
        *REUSE.values(),
        *TOPO.values(),
        *RANDOM,
        DEEP,
    ]
    return named + [[leaf(2.0)]]


# -- tests -------------------------------------------------------------------------


@grades("Value", points=1)
def test_new_values_hold_data_and_zero_grad(learner):
    check_program(learner, [leaf(2.0)], "a = Value(2.0)", backward=False)
    check_program(learner, [leaf(3)], "a = Value(3), an int", backward=False)
    check_program(learner, [leaf(2.0), leaf(-3.0), ["mul", 0, 1], ["add", 2, 0]], backward=False)
    check_program(learner, [leaf(-1.5)], "a = Value(-1.5); a.backward() (a lone leaf)")


@grades("Value", points=1)
def test_add(learner):
    for program in ADD:
        check_program(learner, program)


@grades("Value", points=1)
def test_mul(learner):
    for program in MUL:
        check_program(learner, program)


@grades("Value", points=1)
def test_sub_and_neg(learner):
    for program in SUB_NEG:
        check_program(learner, program)


@grades("Value", points=1)
def test_div(learner):
    for program in DIV:
        check_program(learner, program)


@grades("Value", points=1)
def test_pow_int_and_float_exponents(learner):
    for program in POW:
        check_program(learner, program)


@grades("Value", points=1)
def test_numbers_on_the_left(learner):
    for program in LEFT:
        check_program(learner, program, f"a plain number on the left: {listing(program)}")


@grades("Value", points=1)
def test_tanh(learner):
    for program in TANH:
        check_program(learner, program)


@grades("Value", points=1)
def test_exp_and_log(learner):
    for program in EXP_LOG:
        check_program(learner, program)


@grades("Value", points=1)
def test_relu(learner):
    for program in RELU:
        check_program(learner, program)


@grades("Value", points=1.5)
def test_nodes_used_more_than_once_accumulate(learner):
    for text, program in REUSE.items():
        check_program(learner, program, f"{text}: {listing(program)}")


@grades("Value", points=1.5)
def test_topological_order(learner):
    for text, program in TOPO.items():
        what = f"{text}: {listing(program)}" if len(program) < 10 else f"{text} (x <- tanh(x) + x * 0.5, 6 times)"
        check_program(learner, program, what)


@grades("Value", points=1)
def test_random_expressions(learner):
    for k, program in enumerate(RANDOM, 1):
        check_program(
            learner, program, f"random expression {k} ({len(program)} nodes mixing every operation, summed at the end)"
        )


@grades("Value", points=1)
def test_graph_500_nodes_deep(learner):
    check_program(
        learner, DEEP, "a graph 500 nodes deep: x <- x * 0.02 + x.tanh(), 249 times, then * 1.5", atol=1e-12, timeout=10
    )
