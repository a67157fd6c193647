"""A class folder, planned: every `SUBMISSIONS_DIR/<learner>/<slug>.py` (or `.ipynb`) as one Item.

For each learner and exercise the plan says what will happen: grade a file, skip it (its source was
already graded for that learner and exercise), or report it missing. Only regular files are read;
links, FIFOs, devices and oversized files are listed as ignored with the reason.
"""

from __future__ import annotations

import dataclasses
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.catalog import load_manifest
from grader.errors import UsageProblem

SUFFIXES = (".py", ".ipynb")


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
            from db.recording import source_hash

            item.sha256 = source_hash(item.source)
    return Batch(folder, students, [e.slug for e in exercises], items, ignored)


def skip_already_graded(batch: Batch, database) -> Batch:
    """Mark as "skipped" every pending file whose exact source is already graded (officially) for that
    learner and exercise; one query per exercise and 500 files."""
    from db import recording

    wanted: dict[str, set[str]] = {}
    for item in batch.items:
        if item.outcome == "pending":
            wanted.setdefault(item.exercise, set()).add(item.sha256)
    graded = recording.graded_sources(database, wanted)
    for item in batch.items:
        score = graded.get((item.student, item.exercise, item.sha256))
        if item.outcome == "pending" and score is not None:
            item.outcome, item.score, item.source = "skipped", score, ""
            item.message = "this exact file was graded before (--force grades it again)"
    return batch
