"""The learner's side of the course server's API, with the standard library only (urllib, json): quick to
import, so `grade submit` stays quick.

Every way a request can fail is one UsageProblem line (exit code 2): a server that cannot be reached,
a token it does not accept, a file over its limit, a rate limit or a full queue (with when to try
again). Nothing is sent that was not read whole first, so a learner's file is never touched, and a
refused submission is not recorded at all.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request

from grader.errors import UsageProblem
from grader.server.login import Login

WAIT_S = 60.0  # how long one request waits on the server for a result
GIVE_UP_S = 900.0  # a submission not graded after this long: say so, it stays queued on the server


class ServerProblem(UsageProblem):
    """The course server could not be used for this request (one line; nothing was recorded)."""


def multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = "grade-" + secrets.token_hex(16)
    safe_name = filename.replace('"', "_").replace("\r", "_").replace("\n", "_")
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{safe_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    def __init__(self, login: Login):
        self.login = login

    def _problem(self, status: int, message: str, retry_after: str | None) -> ServerProblem:
        where = self.login.url
        if status == 401:
            return ServerProblem(
                f"the course server at {where} did not accept your token; log in with the token your instructor "
                f"gave you: `grade login {where} --token TOKEN`"
            )
        if status in (429, 503):
            wait = f" (try again in {retry_after} s)" if retry_after and retry_after not in message else ""
            return ServerProblem(f"{message}{wait}; nothing was recorded")
        return ServerProblem(message or f"the course server at {where} answered with HTTP status {status}")

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "", timeout=30.0):
        """(status, JSON answer) of one request; ServerProblem for any failure."""
        if not self.login.token:
            raise ServerProblem(
                f"this course is graded on the server {self.login.url}; log in first with the token your "
                f"instructor gave you: `grade login {self.login.url} --token TOKEN`"
            )
        headers = {"Authorization": f"Bearer {self.login.token}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.login.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                message = str(json.loads(error.read() or b"{}").get("error", ""))
            except (ValueError, AttributeError, OSError):
                message = ""
            raise self._problem(error.code, message, error.headers.get("Retry-After")) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise ServerProblem(
                f"cannot reach the course server at {self.login.url} ({reason}); check the address and your "
                "network and try again; nothing was recorded"
            ) from None
        except ValueError:
            raise ServerProblem(f"{self.login.url} did not answer like a course server; check the address") from None

    def get(self, path: str, timeout: float = 30.0) -> dict:
        return self.request("GET", path, timeout=timeout)[1]

    def post_json(self, path: str, data: dict) -> dict:
        return self.request("POST", path, json.dumps(data).encode(), "application/json")[1]

    def submit(self, exercise: str, filename: str, content: bytes, on_wait=None) -> dict:
        """Upload a file and wait for its result; the submission's view (see grader.service.jobs.view)."""
        body, kind = multipart({"exercise": exercise}, "file", filename, content)
        _, view = self.request("POST", f"/api/v1/submissions?wait={WAIT_S:g}", body, kind, timeout=WAIT_S + 30)
        started = time.monotonic()
        while view.get("state") != "done":
            if on_wait:
                on_wait(view)
            if time.monotonic() - started > GIVE_UP_S:
                raise ServerProblem(
                    f"submission {view['id']} is still {view.get('state')} on the server; it will be graded and "
                    "recorded: `grade status` shows it later"
                )
            view = self.get(f"/api/v1/submissions/{view['id']}?wait={WAIT_S:g}", timeout=WAIT_S + 30)
        return view

    def status(self) -> dict:
        return self.get("/api/v1/status")

    def quizzes(self) -> dict:
        return self.get("/api/v1/quizzes")

    def answer(self, quiz: str, answers: list[str]) -> dict:
        return self.post_json("/api/v1/quiz-answers", {"quiz": quiz, "answers": answers})
