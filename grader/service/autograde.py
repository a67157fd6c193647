"""Grade a whole class: every `SUBMISSIONS_DIR/<student>/<slug>.py` (or `.ipynb`), in parallel.

The plan (`plan_batch`) says, for each learner and exercise, what will happen: grade a file, skip
it (its source was already graded for that learner and exercise), or report it missing. Grading
(`run_batch`) happens in N grading processes started here, each one a judge like `grade submit`
with a warm pool of its own (`grader.engine.pool`: a zygote that imported numpy once forks one
isolated run per file). Results are recorded by this process, one at a time, exactly as `grade
submit` records them (origin "autograde"). Official grading needs the full sandbox (bubblewrap)
unless the instructor allows the weaker one; a run that the host's load spoiled is left pending,
not recorded, and graded again next time.

A pool process is watched: if it dies, or overruns the exercise's time limit by far (the sandbox
already bounds every run, so that would be a bug in the judge), that one submission is reported as
"crashed", a fresh process takes its place, and the batch goes on. Processes its sandbox worker left
behind re-parent to this process (a child subreaper) and are ended too.

Only JSON crosses the pipes to the pool processes. No click here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import time
from collections import deque
from collections.abc import Callable

from grader.course.catalog import Exercise, get_exercise, load_manifest
from grader.results import RunResult
from grader.service.batch import Batch, Item, plan_batch, skip_already_graded

__all__ = ["Batch", "Item", "plan_batch", "run_batch", "skip_already_graded"]

JUDGE_GRACE_S = 60.0  # beyond the exercise's own time limit, before a pool process is deemed stuck


# ---------------------------------------------------------------- the pool processes


def _serve(connection, overrides: dict) -> None:
    """A pool process: receive one job at a time as JSON, grade it like `grade submit`, reply JSON."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from grader.engine import pool
    from grader.engine.failures import HostOverloaded
    from grader.service.submit import grade

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
        try:
            exercise = _limited(get_exercise(job["exercise"]), overrides)
            result = grade(exercise, job["source"], job["student"], require_full=overrides.get("require_full", True))
            reply = {"ok": True, "result": result.to_dict()}
        except HostOverloaded as overloaded:
            reply = {"ok": False, "pending": True, "error": str(overloaded)}
        except Exception as error:  # noqa: BLE001 - reported for this submission; the batch goes on
            reply = {"ok": False, "error": f"the grader failed on this file ({type(error).__name__}: {error})"}
        connection.send_bytes(json.dumps(reply).encode())


def _limited(exercise: Exercise, overrides: dict) -> Exercise:
    limit = overrides.get("time_limit")
    if not limit:
        return exercise
    return dataclasses.replace(
        exercise, time_limit=min(exercise.time_limit, limit), call_limit=min(exercise.call_limit, limit)
    )


class _Slot:
    """One pool process and the job it is working on."""

    def __init__(self, context, overrides: dict):
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end, overrides), daemon=True)
        self.process.start()
        child_end.close()
        self.connection = parent_end
        self.item: Item | None = None
        self.deadline = 0.0

    def send(self, item: Item, limit: float) -> None:
        self.item = item
        self.deadline = time.monotonic() + limit
        self.connection.send_bytes(
            json.dumps({"exercise": item.exercise, "student": item.student, "source": item.source}).encode()
        )

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


