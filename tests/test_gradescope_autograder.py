"""`grade export gradescope-autograder`: the package runs our hidden tests the way Gradescope runs it, here
on a temporary folder standing in for /autograder (AUTOGRADER_ROOT), and writes Gradescope's results.json."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile

from grader.course.catalog import COURSE_ROOT, get_exercise


def test_the_autograder_package_grades_an_upload_like_gradescope(cli, tmp_path):
    package = tmp_path / "autograder.zip"
    result = cli(
        "export", "gradescope-autograder", str(package), "--exercise", "neurons", "--exercise", "losses", with_db=False
    )
    assert result.exit_code == 0 and "neurons, losses" in result.output, result.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        for script in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(archive.getinfo(script).external_attr >> 16) & 0o111, script
        archive.extractall(root / "source")
    assert "solutions/tests/test_neurons.py" in names and "grader/reports/autograder.py" in names
    assert not [n for n in names if n.endswith((".sqlite3", ".pyc")) or "__pycache__" in n], names
    assert "torch" not in (root / "source" / "setup.sh").read_text()  # no fine_tuning: no torch to install
    (root / "submission").mkdir()
    (root / "submission" / "neurons.py").write_text((COURSE_ROOT / "solutions" / "neurons.py").read_text())
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"name": "Ada L.", "email": "a@x"}]}))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    neurons, losses = get_exercise("neurons"), get_exercise("losses")
    assert results["score"] == neurons.points
    assert sum(t["max_score"] for t in results["tests"]) == neurons.points + losses.points
    graded = [t for t in results["tests"] if t["name"].startswith("neurons / ")]
    assert graded and all(t["status"] == "passed" and t["score"] == t["max_score"] for t in graded)
    assert all({"name", "score", "max_score", "status", "output", "number"} <= set(t) for t in results["tests"])
    missing = [t for t in results["tests"] if t["name"].startswith("losses")]
    assert len(missing) == 1 and missing[0]["score"] == 0 and "Upload losses.py" in missing[0]["output"]
    assert "neurons — " in results["output"] and "no losses.py" in results["output"]
    (root / "submission" / "neurons.py").write_text((COURSE_ROOT / "exercises" / "neurons.py").read_text())
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=300
    )
    stub = json.loads((root / "results" / "results.json").read_text())
    assert stub["score"] == 0 and any("not implemented yet" in t["output"] for t in stub["tests"]), stub
