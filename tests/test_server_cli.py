"""The learner's `grade` against a real course server, as processes: login, submit (the same result as a
local run), status, quiz; a server out of reach or a bad token is one line, exit 2, the file untouched.
The roster commands and the learners' copy released for a server."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from server_process import ROOT, ServerProcess, free_port

from grader.course.catalog import get_exercise

NEURONS = get_exercise("neurons")
pytestmark = pytest.mark.cli


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ServerProcess(tmp_path_factory.mktemp("cli-server"), ["ann", "ben"]).start()
    yield running
    running.stop()


def grade(*args, env=None, home=None):
    environment = {k: v for k, v in os.environ.items() if k not in ("GRADE_SERVER", "GRADE_TOKEN")}
    if home is not None:
        environment["XDG_CONFIG_HOME"] = str(home)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def test_submit_status_and_quiz_through_the_server(server, tmp_path, db_url):
    env = {"GRADE_SERVER": server.url, "GRADE_TOKEN": server.tokens["ann"]}
    remote = grade("submit", "neurons", "--file", str(NEURONS.solution_path), "--json", env=env, home=tmp_path)
    assert remote.returncode == 0, remote.stderr
    here = grade("submit", "neurons", "--file", str(NEURONS.solution_path), "--json", "--db", db_url, home=tmp_path)
    mine, local = json.loads(remote.stdout), json.loads(here.stdout)
    assert mine["student"] == "ann" and mine["schema_version"] == local["schema_version"]
    keep = ("name", "function", "passed", "points", "max_points", "message", "status")
    assert [{k: t[k] for k in keep} for t in mine["tests"]] == [{k: t[k] for k in keep} for t in local["tests"]]
    assert (mine["score"], mine["status"]) == (local["score"], local["status"]) == (12.0, "passed")
    table = grade("submit", "neurons", "--file", str(NEURONS.stub_path), env=env, home=tmp_path)
    assert table.returncode == 1 and "Score: 0/12 — recorded as submission" in table.stdout, table.stdout
    status = grade("status", "--json", env=env, home=tmp_path)
    report = json.loads(status.stdout)
    assert report["student"] == "ann" and report["exercises"][0]["best_score"] == 12.0
    assert report["exercises"][0]["attempts"] == 2 and str(ROOT / "exercises") in report["next"]
    quiz = grade("quiz", "neurons", "--answer", "neurons.1=a", "--json", env=env, home=tmp_path)
    assert quiz.returncode == 0, quiz.stderr
    assert json.loads(quiz.stdout)["answers"][0]["attempt"] == 1
    refused = grade("quiz", "neurons", "--answer", "neurons.1=a", "--student", "ben", env=env, home=tmp_path)
    assert refused.returncode == 2 and "act as yourself" in refused.stderr


def test_login_keeps_the_token_for_the_learner_only(server, tmp_path):
    done = grade("login", server.url, "--token", server.tokens["ben"], home=tmp_path)
    assert done.returncode == 0 and "as ben" in done.stdout, done.stderr
    saved = tmp_path / "nn-grade" / "login.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    status = grade("status", "--json", home=tmp_path)
    assert status.returncode == 0 and json.loads(status.stdout)["student"] == "ben"
    assert grade("logout", home=tmp_path).returncode == 0 and not saved.exists()
    wrong = grade("login", server.url, "--token", "not-a-token", home=tmp_path)
    assert wrong.returncode == 2 and "did not accept your token" in wrong.stderr and not saved.exists()


@pytest.mark.parametrize(
    "where, token, says",
    [
        ("unreachable", "anything", "cannot reach the course server"),
        ("server", "not-a-token", "did not accept your token"),
        ("server", "", "log in first"),
    ],
)
def test_a_failed_submission_is_one_line_and_leaves_the_file_alone(server, tmp_path, where, token, says):
    work = tmp_path / "neurons.py"
    work.write_bytes(NEURONS.solution_path.read_bytes())
    before = (hashlib.sha256(work.read_bytes()).hexdigest(), work.stat().st_mtime_ns)
    url = server.url if where == "server" else f"http://127.0.0.1:{free_port()}"
    done = grade(
        "submit", "neurons", "--file", str(work), env={"GRADE_SERVER": url, "GRADE_TOKEN": token}, home=tmp_path
    )
    assert done.returncode == 2 and says in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert (hashlib.sha256(work.read_bytes()).hexdigest(), work.stat().st_mtime_ns) == before


def test_roster_commands(cli, tmp_path, db_url):
    added = cli("roster", "add", "zoe", "yan", "--json", "--db", db_url, with_db=False)
    tokens = json.loads(added.output)
    assert [t["student"] for t in tokens] == ["zoe", "yan"] and len({t["token"] for t in tokens}) == 2
    again = cli("roster", "add", "zoe", "--db", db_url, with_db=False)
    assert again.exit_code == 2 and "already has a token" in again.output
    roster_csv = tmp_path / "class.csv"
    roster_csv.write_text("Name,SIS User ID,Email\nzoe,S-1,zoe@example.org\nxia,S-2,xia@example.org\n")
    imported = cli("roster", "import", str(roster_csv), "--json", "--db", db_url, with_db=False)
    assert [t["student"] for t in json.loads(imported.output)] == ["xia"]  # zoe keeps her token
    listing = json.loads(cli("roster", "list", "--json", "--db", db_url, with_db=False).output)
    assert {r["student"]: r["id"] for r in listing} == {"xia": "S-2", "yan": None, "zoe": "S-1"}
    assert cli("roster", "revoke", "yan", "--db", db_url, with_db=False).exit_code == 0
    listing = json.loads(cli("roster", "list", "--json", "--db", db_url, with_db=False).output)
    assert [r["active"] for r in listing] == [True, False, True]
    files = [Path(db_url.removeprefix("sqlite:///") + suffix) for suffix in ("", "-wal")]
    raw = b"".join(path.read_bytes() for path in files if path.exists())
    assert not any(t["token"].encode() in raw for t in tokens)  # stored hashed only


def test_a_release_for_a_server_says_how_to_log_in(cli, tmp_path):
    out = tmp_path / "learners"
    done = cli("release", str(out), "--server", "grader.example.org:8000")
    assert done.exit_code == 0, done.output
    assert 'url = "http://grader.example.org:8000"' in (out / "server.toml").read_text()
    readme = (out / "README.md").read_text()
    assert "grade login --token" in readme and "http://grader.example.org:8000" in readme
    assert "Practice runs" not in readme


def test_the_lms_gradebook_takes_the_roster_ids(cli, tmp_path, db_url):
    roster_csv = tmp_path / "class.csv"
    roster_csv.write_text("login,id,email\nzoe,S-1,zoe@example.org\n")
    assert cli("roster", "import", str(roster_csv), "--db", db_url, with_db=False).exit_code == 0
    assert cli("submit", "neurons", "--file", str(NEURONS.solution_path), "--student", "zoe").exit_code == 0
    out = tmp_path / "canvas.csv"
    assert cli("export", "csv", str(out), "--format", "canvas").exit_code == 0
    assert out.read_text().splitlines()[2].startswith("zoe,S-1,S-1,zoe,")
    out = tmp_path / "moodle.csv"
    assert cli("export", "csv", str(out), "--format", "moodle").exit_code == 0
    assert out.read_text().splitlines()[1].startswith("zoe,S-1,zoe@example.org,")
