"""`grade export gradescope-autograder OUT.zip`: a Gradescope autograder that runs our hidden tests.

For courses that collect work on Gradescope. The zip holds the course (grader/, db/, exercises/,
solutions/, pyproject.toml), `setup.sh` (run once when Gradescope builds the image: a virtual
environment with the course installed, torch only if fine_tuning is graded) and `run_autograder` (run
for every submission). run_autograder grades each exercise of the package whose file the learner
uploaded (`<exercise>.py`, or `<exercise>.ipynb`) exactly as `grade submit` does, and writes
/autograder/results/results.json in Gradescope's format: one test per hidden test, the feedback as its
output, the score. An exercise not uploaded scores 0 with a message saying which file to upload.

$AUTOGRADER_ROOT stands in for /autograder (the tests run run_autograder on a temporary tree) and
$AUTOGRADER_PYTHON for the image's Python.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import time
import zipfile
from pathlib import Path

from grader.course.catalog import COURSE_ROOT, get_exercise, has_hidden_tests, load_manifest
from grader.errors import UsageProblem

CONFIG = "autograder.json"
INCLUDED = ("grader", "db", "exercises", "solutions", "pyproject.toml", "README.md")
LEFT_OUT_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", "notebooks"}
LEFT_OUT_SUFFIXES = (".pyc", ".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".zip")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (the package is in
# /autograder/source): Python, a virtual environment, this course installed in it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
{torch}/autograder/venv/bin/pip install --quiet -e /autograder/source
"""
TORCH = "/autograder/venv/bin/pip install --quiet torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu\n"

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades /autograder/submission with the hidden tests
# and writes /autograder/results/results.json. AUTOGRADER_ROOT stands in for /autograder and
# AUTOGRADER_PYTHON for the image's Python (to try the package on another machine).
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
python="${AUTOGRADER_PYTHON:-$root/venv/bin/python}"
cd "$root/source" || exit 1
exec "$python" -m grader.reports.autograder --root "$root"
"""


def _course_files(root: Path):
    for name in INCLUDED:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(root)
                if (
                    found.is_file()
                    and not (set(relative.parts) & LEFT_OUT_PARTS)
                    and not found.name.endswith(LEFT_OUT_SUFFIXES)
                ):
                    yield found


def _add(archive: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def build_package(out: Path, exercises: list[str] | None = None, root: Path = COURSE_ROOT) -> dict:
    """Write the autograder zip to `out`; return what it holds."""
    if not has_hidden_tests(root):
        raise UsageProblem("this copy of the course has no hidden tests (a learners' copy?); build it from yours")
    slugs = [get_exercise(slug).slug for slug in exercises] if exercises else [e.slug for e in load_manifest()]
    files = 0
    with zipfile.ZipFile(out, "w") as archive:
        for path in _course_files(root):
            archive.write(path, path.relative_to(root).as_posix(), compress_type=zipfile.ZIP_DEFLATED)
            files += 1
        _add(archive, "setup.sh", SETUP.format(torch=TORCH if "fine_tuning" in slugs else ""), executable=True)
        _add(archive, "run_autograder", RUN, executable=True)
        _add(archive, CONFIG, json.dumps({"exercises": slugs}, indent=1) + "\n")
    return {"out": str(out), "exercises": slugs, "files": files + 3, "size_kb": round(out.stat().st_size / 1024)}


# ---------------------------------------------------------------- inside Gradescope's container


def _student(root: Path) -> str:
    """The learner's name from Gradescope's submission_metadata.json, else "gradescope"."""
    try:
        metadata = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        users = metadata.get("users") or []
        return str(users[0].get("name") or users[0].get("email") or "gradescope") if users else "gradescope"
    except (OSError, ValueError, AttributeError, IndexError):
        return "gradescope"


def _find(submission: Path, slug: str) -> Path | None:
    """The learner's file for `slug`: a .py wins over a notebook; the shallowest one if several."""
    for suffix in (".py", ".ipynb"):
        found = sorted(
            (p for p in submission.rglob(slug + suffix) if p.is_file() and not p.is_symlink()),
            key=lambda p: len(p.parts),
        )
        if found:
            return found[0]
    return None


def grade_submission(root: Path) -> dict:
    """Gradescope's results.json for the submission under `root` (the /autograder tree)."""
    from grader.course import submissions
    from grader.reports.gradescope import gradescope_tests
    from grader.service.submit import grade

    slugs = json.loads((root / "source" / CONFIG).read_text(encoding="utf-8"))["exercises"]
    student = _student(root)
    started = time.monotonic()
    tests, summary, score = [], [], 0.0
    for slug in slugs:
        exercise = get_exercise(slug)
        path = _find(root / "submission", slug)
        if path is None:
            summary.append(f"{slug}: 0/{exercise.points:g} — no {slug}.py (or {slug}.ipynb) was uploaded")
            tests.append(
                {
                    "name": f"{slug}: file uploaded",
                    "number": str(len(tests) + 1),
                    "score": 0.0,
                    "max_score": float(exercise.points),
                    "status": "failed",
                    "output": f"Upload {slug}.py (or {slug}.ipynb) to be graded on {exercise.title}.",
                }
            )
            continue
        try:
            result = grade(exercise, submissions.read_source(path), student)
        except UsageProblem as problem:
            summary.append(f"{slug}: 0/{exercise.points:g} — {problem}")
            tests.append(
                {
                    "name": f"{slug}: file readable",
                    "number": str(len(tests) + 1),
                    "score": 0.0,
                    "max_score": float(exercise.points),
                    "status": "failed",
                    "output": str(problem),
                }
            )
            continue
        score += result.score
        line = f"{slug} — {exercise.title}: {result.score:g}/{result.max_score:g}"
        summary.append(line + (f"\n  {result.message}" if result.message else ""))
        entries = gradescope_tests(result.tests, first_number=len(tests) + 1)
        if not result.tests:  # not graded at all (it did not import): one failing entry carries the message
            entries = [
                {
                    "name": f"{slug}: graded",
                    "number": str(len(tests) + 1),
                    "score": 0.0,
                    "max_score": float(exercise.points),
                    "status": "failed",
                    "output": result.message,
                }
            ]
        for entry in entries:
            entry["name"] = f"{slug} / {entry['name']}"
        tests.extend(entries)
        if result.output.strip():
            summary.append(f"  {slug}: your code printed:\n{result.output.rstrip()}")
    return {
        "score": round(score, 4),
        "execution_time": round(time.monotonic() - started, 3),
        "output": "\n".join(summary),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade a Gradescope submission with the hidden tests.")
    parser.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    root = Path(parser.parse_args(argv).root)
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    try:
        data = grade_submission(root)
    except Exception as error:  # noqa: BLE001 - Gradescope must always get a results.json, with the reason
        data = {"score": 0.0, "output": f"The autograder could not grade this submission: {error}", "tests": []}
    (results / "results.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