def run_batch(
    batch: Batch,
    record: Callable[[RunResult, str], int],
    jobs: int | None = None,
    time_limit: float | None = None,
    on_done: Callable[[Item], None] | None = None,
    on_start: Callable[[Item, int], None] | None = None,
    on_tick: Callable[[], None] | None = None,
    allow_weak_sandbox: bool = False,
) -> Batch:
    """Grade every pending item of `batch` in `jobs` grading processes; `record(result, source)` stores a
    graded run and returns its submission id. `on_start(item, pid)` and `on_done(item)` report progress.
    Without bubblewrap the batch is refused (SandboxUnavailable) unless `allow_weak_sandbox`."""
    import multiprocessing
    from multiprocessing.connection import wait

    from grader.engine.fallback import become_subreaper, children_of, end_strays
    from grader.engine.launch import SandboxUnavailable, bwrap_works

    started = time.monotonic()
    full = bwrap_works() and os.environ.get("GRADE_SANDBOX") != "landlock"
    if not full and not allow_weak_sandbox:
        raise SandboxUnavailable(
            "official grading needs the full sandbox (bubblewrap), which is not available here: install it "
            "(apt-get install bubblewrap) or pass --allow-weak-sandbox to grade with Landlock alone"
        )
    # the slowest first (torch, then the longest limits), so that no process is left alone with a slow one at the end
    weight = {e.slug: (e.torch, e.time_limit) for e in load_manifest()}
    pending = deque(
        sorted(
            (item for item in batch.items if item.outcome == "pending"),
            key=lambda item: weight.get(item.exercise, (False, 0.0)),
            reverse=True,
        )
    )
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))
    batch.jobs = jobs
    if not pending:
        batch.wall_time = time.monotonic() - started
        return batch
    become_subreaper()
    import numpy  # noqa: F401

    import grader.engine.judge  # noqa: F401 - loaded once here, shared by every forked pool process

    context = multiprocessing.get_context("fork")  # cheap; this process runs no other threads
    overrides = {"time_limit": time_limit, "require_full": not allow_weak_sandbox, "warm": full}
    before = children_of(os.getpid())
    slots = [_Slot(context, overrides) for _ in range(jobs)]

    def limit_for(item: Item) -> float:
        exercise = _limited(get_exercise(item.exercise), overrides)
        return exercise.time_limit + JUDGE_GRACE_S

    def finish(slot: _Slot, reply: dict | None, problem: str = "") -> None:
        item, slot.item = slot.item, None
        if reply is not None and reply.get("ok"):
            result = RunResult.from_dict(reply["result"])
            try:
                item.submission_id = record(result, item.source)
            except Exception as error:  # noqa: BLE001 - e.g. the database stayed locked: this file only
                item.outcome, item.message = "crashed", f"graded, but the result could not be recorded: {error}"
            else:
                item.outcome, item.score, item.status = "graded", result.score, result.status
                item.message, item.duration = result.message, result.duration
        elif reply is not None and reply.get("pending"):  # the host, not the file: graded again next time
            item.outcome, item.message = "pending", reply["error"]
        else:
            item.outcome = "crashed"
            item.message = problem or (reply or {}).get("error", "the grader failed on this file")
        if on_done:
            on_done(item)

    try:
        while pending or any(slot.item for slot in slots):
            for slot in slots:
                if slot.item is None and pending:
                    item = pending.popleft()
                    slot.send(item, limit_for(item))
                    if on_start:
                        on_start(item, slot.process.pid)
            busy = [slot for slot in slots if slot.item is not None]
            ready = wait([slot.connection for slot in busy] + [slot.process.sentinel for slot in busy], timeout=0.5)
            if on_tick:
                on_tick()
            for index, slot in enumerate(slots):
                if slot.item is None:
                    continue
                crashed = ""
                if slot.connection in ready or slot.process.sentinel in ready:
                    try:
                        if slot.connection.poll():
                            finish(slot, json.loads(slot.connection.recv_bytes()))
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
                    end_strays(before | {s.process.pid for s in slots if s is not slot})
                    finish(slot, None, crashed)
                    slots[index] = _Slot(context, overrides)
    finally:
        for slot in slots:
            if slot.item is not None:  # interrupted: never recorded, graded again next time
                slot.item.outcome, slot.item.message = "pending", "interrupted"
            slot.stop(kill=slot.item is not None)
        end_strays(before)
        for item in batch.items:
            item.source = ""
    batch.wall_time = time.monotonic() - started
    return batch
