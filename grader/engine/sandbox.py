"""The judge's handle on the worker process that runs a learner's code.

`Sandbox` starts `worker.py` in a throwaway directory, sends it requests and
reads plain-data replies with a deadline per call and per run. A call that
overruns kills the worker (and everything it started); the next call starts a
fresh one. Nothing here imports the submission.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

WORKER = Path(__file__).with_name("worker.py")
OUTPUT_LIMIT = 4000
_PR_SET_CHILD_SUBREAPER = 36
MAX_RESTARTS = 25
RUN_LIMIT_MESSAGE = "the grading run reached its time limit before this check; make the slow parts faster"


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


@dataclass
class Reply:
    value: object
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    seconds: float = 0.0


@lru_cache(maxsize=4)
def _readable_paths(course_root: Path) -> list[str]:
    """The Python installation, minus anything that belongs to the course itself."""
    paths = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")}
    paths |= {
        "/usr/lib",
        "/lib",
        "/lib64",
        "/usr/lib64",
        "/etc/ld.so.cache",
        "/usr/share/zoneinfo",
        "/dev/urandom",
        "/proc/cpuinfo",
        "/sys/devices/system/cpu",
    }  # torch sizes its thread pool
    course = course_root.resolve()
    site_dirs = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    for site in site_dirs:
        try:
            entries = list(Path(site).iterdir())
        except OSError:
            continue
        for entry in entries:
            resolved = entry.resolve()
            if resolved == course or course in resolved.parents:
                continue
            if entry.name in ("grader", "db", "solutions", "exercises"):
                continue
            paths.add(str(entry))
    return sorted(paths)


def become_subreaper() -> None:
    """Orphans of the worker (a learner's fork) re-parent to us, so we can end them."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _children_of(pid: int) -> set[int]:
    found = set()
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            found = {int(p) for p in handle.read().split()}
    except OSError:
        pass
    return found


class Sandbox:
    def __init__(
        self,
        source: str,
        module: str,
        course_root: Path,
        *,
        call_limit: float = 5.0,
        run_limit: float = 60.0,
        memory_mb: int = 2048,
        preload=(),
        driver: Path | None = None,
        start_limit: float = 20.0,
    ):
        self.source = source
        self.module = module
        self.course_root = course_root
        self.call_limit = call_limit
        self.memory_mb = memory_mb
        self.preload = list(preload)
        self.driver = driver
        self.start_limit = start_limit
        self.deadline = time.monotonic() + run_limit
        self.workdir = Path(tempfile.mkdtemp(prefix="grade-"))
        (self.workdir / f"{module}.py").write_text(source)
        self.output_path = Path(tempfile.mkstemp(prefix="grade-output-")[1])
        self.process = None
        self.reader = None
        self.request_fd = None
        self.ready = None
        self.import_error: str | None = None
        self.restarts = 0
        self.next_id = 0
        self.sandbox_note = ""
        self.network_note = ""
        become_subreaper()
        self._children_before = _children_of(os.getpid())

    # -- process lifecycle -------------------------------------------------
    def start(self) -> None:
        """Start the worker without waiting for it (the judge imports meanwhile)."""
        if self.process is not None:
            return
        reply_read, reply_write = os.pipe()
        config = {
            "module": self.module,
            "file": f"{self.module}.py",
            "reply_fd": reply_write,
            "memory_mb": self.memory_mb,
            "preload": self.preload,
            "driver": str(self.driver) if self.driver else None,
        }
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.workdir),
            "LANG": "C.UTF-8",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
        }
        output = open(self.output_path, "ab")  # noqa: SIM115 - handed to the worker, closed below
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-u", str(WORKER), json.dumps(config)],
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=output,
                pass_fds=(reply_write,),
                cwd=self.workdir,
                env=env,
                start_new_session=True,
            )
        finally:
            output.close()
            os.close(reply_write)
        self.request_fd = self.process.stdin.fileno()
        from grader.engine import (
            wire,  # numpy: imported once the worker is already booting
        )

        # What the worker may read goes as its first message: computed while it boots.
        wire.write_message(self.request_fd, {"read_paths": _readable_paths(self.course_root)})
        self.reader = wire.Reader(reply_read)
        self._reply_read = reply_read
        self.ready = None

    def _await_ready(self) -> None:
        from grader.engine import wire

        if self.ready is not None:
            return
        self.start()
        deadline = min(self.deadline, time.monotonic() + self.start_limit)
        try:
            ready = self.reader.read_message(deadline)
        except wire.WireTimeout:
            self._stop()
            self.import_error = (
                "importing your file did not finish in time: does it run a long loop or "
                "wait for input at the top level?"
            )
            raise ImportFailed(self.import_error) from None
        except (EOFError, wire.WireError, ValueError):
            self._stop()
            self.import_error = (
                "your file ended the grading process while it was being imported "
                "(os._exit, a crash, or it ran out of memory)"
            )
            raise ImportFailed(self.import_error) from None
        self.ready = ready
        self.sandbox_note = ready.get("sandbox", "")
        self.network_note = ready.get("network", "")
        if not ready["ok"]:
            self.import_error = _import_message(ready["error"])
            self._stop()

    def _stop(self) -> None:
        """End the worker and every process it left behind."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for close in (self.process.stdin.close, lambda: os.close(self._reply_read)):
            try:
                close()
            except OSError:
                pass
        self.process = None
        self._reap_orphans()

    def _reap_orphans(self) -> None:
        for _ in range(3):
            strays = _children_of(os.getpid()) - self._children_before
            if not strays:
                return
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError, PermissionError):
                    pass

    def close(self) -> str:
        """Stop everything, delete the working directory, return the learner's output."""
        self._stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
        try:
            raw = self.output_path.read_bytes()[: OUTPUT_LIMIT * 4]
        finally:
            self.output_path.unlink(missing_ok=True)
        text = raw.decode("utf-8", "replace").replace(str(self.workdir) + "/", "")
        text = text.replace(str(self.workdir), ".")
        if len(text) > OUTPUT_LIMIT:
            text = text[:OUTPUT_LIMIT] + "\n... (output truncated)"
        return text

    # -- requests ----------------------------------------------------------
    def functions(self) -> list[str]:
        self._ensure_worker()
        return list(self.ready.get("functions", []))

    def require(self, name: str) -> None:
        """Raise NotDefined unless the learner's module defines the function or class `name`."""
        if name not in self.functions():
            raise NotDefined(_missing_message(name))

    def _ensure_worker(self) -> None:
        if self.import_error:
            raise ImportFailed(self.import_error)
        if time.monotonic() >= self.deadline:
            raise RunTimeLimit(RUN_LIMIT_MESSAGE)
        if self.process is None:
            if self.restarts >= MAX_RESTARTS:
                raise WorkerCrashed("your code stopped the worker too many times; the remaining checks were skipped")
            self.restarts += 1
            self.start()
        self._await_ready()
        if self.import_error:
            raise ImportFailed(self.import_error)

    def _request(self, message: dict, timeout: float | None, describe: str):
        from grader.engine import wire

        self._ensure_worker()
        self.next_id += 1
        message["id"] = self.next_id
        limit = self.call_limit if timeout is None else timeout
        deadline = min(time.monotonic() + limit, self.deadline)
        try:
            wire.write_message(self.request_fd, message)
            reply = self.reader.read_message(deadline)
        except wire.WireTimeout:
            self._stop()
            if deadline == self.deadline:  # the run's limit, not the call's, ran out
                raise RunTimeLimit(RUN_LIMIT_MESSAGE) from None
            raise LearnerTimeout(
                f"{describe} did not return within {limit:g} s: an infinite loop, or far too much work? It was stopped."
            ) from None
        except (EOFError, BrokenPipeError, wire.WireError, ValueError, OSError):
            self._stop()
            raise WorkerCrashed(
                f"{describe} ended the worker process (os._exit, a crash, or it ran "
                f"out of the {self.memory_mb} MB memory limit)"
            ) from None
        if reply.get("id") != message["id"]:
            self._stop()
            raise WorkerCrashed(
                f"{describe}: the worker's reply was out of order (did your code write to the grader's channel?)"
            )
        if not reply["ok"]:
            raise _error_from_reply(reply["error"], describe)
        return reply

    def call(
        self, name: str, args, kwargs, *, errstate=None, timeout=None, report=False, describe: str | None = None
    ) -> Reply:
        describe = describe or f"{name}(...)"
        self.require(name)
        reply = self._request(
            {
                "op": "call",
                "name": name,
                "args": list(args),
                "kwargs": dict(kwargs),
                "errstate": errstate,
                "report": report,
            },
            timeout,
            describe,
        )
        return Reply(
            reply["value"],
            reply.get("args", []),
            reply.get("kwargs", {}),
            reply.get("warnings", []),
            reply.get("seconds", 0.0),
        )

    def drive(self, name: str, kwargs, *, timeout=None, describe: str | None = None) -> Reply:
        reply = self._request({"op": "drive", "name": name, "kwargs": dict(kwargs)}, timeout, describe or name)
        return Reply(reply["value"], warnings=reply.get("warnings", []), seconds=reply.get("seconds", 0.0))

    def evaluate(self, expression: str, *, errstate=None, timeout=None, describe: str | None = None) -> Reply:
        """Evaluate a Python expression (written by the course, e.g. a visible example) in the learner's
        module namespace plus numpy as np; the value comes back as plain data, errors as for `call`."""
        reply = self._request(
            {"op": "eval", "expression": expression, "errstate": errstate}, timeout, describe or expression
        )
        return Reply(reply["value"], warnings=reply.get("warnings", []), seconds=reply.get("seconds", 0.0))


