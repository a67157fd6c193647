"""Naming the mistake behind a failed hidden test, from what the learner's code returned.

When a test fails, the judge holds every call it made into the learner's code during that test
(`testkit.Call`: the arguments, and what came back). Two sources of diagnoses are tried, most
specific first; a diagnosis is given only when it is sure:

1. **The exercise's misconception catalogue** (`solutions/misconceptions/<slug>.py`): known wrong
   versions of the reference, written as code. `@misconception("mse_loss", "why it is wrong...")`
   marks a function or class that *replaces* the reference's `mse_loss` (its body may use `np` and
   the reference module's names only). Its source is executed in a fresh copy of the reference
   module, so every reference function that calls `mse_loss` (or builds a `Value`) uses the wrong
   version too. It matches when, on every call of the failing test, the learner's result equals
   the wrong version's result (or both raise the same exception), and on at least one call that
   result differs from the reference's. Where a mistake cannot be replayed exactly (a random
   stream, a training run), `detect=predicate` gives a test `(call, expected) -> bool` on the
   learner's results instead; the wrong version then only serves the catalogue's own tests. A
   call logged with `_replay=False` (a training run, a random draw) is never re-run here: its predicates get
   `expected=None`, and no wrong version is replayed on it.
   Two different misconceptions that both match are ambiguous: no diagnosis.
2. **Behaviour** (`grader.engine.behaviour`): cheap transformations of the expected value (a
   constant factor that is the batch size, a transpose, the wrong entries all where x == 0, NaN
   from log(0)...).

Diagnoses are texts written by the course; they never show expected values. Replays run trusted
course code in the judge on the arguments the hidden test chose; learner code never runs here.
"""

from __future__ import annotations

import ast
import copy
import importlib
import importlib.util
import inspect
import textwrap
import time
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader.engine import behaviour
from grader.engine.failures import LearnerException

BUDGET_S = 3.0  # replays per failed test stop after this long: feedback must stay quick
STABILITY = {"over": "raise", "invalid": "ignore", "divide": "ignore", "under": "ignore"}


def misconception(function: str, text: str, detect=None):
    """Mark a wrong version of the reference's `function` (a function or a class) with why it is wrong.

    `detect(call, expected) -> bool`, when given, recognises the mistake in a learner's call instead
    of replaying the wrong version (for mistakes that depend on a random stream or a training run).
    """

    def mark(variant):
        variant.__misconception__ = (function, " ".join(inspect.cleandoc(text).split()), detect)
        return variant

    return mark


@dataclass(frozen=True)
class Misconception:
    id: str  # "<slug>.<name>"
    function: str
    text: str
    code: object  # the wrong version (a function or a class)
    detect: object = None  # or a predicate (call, expected) -> bool

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text}


def load_catalogue(slug: str, course_root: Path) -> list[Misconception]:
    """The misconceptions of an exercise, in file order (none when it has no catalogue file)."""
    path = Path(course_root) / "solutions" / "misconceptions" / f"{slug}.py"
    if not path.is_file():
        return []
    module = importlib.import_module(f"solutions.misconceptions.{slug}")
    found = []
    for name, value in vars(module).items():
        mark = getattr(value, "__misconception__", None)
        if mark and getattr(value, "__module__", None) == module.__name__:
            function, text, detect = mark
            found.append(Misconception(f"{slug}.{name}", function, text, value, detect))
    return found


def variant_namespace(reference: types.ModuleType, item: Misconception) -> types.ModuleType:
    """A fresh copy of the reference module in which `item.function` is the wrong version."""
    module = types.ModuleType(f"{reference.__name__}__{item.id.rpartition('.')[2]}")
    module.__dict__["__builtins__"] = __builtins__
    source = variant_source(Path(reference.__file__).read_text(encoding="utf-8"), item)
    exec(compile(source, f"<{item.id}>", "exec"), module.__dict__)  # the course's own code
    return module


def variant_source(reference_source: str, item: Misconception) -> str:
    """The reference module's source with `item` replacing its function: a learner's file with that bug."""
    source = textwrap.dedent(inspect.getsource(item.code))
    definition = ast.parse(source).body[0]  # its lineno is the `def`/`class` line, after the decorators
    body = "\n".join(source.splitlines()[definition.lineno - 1 :])
    return f"{reference_source.rstrip()}\n\n\n{body}\n\n\n{item.function} = {item.code.__name__}\n"


class Outcome:
    """What one call produced: a value, or the name of the exception it raised."""

    __slots__ = ("raised", "value")

    def __init__(self, value=None, raised: str | None = None):
        self.value, self.raised = value, raised

    def same_as(self, other: Outcome) -> bool:
        if self.raised or other.raised:
            return self.raised == other.raised
        return behaviour.close(self.value, other.value)


