"""Numerical stability checks the learner's code cannot switch off (runs inside the worker).

The contract calls a function stable when, for the inputs given, it returns right, finite values
and nothing overflows. An overflow whose inf is later divided away still returns right values
(the textbook sigmoid at x = -1000), so the check must see numpy's floating-point events, and a
submission must not be able to hide them with `np.errstate(all="ignore")`, `np.seterr(...)` or
`warnings.filterwarnings("ignore")`. During a stability call numpy is told to *log* every
overflow, invalid value and division by zero into our own recorder (numpy writes "Warning:
overflow encountered in exp"), and the public `np.errstate`, `np.seterr` and `np.seterrcall` are
replaced, before the learner's module is imported, by versions that leave those three settings
alone while a stability call runs. Divisions by zero and invalid values are reported, not
failed: a right, finite result that passed through log(0) is stable by the contract.

Imported by the worker before it is confined: it must not import the project.
"""

from __future__ import annotations

import numpy as np

WATCHED = ("over", "invalid", "divide")


class _Recorder:
    """numpy's "log" error mode writes one line per event to an object's write()."""

    def __init__(self):
        self.events: list[str] = []

    def write(self, message: str) -> None:
        if len(self.events) < 50:
            self.events.append(message.strip().removeprefix("Warning: "))


_original = {"errstate": np.errstate, "seterr": np.seterr, "seterrcall": np.seterrcall}
_active: list[_Recorder] = []


def _forced(settings: dict) -> dict:
    settings = dict(settings)
    every = settings.pop("all", None)
    for key in ("divide", "over", "under", "invalid"):
        if every is not None and settings.get(key) is None:
            settings[key] = every
    for key in WATCHED:
        settings[key] = "log"
    settings["call"] = _active[-1]
    return settings


def errstate(**settings):
    if _active:
        settings = _forced(settings)
    return _original["errstate"](**settings)


def seterr(**settings):
    if _active:
        settings = _forced(settings)
        settings.pop("call")
    return _original["seterr"](**settings)


def seterrcall(func):
    if _active:
        return _active[-1]
    return _original["seterrcall"](func)


def install() -> None:
    """Replace numpy's public error-state functions (before any learner code is imported)."""
    np.errstate, np.seterr, np.seterrcall = errstate, seterr, seterrcall


def call_watched(target, args, kwargs):
    """Call target(*args, **kwargs) with every overflow, invalid value and division by zero recorded.

    Returns (value, events); events are numpy's texts such as "overflow encountered in exp".
    """
    recorder = _Recorder()
    _active.append(recorder)
    try:
        with _original["errstate"](over="log", invalid="log", divide="log", under="ignore", call=recorder):
            value = target(*args, **kwargs)
    finally:
        _active.pop()
    return value, recorder.events
