"""What hidden tests use: the `grades` and `parametrize` marks, the `learner` proxy and checks that teach.

A hidden test runs in the judge process (`grader.engine.runner` runs them; no pytest). It calls
the learner's code through `learner` (which forwards to the isolated worker and gets plain data
back), computes the expected result with the reference, and compares here. Messages say what was
called and which property failed, never the expected values. Every call is logged, so that a
failure can be diagnosed afterwards (`grader.engine.diagnosis`).

    @grades("relu", points=2)
    def test_relu_matches_definition(learner):
        x = rng.normal(size=(3, 5))
        got = learner.call("relu", x)
        check_array(got, ref.relu(x), "relu(x) with x of shape (3, 5)")
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from grader.engine.failures import LearnerError, LearnerException
from grader.engine.sandbox import Reply, Sandbox
from grader.engine.wire import Unsupported

# Tolerances, named so every test file uses the same ones.
RTOL64, ATOL64 = 1e-6, 1e-9
RTOL32, ATOL32 = 2e-4, 1e-6
# Central differences in the judge, the oracle for gradients: step and comparison tolerance.
FD_STEP = 1e-6
FD_RTOL, FD_ATOL = 1e-5, 1e-8


class Feedback(AssertionError):
    """A failed check; its message is shown to the learner as it is."""


_passed_notes: list[str] = []


def passed_note(text: str) -> None:
    """Something worth showing even when the test passes (e.g. the accuracy reached)."""
    _passed_notes.append(text)


def take_passed_notes() -> str:
    """The notes of the test that just ran (the runner calls this after each test)."""
    text = "; ".join(_passed_notes)
    _passed_notes.clear()
    return text


def grades(function: str, points: float):
    """Mark a test as grading `function`, worth `points` when it passes."""

    def mark(test):
        test.__grade__ = (function, points)
        return test

    return mark


def parametrize(names: str, values):
    """Run the test once per value, e.g. @parametrize("shape, axis", [((4, 6), 0), ((2, 5, 3), 1)])."""

    def mark(test):
        test.__cases__ = ([n.strip() for n in names.split(",")], list(values))
        return test

    return mark


@dataclass
class Call:
    """One call into the learner's code during a test, as the judge saw it (plain data only)."""

    kind: str  # "call" (a function of the learner) or "drive" (a driver given the learner's module)
    name: str
    args: tuple
    kwargs: dict
    reply: Reply | None = None  # what came back, when it returned
    error: LearnerError | None = None  # what went wrong, when it did not
    errstate: str | None = None
    describe: str = ""
    extra: dict = field(default_factory=dict)
    replay: bool = True  # False: not repeatable in the judge (a training run, a random draw): detect only

    @property
    def value(self):
        return self.reply.value if self.reply is not None else None


class Learner:
    """The learner's module, seen from the judge: every call crosses to the worker and is logged."""

    def __init__(self, sandbox: Sandbox):
        self._sandbox = sandbox
        self.calls: list[Call] = []

    def call(self, name: str, *args, _errstate=None, _timeout=None, _describe=None, _replay=True, **kwargs):
        return self.call_report(
            name, *args, _errstate=_errstate, _timeout=_timeout, _describe=_describe, _replay=_replay, **kwargs
        ).value

    def call_report(
        self, name: str, *args, _errstate=None, _timeout=None, _describe=None, _replay=True, **kwargs
    ) -> Reply:
        """Call the learner's `name`; `_replay=False` tells the diagnosis not to re-run it in the judge
        (a training run or a random draw: the learner's run is not the reference's anyway)."""
        describe = _describe or f"{name}(...)"
        logged = Call("call", name, args, kwargs, errstate=_errstate, describe=describe, replay=_replay)
        self.calls.append(logged)
        try:
            logged.reply = self._sandbox.call(
                name, args, kwargs, errstate=_errstate, timeout=_timeout, report=True, describe=describe
            )
        except LearnerError as error:
            logged.error = error
            raise
        return logged.reply

    def drive(self, driver: str, _timeout=None, _describe=None, **kwargs):
        logged = Call("drive", driver, (), kwargs, describe=_describe or driver)
        self.calls.append(logged)
        try:
            logged.reply = self._sandbox.drive(driver, kwargs, timeout=_timeout, describe=_describe)
        except LearnerError as error:
            logged.error = error
            raise
        return logged.reply.value


# -- checks ------------------------------------------------------------------


def _type_name(value) -> str:
    if isinstance(value, Unsupported):
        return value.type_name
    return type(value).__name__


def returned(value) -> str:
    """What came back, for a message: "None", "a list", "a tuple of 2 items"."""
    if value is None:
        return "None"
    if isinstance(value, list | tuple):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {_type_name(value)}"


def as_array(got, what: str) -> np.ndarray:
    """The learner's result as an ndarray, or Feedback saying what came back instead."""
    if not isinstance(got, np.ndarray):
        raise Feedback(f"{what} returned {returned(got)}; it should return a numpy array")
    return got


def _tolerances(dtype_in, rtol, atol):
    if rtol is not None:
        return rtol, atol if atol is not None else 0.0
    if np.dtype(dtype_in) == np.float32:
        return RTOL32, ATOL32 if atol is None else atol
    return RTOL64, ATOL64 if atol is None else atol


