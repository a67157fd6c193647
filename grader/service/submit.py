"""Grade a submission and record it: the official run (hidden tests) or a practice run
(visible examples, in a learners' copy). No click here; errors a user can cause are
`grader.errors.UsageProblem`."""

from __future__ import annotations

import json
import os

from grader.course.catalog import Exercise
from grader.errors import UsageProblem
from grader.results import RunResult


def grade(exercise: Exercise, source: str, student: str, *, require_full: bool = False) -> RunResult:
    """The official run: the hidden tests. With `require_full`, only in the full sandbox (bubblewrap)."""
    from grader.course.notebook_source import relabel_lines
    from grader.engine.judge import grade_source

    result = grade_source(exercise, source, student, require_full=require_full)
    return relabel_lines(result, source)  # a notebook's lines by cell


PRACTICE_NOTE = (
    "This is the learners' copy of the course: `grade submit` runs the visible examples and "
    "records a practice attempt. Your official grade comes from your instructor, who grades "
    "your files with the hidden tests."
)


def practice(exercise: Exercise, source: str, student: str) -> RunResult:
    """A practice run (official=False) in a learners' copy, which has no hidden tests: the exercise's
    visible examples when the grader has them, otherwise a run that checks nothing."""
    if not exercise.examples_path.exists():
        from grader import __version__

        return RunResult(
            exercise=exercise.slug,
            student=student,
            score=0.0,
            max_score=0.0,
            status="passed",
            grader_version=__version__,
            official=False,
        )
    from grader.course.notebook_source import relabel_lines
    from grader.engine.examples import run_examples

    result = relabel_lines(run_examples(exercise, source, student), source)
    result.official = False
    return result


def record(database, result: RunResult, source: str, origin: str = "submit") -> RunResult:
    from db.lean import LeanGradebook

    if isinstance(database, LeanGradebook):
        result.submission_id = database.record_submission(result, source, origin=origin)
        return result
    from db import recording

    result.submission_id = recording.record_submission(database, result, source, origin=origin)
    return result


def open_for_recording(url: str | None):
    """Where one graded run will be recorded: an existing SQLite gradebook at the newest schema opens with
    the standard library (db.lean: no SQLAlchemy import, the cold path's largest cost), anything else
    through db.session."""
    from db.lean import open_gradebook

    return open_gradebook(url) or open_db(url)


class Recorder:
    """Opens the database in a forked child while this process grades, then records the result there.

    Where db.lean cannot record (a new file, an older schema, PostgreSQL), importing SQLAlchemy and
    opening the database cost about 0.2 s; done in a child they overlap with grading (the machine has a
    core to spare while the worker boots). Only JSON crosses the
    pipes. Where fork is unavailable, everything happens in this process instead.
    """

    def __init__(self, url: str | None):
        self.url = url
        self._database = None
        self._pid = None
        if not hasattr(os, "fork"):
            self._database = open_for_recording(url)
            return
        to_parent_r, to_parent_w = os.pipe()
        to_child_r, to_child_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(to_parent_r)
            os.close(to_child_w)
            _recorder_child(url, to_child_r, to_parent_w)
        os.close(to_parent_w)
        os.close(to_child_r)
        self._pid = pid
        self._from_child = os.fdopen(to_parent_r, "r")
        self._to_child = os.fdopen(to_child_w, "w")
        self._opened = None

    def _reply(self) -> dict:
        line = self._from_child.readline()
        if not line:
            self.close()
            raise UsageProblem("the database process ended unexpectedly; run again with a --db you can write to")
        return json.loads(line)

    def check(self) -> None:
        """Raise UsageProblem if the database could not be opened (waits for the child)."""
        if self._pid is None or self._opened is not None:
            return
        self._opened = self._reply()
        if not self._opened["ok"]:
            self.close()
            raise UsageProblem(self._opened["error"])

    def record(self, result: RunResult, source: str, origin: str = "submit") -> RunResult:
        if self._pid is None:
            return record(self._database, result, source, origin)
        self.check()
        self._to_child.write(json.dumps({"result": result.to_dict(), "source": source, "origin": origin}) + "\n")
        self._to_child.flush()
        reply = self._reply()
        self.close()
        if not reply["ok"]:
            raise UsageProblem(reply["error"])
        result.submission_id = reply["id"]
        return result

    def close(self) -> None:
        if self._pid is None:
            return
        for stream in (self._to_child, self._from_child):
            try:
                stream.close()
            except OSError:
                pass
        os.waitpid(self._pid, 0)
        self._pid = None


def _recorder_child(url, from_parent_fd: int, to_parent_fd: int):
    code = 0
    try:
        with os.fdopen(to_parent_fd, "w") as to_parent, os.fdopen(from_parent_fd, "r") as from_parent:
            try:
                database = open_for_recording(url)
            except UsageProblem as problem:
                to_parent.write(json.dumps({"ok": False, "error": str(problem)}) + "\n")
                return
            to_parent.write(json.dumps({"ok": True}) + "\n")
            to_parent.flush()
            line = from_parent.readline()
            if not line:
                return  # the parent gave up (a usage error, Ctrl-C): write nothing
            request = json.loads(line)
            try:
                result = record(database, RunResult.from_dict(request["result"]), request["source"], request["origin"])
                to_parent.write(json.dumps({"ok": True, "id": result.submission_id}) + "\n")
            except UsageProblem as problem:  # the database refused the write: one line, URL masked
                to_parent.write(json.dumps({"ok": False, "error": str(problem)}) + "\n")
            except Exception as error:  # noqa: BLE001 - reported to the parent, which exits 2
                to_parent.write(json.dumps({"ok": False, "error": f"could not record the result: {error}"}) + "\n")
    except BaseException:  # noqa: BLE001 - a child must never return into the parent's code
        code = 1
    finally:
        os._exit(code)


def open_db(url: str | None, create: bool = True):
    """Open the database (a DatabaseError is a UsageProblem: one line, the URL masked); create=False for
    read commands, which refuse a database that does not exist."""
    from db.session import open_database

    return open_database(url, create=create)
