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

Installed libraries keep their own error states: numpy's own Python code sets np.errstate where
it handles an inf or a NaN itself on purpose, which is stable by the contract. So a call to these
functions from a file of the Python installation (the standard library, the sandbox's packages)
is passed through unchanged; the learner's
file, and code it compiles itself, never is. (This guards against honest silencing, not against
a submission determined to cheat, which the instructor sees in its code.)

Imported by the worker before it is confined: it must not import the project.
"""

from __future__ import annotations

import os
import sys
import sysconfig

import numpy as np

WATCHED = ("over", "invalid", "divide")


def _library_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    folders = {"/sandbox/site/"}  # the exercise's packages inside bubblewrap
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if paths.get(key):
            folders |= {os.path.join(paths[key], ""), os.path.join(os.path.realpath(paths[key]), "")}
    return tuple(sorted(folders))


LIBRARY_FOLDERS = _library_folders()


def _called_from_library() -> bool:
    """Whether the code that called np.errstate/np.seterr/np.seterrcall is an installed library's."""
    return sys._getframe(2).f_code.co_filename.startswith(LIBRARY_FOLDERS)


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
    if _active and not _called_from_library():
        settings = _forced(settings)
    return _original["errstate"](**settings)


def seterr(**settings):
    if _active and not _called_from_library():
        settings = _forced(settings)
        settings.pop("call")
    return _original["seterr"](**settings)


def seterrcall(func):
    if _active and not _called_from_library():
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
