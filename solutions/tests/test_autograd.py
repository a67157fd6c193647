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
- a backward() that resets every grad to 0 before it starts: grads must accumulate over
  backward() calls, as in torch (checked on graphs whose output is computed from leaves).
Messages name the node, the operation and the pass: an exception while building node k or
inside a function of the learner's file during backward(), a data value wrong right after its
operation or changed later by another one, a grad that nothing reached, that holds only part
of its uses' contributions or one of them twice (solutions/tests/autograd_feedback.py).
A correct solution gets everything however it is written: division directly or as
x * y**-1, subtraction directly or as x + (-y), data stored as float or numpy scalar, the
sort iterative or recursive (if it handles 500 levels).
"""

import functools
import random

from grader.engine.failures import LearnerError, LearnerException, LearnerTimeout
from grader.engine.testkit import ATOL64, RTOL64, Feedback, grades
from solutions import autograd as ref
from solutions.drivers import autograd as drv
from solutions.tests.autograd_feedback import (
    close,
    data_message,
    exception_message,
    grad_message,
    listing,
    node_names,
)

# -- the check every test uses -------------------------------------------------


def drive(learner, program, what, *, backward=True, repeat=1, timeout=None):
    """The learner's run of `program`; an exception is retold with the pass and the operation.

    The driver first reports a failure as plain facts (which pass, which node, which exception
    type: what the diagnosis compares with wrong versions of the reference); only then is the
    program run again to let the exception itself, with the learner's line, through.
    """
    describe = f"the expression [{what}]" if backward else f"building the expression [{what}]"
    kwargs = dict(program=program, backward=backward, repeat=repeat, _timeout=timeout, _describe=describe)
    got = learner.drive("run_program", **kwargs)
    if "failed" not in got:
        return got
    try:
        learner.drive("run_program", errors="raise", **kwargs)
    except LearnerException as error:
        located = exception_message(error, describe, what, program)
        if located is None:
            raise
        raise Feedback(located) from None
    raise Feedback(
        f"[{what}]: {'building the expression' if got['failed'] == 'build' else 'out.backward()'} raised "
        f"{got['type']} once, and not when it was run again: does your Value depend on something outside it?"
    )


def check_data(got, want, program, what, backward, rtol=RTOL64, atol=ATOL64):
    names = node_names(program)
    for k, (g, w) in enumerate(zip(got["data"], want["data"])):
        if isinstance(g, str):
            raise Feedback(f"[{what}]: {names[k]}.data is {g}; data should be a number")
        if not close(g, w, rtol, atol):
            raise Feedback(data_message(program, names, k, got, backward, what))


def check_grads_start_at_zero(got, program, what):
    names = node_names(program)
    for k, g in enumerate(got["grad_before"]):
        if g != 0.0:
            raise Feedback(
                f"[{what}]: once the expression is built, before backward() is called, {names[k]}.grad is "
                f"{'not 0.0' if isinstance(g, float) else g}: every new Value's grad starts at 0.0, and "
                "backward() adds into it"
            )


def check_program(learner, program, what=None, *, backward=True, rtol=RTOL64, atol=ATOL64, timeout=None):
    """Build `program` with the learner's Value, compare every node's data, then every grad."""
    what = what or listing(program)
    got = drive(learner, program, what, backward=backward, timeout=timeout)
    want = drv.run_program(ref, program, backward=backward)
    check_data(got, want, program, what, backward, rtol, atol)
    names = node_names(program)
    if backward:
        check_grads_start_at_zero(got, program, what)
    # Walk back from the output: the first wrong grad points at the culprit's users.
    for k in reversed(range(len(program))):
        g, w = got["grad"][k], want["grad"][k]
        if isinstance(g, str):
            when = "after out.backward()" if backward else "before backward() is called"
            raise Feedback(
                f"[{what}] {when}: {names[k]}.grad is {g}; grad should be a number (0.0 until backward() fills it in)"
            )
        if not close(g, w, rtol, atol):
            if not backward:
                raise Feedback(
                    f"[{what}]: before backward() is called, every grad should be 0.0, but {names[k]}.grad is not"
                )
            raise Feedback(grad_message(program, names, k, g, w, what))


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
        if op in ("add", "sub", "mul", "div"):
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
# Output computed directly from leaves: a second backward() doubles the leaves' grads, as in torch.
# a * a first: there a backward() that clears the grads and a _backward that assigns (=) differ.
TWICE = [
    [leaf(0.7), ["mul", 0, 0]],
    [leaf(1.5), leaf(-2.0), ["mul", 0, 1]],
    [leaf(0.4), ["tanh", 0]],
]


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


# Every small program, run on the learner's Value once a test has failed, for the diagnosis only: a
# wrong version of the reference names the mistake only if it also behaves like the learner's Value
# on all of these (an order bug and a broken operation can look alike on the one failing program).
PROBE = [*ADD, *MUL, *SUB_NEG, *DIV, *POW, *LEFT, *TANH, *EXP_LOG, *RELU, *REUSE.values(), *TOPO.values()]


def probed(test):
    """After a failed check, show the diagnosis the learner's Value on PROBE; grading is unchanged."""

    @functools.wraps(test)
    def run(learner, **params):
        try:
            test(learner, **params)
        except Feedback:
            try:
                learner.drive("run_programs", programs=PROBE, _timeout=2, _describe="the small test expressions")
            except LearnerError:
                pass  # the probe only adds context; what failed is already said
            raise

    return run


