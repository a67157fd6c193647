"""The learners' copy of the course: what a learner needs, nothing that gives an answer away.

`build_release(out)` copies the exercises (stubs, manifest, quizzes without keys, data, visible
examples, notebooks), the grader and db packages and pyproject.toml, writes the learners' own README
and set-up script (`grader.course.learnercopy`), and leaves out `solutions/` (references, hidden
tests, drivers, quiz answer keys), the project's own tests and benchmarks, databases, caches and
version control. It then audits the copy (`grader.course.leaks.find_leaks`): no file may contain an
answer-key explanation, a hidden test (or one of its test functions), a reference solution, or a
quiz answer stated outright. In that copy `catalog.has_hidden_tests()` is False, so
`grade submit` runs only the visible examples and records a practice attempt.

No click here: the CLI (`grade release`) calls this and renders the summary.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.catalog import COURSE_ROOT
from grader.course.leaks import SKIP_NAMES, find_leaks, secret_texts
from grader.course.learnercopy import learner_pyproject, learner_readme, learner_setup
from grader.errors import UsageProblem

# What a learner gets: these top-level folders and files, when they exist.
FOLDERS = ("exercises", "grader", "db", "notebooks")
FILES = ("pyproject.toml", "LICENSE", "LICENSE.md", "LICENSE.txt", ".gitignore")  # and a README of their own
# Left out on purpose (listed in the summary so the instructor sees what stayed home).
WITHHELD = ("solutions", "tests", "benchmarks")


@dataclass
class ReleaseSummary:
    out: Path
    files: int = 0
    bytes: int = 0
    included: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    secrets_checked: int = 0

    def to_dict(self) -> dict:
        return {
            "out": str(self.out),
            "files": self.files,
            "bytes": self.bytes,
            "included": self.included,
            "withheld": self.withheld,
            "secrets_checked": self.secrets_checked,
        }


def _check_destination(out: Path, root: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"{out} is a file; give `grade release` a new (or empty) folder")
    if out.is_dir() and any(out.iterdir()):
        raise UsageProblem(f"{out} already exists and is not empty; give `grade release` a new (or empty) folder")
    resolved = out.resolve()
    for name in FOLDERS + WITHHELD:
        inside = (root / name).resolve()
        if resolved == inside or inside in resolved.parents:
            raise UsageProblem(f"{out} is inside the course's {name}/ folder; build the release outside it")
    if not (root / "exercises" / "manifest.toml").exists():
        raise UsageProblem(f"{root} is not a course (no exercises/manifest.toml)")


def build_release(out: Path, root: Path = COURSE_ROOT, server: str | None = None) -> ReleaseSummary:
    """Write the learners' copy of the course at `out` (a new or empty folder); raise UsageProblem
    when that is not possible, and RuntimeError if the audit finds anything secret in the copy. With
    `server` (a URL), the copy submits to that course server: server.toml names it, the README says
    how to log in."""
    out = Path(out)
    _check_destination(out, root)
    out.mkdir(parents=True, exist_ok=True)
    summary = ReleaseSummary(out=out)
    ignore = shutil.ignore_patterns(*SKIP_NAMES)
    for name in FOLDERS:
        if (root / name).is_dir():
            shutil.copytree(root / name, out / name, ignore=ignore, symlinks=False)
            summary.included.append(f"{name}/")
    for name in FILES:
        source = root / name
        if source.is_file():
            if name == "pyproject.toml":
                (out / name).write_text(learner_pyproject(source.read_text()))
            else:
                shutil.copy2(source, out / name)
            summary.included.append(name)
    if (root / "README.md").is_file():
        (out / "README.md").write_text(learner_readme((root / "README.md").read_text(encoding="utf-8"), server))
        summary.included.append("README.md (for learners: set-up, commands, Jupyter)")
    if server:
        (out / "server.toml").write_text(
            f"# The course server this copy submits to (`grade login --token TOKEN` to log in)\nurl = {json.dumps(server)}\n"
        )
        summary.included.append(f"server.toml (submissions go to {server})")
    if (root / "setup.sh").is_file():
        (out / "setup.sh").write_text(learner_setup(root / "setup.sh"))
        (out / "setup.sh").chmod(0o755)
        summary.included.append("setup.sh (for learners: installs, then lists the exercises)")
    summary.withheld = [f"{name}/" for name in WITHHELD if (root / name).exists()]
    summary.withheld += [name for name in ("run-tests.sh",) if (root / name).exists()]
    for path in out.rglob("*"):
        if path.is_file():
            summary.files += 1
            summary.bytes += path.stat().st_size
    secrets = secret_texts(root)
    summary.secrets_checked = len(secrets)
    leaks = find_leaks(out, root, secrets)
    if leaks:
        shutil.rmtree(out, ignore_errors=True)
        raise RuntimeError("the release would give answers away, so it was not written: " + "; ".join(leaks[:5]))
    return summary
