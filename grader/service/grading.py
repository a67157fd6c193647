"""The grading service: N grading processes, each a judge like `grade submit` with a warm pool of its own.

`GradingPool` starts the processes (multiprocessing, fork: the process that creates it must run no other
threads), hands each one job at a time as JSON over a pipe and returns what came back as an `Outcome`:
graded (a RunResult), pending (the host's load spoiled the run: nothing to record, grade it again),
failed (the grader raised on this file) or crashed (the process died, or overran the exercise's time
limit by far: a bug in the judge, since the sandbox bounds every run). A crashed process is replaced and
the others go on; processes its sandbox worker left behind re-parent to this process (a child
subreaper) and are ended too. `grade autograde` and the course server's job runner both grade through it.

Official grading needs the full sandbox (bubblewrap) unless the caller allows the weaker one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import time
from dataclasses import dataclass

from grader.course.catalog import Exercise, get_exercise
from grader.results import RunResult

JUDGE_GRACE_S = 60.0  # beyond the exercise's own time limit, before a grading process is deemed stuck


def _serve(connection, overrides: dict) -> None:
    """A grading process: receive one job at a time as JSON, grade it like `grade submit`, reply JSON."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from grader.engine import pool

    if overrides.get("warm", True):
        pool.enable()
    while True:
        try:
            request = connection.recv_bytes()
        except (EOFError, OSError):
            return
        job = json.loads(request)
        if job is None:
            return
        connection.send_bytes(json.dumps(reply_for(job, overrides)).encode())


def reply_for(job: dict, overrides: dict) -> dict:
    """Grade one job ({"exercise", "student", "source"}) in this process, like `grade submit`; the reply as
    plain data: {"ok": True, "result": ...}, or {"ok": False, "error": ..., "pending": True if the host's
    load spoiled the run}. A grading process of a GradingPool and a `grade worker`'s both call it."""
    from grader.engine.failures import HostOverloaded
    from grader.service.submit import grade

    try:
        exercise = limited(get_exercise(job["exercise"]), overrides.get("time_limit"))
        result = grade(exercise, job["source"], job["student"], require_full=overrides.get("require_full", True))
        return {"ok": True, "result": result.to_dict()}
    except HostOverloaded as overloaded:
        return {"ok": False, "pending": True, "error": str(overloaded)}
    except Exception as error:  # noqa: BLE001 - reported for this submission; the others go on
        return {"ok": False, "error": f"the grader failed on this file ({type(error).__name__}: {error})"}


def limited(exercise: Exercise, time_limit: float | None) -> Exercise:
    """The exercise with its run and call limits capped at `time_limit` (None: as the manifest says)."""
    if not time_limit:
        return exercise
    return dataclasses.replace(
        exercise, time_limit=min(exercise.time_limit, time_limit), call_limit=min(exercise.call_limit, time_limit)
    )


@dataclass
class Outcome:
    """What became of one job: kind is "graded", "pending", "failed" or "crashed"."""

    tag: object  # whatever the caller handed in with the job
    kind: str
    result: RunResult | None = None
    message: str = ""


def outcome_of(tag, reply: dict) -> Outcome:
    """The Outcome of a job from its reply (`reply_for`)."""
    if reply.get("ok"):
        return Outcome(tag, "graded", RunResult.from_dict(reply["result"]))
    if reply.get("pending"):  # the host, not the file: grade it again
        return Outcome(tag, "pending", message=reply["error"])
    return Outcome(tag, "failed", message=reply.get("error", "the grader failed on this file"))


