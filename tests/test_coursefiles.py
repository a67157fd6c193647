"""The course files' models and their one loader: every problem at once with file, line and a
suggestion; the manifest's new fields; the cache that keeps pydantic off `grade submit`'s path."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course.catalog import COURSE_ROOT, Exercise, Manifest, load_manifest, manifest_checks
from grader.course.issues import CourseFilesInvalid
from grader.course.validation import problems_of
from grader.errors import UsageProblem

MANIFEST = (COURSE_ROOT / "exercises" / "manifest.toml").read_text(encoding="utf-8")


def course_with(tmp_path: Path, manifest: str) -> Path:
    (tmp_path / "exercises").mkdir(parents=True, exist_ok=True)
    (tmp_path / "exercises" / "manifest.toml").write_text(manifest, encoding="utf-8")
    return tmp_path


def problems(root: Path) -> list[str]:
    return [str(p) for p in problems_of([(root / "exercises" / "manifest.toml", Manifest)], root, manifest_checks)]


def line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load_manifest.cache_clear()
    yield
    load_manifest.cache_clear()


def test_the_real_manifest_is_valid_and_keeps_every_attribute():
    assert problems(COURSE_ROOT) == []
    exercises = load_manifest()
    neurons = exercises[0]
    for name in ("slug", "chapter", "title", "points", "hint", "time_limit", "call_limit", "root"):
        assert getattr(neurons, name) is not None, name
    for path in ("stub_path", "solution_path", "tests_path", "examples_path"):
        assert getattr(neurons, path).exists(), path
    assert (neurons.memory_mb, neurons.max_processes, neurons.disk_mb) == (2048, 64, 256)
    assert neurons.packages == ("numpy",) and not neurons.torch and neurons.deadline is None
    [fine_tuning] = [e for e in exercises if e.slug == "fine_tuning"]
    assert fine_tuning.packages == ("numpy", "torch") and fine_tuning.torch
    assert [e.slug for e in exercises if e.torch] == ["fine_tuning"]
    assert isinstance(neurons.time_limit, float) and isinstance(neurons.points, int)


def test_every_problem_is_reported_at_once_with_line_and_suggestion(tmp_path):
    text = MANIFEST.replace("call_limit = 60", "timelimit = 60", 1)
    text = text.replace("points = 12", 'points = "12"', 1)
    text = text.replace('slug = "optimizers"', 'slug = "backprop"')
    text = text.replace("chapter = 3", "chapter = 0")
    root = course_with(tmp_path, text)
    found = problems(root)
    training = line_of(text, "timelimit = 60")
    assert (
        f"exercises/manifest.toml, line {training}, exercise 'training': unknown key 'timelimit' — did you mean 'time_limit'?"
        in found
    )
    points = line_of(text, 'points = "12"')
    assert (
        f"exercises/manifest.toml, line {points}, exercise 'neurons': 'points' must be a whole number, not \"12\" (text)"
        in found
    )
    assert (
        f"exercises/manifest.toml, line {line_of(text, 'chapter = 0')}, exercise 'losses': 'chapter' must be 1 or more"
        in found
    )
    duplicate = line_of(text, 'slug = "backprop"', after='slug = "backprop"\nchapter = 6')
    assert any(p.startswith(f"exercises/manifest.toml, line {duplicate}") and "used twice" in p for p in found), found
    assert len(found) == 4, found
    with pytest.raises(CourseFilesInvalid) as raised:
        load_manifest(root)
    assert isinstance(raised.value, UsageProblem) and len(raised.value.issues) == 4
    assert "(and 3 more problems: `grade course check` lists them all)" in str(raised.value)


@pytest.mark.parametrize(
    "extra, message",
    [
        ("deadline = 2026-03-01T23:59:00", "'deadline' needs its UTC offset"),
        ('deadline = "next week"', "'deadline' must be a date and time with its UTC offset"),
        ('packages = ["numpy", "scikit-learn"]', "'scikit-learn' in 'packages' is not a module name"),
        ('packages = "numpy"', "'packages' must be a list"),
        ("memory_mb = 12.5", "'memory_mb' must be a whole number, not 12.5"),
        ("memory_mb = 16", "'memory_mb' must be 256 or more"),
        ("max_processes = 0", "'max_processes' must be 1 or more"),
        ("disk_mb = true", "'disk_mb' must be a whole number, not true"),
        ("call_limit = 100", "'call_limit' (100 s) must not exceed 'time_limit' (30 s)"),
        ("torch = true", "unknown key 'torch'"),
    ],
)
def test_the_sandbox_fields_are_validated(tmp_path, extra, message):
    first_entry_end = MANIFEST.index("\n[[exercise]]\n", MANIFEST.index("\n[[exercise]]\n") + 1)
    text = MANIFEST[:first_entry_end] + "\n" + extra + MANIFEST[first_entry_end:]
    if "call_limit = 100" in extra:
        text = text.replace("time_limit = 30\n", "", 1).replace(extra, "time_limit = 30\n" + extra)
    found = problems(course_with(tmp_path, text))
    assert any(message in p and "exercise 'neurons'" in p for p in found), found


def test_deadline_and_limits_are_typed_on_both_ways_in(tmp_path):
    text = MANIFEST.replace(
        "time_limit = 30\n", "time_limit = 30\ndeadline = 2026-03-01T23:59:00+01:00\nmemory_mb = 512\n", 1
    )
    root = course_with(tmp_path, text)
    fresh = load_manifest(root)  # validated now
    load_manifest.cache_clear()
    cached = load_manifest(root)  # read back from the cache
    assert fresh == cached
    neurons = cached[0]
    assert neurons.deadline == dt.datetime(2026, 3, 1, 22, 59, tzinfo=dt.UTC)
    assert neurons.deadline.utcoffset() == dt.timedelta(hours=1) and neurons.memory_mb == 512


def run_python(code: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=COURSE_ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_pydantic_runs_only_when_the_manifest_changed(tmp_path):
    root = course_with(tmp_path / "course", MANIFEST)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    probe = (
        "import sys; from pathlib import Path; from grader.course.catalog import load_manifest; "
        f"print(len(load_manifest(Path({str(root)!r}))), 'pydantic' in sys.modules)"
    )
    assert run_python(probe, env) == "11 True"  # the first run validates and fills the cache
    assert list((tmp_path / "cache" / "nn-grade" / "course").glob("manifest-*.json"))
    assert run_python(probe, env) == "11 False"  # every later run reads the cache only
    (root / "exercises" / "manifest.toml").write_text(MANIFEST.replace("points = 12", 'points = "12"', 1))
    broken = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=COURSE_ROOT)
    assert broken.returncode != 0 and "'points' must be a whole number" in broken.stderr  # no stale hit
    (root / "exercises" / "manifest.toml").write_text(MANIFEST.replace("The neuron and the layer", "Neurons"))
    assert run_python(probe, env) == "11 True"  # a valid change is validated, then cached
    assert run_python(probe, env) == "11 False"


def test_an_unwritable_cache_costs_speed_only(tmp_path):
    root = course_with(tmp_path / "course", MANIFEST)
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocked)}
    probe = (
        "import sys; from pathlib import Path; from grader.course.catalog import load_manifest; "
        f"print(len(load_manifest(Path({str(root)!r}))), 'pydantic' in sys.modules)"
    )
    assert run_python(probe, env) == "11 True"
    assert run_python(probe, env) == "11 True"


def test_grade_list_shows_a_broken_manifest_as_one_line(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(COURSE_ROOT / "exercises", root / "exercises")
    shutil.copytree(COURSE_ROOT / "grader", root / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "exercises" / "manifest.toml").write_text(MANIFEST.replace("call_limit = 60", "timelimit = 60"))
    env = {**os.environ, "PYTHONPATH": str(root), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "grader", "list"], capture_output=True, text=True, env=env, cwd=root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: exercises/manifest.toml, line {line_of(MANIFEST, 'call_limit = 60')}, exercise 'training': "
        "unknown key 'timelimit' — did you mean 'time_limit'?"
    ]


def test_exercise_is_still_a_dataclass_tests_can_replace():
    import dataclasses

    neurons = load_manifest()[0]
    quick = dataclasses.replace(neurons, time_limit=5.0, call_limit=1.0)
    assert isinstance(quick, Exercise) and quick.time_limit == 5.0 and quick.root == neurons.root


def test_grade_list_and_submit_never_import_pydantic_once_the_course_is_cached(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    warm = "from grader.course.catalog import load_manifest; load_manifest()"
    run_python(warm, env)
    solution = COURSE_ROOT / "solutions" / "neurons.py"
    for args in (
        ["list"],
        ["submit", "neurons", "--file", str(solution), "--db", f"sqlite:///{tmp_path / 'g.sqlite3'}"],
    ):
        probe = (
            "import sys\nfrom grader.cli import main\n"
            f"try:\n    main({args!r}, standalone_mode=False)\nexcept SystemExit as end:\n    assert end.code == 0, end.code\n"
            "print('pydantic' in sys.modules, file=sys.stderr)"
        )
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip().splitlines()[-1] == "False", (args, done.stderr)
