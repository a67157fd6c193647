"""The learners' copy of the course: what a learner needs, nothing that gives an answer away.

`build_release(out)` copies the exercises (stubs, manifest, quizzes without keys, data, visible
examples, notebooks), the grader and db packages, the README, pyproject.toml and the set-up
script, and leaves out `solutions/` (references, hidden tests, drivers, quiz answer keys), the
project's own tests and benchmarks, databases, caches and version control. It then audits the
copy (`find_leaks`): no file may contain an answer-key explanation, a hidden test (or one of its
test functions) or a reference solution. In that copy `catalog.has_hidden_tests()` is False, so
`grade submit` runs only the visible examples and records a practice attempt.

No click here: the CLI (`grade release`) calls this and renders the summary.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.catalog import COURSE_ROOT
from grader.errors import UsageProblem

# What a learner gets: these top-level folders and files, when they exist.
FOLDERS = ("exercises", "grader", "db", "notebooks")
FILES = ("README.md", "pyproject.toml", "LICENSE", "LICENSE.md", "LICENSE.txt", ".gitignore")
# Never copied, wherever they are.
SKIP_NAMES = (
    "__pycache__",
    ".git",
    ".pytest_cache",
    ".ipynb_checkpoints",
    "*.pyc",
    "*.egg-info",
    "*.sqlite3",
    "*.sqlite3-*",
    ".DS_Store",
)
# Left out on purpose (listed in the summary so the instructor sees what stayed home).
WITHHELD = ("solutions", "tests", "benchmarks")
MIN_SECRET_CHARS = 60  # shorter snippets (an import line, a one-word key) are not evidence of a leak


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


def _ignored(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in SKIP_NAMES)


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


def _learner_pyproject(text: str) -> str:
    """The packages a learner installs: grader and db, not solutions; no contributor tooling."""
    text = re.sub(r',\s*"solutions\*"', "", text)
    text = re.sub(r'"solutions\*"\s*,\s*', "", text)
    return re.sub(r"^\[tool\.ruff[^\]]*\]\n(?:(?!\[).*\n?)*", "", text, flags=re.M).rstrip() + "\n"


def _learner_setup(original: Path) -> str:
    """The instructor's setup.sh ends with `grade demo`, which needs the reference solutions; the
    learners' one installs the same way (the same torch pin) and then lists the exercises."""
    pin = re.search(r"torch==[0-9][^\"' ]*", original.read_text())
    torch = pin.group(0) if pin else "torch"
    return f"""#!/usr/bin/env bash
# Sets the course up on your machine (Python 3.11+ with pip): a virtual environment in .venv,
# {torch} (CPU build) first, then the grader (editable, so `grade` finds the course from anywhere).
set -euo pipefail
cd "$(dirname "$0")"
python=${{PYTHON:-python3}}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check "{torch}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
.venv/bin/grade list
echo
echo "Set up. Activate the environment with: source .venv/bin/activate   (then: grade status)"
"""


def build_release(out: Path, root: Path = COURSE_ROOT) -> ReleaseSummary:
    """Write the learners' copy of the course at `out` (a new or empty folder); raise UsageProblem
    when that is not possible, and RuntimeError if the audit finds anything secret in the copy."""
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
                (out / name).write_text(_learner_pyproject(source.read_text()))
            else:
                shutil.copy2(source, out / name)
            summary.included.append(name)
    if (root / "setup.sh").is_file():
        (out / "setup.sh").write_text(_learner_setup(root / "setup.sh"))
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


# ---------------------------------------------------------------- the audit


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def secret_texts(root: Path = COURSE_ROOT) -> dict[str, str]:
    """label -> normalised text of everything a learner must not see: every file under solutions/
    (references, hidden tests, drivers, quiz keys), every test function of the hidden tests, and
    every answer-key explanation."""
    secrets: dict[str, str] = {}
    solutions = root / "solutions"
    if not solutions.is_dir():
        return secrets
    for path in sorted(solutions.rglob("*")):
        if not path.is_file() or _ignored(path.name) or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        label = path.relative_to(root).as_posix()
        if len(_normalise(text)) >= MIN_SECRET_CHARS:
            secrets[label] = _normalise(text)
        if path.suffix == ".py" and path.name.startswith("test_"):
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    segment = _normalise(ast.get_source_segment(text, node) or "")
                    if len(segment) >= MIN_SECRET_CHARS:
                        secrets[f"{label}::{node.name}"] = segment
    from grader.course.quizbank import load_keys

    for question, key in (load_keys(root) or {}).items():
        if len(_normalise(key.explanation)) >= MIN_SECRET_CHARS:
            secrets[f"the explanation of {question}"] = _normalise(key.explanation)
    return secrets


def find_leaks(release: Path, root: Path = COURSE_ROOT, secrets: dict[str, str] | None = None) -> list[str]:
    """Everything in `release` that gives something away, one line each; [] when the copy is clean."""
    secrets = secret_texts(root) if secrets is None else secrets
    hidden_test_names = (
        {p.name for p in (root / "solutions").rglob("test_*.py")} if (root / "solutions").is_dir() else set()
    )
    leaks = []
    for path in sorted(release.rglob("*")):
        relative = path.relative_to(release).as_posix()
        if relative.split("/")[0] == "solutions":
            leaks.append(f"{relative} is instructor material")
            continue
        if not path.is_file():
            continue
        if path.name in hidden_test_names:
            leaks.append(f"{relative} has the name of a hidden test file")
        if _ignored(path.name):
            leaks.append(f"{relative} should not be shipped")
        try:
            text = _normalise(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue  # binary data (e.g. exercises/data/*.npz) cannot hold source text
        for label, secret in secrets.items():
            if secret in text:
                leaks.append(f"{relative} contains {label}")
    return leaks
