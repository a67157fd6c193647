"""The course's material: the ordered manifest and where each exercise's files live.

`exercises/manifest.toml` is described by the `ExerciseEntry` model below (its fields are the keys
of one [[exercise]] table; the manifest's header comment documents them for course authors) and
read by the one loader of course files, `grader.course.coursefiles`, which caches what validated,
so `grade submit` and `grade list` pay for pydantic only when the manifest changed.

Everything is found from the installed project (this file's location), never from the current
directory, so `grade` works from anywhere: in a checkout the course is the checkout; in an
installed wheel its files sit beside the grader package, in `nn_grade_course/`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from grader.course.coursefiles import load
from grader.course.schema import SCHEMA_CONFIG, Rules, from_toml
from grader.errors import UnknownExercise

INSTALLED_COURSE = "nn_grade_course"  # where a wheel puts exercises/ and solutions/ (see pyproject.toml)


def _course_root() -> Path:
    here = Path(__file__).resolve().parent.parent.parent
    if (here / "exercises" / "manifest.toml").is_file():
        return here  # a checkout, an editable install or a learners' copy
    return here / INSTALLED_COURSE


COURSE_ROOT = _course_root()
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class ExerciseEntry:
    """One [[exercise]] of the manifest: every key, its type and its default."""

    __pydantic_config__ = SCHEMA_CONFIG

    slug: str  # the module's name: exercises/<slug>.py, solutions/<slug>.py
    chapter: int
    title: str
    points: int  # the hidden tests' points add up to it
    hint: str
    time_limit: float = 60.0  # seconds for the whole grading run
    call_limit: float = 5.0  # seconds for one call into the learner's code
    memory_mb: int = 2048  # memory of the run's whole process tree
    max_processes: int = 64  # processes and threads the run may have at once
    disk_mb: int = 256  # what the run may write into its scratch folder
    packages: tuple[str, ...] = ("numpy",)  # third-party packages the learner's code may import
    deadline: datetime | None = None  # later submissions are marked late by the course server

    def __post_init__(self):
        # the same object is built from pydantic's validated values and from cached JSON
        normal = {"hint": self.hint.strip(), "title": self.title.strip(), "packages": tuple(self.packages)}
        normal |= {"time_limit": float(self.time_limit), "call_limit": float(self.call_limit)}
        if isinstance(self.deadline, str):
            normal["deadline"] = datetime.fromisoformat(self.deadline)
        for name, value in normal.items():
            object.__setattr__(self, name, value)
        rules = Rules()
        rules.check(
            _SLUG.fullmatch(self.slug) is not None,
            "slug",
            f"'{self.slug}' is not a lowercase module name like 'neurons'",
        )
        rules.check(self.chapter >= 1, "chapter", "'chapter' must be 1 or more")
        rules.check(self.points >= 1, "points", "'points' must be 1 or more")
        rules.check(bool(self.title), "title", "'title' must not be empty")
        rules.check(bool(self.hint), "hint", "'hint' must not be empty: `grade hint` shows it")
        rules.check(self.time_limit > 0, "time_limit", "'time_limit' must be more than 0 seconds")
        rules.check(self.call_limit > 0, "call_limit", "'call_limit' must be more than 0 seconds")
        rules.check(
            self.call_limit <= self.time_limit,
            "call_limit",
            f"'call_limit' ({self.call_limit:g} s) must not exceed 'time_limit' ({self.time_limit:g} s)",
        )
        rules.check(self.memory_mb >= 256, "memory_mb", "'memory_mb' must be 256 or more (Python and numpy need it)")
        rules.check(self.max_processes >= 1, "max_processes", "'max_processes' must be 1 or more")
        rules.check(self.disk_mb >= 1, "disk_mb", "'disk_mb' must be 1 or more")
        for name in self.packages:
            rules.check(_MODULE.fullmatch(name) is not None, "packages", f"'{name}' in 'packages' is not a module name")
        rules.check(len(set(self.packages)) == len(self.packages), "packages", "'packages' names a package twice")
        rules.check(
            self.deadline is None or self.deadline.tzinfo is not None,
            "deadline",
            "'deadline' needs its UTC offset, e.g. 2026-03-01T23:59:00+01:00 (or Z for UTC)",
        )
        rules.done()


@dataclass(frozen=True)
class Exercise(ExerciseEntry):
    """An exercise of the course: its manifest entry and where its files are."""

    _: KW_ONLY
    root: Path = COURSE_ROOT

    @property
    def torch(self) -> bool:
        """Whether the exercise needs torch (only those import it, in the judge and the worker)."""
        return "torch" in self.packages

    @property
    def stub_path(self) -> Path:
        return self.root / "exercises" / f"{self.slug}.py"

    @property
    def solution_path(self) -> Path:
        return self.root / "solutions" / f"{self.slug}.py"

    @property
    def tests_path(self) -> Path:
        return self.root / "solutions" / "tests" / f"test_{self.slug}.py"

    @property
    def driver_path(self) -> Path | None:
        path = self.root / "solutions" / "drivers" / f"{self.slug}.py"
        return path if path.exists() else None

    @property
    def examples_path(self) -> Path:
        return self.root / "exercises" / "examples" / f"{self.slug}.toml"


@dataclass(frozen=True)
class Manifest:
    """exercises/manifest.toml: the exercises, in course order."""

    __pydantic_config__ = SCHEMA_CONFIG

    exercises: tuple[ExerciseEntry, ...]

    def __post_init__(self):
        rules = Rules()
        rules.check(len(self.exercises) > 0, "exercise", "the manifest lists no [[exercise]]")
        rules.done()


def manifest_checks(documents) -> list:
    """What spans the manifest's entries, read from its raw data so that it is said even when an
    entry has other problems: every slug is used once."""
    found, seen = [], set()
    for document in documents:
        entries = (document.data or {}).get("exercise")
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            slug = entry.get("slug") if isinstance(entry, dict) else None
            if isinstance(slug, str) and slug in seen:
                found.append(document.issue(("exercise", index, "slug"), f"the slug '{slug}' is used twice"))
            seen.add(slug)
    return found


MODELS_SOURCE = (__file__,)  # the code that decides whether a manifest is valid (part of the cache key)


def manifest_path(root: Path = COURSE_ROOT) -> Path:
    return Path(root) / "exercises" / "manifest.toml"


@lru_cache(maxsize=4)
def load_manifest(root: Path = COURSE_ROOT) -> tuple[Exercise, ...]:
    """The course's exercises in order; CourseFilesInvalid (a UsageProblem) lists every problem."""
    [data] = load("manifest", [(manifest_path(root), Manifest)], root, MODELS_SOURCE, manifest_checks)
    return tuple(from_toml(Exercise, entry, root=root) for entry in data["exercise"])


def get_exercise(slug: str, root: Path = COURSE_ROOT) -> Exercise:
    exercises = load_manifest(root)
    for exercise in exercises:
        if exercise.slug == slug:
            return exercise
    slugs = [e.slug for e in exercises]
    close = difflib.get_close_matches(slug, slugs, n=1)
    suggestion = f"did you mean '{close[0]}'? " if close else ""
    raise UnknownExercise(f"there is no exercise '{slug}'; {suggestion}`grade list` shows them all")


def has_hidden_tests(root: Path = COURSE_ROOT) -> bool:
    """False in a learners' release copy, which ships without solutions/."""
    return (root / "solutions" / "tests").is_dir()