class _Slot:
    """One grading process and the job it is working on."""

    def __init__(self, context, overrides: dict):
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end, overrides), daemon=True)
        self.process.start()
        child_end.close()
        self.connection = parent_end
        self.tag: object = None
        self.busy = False
        self.deadline = 0.0

    def send(self, tag, job: dict, limit: float) -> None:
        self.tag, self.busy = tag, True
        self.deadline = time.monotonic() + limit
        self.connection.send_bytes(json.dumps(job).encode())

    def stop(self, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        else:
            try:
                self.connection.send_bytes(b"null")
            except OSError:
                pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def full_sandbox_or_refuse(allow_weak_sandbox: bool) -> bool:
    """Whether bubblewrap grades here; SandboxUnavailable if it does not and the weak sandbox is not allowed."""
    from grader.engine.launch import SandboxUnavailable, bwrap_works

    full = bwrap_works() and os.environ.get("GRADE_SANDBOX") != "landlock"
    if not full and not allow_weak_sandbox:
        raise SandboxUnavailable(
            "official grading needs the full sandbox (bubblewrap), which is not available here: install it "
            "(apt-get install bubblewrap) or pass --allow-weak-sandbox to grade with Landlock alone"
        )
    return full


class GradingPool:
    """`jobs` grading processes. `start(tag, exercise, student, source)` hands a job to an idle process
    (its pid is returned); `wait(timeout)` returns the Outcomes that arrived; `close()` ends every process
    and returns the tags of the jobs still running (never graded: to be graded again)."""

    def __init__(self, jobs: int, *, time_limit: float | None = None, allow_weak_sandbox: bool = False):
        import multiprocessing

        from grader.engine.fallback import become_subreaper, children_of

        full = full_sandbox_or_refuse(allow_weak_sandbox)
        become_subreaper()
        import numpy  # noqa: F401

        import grader.engine.judge  # noqa: F401 - loaded once here, shared by every forked grading process

        self.time_limit = time_limit
        self._context = multiprocessing.get_context("fork")  # cheap; the caller runs no other threads
        self._overrides = {"time_limit": time_limit, "require_full": not allow_weak_sandbox, "warm": full}
        self._before = children_of(os.getpid())
        self.slots = [_Slot(self._context, self._overrides) for _ in range(max(1, jobs))]

    @property
    def idle(self) -> int:
        return sum(not slot.busy for slot in self.slots)

    @property
    def running(self) -> list:
        return [slot.tag for slot in self.slots if slot.busy]

    def start(self, tag, exercise: str, student: str, source: str) -> int:
        slot = next(slot for slot in self.slots if not slot.busy)
        limit = limited(get_exercise(exercise), self.time_limit).time_limit + JUDGE_GRACE_S
        slot.send(tag, {"exercise": exercise, "student": student, "source": source}, limit)
        return slot.process.pid

    def wait(self, timeout: float = 0.5, also: tuple = ()) -> list[Outcome]:
        """The outcomes that arrived within `timeout` seconds (returns early when one arrives, or when one
        of `also`, other connections the caller listens to, has something to read)."""
        from multiprocessing.connection import wait

        from grader.engine.fallback import end_strays

        busy = [slot for slot in self.slots if slot.busy]
        if not busy:
            wait(list(also), timeout=timeout) if also else time.sleep(timeout)
            return []
        waitables = [slot.connection for slot in busy] + [slot.process.sentinel for slot in busy] + list(also)
        ready = wait(waitables, timeout=timeout)
        outcomes = []
        for index, slot in enumerate(self.slots):
            if not slot.busy:
                continue
            crashed = ""
            if slot.connection in ready or slot.process.sentinel in ready:
                try:
                    if slot.connection.poll():
                        outcomes.append(self._outcome(slot, json.loads(slot.connection.recv_bytes())))
                        continue
                except (EOFError, OSError):
                    pass
                if not slot.process.is_alive():
                    crashed = (
                        f"the grading process ended unexpectedly (exit code {slot.process.exitcode}) "
                        "while grading this file; the rest of the batch went on"
                    )
            if not crashed and time.monotonic() > slot.deadline:
                crashed = (
                    f"grading this file took longer than its time limit plus {JUDGE_GRACE_S:g} s, so it "
                    "was stopped; the rest of the batch went on"
                )
            if crashed:
                slot.stop(kill=True)
                end_strays(self._before | {s.process.pid for s in self.slots if s is not slot})
                outcomes.append(Outcome(slot.tag, "crashed", message=crashed))
                self.slots[index] = _Slot(self._context, self._overrides)
        return outcomes

    @staticmethod
    def _outcome(slot: _Slot, reply: dict) -> Outcome:
        tag, slot.tag, slot.busy = slot.tag, None, False
        return outcome_of(tag, reply)

    def close(self, wait_s: float = 0.0) -> tuple[list[Outcome], list]:
        """End every process, after up to `wait_s` seconds for the running jobs to finish; return the
        outcomes that arrived meanwhile and the tags of the jobs left unfinished (never graded)."""
        from grader.engine.fallback import end_strays

        finished = []
        deadline = time.monotonic() + wait_s
        while wait_s and any(slot.busy for slot in self.slots) and time.monotonic() < deadline:
            finished += self.wait(timeout=min(0.5, max(0.01, deadline - time.monotonic())))
        unfinished = [slot.tag for slot in self.slots if slot.busy]
        for slot in self.slots:
            slot.stop(kill=slot.busy)
        end_strays(self._before)
        return finished, unfinished