def learner_outcome(call) -> Outcome | None:
    """What the learner's call produced, or None when it says nothing about the code (a timeout...)."""
    if call.reply is not None:
        return Outcome(call.reply.value)
    if isinstance(call.error, LearnerException) and call.error.type_name != "NotImplementedError":
        return Outcome(raised=call.error.type_name)
    return None


class Diagnoser:
    """Diagnoses the failed tests of one exercise; built once per exercise and reused."""

    def __init__(self, exercise, budget: float = BUDGET_S):
        self.slug = exercise.slug
        self.budget = budget
        self.reference = importlib.import_module(f"solutions.{exercise.slug}")
        self.catalogue = load_catalogue(exercise.slug, exercise.root)
        self.driver = _load_driver(exercise.driver_path)
        self._variants: dict[str, types.ModuleType] = {}

    def __call__(self, test, calls, error) -> dict | None:
        deadline = time.monotonic() + self.budget
        records = [(call, learner_outcome(call)) for call in calls]
        records = [(call, got) for call, got in records if got is not None]
        if not records:
            return None
        expected = _References(self, records)
        found = self._catalogue_match(records, expected, deadline)
        if found is None and expected.all() is not None:
            found = behaviour.explain(self.slug, records, expected.all())
        return found

    def _catalogue_match(self, records, expected, deadline) -> dict | None:
        matches = []
        for item in self.catalogue:
            if time.monotonic() > deadline:
                break
            if item.detect is not None:
                if any(
                    call.name == item.function and _holds(item, call, expected.get(index))
                    for index, (call, _) in enumerate(records)
                ):
                    matches.append(item)
            elif expected.all() is not None and self._variant_explains(item, records, expected.all()):
                matches.append(item)
        if len({m.id for m in matches}) == 1:
            return matches[0].as_dict()
        return None

    def _variant_explains(self, item: Misconception, records, expected) -> bool:
        try:
            module = self._variants.get(item.id) or self._variants.setdefault(
                item.id, variant_namespace(self.reference, item)
            )
        except Exception:  # noqa: BLE001 - a broken catalogue entry never breaks grading
            return False
        differs = False
        for (call, got), ref in zip(records, expected):
            try:
                wrong = self._outcome(module, call)
            except Exception:  # noqa: BLE001 - the replay itself is not possible for this call
                return False
            if not got.same_as(wrong):
                return False
            differs = differs or not ref.same_as(wrong)
        return differs

    def _outcome(self, module, call) -> Outcome:
        """Replay a logged call on `module` (the reference or a wrong version) in the judge."""
        if not call.replay:
            raise LookupError("not replayed: a run that cannot be repeated exactly (detect predicates only)")
        args, kwargs = copy.deepcopy(call.args), copy.deepcopy(call.kwargs)
        if call.kind == "drive":
            if self.driver is None:
                raise LookupError("no driver")
            target, args = getattr(self.driver, call.name), (module, *args)
        else:
            target = getattr(module, call.name)
        try:
            if call.errstate == "raise":
                with np.errstate(**STABILITY):
                    return Outcome(target(*args, **kwargs))
            with np.errstate(all="ignore"):
                return Outcome(target(*args, **kwargs))
        except (ArithmeticError, ValueError, TypeError, IndexError, KeyError, RuntimeError) as raised:
            return Outcome(raised=type(raised).__name__)


class _References:
    """The reference's outcome for each logged call, replayed only when a check needs it."""

    def __init__(self, diagnoser: Diagnoser, records):
        self._diagnoser, self._records = diagnoser, records
        self._found: dict[int, Outcome | None] = {}

    def get(self, index: int) -> Outcome | None:
        if index not in self._found:
            try:
                self._found[index] = self._diagnoser._outcome(self._diagnoser.reference, self._records[index][0])
            except Exception:  # noqa: BLE001 - a call the reference cannot replay: nothing to compare with
                self._found[index] = None
        return self._found[index]

    def all(self) -> list[Outcome] | None:
        found = [self.get(index) for index in range(len(self._records))]
        return None if any(outcome is None for outcome in found) else found


def _holds(item: Misconception, call, expected: Outcome | None) -> bool:
    try:
        return bool(item.detect(call, None if expected is None or expected.raised else expected.value))
    except Exception:  # noqa: BLE001 - a predicate that cannot judge this call says no
        return False


def _load_driver(path: Path | None):
    if path is None:
        return None
    spec = importlib.util.spec_from_file_location(f"grading_driver_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
