"""Grade a whole class: every `SUBMISSIONS_DIR/<student>/<slug>.py` (or `.ipynb`), in parallel.

The plan (`plan_batch`) says, for each learner and exercise, what will happen: grade a file, skip
it (its source was already graded for that learner and exercise), or report it missing. Grading
(`run_batch`) happens in N pool processes started here, each one a judge like `grade submit`
(learner code still runs only in the sandbox worker each judge starts). Results are recorded by
this process, one at a time, exactly as `grade submit` records them (origin "autograde").

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
import stat
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.catalog import Exercise, get_exercise, load_manifest
from grader.errors import UsageProblem
from grader.results import RunResult

SUFFIXES = (".py", ".ipynb")
JUDGE_GRACE_S = 60.0  # beyond the exercise's own time limit, before a pool process is deemed stuck


@dataclass
class Item:
    """One learner x exercise cell of the batch."""

    student: str
    exercise: str
    outcome: str  # graded | skipped | missing | unreadable | crashed | no-tests | pending
    path: str = ""
    score: float | None = None
    max_score: float = 0.0
    status: str = ""  # the run's status when graded: passed | failed | error
    message: str = ""
    submission_id: int | None = None
    duration: float = 0.0
    source: str = field(default="", repr=False)
    sha256: str = ""

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        del data["source"]
        return data


@dataclass
class Batch:
    folder: Path
    students: list[str]
    exercises: list[str]
    items: list[Item]
    ignored: list[str]
    jobs: int = 1
    wall_time: float = 0.0

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.items:
            totals[item.outcome] = totals.get(item.outcome, 0) + 1
        return totals

    def to_dict(self) -> dict:
        return {
            "submissions_dir": str(self.folder),
            "jobs": self.jobs,
            "wall_time": round(self.wall_time, 3),
            "students": self.students,
            "exercises": self.exercises,
            "counts": self.counts(),
            "results": [item.to_dict() for item in self.items],
            "ignored": self.ignored,
        }


def _is_plain(path: Path, kind) -> bool:
    """Whether `path` itself (never what a symbolic link points to) is of that kind."""
    try:
        return kind(path.lstat().st_mode)
    except OSError:
        return False


def _refusal(path: Path) -> str:
    """Why a file in a learner's folder is not graded (links, FIFOs, devices, huge files), or ""."""
    from grader.course.submissions import MAX_SOURCE_BYTES

    try:
        info = path.lstat()
    except OSError as error:
        return f"could not be read: {error.strerror}"
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link: only regular files are graded"
    if stat.S_ISDIR(info.st_mode):
        return "a folder, not an exercise's file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a FIFO, a socket or a device)"
    if info.st_size > MAX_SOURCE_BYTES:
        return f"larger than {MAX_SOURCE_BYTES // 2**20} MB"
    return ""


def plan_batch(folder: Path, only: list[str] | None = None) -> Batch:
    """What to do with every learner folder under `folder` (every exercise, or those in `only`):
    each learner x exercise becomes an Item, "pending" when there is a file to grade."""
    from grader.course.submissions import read_source, student_name_problem

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageProblem(
            f"{folder} is not a folder; give `grade autograde` the folder that holds one folder per learner"
        )
    exercises = [e for e in load_manifest() if only is None or e.slug in only]
    slugs = {e.slug: e for e in exercises}
    students, items, ignored = [], [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if not _is_plain(entry, stat.S_ISDIR):
            ignored.append(f"{entry.name} (not a learner's folder{': a symbolic link' if entry.is_symlink() else ''})")
            continue
        unusable = student_name_problem(entry.name)
        if unusable:
            ignored.append(f"{entry.name[:40]!r} (the folder's name {unusable}, so it cannot name a learner)")
            continue
        student = entry.name
        students.append(student)
        found: dict[str, Path] = {}
        # a .py wins over a notebook of the same exercise
        for path in sorted(
            entry.iterdir(), key=lambda p: (SUFFIXES.index(p.suffix) if p.suffix in SUFFIXES else len(SUFFIXES), p.name)
        ):
            if path.name.startswith("."):
                continue
            refused = _refusal(path)
            if refused:
                ignored.append(f"{student}/{path.name} ({refused})")
                continue
            slug = path.stem if path.suffix in SUFFIXES else None
            if slug in slugs and slug not in found:
                found[slug] = path
            elif slug in slugs:
                ignored.append(f"{student}/{path.name} (also has {found[slug].name}, which was graded)")
            elif only is None or slug is None:
                ignored.append(f"{student}/{path.name} (not an exercise of the course)")
        for exercise in exercises:
            path = found.get(exercise.slug)
            item = Item(student, exercise.slug, "pending", max_score=float(exercise.points))
            items.append(item)
            if path is None:
                item.outcome = "missing"
                continue
            item.path = str(path.relative_to(folder))
            if not exercise.tests_path.exists():
                item.outcome, item.message = "no-tests", f"{exercise.slug} has no hidden tests yet"
                continue
            try:
                item.source = read_source(path, exercise, follow_links=False)
            except UsageProblem as problem:
                item.outcome, item.message = "unreadable", str(problem)
                continue
            except ImportError as error:  # e.g. notebook support missing from this installation
                item.outcome, item.message = "unreadable", f"{path.name} cannot be read here: {error}"
                continue
            from db.queries import source_hash

            item.sha256 = source_hash(item.source)
    return Batch(folder, students, [e.slug for e in exercises], items, ignored)


def skip_already_graded(batch: Batch, database) -> Batch:
    """Mark as "skipped" every pending file whose exact source is already graded (officially) for that
    learner and exercise; one query per exercise and 500 files."""
    from db import queries

    wanted: dict[str, set[str]] = {}
    for item in batch.items:
        if item.outcome == "pending":
            wanted.setdefault(item.exercise, set()).add(item.sha256)
    graded = queries.graded_sources(database, wanted)
    for item in batch.items:
        score = graded.get((item.student, item.exercise, item.sha256))
        if item.outcome == "pending" and score is not None:
            item.outcome, item.score, item.source = "skipped", score, ""
            item.message = "this exact file was graded before (--force grades it again)"
    return batch


# ---------------------------------------------------------------- the pool processes


def _serve(connection, overrides: dict) -> None:
    """A pool process: receive one job at a time as JSON, grade it like `grade submit`, reply JSON."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from grader.service.submit import grade

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
            result = grade(exercise, job["source"], job["student"])
            reply = {"ok": True, "result": result.to_dict()}
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
) -> Batch:
    """Grade every pending item of `batch` in `jobs` pool processes; `record(result, source)` stores a
    graded run and returns its submission id. `on_start(item, pid)` and `on_done(item)` report progress."""
    import multiprocessing
    from multiprocessing.connection import wait

    from grader.engine.fallback import become_subreaper, children_of, end_strays

    started = time.monotonic()
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
    overrides = {"time_limit": time_limit}
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
