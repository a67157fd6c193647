"""Hostile files in the instructor's hands (issue 11): a class folder with links to the hidden
material, FIFOs and broken or booby-trapped notebooks. Each bad file becomes one line for that
learner; the batch goes on; nothing is read through a link; nothing hangs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from grader.course.catalog import COURSE_ROOT


def notebook(cells) -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
                  for s in cells],
    }  # fmt: skip


HOSTILE_NOTEBOOKS = {
    "deep_json": "[" * 200_000 + "]" * 200_000,
    "lone_surrogate": json.dumps(notebook(["x = '\\ud800'\n"])).replace("\\\\ud800", "\\ud800"),
    "deep_expression": json.dumps(notebook(["x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n"])),
    "deep_unary": json.dumps(notebook(["x = " + "-" * 100_000 + "1\n", "y = 1" + " + 1" * 100_000 + "\n"])),
}


def grade(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=timeout, cwd=COURSE_ROOT
    )


@pytest.mark.parametrize("name", sorted(HOSTILE_NOTEBOOKS))
def test_a_hostile_notebook_is_one_line_in_submit(tmp_path, name):
    path = tmp_path / "neurons.ipynb"
    path.write_text(HOSTILE_NOTEBOOKS[name], encoding="utf-8", errors="surrogatepass")
    done = grade("submit", "neurons", "--file", str(path), "--db", f"sqlite:///{tmp_path / 'g.sqlite3'}")
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    if name.startswith("deep_") and name != "deep_json":  # the cell is left out and said so; the rest is graded
        assert done.returncode == 1, done.stderr
        assert "was left out" in done.stdout
    else:
        assert done.returncode == 2, done.stdout + done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_class_folder_with_links_fifos_and_broken_notebooks(tmp_path):
    class_dir = tmp_path / "class"
    for learner in ("alice", "bob", "carol", "dave", "erin", "ivan"):
        (class_dir / learner).mkdir(parents=True)
    (class_dir / "alice" / "activations.py").symlink_to(COURSE_ROOT / "solutions" / "activations.py")
    (class_dir / "bob" / "neurons.py").symlink_to(COURSE_ROOT / "solutions" / "tests" / "test_neurons.py")
    os.mkfifo(class_dir / "carol" / "activations.py")
    (class_dir / "carol" / "neurons.ipynb").symlink_to("/proc/self/environ")
    (class_dir / "dave" / "neurons.ipynb").write_text(HOSTILE_NOTEBOOKS["deep_json"])
    (class_dir / "erin" / "neurons.ipynb").write_text(HOSTILE_NOTEBOOKS["lone_surrogate"])
    (class_dir / "ivan" / "activations.py").write_text((COURSE_ROOT / "solutions" / "activations.py").read_text())
    (class_dir / "mallory").symlink_to("/etc")
    done = grade(
        "autograde", str(class_dir), "--exercise", "neurons", "--exercise", "activations", "--json",
        "--db", f"sqlite:///{tmp_path / 'g.sqlite3'}", timeout=300,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    batch = json.loads(done.stdout)
    cells = {(r["student"], r["exercise"]): r for r in batch["results"]}
    assert cells[("ivan", "activations")]["outcome"] == "graded" and cells[("ivan", "activations")]["score"] == 22
    for learner, exercise in [("alice", "activations"), ("bob", "neurons"), ("carol", "activations"),
                              ("carol", "neurons")]:  # fmt: skip
        assert cells[(learner, exercise)]["outcome"] == "missing", cells[(learner, exercise)]
    ignored = " ".join(batch["ignored"])
    assert "alice/activations.py (a symbolic link" in ignored and "bob/neurons.py (a symbolic link" in ignored
    assert "carol/activations.py (not a regular file" in ignored
    assert "mallory" in ignored and "mallory" not in batch["students"]
    for learner in ("dave", "erin"):
        cell = cells[(learner, "neurons")]
        assert cell["outcome"] == "unreadable" and "notebook" in cell["message"], cell
    assert done.returncode == 1  # unreadable files are worth an exit code, not a crash