def _missing_message(name: str) -> str:
    return (
        f"{name} is not defined in your file (check its spelling, and that it is not indented inside another function)"
    )


def _import_message(error: dict) -> str:
    kind = error.get("kind")
    if kind == "syntax":
        code = f": {error['code']}" if error.get("code") else ""
        return f"your file has a syntax error at line {error.get('line')} ({error.get('text')}){code}; fix it and submit again"
    if kind == "exit":
        return (
            "your file called sys.exit() (or exit()) while being imported, so nothing could be graded; remove that call"
        )
    where = f" ({error['where'][-1]})" if error.get("where") else ""
    return f"importing your file raised {error.get('type')}: {error.get('text')}{where}"


def _error_from_reply(error: dict, describe: str) -> LearnerError:
    kind = error.get("kind")
    if kind == "missing":
        return NotDefined(_missing_message(error.get("text", "?")))
    if kind == "unserialisable":
        return LearnerException(f"{describe} returned something that is not plain data ({error.get('text')})")
    type_name = error.get("type", "an exception")
    text = error.get("text", "")
    where = f" (your file, {error['where'][-1]})" if error.get("where") else ""
    if type_name == "NotImplementedError":
        return LearnerException(
            f"{describe} is not implemented yet: it raises NotImplementedError", type_name, error.get("bases", [])
        )
    if type_name == "SystemExit":
        return LearnerException(f"{describe} called sys.exit(): a function should return its result", type_name, [])
    if type_name == "FloatingPointError":
        return LearnerException(
            f"{describe} is not numerically stable: numpy reported '{text}'. "
            f"Rewrite the computation so that nothing overflows{where}",
            type_name,
            error.get("bases", []),
        )
    return LearnerException(f"{describe} raised {type_name}: {text}{where}", type_name, error.get("bases", []))
