"""The judge's handle on the worker process that runs a learner's code.

`Sandbox` starts `worker.py` isolated (bubblewrap, a warm pool's zygote, or Landlock where bwrap is
missing), sends it the submission and requests, and reads plain-data replies. Every read and write
has a deadline and every reply a size limit, so no submission can block or bloat the judge.
Time limits count the learner's own time (`grader.engine.timing`) once a request is sent: a slow
host never costs a correct learner points; when the host is the cause the run says so
(`HostOverloaded`) instead of recording a zero. A call that overruns ends the worker and all it
started; the next call starts a fresh one (a function that timed out is not called again).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.engine import fallback, launch, pool, wire
from grader.engine.failures import (
    RUN_LIMIT_MESSAGE,
    HostOverloaded,
    ImportFailed,
    LearnerTimeout,
    NotDefined,
    RunTimeLimit,
    WorkerCrashed,
    error_from_reply,
    import_message,
    limits_note,
    missing_message,
    reply_too_large,
)
from grader.engine.output import LearnerOutput
from grader.engine.timing import Stopwatch

MAX_RESTARTS = 25
OVERLOAD_FACTOR = 4.0  # a call may take this many times its limit in wall-clock time before the host is blamed


@dataclass
class Reply:
    value: object
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    seconds: float = 0.0


class Sandbox:
    _isolation = _syscalls = _limits_text = ""

    def __init__(self, exercise, source: str, *, require_full: bool = False, start_limit: float | None = None):
        self.exercise = exercise
        self.source = source
        self.call_limit = exercise.call_limit
        self.run_limit = exercise.time_limit
        self.packages = tuple(exercise.packages)
        self.limits = {key: getattr(exercise, key) for key in ("memory_mb", "max_processes", "disk_mb")}
        self.start_limit = start_limit or (30.0 if "torch" in self.packages else 15.0)
        self.require_full = require_full
        self.launched: launch.Launched | None = None
        self.ready: dict | None = None
        self.import_error: str | None = None
        self.restarts = 0
        self.next_id = 0
        self.used = 0.0  # charged seconds of the run so far
        self.timed_out: set[str] = set()
        self.limits_hit = {"memory": False, "processes": False}
        self.workdir: Path | None = None
        self.output = LearnerOutput()

    # -- process lifecycle -------------------------------------------------
    def start(self) -> None:
        """Start the worker and send it the submission (the judge goes on while it boots)."""
        if self.launched is not None:
            return
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        try:
            self.launched = self._launch(request_r, reply_w)
        finally:
            os.close(request_r)
            os.close(reply_w)
        self._requests, self.reader = request_w, wire.Reader(reply_r)
        self._isolation = self.launched.isolation
        self._syscalls = self.launched.notes.get("syscalls", "")
        self._limits_text = launch.describe(self.limits, self.launched.cgroup)
        os.set_blocking(request_w, False)
        driver = self.exercise.driver_path
        config = {
            "module": self.exercise.slug,
            "file": f"{self.exercise.slug}.py",
            "source": self.source,
            "driver": driver.read_text(encoding="utf-8") if driver else None,
            "preload": ["torch"] if "torch" in self.packages else [],
            "memory_mb": self.limits["memory_mb"],
            "file_mb": min(64, self.limits["disk_mb"]),
            "read_paths": [] if self.workdir is None else fallback.readable_paths(self.exercise.root, self.packages),
        }
        self._write(config, time.monotonic() + self.start_limit)
        self.ready = None

    def _launch(self, request_r: int, reply_w: int) -> launch.Launched:
        fallback.sweep_stale()
        forced = os.environ.get("GRADE_SANDBOX") == "landlock"  # to try the fallback where bwrap exists
        if pool.enabled() and not forced:
            return pool.spawn(self.packages, request_r, self.output.fd, reply_w, self.limits)
        if launch.bwrap_path() is not None and not forced:
            try:
                return launch.start_bubblewrap(request_r, self.output.fd, reply_w, self.packages, self.limits)
            except launch.SandboxUnavailable as failed:  # installed, but cannot make namespaces here
                launch.mark_broken(str(failed))
                if self.require_full:
                    raise
        if self.require_full:
            raise launch.SandboxUnavailable(
                "the full sandbox (bubblewrap) is not available on this machine, so no official grade can be "
                "given: install it (apt-get install bubblewrap) or pass --allow-weak-sandbox"
            )
        self.workdir = Path(tempfile.mkdtemp(prefix=f"grade-{os.getpid()}-"))
        self._children_before = fallback.children_of(os.getpid())
        return fallback.start_landlock(request_r, self.output.fd, reply_w, self.workdir, self.limits)

    def _write(self, message: dict, deadline: float) -> None:
        wire.write_message(self._requests, message, deadline)

    def _await_ready(self) -> None:
        if self.ready is not None:
            return
        self.start()
        watch = Stopwatch(self.launched.pid, self.launched.cgroup)
        try:
            ready = self._read(watch, min(self.start_limit, self.run_limit - self.used))
        except (wire.WireTimeout, LearnerTimeout):
            self._stop()
            self.import_error = "importing your file did not finish in time: does it run a long loop or wait for input at the top level?"
            raise ImportFailed(self.import_error) from None
        except (EOFError, wire.WireError, OSError):
            self._stop()
            self.import_error = self._limit_note() or (
                "your file ended the grading process while it was being imported (os._exit, a crash, or it ran "
                "out of memory)"
            )
            raise ImportFailed(self.import_error) from None
        self.used += watch.charged()
        if not wire.well_formed(ready):
            self._stop()
            self.import_error = "your file wrote on the grader's channel while being imported; nothing was graded"
            raise ImportFailed(self.import_error)
        self.ready = ready
        if not ready["ok"]:
            self.import_error = import_message(ready["error"], self.packages)
            self._stop()

    def _read(self, watch: Stopwatch, limit: float):
        """The next reply, within `limit` seconds of charged time (LearnerTimeout after), or HostOverloaded."""
        while True:
            remaining = limit - watch.charged()
            if remaining <= 0:
                raise LearnerTimeout()
            if watch.wall() > limit * OVERLOAD_FACTOR + 5:
                raise HostOverloaded()
            try:
                return self.reader.read_message(time.monotonic() + min(remaining, 0.25))
            except wire.WireTimeout:
                continue

    def _stop(self) -> None:
        """End the worker and everything it started (its PID namespace, its cgroup)."""
        if self.launched is None:
            return
        launched, self.launched = self.launched, None
        for pid in (launched.process.pid if launched.process else None, launched.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, TypeError):
                pass
        try:
            if launched.process is not None:
                launched.process.wait(timeout=10)
                launch.reap(launched.pid)  # re-parented to us if this process is a child subreaper
            else:  # a warm-pool run: its parent in the zygote reaps it
                launch.wait_gone(launched.pid)
        except subprocess.TimeoutExpired:
            pass
        if launched.isolation == "landlock":  # no PID namespace: end the orphans it left (re-parented to us)
            fallback.end_strays(self._children_before)
        if launched.cgroup is not None:
            hit = launched.cgroup.limits_hit()
            self.limits_hit = {key: self.limits_hit[key] or value for key, value in hit.items()}
            launched.cgroup.remove()
        for fd in (self._requests, self.reader.fd, launched.status_fd):
            try:
                os.close(fd)
            except (OSError, TypeError):
                pass

    def _limit_note(self) -> str:
        """Which whole-run limit the worker ran into, once it has ended."""
        self._stop()
        return limits_note(self.limits_hit, self.limits)

    def close(self) -> str:
        """Stop everything, delete the scratch folder, return what the learner's code printed."""
        self._stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
        text = self.output.text((str(self.workdir or ""), launch.WORKDIR))
        self.output.close()
        return text

    def summary(self) -> dict:
        """How this run was isolated and limited, for the result's `sandbox` field."""
        return {
            "isolation": self._isolation or "not started",
            **launch.reported(self._isolation, self.ready),
            "limits": self._limits_text,
            "syscalls": self._syscalls,
            "restarts": self.restarts,
        }

    # -- requests ----------------------------------------------------------
    def functions(self) -> list[str]:
        self._ensure_worker()
        return list(self.ready.get("functions", []))

    def require(self, name: str) -> None:
        """Raise NotDefined unless the learner's module defines the function or class `name`."""
        if name not in self.functions():
            raise NotDefined(missing_message(name))

    def _ensure_worker(self) -> None:
        if self.import_error:
            raise ImportFailed(self.import_error)
        if self.used >= self.run_limit:
            raise RunTimeLimit(RUN_LIMIT_MESSAGE)
        if self.launched is None:
            if self.restarts >= MAX_RESTARTS:
                raise WorkerCrashed("your code stopped the worker too many times; the remaining checks were skipped")
            self.restarts += 1
            self.start()
        self._await_ready()
        if self.import_error:
            raise ImportFailed(self.import_error)

    def _request(self, message: dict, timeout: float | None, describe: str, key: str | None = None):
        if key in self.timed_out:
            raise LearnerTimeout(f"{describe} was not run again: it did not finish in time in an earlier check")
        self._ensure_worker()
        self.next_id += 1
        message["id"] = self.next_id
        limit = min(self.call_limit if timeout is None else timeout, self.run_limit - self.used)
        started = time.monotonic()
        try:  # the stopwatch starts once the request is written: the worker is awake, the call is on
            self._write(message, started + max(limit, 0.1) * OVERLOAD_FACTOR + 5)
            watch = Stopwatch(self.launched.pid, self.launched.cgroup)
            reply = self._read(watch, limit)
        except (LearnerTimeout, wire.WireTimeout):
            self._stop()
            self.used += limit
            if self.used >= self.run_limit:
                raise RunTimeLimit(RUN_LIMIT_MESSAGE) from None
            if key:
                self.timed_out.add(key)
            raise LearnerTimeout(
                f"{describe} did not return within {limit:g} s: an infinite loop, or far too much work? It was stopped."
            ) from None
        except wire.MessageTooLarge as large:
            self._stop()
            raise reply_too_large(describe, str(large)) from None
        except (EOFError, BrokenPipeError, wire.WireError, OSError):
            self.used += time.monotonic() - started
            note = self._limit_note()
            raise WorkerCrashed(
                f"{describe} ended the worker process: {note}"
                if note
                else f"{describe} ended the worker process (os._exit, a crash, or it ran out of memory)"
            ) from None
        self.used += watch.charged()
        if not wire.well_formed(reply) or reply.get("id") != message["id"]:
            self._stop()
            raise WorkerCrashed(f"{describe}: the worker's reply was out of order or not one the grader sends (did your "
                                "code write to the grader's channel?)")  # fmt: skip
        if not reply["ok"]:
            limits = {**self.limits, "processes_hit": self._processes_hit()}
            raise error_from_reply(reply["error"], describe, limits)
        return reply

    def _processes_hit(self) -> bool:
        cgroup = self.launched.cgroup if self.launched else None
        return bool(cgroup and cgroup.limits_hit()["processes"])

    def call(self, name: str, args, kwargs, *, errstate=None, timeout=None, report=False, describe=None) -> Reply:
        describe = describe or f"{name}(...)"
        self.require(name)
        message = {"op": "call", "name": name, "args": list(args), "kwargs": dict(kwargs), "errstate": errstate}
        reply = self._request({**message, "report": report}, timeout, describe, key=name)
        return Reply(reply.get("value"), reply.get("args") or [], reply.get("kwargs") or {}, reply.get("warnings") or [],
                     reply.get("seconds") or 0.0)  # fmt: skip

    def drive(self, name: str, kwargs, *, timeout=None, describe: str | None = None) -> Reply:
        reply = self._request({"op": "drive", "name": name, "kwargs": dict(kwargs)}, timeout, describe or name)
        return Reply(reply.get("value"), warnings=reply.get("warnings") or [], seconds=reply.get("seconds") or 0.0)

    def evaluate(self, expression: str, *, errstate=None, timeout=None, describe: str | None = None) -> Reply:
        """Evaluate a Python expression (written by the course, e.g. a visible example) in the learner's
        module namespace plus numpy as np; the value comes back as plain data, errors as for `call`."""
        message = {"op": "eval", "expression": expression, "errstate": errstate}
        reply = self._request(message, timeout, describe or expression)
        return Reply(reply.get("value"), warnings=reply.get("warnings") or [], seconds=reply.get("seconds") or 0.0)