# -- tests -------------------------------------------------------------------------


@grades("Value", points=0.5)
@probed
def test_new_values_hold_data_and_zero_grad(learner):
    check_program(learner, [leaf(2.0)], "a = Value(2.0)", backward=False)
    check_program(learner, [leaf(3)], "a = Value(3), an int", backward=False)
    check_program(learner, [leaf(2.0), leaf(-3.0), ["mul", 0, 1], ["add", 2, 0]], backward=False)
    check_program(learner, [leaf(-1.5)], "a = Value(-1.5); a.backward() (a lone leaf)")


@grades("Value", points=0.5)
@probed
def test_add(learner):
    for program in ADD:
        check_program(learner, program)


@grades("Value", points=1)
@probed
def test_mul(learner):
    for program in MUL:
        check_program(learner, program)


@grades("Value", points=1)
@probed
def test_sub_and_neg(learner):
    for program in SUB_NEG:
        check_program(learner, program)


@grades("Value", points=1)
@probed
def test_div(learner):
    for program in DIV:
        check_program(learner, program)


@grades("Value", points=1)
@probed
def test_pow_int_and_float_exponents(learner):
    for program in POW:
        check_program(learner, program)


@grades("Value", points=1)
@probed
def test_numbers_on_the_left(learner):
    for program in LEFT:
        check_program(learner, program, f"a plain number on the left: {listing(program)}")


@grades("Value", points=1)
@probed
def test_tanh(learner):
    for program in TANH:
        check_program(learner, program)


@grades("Value", points=1)
@probed
def test_exp_and_log(learner):
    for program in EXP_LOG:
        check_program(learner, program)


@grades("Value", points=1)
@probed
def test_relu(learner):
    for program in RELU:
        check_program(learner, program)


@grades("Value", points=1.5)
@probed
def test_nodes_used_more_than_once_accumulate(learner):
    for text, program in REUSE.items():
        check_program(learner, program, f"{text}: {listing(program)}")


@grades("Value", points=1.5)
@probed
def test_topological_order(learner):
    for text, program in TOPO.items():
        what = f"{text}: {listing(program)}" if len(program) < 10 else f"{text} (x <- tanh(x) + x * 0.5, 6 times)"
        check_program(learner, program, what)


@grades("Value", points=1)
@probed
def test_random_expressions(learner):
    for k, program in enumerate(RANDOM, 1):
        check_program(
            learner, program, f"random expression {k} ({len(program)} nodes mixing every operation, summed at the end)"
        )


@grades("Value", points=1)
@probed
def test_backward_twice_accumulates(learner):
    """backward() adds into grads and never resets them: a second call adds the same again.

    Only graphs whose output is computed directly from leaves: there every correct style agrees
    with torch (leaves' grads double). Deeper graphs would tell apart engines that keep or clear
    the grads of intermediate nodes, which the contract leaves open.
    """
    for program in TWICE:
        what = f"{listing(program)}; out.backward(); out.backward()"
        got = drive(learner, program, what, repeat=2)
        check_data(got, drv.run_program(ref, program, repeat=2), program, what, True)
        want = drv.run_program(ref, program, repeat=2)["grad"]
        once = drv.run_program(ref, program)["grad"]
        names = node_names(program)
        for k, instruction in enumerate(program):
            g = got["grad"][k]
            if instruction[0] != "leaf" or close(g, want[k]):
                continue
            if close(g, once[k]):
                raise Feedback(
                    f"[{what}]: after the second out.backward(), {names[k]}.grad holds one call's gradient, not "
                    "the sum of both: backward() must add into the grads and never reset them to 0 (clearing them "
                    "is the caller's job, like optimizer.zero_grad() in torch, which accumulates the same way)"
                )
            raise Feedback(
                f"[{what}]: after the second out.backward(), {names[k]}.grad is wrong: each call adds "
                f"∂out/∂{names[k]} into {names[k]}.grad once more, as torch does"
            )


@grades("Value", points=1)
@probed
def test_graph_500_nodes_deep(learner):
    what = "a graph 500 nodes deep: x <- x * 0.02 + x.tanh(), 249 times, then * 1.5"
    built = drive(learner, DEEP, what, backward=False, timeout=10)
    check_data(built, drv.run_program(ref, DEEP, backward=False), DEEP, what, False)
    try:
        check_program(learner, DEEP, what, atol=1e-12, timeout=10)
    except LearnerTimeout:
        raise Feedback(
            f"[{what}]: building the graph was quick, but out.backward() did not finish within 10 s. Every x here "
            "is used twice, so a backward() that processes a node again for every path that reaches it (no set "
            "of visited nodes) does 2^249 steps: sort the graph once, visiting each node once"
        ) from None
