"""A real course server for the tests: `grade serve` as a process on 127.0.0.1 and a free port, over a
database in a temporary folder, with its own config folder (the instructor's token) and a roster."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    def __init__(self, folder: Path, learners: list[str], *options: str, jobs: int | None = 2, db_url: str = ""):
        """`jobs` None: no --jobs (a server grading on `grade worker` hosts, --queue); `db_url`: another
        gradebook than a SQLite file in `folder` (a PostgreSQL database)."""
        from db.session import open_database
        from grader.service import roster

        self.folder = folder
        self.db_url = db_url or f"sqlite:///{folder / 'grades.sqlite3'}"
        self.config = folder / "config"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.options = [*options, *(["--jobs", str(jobs)] if jobs is not None else [])]
        database = open_database(self.db_url)
        self.tokens = {entry["student"]: entry["token"] for entry in roster.add(database, learners)} if learners else {}
        database.dispose()
        self.process = None
        self.log = folder / "server.log"

    def env(self) -> dict:
        return {**os.environ, "XDG_CONFIG_HOME": str(self.config), "PYTHONUNBUFFERED": "1"}

    def start(self, timeout: float = 120) -> ServerProcess:
        command = [sys.executable, "-m", "grader", "serve", "--db", self.db_url, "--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command + self.options, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"grade serve ended (code {self.process.returncode}):\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"grade serve did not answer within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def instructor_token(self) -> str:
        return (self.config / "nn-grade" / "instructor-token").read_text().strip()

    def stop(self, sig=signal.SIGTERM, timeout: float = 120) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    # ------------------------------------------------------------ requests

    def request(self, method: str, path: str, token: str | None = None, body=None, headers=None, timeout=120):
        """(status, headers, JSON or text) of one request; never raises for an HTTP status."""
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                status, answer_headers, raw = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, raw = error.code, error.headers, error.read()
        try:
            return status, answer_headers, json.loads(raw)
        except ValueError:
            return status, answer_headers, raw.decode("utf-8", "replace")

    def submit(self, token: str | None, exercise: str, content: bytes, filename: str = "", wait: float = 0):
        from grader.server.client import multipart

        body, kind = multipart({"exercise": exercise}, "file", filename or f"{exercise}.py", content)
        return self.request("POST", f"/api/v1/submissions?wait={wait:g}", token, body, {"Content-Type": kind})

    def wait_done(self, token: str, submission_id: int, timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _, view = self.request("GET", f"/api/v1/submissions/{submission_id}?wait=30", token)
            assert status == 200, view
            if view["state"] == "done":
                return view
        raise AssertionError(f"submission {submission_id} was not graded within {timeout} s")
