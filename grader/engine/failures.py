"""What can go wrong on the learner's side of a run, and the one message that says so.

The sandbox raises these; hidden tests let them through (a test that meets one fails with its
message); the runner turns them into failed tests. `HostOverloaded` is different: the grading
machine, not the learner, is the cause, so the run is not recorded at all.
"""

from __future__ import annotations

import errno

from grader.engine.wire import MAX_MESSAGE
from grader.errors import UsageProblem


class LearnerError(Exception):
    """Something went wrong on the learner's side of a call; the message says what."""


class ImportFailed(LearnerError):
    pass


class NotDefined(LearnerError):
    pass


class LearnerException(LearnerError):
    """The learner's code raised; `type_name` and `bases` describe the exception."""

    def __init__(self, message, type_name="", bases=()):
        super().__init__(message)
        self.type_name = type_name
        self.bases = list(bases)


class LearnerTimeout(LearnerError):
    pass


class WorkerCrashed(LearnerError):
    pass


class RunTimeLimit(LearnerError):
    pass


class HostOverloaded(UsageProblem):
    """The grading machine was too busy to give this run its time; nothing about the code is known."""

    MESSAGE = (
        "the grading machine was overloaded, so your code could not get the time it is allowed; "
        "nothing was recorded: please submit again in a moment"
    )

    def __init__(self):
        super().__init__(self.MESSAGE)


RUN_LIMIT_MESSAGE = "the grading run reached its time limit before this check; make the slow parts faster"


def missing_message(name: str) -> str:
    return (
        f"{name} is not defined in your file (check its spelling, and that it is not indented inside another function)"
    )


def import_message(error: dict, packages=("numpy",)) -> str:
    kind = error.get("kind")
    if kind == "syntax":
        code = f": {error['code']}" if error.get("code") else ""
        return f"your file has a syntax error at line {error.get('line')} ({error.get('text')}){code}; fix it and submit again"
    if kind == "exit":
        return (
            "your file called sys.exit() (or exit()) while being imported, so nothing could be graded; remove that call"
        )
    where = f" ({error['where'][-1]})" if error.get("where") else ""
    allowed = ""
    if error.get("type") in ("ModuleNotFoundError", "ImportError"):
        allowed = (
            f"; this exercise may import {' and '.join(packages)} and Python's standard library only "
            '(move plotting and experiments under `if __name__ == "__main__":`)'
        )
    return f"importing your file raised {error.get('type')}: {error.get('text')}{where}{allowed}"


def reply_too_large(describe: str, what: str) -> LearnerException:
    return LearnerException(f"{describe} returned {what}; return only what the exercise asks for")


def error_from_reply(error: dict, describe: str, limits: dict) -> LearnerError:
    """The learner-facing error for a failed call, naming a sandbox limit when that is what was hit."""
    kind = error.get("kind")
    if kind == "missing":
        return NotDefined(missing_message(error.get("text", "?")))
    if kind == "too_large":
        return reply_too_large(describe, f"a value larger than {MAX_MESSAGE >> 20} MB")
    if kind == "unserialisable":
        return LearnerException(f"{describe} returned something that is not plain data ({error.get('text')})")
    type_name = error.get("type", "an exception")
    text = error.get("text", "")
    bases = error.get("bases", [])
    where = f" (your file, {error['where'][-1]})" if error.get("where") else ""
    if type_name == "NotImplementedError":
        return LearnerException(f"{describe} is not implemented yet: it raises NotImplementedError", type_name, bases)
    if type_name == "SystemExit":
        return LearnerException(f"{describe} called sys.exit(): a function should return its result", type_name, [])
    if type_name == "FloatingPointError":
        return LearnerException(
            f"{describe} is not numerically stable: numpy reported '{text}'. "
            f"Rewrite the computation so that nothing overflows{where}",
            type_name,
            bases,
        )
    limit = limit_message(error.get("errno"), limits)
    if limit:
        return LearnerException(f"{describe}: {limit}{where}", type_name, bases)
    return LearnerException(f"{describe} raised {type_name}: {text}{where}", type_name, bases)


def limits_note(hit: dict, limits: dict) -> str:
    """Which whole-run limit (from the run's cgroup) a worker that ended ran into, or ""."""
    if hit.get("memory"):
        return f"your code used more than {limits['memory_mb']} MB of memory (the limit of a run)"
    if hit.get("processes"):
        return f"your code started more than {limits['max_processes']} processes (the limit of a run)"
    return ""


def limit_message(number, limits: dict) -> str:
    """What a learner's OSError means when it is one of the run's limits."""
    if number in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"your code wrote more than {limits.get('disk_mb', '?')} MB (the limit of its scratch folder)"
    if number == errno.EAGAIN and limits.get("processes_hit"):
        return f"your code started more than {limits.get('max_processes', '?')} processes (the limit of a run)"
    if number == errno.ENOMEM:
        return f"your code used more than {limits.get('memory_mb', '?')} MB of memory"
    return ""