def check_array(got, expected, what: str, *, rtol=None, atol=None, input_dtype=np.float64) -> np.ndarray:
    """Shape, finiteness and values of an array result, in that order."""
    got = as_array(got, what)
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        raise Feedback(f"{what} returned shape {got.shape}; the expected shape is {expected.shape}")
    if got.dtype.kind == "b" and expected.dtype.kind != "b":
        got = got.astype(np.float64)
    if got.dtype.kind not in "biuf":
        raise Feedback(f"{what} returned an array of dtype {got.dtype}; it should hold numbers")
    got64 = got.astype(np.float64)
    expected64 = expected.astype(np.float64)
    expected_finite = np.isfinite(expected64)
    if not np.all(np.isfinite(got64[expected_finite])):
        bad = int(np.sum(~np.isfinite(got64[expected_finite])))
        raise Feedback(f"{what} returned {bad} NaN or infinite value(s) where finite numbers were expected")
    rtol, atol = _tolerances(input_dtype, rtol, atol)
    close = np.isclose(got64, expected64, rtol=rtol, atol=atol, equal_nan=True)
    if not np.all(close):
        wrong = int(np.size(close) - np.count_nonzero(close))
        exact = got.dtype.kind in "biu" and expected.dtype.kind in "biu"
        tolerance = "" if exact else f" (tolerance rtol={rtol:g}, atol={atol:g})"
        raise Feedback(f"{what}: {wrong} of {close.size} values are wrong{tolerance}")
    return got


def as_number(got, what: str) -> float:
    """A scalar result: a Python number, a numpy scalar or a 0-d array."""
    if isinstance(got, bool | Unsupported | str) or got is None:
        raise Feedback(f"{what} returned {returned(got)}; it should return a number")
    if isinstance(got, np.ndarray):
        if got.shape != ():
            raise Feedback(f"{what} returned an array of shape {got.shape}; it should return a single number")
        return float(got)
    if isinstance(got, (int, float)):
        try:
            return float(got)
        except OverflowError:  # an int beyond 1.8e308
            raise Feedback(f"{what} returned an integer too large to be a float ({got.bit_length()} bits)") from None
    raise Feedback(f"{what} returned {returned(got)}; it should return a number")


def check_scalar(got, expected, what: str, *, rtol=None, atol=None, input_dtype=np.float64) -> float:
    value = as_number(got, what)
    expected = float(expected)
    if not np.isfinite(value) and np.isfinite(expected):
        raise Feedback(f"{what} returned {value} where a finite number was expected")
    rtol, atol = _tolerances(input_dtype, rtol, atol)
    if not np.isclose(value, expected, rtol=rtol, atol=atol):
        exact = isinstance(got, int | np.integer) and float(expected).is_integer()
        tolerance = "" if exact else f" (tolerance rtol={rtol:g}, atol={atol:g})"
        raise Feedback(f"{what} returned a wrong value{tolerance}")
    return value


def central_difference(f, x, step: float = FD_STEP) -> np.ndarray:
    """d f / d x by central differences, in float64; f is a trusted (reference) scalar function."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + step
        up = f(x)
        x[i] = old - step
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * step)
    return grad


def check_gradient(got, f, x, what: str, advice: str = "") -> None:
    """The learner's gradient `got` against central differences of the reference function f at x."""
    expected = central_difference(f, x)
    got = as_array(got, what)
    if got.shape != expected.shape or not np.allclose(got.astype(np.float64), expected, rtol=FD_RTOL, atol=FD_ATOL):
        raise Feedback(
            f"{what} does not match the gradient estimated by central differences "
            f"(tolerance rtol={FD_RTOL:g}, atol={FD_ATOL:g}){advice}"
        )


def check_unchanged(before, after, what: str, name: str = "its input", _in_list: bool = False) -> None:
    """The learner's function must not modify what it was given."""
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and after.shape == before.shape
        if same and np.array_equal(after, before, equal_nan=True):
            return
        how = (
            "changing an array in place (-=, +=, x[...] = ...) or putting a new one in the caller's list "
            "(items[i] = ...) both reach the caller, so build and return new arrays and a new list"
            if _in_list
            else "in-place changes (-=, +=, x[...] = ...) reach the caller's array, so work on a new array or a copy"
        )
        raise Feedback(f"{what} modified {name}: a function must leave its inputs alone; {how}")
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(after) != len(before):
            raise Feedback(f"{what} modified {name} (its length changed)")
        for b, a in zip(before, after):
            check_unchanged(b, a, what, name, _in_list=True)


def expect_raises(learner: Learner, exception: str, name: str, *args, _describe=None, **kwargs) -> None:
    """Passes when the learner's function raises `exception` (a builtin name, e.g. "ValueError")."""
    what = _describe or f"{name}(...)"
    try:
        learner.call(name, *args, _describe=_describe, **kwargs)
    except LearnerException as error:
        if error.type_name == "NotImplementedError":
            raise
        if exception in error.bases or error.type_name == exception:
            return
        raise Feedback(f"{what} raised {error.type_name}; it should raise {exception}") from None
    raise Feedback(f"{what} returned normally; it should raise {exception}")
