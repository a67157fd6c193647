"""The course's material: the ordered manifest and where each exercise's files live.

Everything is found from the installed project (this file's location), never
from the current directory, so `grade` works from anywhere.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from grader.errors import UnknownExercise

COURSE_ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Exercise:
    slug: str
    chapter: int
    title: str
    points: int
    hint: str
    time_limit: float = 60.0
    call_limit: float = 5.0
    torch: bool = False
    memory_mb: int = 2048
    max_processes: int = 64
    disk_mb: int = 256
    root: Path = COURSE_ROOT

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


@lru_cache(maxsize=4)
def load_manifest(root: Path = COURSE_ROOT) -> tuple[Exercise, ...]:
    with open(root / "exercises" / "manifest.toml", "rb") as handle:
        data = tomllib.load(handle)
    exercises = []
    for entry in data["exercise"]:
        entry = dict(entry)
        entry["hint"] = entry.get("hint", "").strip()
        exercises.append(Exercise(root=root, **entry))
    return tuple(exercises)


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
